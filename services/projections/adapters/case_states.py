"""The folded cases the live path starts from: kept in memory between batches, or read from their rows."""

from __future__ import annotations

from collections import OrderedDict

import asyncpg
import orjson
from pydantic import ValidationError

from services.projections.domain.case import CaseState, from_document


class StateCache:
    """Folded cases kept between batches, so a case moving on is not read back from its document.

    An entry is the state a transaction wrote, with that transaction's id. It is used only if that
    transaction committed and the stored timeline is still as long and ends with the same event
    (events are only ever added, under the case's lock): a rollback (also of a savepoint), another
    instance's write or a new generation make it a miss. Bounded (least recently used go first), so memory stays flat.
    """

    def __init__(self, size: int = 10_000) -> None:
        self._size = size
        self._states: OrderedDict[tuple[str, str], tuple[int, CaseState]] = OrderedDict()

    def get(self, schema: str, case_id: str) -> tuple[int, CaseState] | None:
        found = self._states.get((schema, case_id))
        if found is not None:
            self._states.move_to_end((schema, case_id))
        return found

    def put(self, schema: str, xid: int, state: CaseState) -> None:
        if self._size:
            self._states[schema, state.case_id] = (xid, state)
            self._states.move_to_end((schema, state.case_id))
        while len(self._states) > self._size:
            self._states.popitem(last=False)


async def stored_states(
    conn: asyncpg.Connection, schema: str, touched: list[str], cache: StateCache
) -> dict[str, tuple[str | None, str, CaseState | None, str]]:
    """Each touched case's division, contribution, state (its document is read only on a cache miss) and facts.

    The state is None when the stored document has an older layout: that case is folded again from its log.
    """
    cached = {case_id: hit for case_id in touched if (hit := cache.get(schema, case_id)) is not None}
    rows = await conn.fetch(
        f"""SELECT v.case_id, v.division, v.contrib, v.facts,
                   CASE WHEN c.folded = jsonb_array_length(v.doc->'timeline')
                         AND v.doc->'timeline'->-1->>'event_id' = c.last
                         AND pg_xact_status(c.xid::text::xid8) = 'committed' THEN NULL ELSE v.doc END AS doc
            FROM {schema}.case_view v
            LEFT JOIN unnest($2::text[], $3::int[], $4::bigint[], $5::text[]) AS c(case_id, folded, xid, last)
                USING (case_id)
            WHERE v.case_id = ANY($1::text[])""",
        touched,
        list(cached),
        [len(state.timeline) for _, state in cached.values()],
        [xid for xid, _ in cached.values()],
        [state.timeline[-1].event_id if state.timeline else None for _, state in cached.values()],
    )
    found = {}
    for row in rows:
        doc = row["doc"]
        state = cached[row["case_id"]][1] if doc is None else _readable(doc)
        found[row["case_id"]] = (row["division"], row["contrib"], state, row["facts"])
    return found


def _readable(doc: str) -> CaseState | None:
    try:
        return from_document(orjson.loads(doc))
    except ValidationError:  # written by an older version of the fold
        return None
