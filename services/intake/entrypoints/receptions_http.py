"""Leader reception days over HTTP (not in api.md; services/intake/README.md "Leader reception days")."""

from __future__ import annotations

import uuid
from dataclasses import asdict
from datetime import date
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Query, Request
from pydantic import Field, field_validator

from services.intake.domain.receptions import PublishReception
from services.intake.entrypoints.bodies import PHONE_PATTERN, Body, PetitionerIn, PetitionIn, not_blank
from services.intake.handlers import Intake, receptions
from services.intake.handlers.receptions import new_matter
from shared.domain import Invalid
from shared.events.intake import PlaceKind
from shared.http.auth import CurrentPrincipal
from shared.jurisdiction.division_data import deployment_tree
from shared.jurisdiction.divisions import DivisionCode
from shared.vocabulary import Channel, Level

router = APIRouter(prefix="/v1", tags=["receptions"])


class Receptions:
    def __init__(self, intake: Intake, tz: ZoneInfo) -> None:
        self.intake, self.tz = intake, tz


async def receptions_dep(request: Request) -> Receptions:
    ctx = request.app.state.ctx
    return Receptions(ctx.extras["intake"], ZoneInfo(ctx.settings.pujiang_timezone))


ReceptionsDep = Annotated[Receptions, Depends(receptions_dep)]


class ReceptionIn(Body):
    kind: Literal["reception", "visit"] = "reception"
    leader: str = Field(min_length=1, max_length=100, pattern=r"^\S+$")
    leader_name: str = Field(min_length=1, max_length=100)
    level: Level
    division_code: DivisionCode
    day: date
    place: str = Field(min_length=1, max_length=200)
    place_kind: PlaceKind
    topics: list[Annotated[str, Field(min_length=1, max_length=50)]] = Field(default_factory=list, max_length=20)
    capacity: int = Field(ge=1, le=500)

    @field_validator("division_code")
    @classmethod
    def _division(cls, value: str) -> str:
        if value not in deployment_tree():
            raise ValueError("must be a division of this deployment (GET /v1/divisions)")
        return value

    @field_validator("leader_name", "place")
    @classmethod
    def _filled(cls, value: str) -> str:
        return not_blank(value)


class BookingIn(Body):
    """With the codes of an existing case, or as a new matter: name, phone and what it is about."""

    tracking_code: str | None = Field(default=None, max_length=40)
    access_code: str | None = Field(default=None, max_length=100)
    name: str | None = Field(default=None, min_length=1, max_length=100)
    phone: str | None = Field(default=None, pattern=PHONE_PATTERN)
    matter: str | None = Field(default=None, min_length=1, max_length=2000)


class OpenIn(PetitionIn):
    """A matter raised at the reception, opened as a petition; the booking's name and phone when not given."""

    channel: Channel = Channel.LEADER_RECEPTION
    petitioner: PetitionerIn | None = None  # type: ignore[assignment]


class ReceptionRecordIn(Body):
    booking_id: str | None = Field(default=None, max_length=100)
    attended: bool
    matters: str = Field(default="", max_length=5000)
    link: list[Annotated[str, Field(min_length=1, max_length=40)]] = Field(default_factory=list, max_length=20)
    open: OpenIn | None = None


@router.post("/receptions", status_code=201)
async def publish_reception(body: ReceptionIn, r: ReceptionsDep, principal: CurrentPrincipal) -> dict[str, Any]:
    command = PublishReception(schedule_id=str(uuid.uuid4()), **body.model_dump())
    return await receptions.publish(r.intake, r.tz, principal, command)


@router.get("/receptions")
async def list_receptions(
    r: ReceptionsDep,
    division: Annotated[DivisionCode | None, Query()] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> dict[str, Any]:
    """Anyone: the reception days from today on, in the division and below, soonest first."""
    return {"receptions": await receptions.upcoming(r.intake, r.tz, division, limit)}


@router.get("/receptions/{schedule_id}")
async def get_reception(schedule_id: str, r: ReceptionsDep) -> dict[str, Any]:
    return await receptions.one(r.intake, schedule_id)


@router.post("/receptions/{schedule_id}/bookings", status_code=201)
async def book_reception(schedule_id: str, body: BookingIn, r: ReceptionsDep) -> dict[str, Any]:
    if body.tracking_code is not None or body.access_code is not None:
        booked = await receptions.book_with_codes(
            r.intake, r.tz, schedule_id, body.tracking_code or "", body.access_code or ""
        )
    elif body.name is not None and body.phone is not None and body.matter is not None:
        booked = await receptions.book_new_matter(r.intake, r.tz, schedule_id, body.name, body.phone, body.matter)
    else:
        missing = next(f for f in ("name", "phone", "matter") if getattr(body, f) is None)
        raise Invalid(missing, "give tracking_code and access_code, or name, phone and matter (a new matter)")
    return asdict(booked)


@router.get("/receptions/{schedule_id}/bookings")
async def reception_bookings(schedule_id: str, r: ReceptionsDep, principal: CurrentPrincipal) -> dict[str, Any]:
    return await receptions.bookings(r.intake, principal, schedule_id)


@router.post("/receptions/{schedule_id}/record", status_code=201)
async def record_reception(
    schedule_id: str, body: ReceptionRecordIn, r: ReceptionsDep, principal: CurrentPrincipal
) -> dict[str, Any]:
    matter = None
    if body.open is not None:
        opened = body.open
        if opened.petitioner is None:
            opened = opened.model_copy(update={"petitioner": await _booked_person(r, schedule_id, body.booking_id)})
        matter = new_matter(opened.command(principal.sub))
    recorded = await receptions.record(
        r.intake, r.tz, principal, schedule_id, body.booking_id, body.attended, body.matters, body.link, matter
    )
    return asdict(recorded)


async def _booked_person(r: Receptions, schedule_id: str, booking_id: str | None) -> PetitionerIn:
    """The name and phone given when booking a new matter (checked then), for the petition it opens."""
    person = await receptions.booked_person(r.intake, schedule_id, booking_id) if booking_id else None
    if person is None:
        raise Invalid("open.petitioner", "required: this reception has no booking with a name and phone")
    return PetitionerIn.model_construct(name=person.name, phone=person.phone, id_number=None, anonymous=False)
