"""Petitions as a client would send them, and waiting for what the system makes of them."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import asyncpg
import httpx

from tests.support.polling import eventually

PUJIANG_VILLAGE = "330726001001"


def a_petition(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "channel": "online",
        "division_code": PUJIANG_VILLAGE,
        "category": "neighbourhood_dispute",
        "title": "鄰居的牆擋住了排水",
        "content": f"The neighbour's new wall blocks the drain ({uuid.uuid4().hex[:6]}).",
        "petitioner": {"name": "王芳", "phone": f"138{uuid.uuid4().int % 10**8:08d}", "anonymous": False},
    }
    body.update(overrides)
    return body


def wait_for_case(
    client: httpx.Client,
    projections: str,
    case_id: str,
    headers: dict[str, str],
    until: Any = None,
    timeout: float = 30,
) -> dict[str, Any]:
    """Poll the read model until the case exists (and `until(case)` holds)."""

    def read() -> dict[str, Any] | None:
        response = client.get(f"{projections}/v1/cases/{case_id}", headers=headers)
        return response.json() if response.status_code == 200 else None

    case: dict[str, Any] | None = eventually(
        read,
        lambda c: c is not None and (until is None or until(c)),
        timeout=timeout,
        what=f"case {case_id} in the expected state",
    )
    assert case is not None
    return case


def worklist_rows(
    routing: str, client: httpx.Client, headers: dict[str, str], **params: str
) -> dict[str, dict[str, Any]]:
    """Every row of a unit's worklist by case id, page after page: other tests leave cases at the
    same units, so the one a test looks for may be past the first page."""
    rows: dict[str, dict[str, Any]] = {}
    cursor = ""
    while True:
        answer = client.get(
            f"{routing}/v1/worklist", headers=headers, params={**params, "limit": 500, "cursor": cursor}
        )
        assert answer.status_code == 200, answer.text
        page = answer.json()
        rows.update((c["case_id"], c) for c in page["cases"])
        if not page["next_cursor"]:
            return rows
        cursor = page["next_cursor"]


def petitions_submitted(database_url: str) -> int:
    """How many petitions intake has recorded, straight from its event store (to see nothing was written)."""

    async def count() -> int:
        conn = await asyncpg.connect(database_url)
        try:
            return int(await conn.fetchval("SELECT count(*) FROM intake.events WHERE type = 'PetitionSubmitted'"))
        finally:
            await conn.close()

    return asyncio.run(count())


# What a unit's receipt of a case starts: the statutory acceptance limit, its sign-off and its
# window to send the case back (services/sla/data/policies.yaml, docs/lifecycle.md).
RECEIPT_CLOCKS = frozenset({"acceptance", "signoff", "forward_objection"})
