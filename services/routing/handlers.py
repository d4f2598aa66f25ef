"""Routing's use cases: load the case, decide, append with the expected version, index it.

One object for every handler: an official's lifecycle command, a step of the work across units
(whose authorization the domain decides from the caller's role and division), the worklists, and
the consumer's reactions; the case index and the work index are written in the same transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

import asyncpg

from services.routing.adapters import case_index, objection_windows, work_index
from services.routing.domain.aftercare import on_withdrawal_requested
from services.routing.domain.assignment import Jurisdictions, decide_assignment
from services.routing.domain.case import Case, fold
from services.routing.domain.commands import Command, Merge, Object, Rules, Unmerge
from services.routing.domain.lifecycle import decide
from services.routing.domain.merging import Decided, decide_merge, decide_unmerge
from services.routing.domain.objection_window import WINDOW_EVENTS, ObjectionWindow, window_after
from services.routing.domain.reactions import on_breach, on_feedback, on_received_by_leader, on_review_requested
from services.routing.domain.unit_work import acting_unit, decide_objection
from services.routing.domain.work import decide_work
from services.routing.domain.work_commands import Actor, WorkCommand, WorkRules
from shared.divisions import level_of, significant_prefix
from shared.domain import Forbidden, NotFound
from shared.events import (
    REGISTRY,
    ClockBreached,
    Event,
    FeedbackGiven,
    Metadata,
    PetitionSubmitted,
    ReceivedByLeader,
    RecordedEvent,
    ReviewRequested,
    WithdrawalRequested,
)
from shared.http.auth import Principal
from shared.messaging.batch_appends import BatchAppends
from shared.messaging.consumer import Consumed
from shared.service import Context
from shared.vocabulary import Role

ROUTING_ACTOR = "system:routing"
ACTING_ROLES = (Role.OFFICIAL, Role.SUPERVISOR, Role.ADMIN)
CONSUMED = frozenset(
    e.type_name()
    for e in (
        PetitionSubmitted,
        FeedbackGiven,
        ReviewRequested,
        ReceivedByLeader,
        ClockBreached,
        WithdrawalRequested,
        *WINDOW_EVENTS,  # when each unit's forward-objection window ends (sla's due)
    )
)


def case_stream(case_id: str) -> str:
    return f"case-{case_id}"


@dataclass(frozen=True)
class Changed:
    """What an official's command did: the case as it is now and the events it recorded."""

    case: Case
    recorded: list[RecordedEvent]


@dataclass(frozen=True)
class Merged:
    """Every case a merge or unmerge touched, as it is now, and the events it recorded (none for a repeat)."""

    cases: dict[str, Case]
    recorded: list[RecordedEvent]


def _require_all_in_scope(principal: Principal, states: dict[str, Case]) -> None:
    # As for the similar-matters suggestions: each matter's place or its unit's division is the caller's.
    # A county department's official merges only cases at its own unit.
    for state in states.values():
        principal.require_jurisdiction(state.location_code, state.division_code)
        if principal.unit is not None:
            principal.require_unit(state.unit_id)


@dataclass(frozen=True)
class Worklist:
    cases: list[dict[str, Any]]
    next_cursor: str | None


