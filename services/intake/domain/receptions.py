"""Leader reception days (領導接訪 / 約訪 / 下訪): publish, book, record. Pure: no I/O.

A schedule is one stream (`reception-{schedule_id}`): its capacity is checked against the
bookings folded from that stream, and the append's expected version makes two concurrent
last-seat bookings race for one version, so only one of them can win.
"""

from __future__ import annotations

from datetime import date
from functools import singledispatch

from pydantic import BaseModel, ConfigDict

from shared.divisions import level_of
from shared.domain import Invalid, NotAllowed, NotFound
from shared.domain import fold as shared_fold
from shared.events import Event, ReceptionBooked, ReceptionHeld, ReceptionScheduled
from shared.events.intake import PlaceKind, ReceptionKind, SealedPetitioner
from shared.vocabulary import Level


class Booking(BaseModel):
    model_config = ConfigDict(frozen=True)

    booking_id: str
    case_id: str | None = None
    tracking_code: str | None = None
    person: SealedPetitioner | None = None  # a new matter's name and phone, sealed
    matter: str | None = None
    held: bool = False
    attended: bool | None = None


class Schedule(BaseModel):
    """A reception day as intake holds it: the published facts, its bookings, what was recorded."""

    model_config = ConfigDict(frozen=True)

    published: ReceptionScheduled | None = None
    bookings: tuple[Booking, ...] = ()
    held: tuple[ReceptionHeld, ...] = ()
    version: int = 0

    @property
    def exists(self) -> bool:
        return self.published is not None

    @property
    def booked(self) -> int:
        return len(self.bookings)

    @property
    def remaining(self) -> int:
        return 0 if self.published is None else max(0, self.published.capacity - self.booked)

    def booking(self, booking_id: str) -> Booking | None:
        return next((b for b in self.bookings if b.booking_id == booking_id), None)


class PublishReception(BaseModel):
    model_config = ConfigDict(frozen=True)

    schedule_id: str
    kind: ReceptionKind
    leader: str
    leader_name: str
    level: Level
    division_code: str
    day: date
    place: str
    place_kind: PlaceKind
    topics: tuple[str, ...] = ()
    capacity: int


class BookReception(BaseModel):
    """Either `case_id` (the petitioner's codes were checked) or a sealed `person` (name, phone) + `matter`.

    `phone_key` is the new phone's keyed hash and `booked_phone_keys` those of the day's bookings (the
    handler opens them): a number books once."""

    model_config = ConfigDict(frozen=True)

    booking_id: str
    case_id: str | None = None
    tracking_code: str | None = None
    person: SealedPetitioner | None = None
    phone_key: str | None = None
    booked_phone_keys: frozenset[str] = frozenset()
    matter: str | None = None


class RecordReception(BaseModel):
    model_config = ConfigDict(frozen=True)

    booking_id: str | None
    attended: bool
    matters: str = ""
    case_ids: tuple[str, ...] = ()
    opened: tuple[str, ...] = ()


class ScheduleNotFound(NotFound):
    def __init__(self) -> None:
        super().__init__("reception")


def decide_publish(state: Schedule, command: PublishReception, today: date) -> list[Event]:
    if state.exists:
        return []  # a retried publish of the same id: recorded once
    if command.day < today:
        raise Invalid("day", f"must be today ({today}) or later")
    if command.level.rank < level_of(command.division_code).rank:
        raise Invalid("level", f"a {command.level} leader cannot hold a reception at {command.division_code}")
    if command.kind == "visit" and command.place_kind != "village":
        raise Invalid("place_kind", "a visit down (下訪) goes to a village")
    return [ReceptionScheduled(**command.model_dump())]


def decide_booking(state: Schedule, command: BookReception, today: date) -> list[Event]:
    """One appointment, if a seat is left, the day has not passed and this matter or phone has none yet."""
    published = state.published
    if published is None:
        raise ScheduleNotFound
    if published.day < today:
        raise NotAllowed(f"this reception day ({published.day}) has passed", "past")
    if state.remaining <= 0:
        raise NotAllowed(f"this reception day is fully booked: all {published.capacity} appointments are taken", "full")
    for booking in state.bookings:
        if command.case_id is not None and booking.case_id == command.case_id:
            raise NotAllowed("this case already has an appointment on this reception day", "booked")
    if command.phone_key is not None and command.phone_key in command.booked_phone_keys:
        raise NotAllowed("this phone number already has an appointment on this reception day", "booked")
    return [
        ReceptionBooked(
            schedule_id=published.schedule_id,
            booking_id=command.booking_id,
            case_id=command.case_id,
            tracking_code=command.tracking_code,
            person=command.person,
            matter=command.matter,
        )
    ]


def decide_record(state: Schedule, command: RecordReception, today: date) -> list[Event]:
    published = state.published
    if published is None:
        raise ScheduleNotFound
    if published.day > today:
        raise NotAllowed(f"this reception day ({published.day}) has not come yet", "upcoming")
    if command.booking_id is not None:
        booking = state.booking(command.booking_id)
        if booking is None:
            raise NotFound("booking")
        if booking.held:
            raise NotAllowed("this appointment is recorded already", "recorded")
    if not command.attended and (command.case_ids or command.opened):
        raise Invalid("attended", "no matter can be received from someone who did not come")
    return [ReceptionHeld(schedule_id=published.schedule_id, **command.model_dump())]


@singledispatch
def _apply(_event: Event, state: Schedule) -> Schedule:
    return state


@_apply.register
def _(e: ReceptionScheduled, state: Schedule) -> Schedule:
    return state.model_copy(update={"published": e})


@_apply.register
def _(e: ReceptionBooked, state: Schedule) -> Schedule:
    booking = Booking(**e.model_dump(exclude={"schedule_id"}))
    return state.model_copy(update={"bookings": (*state.bookings, booking)})


@_apply.register
def _(e: ReceptionHeld, state: Schedule) -> Schedule:
    bookings = tuple(
        b.model_copy(update={"held": True, "attended": e.attended}) if b.booking_id == e.booking_id else b
        for b in state.bookings
    )
    return state.model_copy(update={"bookings": bookings, "held": (*state.held, e)})


def evolve(state: Schedule, event: Event) -> Schedule:
    return _apply(event, state).model_copy(update={"version": state.version + 1})


def fold(events: list[Event], state: Schedule | None = None) -> Schedule:
    return shared_fold(evolve, events, state or Schedule())
