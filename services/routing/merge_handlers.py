"""Merging similar matters (並案) and undoing it: load every case involved, decide, append each in one transaction."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import asyncpg

from services.routing.adapters import case_index, work_index
from services.routing.domain.case import Case, fold
from services.routing.domain.commands import Merge, Unmerge
from services.routing.domain.merging import Decided, decide_merge, decide_unmerge
from services.routing.handlers import ACTING_ROLES, Routing, case_stream
from shared.domain import NotFound
from shared.events import REGISTRY, Metadata, RecordedEvent
from shared.http.auth import Principal


@dataclass(frozen=True)
class Merged:
    """Every case a merge or unmerge touched, as it is now, and the events it recorded (none for a repeat)."""

    cases: dict[str, Case]
    recorded: list[RecordedEvent]


async def merge(routing: Routing, lead_id: str, command: Merge, principal: Principal) -> Merged:
    """Merge `command.case_ids` into `lead_id`: the caller must have every one of them in scope."""
    case_ids = [lead_id, *command.case_ids]
    return await _decided(routing, case_ids, principal, lambda s: decide_merge(s[lead_id], s, command))


async def unmerge(routing: Routing, case_id: str, command: Unmerge, principal: Principal) -> Merged:
    """Undo the merge of `case_id` into its lead (the lead's scope and the case's)."""
    async with routing.ctx.pool.acquire() as conn:
        state, _history = await routing.load(conn, case_id)
    lead_id = state.merged_into or state.unmerged_from
    case_ids = [case_id, *([lead_id] if lead_id else [])]

    def decided(states: dict[str, Case]) -> Decided:
        return decide_unmerge(states[case_id], states.get(lead_id or ""), command, routing.where)

    return await _decided(routing, case_ids, principal, decided)


async def _decided(
    routing: Routing, case_ids: Sequence[str], principal: Principal, decide: Callable[[dict[str, Case]], Decided]
) -> Merged:
    principal.require_role(*ACTING_ROLES)
    async with routing.ctx.transaction() as conn:
        states, histories = await _load(routing, conn, case_ids)
        for state in states.values():
            # As for the similar-matters suggestions: the matter's place or its unit's division is ours.
            principal.require_jurisdiction(state.location_code, state.division_code)
        decided = decide(states)
        recorded: list[RecordedEvent] = []
        for case_id in sorted(decided):  # streams in id order, as every multi-case writer takes them
            history, events = histories[case_id], decided[case_id]
            metadata = Metadata(
                correlation_id=history[0].correlation_id,
                causation_id=history[-1].id,
                actor=principal.sub,
                actor_unit=principal.division,
            )
            state = states[case_id]
            recorded += await routing.ctx.store.append(
                conn, case_stream(case_id), state.version, events, metadata, case_id
            )
            states[case_id] = fold(events, state)
        touched = [states[case_id] for case_id in sorted(decided)]
        await case_index.save(conn, routing.ctx.name, touched)
        await work_index.save(conn, routing.ctx.name, touched)  # a merged-in case's supervision waits no more
    return Merged(states, recorded)


async def _load(
    routing: Routing, conn: asyncpg.Connection, case_ids: Sequence[str]
) -> tuple[dict[str, Case], dict[str, list[RecordedEvent]]]:
    loaded = await routing.ctx.store.load_many(conn, [case_stream(c) for c in case_ids])
    histories = {c: loaded.get(case_stream(c), []) for c in case_ids}
    missing = [c for c, history in histories.items() if not history]
    if missing:
        raise NotFound(f"case {missing[0]}")
    return {c: fold(REGISTRY.decode(e) for e in h) for c, h in histories.items()}, histories
