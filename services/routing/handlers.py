"""Routing's use cases: load the case, decide, append with the expected version."""

from __future__ import annotations

import asyncpg

from services.routing.domain.assignment import Jurisdictions, decide_assignment
from services.routing.domain.case import fold
from shared.events import REGISTRY, PetitionSubmitted, RecordedEvent
from shared.service import Context

ROUTING_ACTOR = "system:routing"


def case_stream(case_id: str) -> str:
    return f"case-{case_id}"


async def on_petition_submitted(
    ctx: Context, where: Jurisdictions, conn: asyncpg.Connection, event: RecordedEvent, petition: PetitionSubmitted
) -> None:
    stream = case_stream(petition.case_id)
    history = await ctx.store.load(conn, stream)
    state = fold([REGISTRY.decode(e) for e in history])
    decided = decide_assignment(state, petition, where)
    if decided:
        await ctx.store.append(conn, stream, state.version, decided, event.caused(ROUTING_ACTOR), petition.case_id)
        ctx.relay.poke()
