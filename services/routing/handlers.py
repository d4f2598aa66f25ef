"""Routing's use cases: load the case, decide, append with the expected version, index it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import asyncpg

from services.routing.adapters import case_index
from services.routing.domain.assignment import Jurisdictions, decide_assignment
from services.routing.domain.case import Case, fold
from services.routing.domain.commands import Command, Rules
from services.routing.domain.lifecycle import decide
from services.routing.domain.reactions import on_breach, on_feedback, on_review_requested
from shared.events import (
    REGISTRY,
    ClockBreached,
    Event,
    FeedbackGiven,
    Metadata,
    PetitionSubmitted,
    RecordedEvent,
    ReviewRequested,
)
from shared.http.auth import Principal
from shared.http.errors import not_found
from shared.messaging.consumer import Consumed
from shared.service import Context

ROUTING_ACTOR = "system:routing"


def case_stream(case_id: str) -> str:
    return f"case-{case_id}"


@dataclass(frozen=True)
class Routing:
    """What routing's handlers work with: the runtime, the jurisdictions, the deployment's rules."""

    ctx: Context
    where: Jurisdictions
    rules: Rules

    async def load(self, conn: asyncpg.Connection, case_id: str) -> tuple[Case, list[RecordedEvent]]:
        history = await self.ctx.store.load(conn, case_stream(case_id))
        return fold([REGISTRY.decode(e) for e in history]), history

    async def record(
        self, conn: asyncpg.Connection, case_id: str, state: Case, events: list[Event], metadata: Metadata
    ) -> list[RecordedEvent]:
        if not events:
            return []
        recorded = await self.ctx.store.append(conn, case_stream(case_id), state.version, events, metadata, case_id)
        await case_index.save(conn, self.ctx.name, fold(events, state))
        self.ctx.relay.poke()
        return recorded

    async def command(
        self, case_id: str, command: Command, principal: Principal, authorize: Callable[[Case], None]
    ) -> tuple[Case, list[RecordedEvent]]:
        """An official's command: decided on the current state, recorded in the caller's name."""
        async with self.ctx.pool.acquire() as conn, conn.transaction():
            state, history = await self.load(conn, case_id)
            if not history:
                raise not_found("case")
            authorize(state)
            events = decide(state, command, self.where, self.rules)
            metadata = Metadata(
                correlation_id=history[0].correlation_id,
                causation_id=history[-1].id,
                actor=principal.sub,
                actor_unit=principal.division,
            )
            recorded = await self.record(conn, case_id, state, events, metadata)
        return fold(events, state), recorded

    async def react(
        self, conn: asyncpg.Connection, event: RecordedEvent, decide_on: Callable[[Case], list[Event]]
    ) -> None:
        state, _ = await self.load(conn, event.subject)
        events = decide_on(state)
        await self.record(conn, event.subject, state, events, event.caused(ROUTING_ACTOR, state.division_code))

    async def on_events(self, conn: asyncpg.Connection, batch: list[Consumed]) -> None:
        for c in batch:
            p = c.payload
            if isinstance(p, PetitionSubmitted):
                await self.on_petition_submitted(conn, c.event, p)
            elif isinstance(p, FeedbackGiven):
                await self.on_feedback(conn, c.event, p)
            elif isinstance(p, ReviewRequested):
                await self.on_review_requested(conn, c.event, p)
            elif isinstance(p, ClockBreached):
                await self.on_clock_breached(conn, c.event, p)

    async def on_petition_submitted(self, conn: asyncpg.Connection, event: RecordedEvent, p: PetitionSubmitted) -> None:
        await self.react(conn, event, lambda state: decide_assignment(state, p, self.where))

    async def on_feedback(self, conn: asyncpg.Connection, event: RecordedEvent, f: FeedbackGiven) -> None:
        await self.react(conn, event, lambda state: on_feedback(state, f))

    async def on_review_requested(self, conn: asyncpg.Connection, event: RecordedEvent, r: ReviewRequested) -> None:
        await self.react(conn, event, lambda state: on_review_requested(state, r, self.where))

    async def on_clock_breached(self, conn: asyncpg.Connection, event: RecordedEvent, b: ClockBreached) -> None:
        await self.react(conn, event, lambda state: on_breach(state, b, self.where, self.rules))
