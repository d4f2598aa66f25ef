"""Leader reception days: publish (officials), list and book (anyone), record what happened (officials).

Intake owns them: a booking is made with the petitioner's codes (checked and throttled here) or
with a phone number (personal data, which intake holds), and what a reception opens is a new
petition, which intake records. Routing only learns that a leader took a case into personal
charge (`ReceivedByLeader`, answered with `LeaderAssigned`).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

import asyncpg

from services.intake.adapters import petition_index, reception_index
from services.intake.domain import codes
from services.intake.domain.commands import SubmitPetition
from services.intake.domain.receptions import (
    Booking,
    BookReception,
    PublishReception,
    RecordReception,
    Schedule,
    ScheduleNotFound,
    decide_booking,
    decide_publish,
    decide_record,
    evolve,
    fold,
    phone_key,
)
from services.intake.handlers import cases
from services.intake.handlers.petitioner import authenticate
from services.intake.handlers.service import Intake
from services.intake.handlers.submit import Linked, submit_petition
from shared.divisions import significant_prefix
from shared.domain import Invalid, NotFound
from shared.domain import fold as shared_fold
from shared.events import REGISTRY, Event, Metadata, ReceivedByLeader, ReceptionScheduled
from shared.eventstore.errors import ConcurrencyError
from shared.http.auth import Principal
from shared.vocabulary import Channel, Role

OFFICIAL_ROLES = (Role.OFFICIAL, Role.SUPERVISOR, Role.ADMIN)
# A booking that loses a race for the stream version decides again on what won (a seat may be left).
BOOKING_ATTEMPTS = 5


def reception_stream(schedule_id: str) -> str:
    return f"reception-{schedule_id}"


@dataclass(frozen=True)
class Booked:
    booking_id: str
    schedule: dict[str, Any]


@dataclass(frozen=True)
class Opened:
    case_id: str
    tracking_code: str
    access_code: str | None  # None when the matter repeated an open case of the same person


@dataclass(frozen=True)
class Recorded:
    schedule: dict[str, Any]
    case_ids: list[str]
    opened: list[Opened]


@dataclass(frozen=True)
class NewMatter:
    """A matter raised at a reception that no case holds yet: it becomes a petition (channel leader_reception)."""

    command: SubmitPetition


async def _load(intake: Intake, conn: asyncpg.Connection, schedule_id: str) -> Schedule:
    return fold([REGISTRY.decode(e) for e in await intake.store.load(conn, reception_stream(schedule_id))])


def _today(intake: Intake, tz: ZoneInfo) -> date:
    return intake.clock.now().astimezone(tz).date()


async def _append(
    intake: Intake, conn: asyncpg.Connection, schedule_id: str, state: Schedule, events: list[Event], actor: str,
    unit: str | None,
) -> Schedule:  # fmt: skip
    metadata = Metadata(correlation_id=uuid.uuid4(), actor=actor, actor_unit=unit)
    await intake.store.append(conn, reception_stream(schedule_id), state.version, events, metadata, schedule_id)
    after = shared_fold(evolve, events, state)
    await reception_index.save(conn, intake.schema, after)
    return after


async def publish(intake: Intake, tz: ZoneInfo, principal: Principal, command: PublishReception) -> dict[str, Any]:
    principal.require_role(*OFFICIAL_ROLES)
    principal.require_jurisdiction(command.division_code)
    async with intake.pool.acquire() as conn, conn.transaction():
        state = await _load(intake, conn, command.schedule_id)
        events = decide_publish(state, command, _today(intake, tz))
        if events:
            state = await _append(intake, conn, command.schedule_id, state, events, principal.sub, principal.division)
    intake.poke()
    return reception_index.public(state)


async def upcoming(intake: Intake, tz: ZoneInfo, division: str | None, limit: int) -> list[dict[str, Any]]:
    within = significant_prefix(division) if division else ""
    async with intake.pool.acquire() as conn:
        return await reception_index.upcoming(conn, intake.schema, within, _today(intake, tz), limit)


async def one(intake: Intake, schedule_id: str) -> dict[str, Any]:
    async with intake.pool.acquire() as conn:
        state = await _load(intake, conn, schedule_id)
    if not state.exists:
        raise ScheduleNotFound
    return reception_index.public(state)


async def book(intake: Intake, tz: ZoneInfo, schedule_id: str, command: BookReception) -> Booked:
    """One seat, or a refusal; a race lost to another booking is decided again on what won."""
    for attempt in range(BOOKING_ATTEMPTS):
        try:
            async with intake.pool.acquire() as conn, conn.transaction():
                state = await _load(intake, conn, schedule_id)
                events = decide_booking(state, command, _today(intake, tz))
                actor = f"petitioner:{command.tracking_code}" if command.tracking_code else "petitioner"
                state = await _append(intake, conn, schedule_id, state, events, actor, None)
            intake.poke()
            return Booked(command.booking_id, reception_index.public(state))
        except ConcurrencyError:
            if attempt == BOOKING_ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")


async def book_with_codes(
    intake: Intake, tz: ZoneInfo, schedule_id: str, tracking_code: str, access_code: str
) -> Booked:
    async with intake.pool.acquire() as conn:
        case_id = await authenticate(intake, conn, tracking_code, access_code)  # 404 / 429 as the view
        code = await petition_index.tracking_code(conn, intake.schema, case_id)
    command = BookReception(booking_id=str(uuid.uuid4()), case_id=case_id, tracking_code=code)
    return await book(intake, tz, schedule_id, command)


async def book_new_matter(intake: Intake, tz: ZoneInfo, schedule_id: str, name: str, phone: str, matter: str) -> Booked:
    command = BookReception(
        booking_id=str(uuid.uuid4()), name=name, phone=phone, phone_key=phone_key(phone), matter=matter
    )
    return await book(intake, tz, schedule_id, command)


async def bookings(intake: Intake, principal: Principal, schedule_id: str) -> dict[str, Any]:
    """For officials of the place: the schedule with every booking (contact details included) and the records."""
    principal.require_role(*OFFICIAL_ROLES)
    async with intake.pool.acquire() as conn:
        state = await _load(intake, conn, schedule_id)
    if state.published is None:
        raise ScheduleNotFound
    principal.require_jurisdiction(state.published.division_code)
    return {
        **reception_index.public(state),
        "bookings": [b.model_dump(mode="json") for b in state.bookings],
        "held": [h.model_dump(mode="json") for h in state.held],
    }


async def record(
    intake: Intake,
    tz: ZoneInfo,
    principal: Principal,
    schedule_id: str,
    booking_id: str | None,
    attended: bool,
    matters: str,
    link: list[str],
    new_matter: NewMatter | None,
) -> Recorded:
    """What happened at one appointment (or with someone received without one).

    The matter raised is opened as a petition first (an Idempotency-Key made of the schedule and the
    booking, so a retried record opens it once), then the record and the leader's personal charge
    of every case received are written in one transaction.
    """
    principal.require_role(*OFFICIAL_ROLES)
    async with intake.pool.acquire() as conn:
        state = await _load(intake, conn, schedule_id)
        if state.published is None:
            raise ScheduleNotFound
        principal.require_jurisdiction(state.published.division_code)
        # Refused before anything is opened: the same checks run again in the transaction below.
        decide_record(state, RecordReception(booking_id=booking_id, attended=attended), _today(intake, tz))
        linked: list[str] = []
        for i, code in enumerate(link):
            found = await petition_index.credentials(conn, intake.schema, codes.normalize_tracking_code(code) or "")
            if found is None:
                raise Invalid(f"link.{i}", f"no petition has the tracking code {code}")
            linked.append(found[0])
    booking = state.booking(booking_id) if booking_id else None
    if booking is not None and booking.case_id and attended:
        linked.insert(0, booking.case_id)
    opened: list[Opened] = []
    if new_matter is not None and attended:
        principal.require_jurisdiction(new_matter.command.division_code)
        key = f"reception:{schedule_id}:{booking_id or uuid.uuid5(uuid.NAMESPACE_URL, new_matter.command.title)}"
        result = await submit_petition(intake, new_matter.command, key, principal.division)
        if isinstance(result, Linked):
            linked.append(result.case_id)
        else:
            opened.append(Opened(result.case_id, result.tracking_code, result.access_code))
    case_ids = list(dict.fromkeys([*linked, *(o.case_id for o in opened)]))
    command = RecordReception(
        booking_id=booking_id,
        attended=attended,
        matters=matters,
        case_ids=tuple(case_ids),
        opened=tuple(o.case_id for o in opened),
    )
    async with intake.pool.acquire() as conn, conn.transaction():
        state = await _load(intake, conn, schedule_id)
        events = decide_record(state, command, _today(intake, tz))
        state = await _append(intake, conn, schedule_id, state, events, principal.sub, principal.division)
        assert state.published is not None
        for case_id in sorted(case_ids):  # case rows are locked in case-id order by every writer
            await _take_charge(intake, conn, case_id, state.published, principal)
    intake.poke()
    return Recorded(reception_index.public(state), case_ids, opened)


async def _take_charge(
    intake: Intake, conn: asyncpg.Connection, case_id: str, published: ReceptionScheduled, principal: Principal
) -> None:
    if not await petition_index.lock(conn, intake.schema, case_id):
        raise NotFound("petition")
    loaded = await cases.load(intake, conn, case_id)
    received = ReceivedByLeader(
        case_id=case_id, leader=published.leader, leader_name=published.leader_name, schedule_id=published.schedule_id
    )
    events: list[Event] = [received]
    loaded = await cases.append(intake, conn, loaded, events, loaded.caused_by(principal.sub, principal.division))
    await cases.save(intake, conn, loaded.facts, loaded.lead)


def new_matter(command: SubmitPetition) -> NewMatter:
    if command.channel != Channel.LEADER_RECEPTION:
        command = command.model_copy(update={"channel": Channel.LEADER_RECEPTION})
    return NewMatter(command)


async def booking_of(intake: Intake, schedule_id: str, booking_id: str) -> Booking | None:
    async with intake.pool.acquire() as conn:
        return (await _load(intake, conn, schedule_id)).booking(booking_id)
