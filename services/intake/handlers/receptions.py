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

from services.intake.adapters import identity_reads, personal_keys, petition_index, reception_index
from services.intake.adapters.identity_reads import IdentityRead
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
)
from services.intake.domain.repeats import phone_key
from services.intake.handlers import cases
from services.intake.handlers.petitioner import authenticate
from services.intake.handlers.sealing import Opened as OpenedPerson
from services.intake.handlers.sealing import booking_owner, open_people, seal_person
from services.intake.handlers.service import Intake
from services.intake.handlers.submit import Linked, submit_petition
from shared.divisions import significant_prefix
from shared.domain import Invalid, NotFound
from shared.domain import fold as shared_fold
from shared.events import REGISTRY, Event, IdentityViewed, Metadata, ReceivedByLeader, ReceptionScheduled
from shared.events.intake import Petitioner
from shared.eventstore.errors import ConcurrencyError
from shared.http.auth import Principal
from shared.sealing import ERASED, DataKey
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


async def _opened_bookings(intake: Intake, conn: asyncpg.Connection, state: Schedule) -> list[OpenedPerson]:
    """The new matters' sealed people of the day, opened (erased or older ones stay closed)."""
    people = [(booking_owner(b.booking_id), b.person) for b in state.bookings if b.person is not None]
    return await open_people(intake, conn, people)


async def book(
    intake: Intake, tz: ZoneInfo, schedule_id: str, command: BookReception, key: DataKey | None = None
) -> Booked:
    """One seat, or a refusal; a race lost to another booking is decided again on what won.

    `key`: the data key a new matter's person is sealed under, stored with the booking."""
    for attempt in range(BOOKING_ATTEMPTS):
        try:
            async with intake.pool.acquire() as conn, conn.transaction():
                state = await _load(intake, conn, schedule_id)
                if command.phone_key is not None:
                    booked = await _opened_bookings(intake, conn, state)
                    keys = frozenset(phone_key(o.person.phone, intake.sealer.blind) for o in booked if o.person)
                    command = command.model_copy(update={"booked_phone_keys": keys})
                events = decide_booking(state, command, _today(intake, tz))
                actor = f"petitioner:{command.tracking_code}" if command.tracking_code else "petitioner"
                state = await _append(intake, conn, schedule_id, state, events, actor, None)
                if key is not None:
                    await personal_keys.add(
                        conn, intake.schema, intake.sealer, [(booking_owner(command.booking_id), key)]
                    )
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
    booking_id, key = str(uuid.uuid4()), intake.sealer.new_data_key()
    person = seal_person(intake.sealer, key, booking_owner(booking_id), Petitioner(name=name, phone=phone))
    command = BookReception(
        booking_id=booking_id, person=person, phone_key=phone_key(phone, intake.sealer.blind), matter=matter
    )
    return await book(intake, tz, schedule_id, command, key)


def _booking_shown(booking: Booking, opened: OpenedPerson | None) -> dict[str, Any]:
    shown = booking.model_dump(mode="json", exclude={"person"})
    if opened is not None:
        person = opened.person
        erased = opened.state == "erased"
        shown["name"] = ERASED if erased else None if person is None else person.name
        shown["phone"] = ERASED if erased else None if person is None else person.phone
    else:
        shown["name"] = shown["phone"] = None
    return shown


async def bookings(intake: Intake, principal: Principal, schedule_id: str) -> dict[str, Any]:
    """For officials of the place: the schedule with every booking (contact details opened, the read
    recorded as `IdentityViewed` on the schedule's stream) and the records."""
    principal.require_role(*OFFICIAL_ROLES)
    async with intake.pool.acquire() as conn, conn.transaction():
        state = await _load(intake, conn, schedule_id)
        if state.published is None:
            raise ScheduleNotFound
        principal.require_jurisdiction(state.published.division_code)
        opened = iter(await _opened_bookings(intake, conn, state))
        shown = [_booking_shown(b, next(opened) if b.person is not None else None) for b in state.bookings]
        if any(b.person is not None for b in state.bookings):
            state = await _record_view(intake, conn, principal, state)
    if any(b.person is not None for b in state.bookings):
        intake.poke()
    return {
        **reception_index.public(state),
        "bookings": shown,
        "held": [h.model_dump(mode="json") for h in state.held],
    }


async def _record_view(intake: Intake, conn: asyncpg.Connection, principal: Principal, state: Schedule) -> Schedule:
    published = state.published
    assert published is not None
    event = IdentityViewed(
        schedule_id=published.schedule_id, what="bookings", viewer=principal.sub, role=principal.role.value,
        viewer_division=principal.division,
    )  # fmt: skip
    metadata = Metadata(correlation_id=uuid.uuid4(), actor=principal.sub, actor_unit=principal.division)
    [recorded] = await intake.store.append(
        conn, reception_stream(published.schedule_id), state.version, [event], metadata, published.schedule_id
    )
    await identity_reads.add(conn, intake.schema, IdentityRead(
        recorded.id, recorded.time, None, published.schedule_id, "bookings", principal.sub, principal.role.value,
        principal.division, published.division_code, None,
    ))  # fmt: skip
    return shared_fold(evolve, [event], state)


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


async def booked_person(intake: Intake, schedule_id: str, booking_id: str) -> Petitioner | None:
    """The name and phone a new matter was booked with, opened to open its petition (None: none, or erased)."""
    async with intake.pool.acquire() as conn:
        booking = (await _load(intake, conn, schedule_id)).booking(booking_id)
        if booking is None or booking.person is None:
            return None
        [opened] = await open_people(intake, conn, [(booking_owner(booking_id), booking.person)])
    return opened.person