@dataclass(frozen=True)
class Routing:
    """What routing's handlers work with: the runtime, the jurisdictions, the deployment's rules."""

    ctx: Context
    where: Jurisdictions
    rules: Rules
    work_rules: WorkRules
    tz: ZoneInfo  # the deployment's, for the (possibly simulated) today of the work across units

    async def load(self, conn: asyncpg.Connection, case_id: str) -> tuple[Case, list[RecordedEvent]]:
        history = await self.ctx.store.load(conn, case_stream(case_id))
        return fold(REGISTRY.decode(e) for e in history), history

    async def command(self, case_id: str, command: Command, principal: Principal) -> Changed:
        """An official's command: decided on the current state, recorded in the caller's name."""
        principal.require_role(*ACTING_ROLES)

        def decided(state: Case) -> list[Event]:
            principal.require_unit(acting_unit(state, command))
            return decide(state, command, self.where, self.rules)

        return await self._record_one(case_id, principal, decided)

    async def object_to(self, case_id: str, command: Object, principal: Principal) -> Changed:
        """A unit's send-back (退单), decided at the system's now against its window's due as sla timed it."""
        principal.require_role(*ACTING_ROLES)
        now = self.ctx.clock.now()
        async with self.ctx.pool.acquire() as conn:
            window = (await objection_windows.load(conn, self.ctx.name, [case_id])).get(case_id)

        def decided(state: Case) -> list[Event]:
            principal.require_unit(acting_unit(state, command))
            return decide_objection(state, command, self.where, now, window)

        return await self._record_one(case_id, principal, decided)

    async def step(self, case_id: str, command: WorkCommand, principal: Principal) -> Changed:
        """A step of the work across units, with its own authorization (decided in the domain)."""
        today = self.ctx.clock.now().astimezone(self.tz).date()
        actor = Actor(sub=principal.sub, role=principal.role, division=principal.division, unit=principal.unit)
        return await self._record_one(
            case_id, principal, lambda state: decide_work(state, command, actor, self.where, self.work_rules, today)
        )

    async def merge(self, lead_id: str, command: Merge, principal: Principal) -> Merged:
        """Merge `command.case_ids` into `lead_id` (並案): the caller must have every one of them in scope."""
        principal.require_role(*ACTING_ROLES)

        def decided(states: dict[str, Case]) -> Decided:
            _require_all_in_scope(principal, states)
            return decide_merge(states[lead_id], states, command)

        return Merged(*await self._record([lead_id, *command.case_ids], principal, decided))

    async def unmerge(self, case_id: str, command: Unmerge, principal: Principal) -> Merged:
        """Undo the merge of `case_id` into its lead (the lead's scope and the case's)."""
        principal.require_role(*ACTING_ROLES)
        async with self.ctx.pool.acquire() as conn:
            state, _history = await self.load(conn, case_id)
        lead_id = state.merged_into or state.unmerged_from

        def decided(states: dict[str, Case]) -> Decided:
            _require_all_in_scope(principal, states)
            return decide_unmerge(states[case_id], states.get(lead_id or ""), command, self.where)

        return Merged(*await self._record([case_id, *([lead_id] if lead_id else [])], principal, decided))

    async def _record_one(self, case_id: str, principal: Principal, decided: Callable[[Case], list[Event]]) -> Changed:
        states, recorded = await self._record([case_id], principal, lambda s: {case_id: decided(s[case_id])})
        return Changed(states[case_id], recorded)

    async def _record(
        self, case_ids: Sequence[str], principal: Principal, decide: Callable[[dict[str, Case]], Decided]
    ) -> tuple[dict[str, Case], list[RecordedEvent]]:
        """Every command's core: load the cases, decide on them, append each case's events with its
        expected version, and index them, in one transaction recorded in the caller's name and unit."""
        async with self.ctx.transaction() as conn:  # the relay is poked once this has committed
            loaded = await self.ctx.store.load_many(conn, [case_stream(c) for c in case_ids])
            histories = {c: loaded.get(case_stream(c), []) for c in case_ids}
            missing = [c for c, history in histories.items() if not history]
            if missing:
                raise NotFound("case" if len(case_ids) == 1 else f"case {missing[0]}")
            states = {c: fold(REGISTRY.decode(e) for e in h) for c, h in histories.items()}
            decided = decide(states)
            recorded: list[RecordedEvent] = []
            for case_id in sorted(decided):  # streams in id order, as every multi-case writer takes them
                history, state, events = histories[case_id], states[case_id], decided[case_id]
                metadata = Metadata(
                    correlation_id=history[0].correlation_id,
                    causation_id=history[-1].id,
                    actor=principal.sub,
                    actor_unit=principal.division,
                )
                # The stream version is the optimistic concurrency check: of two concurrent commands one wins.
                stream = case_stream(case_id)
                recorded += await self.ctx.store.append(conn, stream, state.version, events, metadata, case_id)
                states[case_id] = fold(events, state)
            await self._index(conn, [states[c] for c in sorted(decided)])
        return states, recorded

    async def _index(self, conn: asyncpg.Connection, cases: list[Case]) -> None:
        await case_index.save(conn, self.ctx.name, cases)
        await work_index.save(conn, self.ctx.name, cases)  # a closed case's supervision waits no more

    async def worklist(self, principal: Principal, cursor: str, limit: int, assignee: str | None = None) -> Worklist:
        """Open cases waiting on the units of the caller's own division, a page at a time, marked with
        open tasks and pending supervision; on the first page also the cases it assists on
        (`assisting`: its open task), which another unit leads. With `assignee` (`me` is the
        caller) only the cases that official is in charge of."""
        official = principal.sub if assignee == "me" else assignee
        first = not cursor and assignee is None  # the cases assisted on have no official in charge here
        async with self.ctx.pool.acquire() as conn:
            # A county department's official (the token's `unit`) sees its own unit's cases only.
            unit = principal.unit
            own = await case_index.worklist(conn, self.ctx.name, principal.division, cursor, limit, official, unit)
            helping = await work_index.assisting(conn, self.ctx.name, principal.division, 500, unit) if first else []
            ids = list(dict.fromkeys([c["case_id"] for c in own] + [c["case_id"] for c in helping]))
            counts = await work_index.pending(conn, self.ctx.name, ids)
        zero = {"open_tasks": 0, "supervision_pending": 0}
        rows = [{**c, **counts.get(c["case_id"], zero)} for c in own]
        by_id = {c["case_id"]: c for c in rows}
        for row in helping:
            task = {"task_id": row.pop("task_id"), "unit_id": row.pop("task_unit_id"), "status": row.pop("task_status")}
            lead = by_id.get(row["case_id"])
            if lead is None:
                lead = by_id[row["case_id"]] = {**row, **counts.get(row["case_id"], zero)}
                rows.append(lead)
            lead.setdefault("assisting", []).append(task)
        for row in rows:
            row.setdefault("assisting", [])
        return Worklist(rows, own[-1]["case_id"] if len(own) == limit else None)

    async def collective(self, principal: Principal, cursor: str, limit: int) -> Worklist:
        """The collective petitions the caller's unit is told of (the policy's `inform` level and above)."""
        level = level_of(principal.division)
        if principal.unit is not None:  # told to the petition bureau, not to a county department
            raise Forbidden("collective petitions are reported to the petition bureau, not to a department")
        if level.rank < self.where.collective.inform.rank:
            raise Forbidden(f"collective petitions are reported to the {self.where.collective.inform} level and above")
        async with self.ctx.pool.acquire() as conn:
            within = significant_prefix(principal.division)
            cases = await case_index.collective(conn, self.ctx.name, within, cursor, limit)
        return Worklist(cases, cases[-1]["case_id"] if len(cases) == limit else None)

    async def on_events(self, conn: asyncpg.Connection, batch: list[Consumed]) -> None:
        """A consumed batch at once: every case it touches loaded in one read, each event decided in
        order on the state the ones before it left, new events and the index written in one go."""
        windows = [c.payload for c in batch if isinstance(c.payload, WINDOW_EVENTS)]
        if windows:
            await self._follow_windows(conn, windows)
            batch = [c for c in batch if not isinstance(c.payload, WINDOW_EVENTS)]
        if not batch:
            return
        subjects = list(dict.fromkeys(c.event.subject for c in batch))
        histories = await self.ctx.store.load_many(conn, [case_stream(s) for s in subjects])
        states = {s: fold(REGISTRY.decode(e) for e in histories.get(case_stream(s), [])) for s in subjects}
        appends = BatchAppends()
        for consumed in batch:
            case_id = consumed.event.subject
            state = states[case_id]
            events = self._reaction(consumed.payload)(state)
            metadata = consumed.event.caused(ROUTING_ACTOR, state.division_code)
            appends.add(case_stream(case_id), state.version, events, metadata, case_id)
            states[case_id] = fold(events, state)
        if appends:
            await appends.write(self.ctx.store, conn)
            await self._index(conn, [states[s] for s in subjects if case_stream(s) in appends.streams])

    async def _follow_windows(self, conn: asyncpg.Connection, events: Sequence[Event]) -> None:
        """Keep each case's forward-objection window as sla's clock events say (no routing event)."""
        case_ids = list(dict.fromkeys(e.case_id for e in events if isinstance(e, WINDOW_EVENTS)))
        known = await objection_windows.load(conn, self.ctx.name, case_ids)
        windows: dict[str, ObjectionWindow | None] = dict(known)
        for event in events:
            if isinstance(event, WINDOW_EVENTS):
                windows[event.case_id] = window_after(event, windows.get(event.case_id))
        changed = [w for c, w in windows.items() if w is not None and w != known.get(c)]
        ended = [c for c, w in windows.items() if w is None and c in known]
        await objection_windows.save(conn, self.ctx.name, changed, ended)

    def _reaction(self, payload: Event) -> Callable[[Case], list[Event]]:  # noqa: PLR0911 (a return per event type)
        match payload:
            case PetitionSubmitted():
                return lambda state: decide_assignment(state, payload, self.where)
            case FeedbackGiven():
                return lambda state: on_feedback(state, payload)
            case ReviewRequested():
                return lambda state: on_review_requested(state, payload, self.where)
            case ClockBreached():
                return lambda state: on_breach(state, payload, self.where, self.rules)
            case ReceivedByLeader():
                return lambda state: on_received_by_leader(state, payload)
            case WithdrawalRequested():
                return lambda state: on_withdrawal_requested(state, payload)
        return lambda _state: []
