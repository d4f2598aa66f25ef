"""SLA's use cases: clocks from routing's events, officials' pauses, the system clock (timers: timers.py)."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

import asyncpg
import structlog

from services.sla.adapters.timers import TimerStore
from services.sla.domain import commands
from services.sla.domain.clocks import CaseClocks, Clock, Timed, fold
from services.sla.domain.firing import schedule
from services.sla.domain.reactions import react
from services.sla.domain.rules import ClockRules
from shared.clock import SystemClock
from shared.domain import Forbidden, Invalid, NotFound
from shared.events import REGISTRY, Event, Metadata, RecordedEvent, SystemClockMoved
from shared.eventstore.port import EventStore
from shared.http.auth import Principal
from shared.jurisdiction.petition_bureau import division_of_unit
from shared.messaging.batch_appends import BatchAppends
from shared.messaging.consumer import Consumed
from shared.runtime import committing
from shared.vocabulary import Role

log = structlog.get_logger()

SLA_ACTOR = "system:sla"
CLOCK_STREAM = "system-clock"
ACTING_ROLES = (Role.OFFICIAL, Role.SUPERVISOR, Role.ADMIN)


def clocks_stream(case_id: str) -> str:
    return f"clocks-{case_id}"


@dataclass(frozen=True)
class Sla:
    """What sla's use cases work with: its event store, its timers, the deployment's clock rules."""

    store: EventStore
    timers: TimerStore
    rules: ClockRules
    pool: asyncpg.Pool
    clock: SystemClock
    poke: Callable[[], None] = lambda: None
    dev: bool = False

    async def load(self, conn: asyncpg.Connection, case_id: str) -> tuple[CaseClocks, list[RecordedEvent]]:
        history = await self.store.load(conn, clocks_stream(case_id))
        return fold(_timed(history)), history

    async def record(
        self, conn: asyncpg.Connection, case_id: str, state: CaseClocks, events: list[Event], metadata: Metadata
    ) -> CaseClocks:
        recorded = await self.store.append(conn, clocks_stream(case_id), state.version, events, metadata, case_id)
        return fold(((e, r.time) for e, r in zip(events, recorded, strict=True)), state)

    async def on_events(self, conn: asyncpg.Connection, batch: list[Consumed]) -> None:
        """Start and stop clocks as routing's steps say, timed by routing's events, a batch at once.

        Every case the batch touches is locked (in one order) and loaded in one read; each event is
        decided on the clocks the ones before it left; the new events, then the timers they call
        for, are written in one statement each.
        """
        subjects = list(dict.fromkeys(c.event.subject for c in batch))
        await self.timers.lock_cases(conn, subjects)
        histories = await self.store.load_many(conn, [clocks_stream(s) for s in subjects])
        states = {s: fold(_timed(histories.get(clocks_stream(s), []))) for s in subjects}
        appends = BatchAppends()
        for consumed in batch:
            case_id, at = consumed.event.subject, consumed.event.time
            state = states[case_id]
            events = react(consumed.payload, state, at, self.rules)
            appends.add(clocks_stream(case_id), state.version, events, consumed.event.caused(SLA_ACTOR), case_id)
            # Until recorded, an event's own time is not known: the routing event's stands in. No
            # decision and no timer reads it (they read starts, dues and pauses, which events carry).
            states[case_id] = fold(((e, at) for e in events), state)
        if appends:
            await appends.write(self.store, conn)
            changed = set(appends.streams)
            timers = {s: schedule(states[s], self.rules) for s in subjects if clocks_stream(s) in changed}
            await self.timers.schedule(conn, timers)

    async def clocks(self, case_id: str, principal: Principal) -> CaseClocks:
        """A case's clocks, for someone whose jurisdiction one of its units lies in."""
        async with self.pool.acquire() as conn:
            state, history = await self.load(conn, case_id)
        if not history:
            raise NotFound("case clocks")
        principal.require_jurisdiction(*(division_of_unit(c.unit_id) for c in state.clocks.values() if c.unit_id))
        return state

    async def pause(self, case_id: str, clock_id: str, reason: str, principal: Principal) -> Clock:
        now = self.clock.now()
        return await self._command(case_id, clock_id, principal, lambda s: commands.pause(s, clock_id, reason, now))

    async def resume(self, case_id: str, clock_id: str, principal: Principal) -> Clock:
        now = self.clock.now()
        return await self._command(case_id, clock_id, principal, lambda s: commands.resume(s, clock_id, now))

    async def _command(
        self, case_id: str, clock_id: str, principal: Principal, decide: Callable[[CaseClocks], list[Event]]
    ) -> Clock:
        """An official's command on one of the case's clocks, decided on the current state."""
        principal.require_role(*ACTING_ROLES)
        async with committing(self.pool, self.poke) as conn:
            await self.timers.lock_case(conn, case_id)
            state, history = await self.load(conn, case_id)
            if not history:
                raise NotFound("case clocks")
            unit = state.unit_of(commands.clock_of(state, clock_id).clock_id)
            principal.require_unit(unit)  # a county department's official: its own unit's clocks only
            metadata = Metadata(
                correlation_id=history[-1].correlation_id,
                causation_id=history[-1].id,
                actor=principal.sub,
                actor_unit=principal.division,
            )
            state = await self.record(conn, case_id, state, decide(state), metadata)
            await self.timers.schedule(conn, {case_id: schedule(state, self.rules)})
        return state.clocks[clock_id]

    async def move_clock(self, advance: timedelta | None, set_to: datetime | None, actor: str) -> datetime:
        """Move the whole system's simulated time forward; it never runs backwards."""
        if not self.dev:
            raise Forbidden("the simulated clock exists only when PUJIANG_ENV=dev")
        target = set_to if set_to is not None else self.clock.now() + (advance or timedelta(0))
        if target < self.clock.now():
            raise Invalid("set" if set_to else "advance", "would move time backwards")
        offset = self.clock.offset + (target - self.clock.now())
        moved = SystemClockMoved(offset_ms=int(offset.total_seconds() * 1000), now=target)
        async with committing(self.pool, self.poke) as conn:
            version = await self.store.stream_version(conn, CLOCK_STREAM)
            await self.store.append(
                conn,
                CLOCK_STREAM,
                version,
                [moved],
                Metadata(correlation_id=uuid.uuid4(), actor=actor),
                subject=CLOCK_STREAM,
            )
        await self._followed(timedelta(milliseconds=moved.offset_ms))
        return self.clock.now()

    async def _followed(self, offset: timedelta, timeout_s: float = 10.0) -> None:
        """Wait until our move comes back on the clock topic, as it reaches every other instance.

        Setting the offset here first would not last: the follower still has older moves to
        apply, and for a moment this instance's time would run backwards and stamp events with it.
        """
        deadline = time.monotonic() + timeout_s
        while self.clock.offset < offset:
            if time.monotonic() > deadline:
                log.warning("clock.move_not_followed", offset_s=offset.total_seconds())
                self.clock.set_offset(offset)
                return
            await asyncio.sleep(0.01)


def _timed(history: Iterable[RecordedEvent]) -> Iterator[Timed]:
    return ((REGISTRY.decode(e), e.time) for e in history)
