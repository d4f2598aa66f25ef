"""A case's events as intake receives them, for the unit tests of the petitioner's view."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import orjson

from services.intake.domain.notices import Recipient
from services.intake.domain.progress import Fact
from services.intake.handlers.notices import Addressee
from services.intake.handlers.sealing import petitioner_owner, seal_person
from shared.events import (
    CaseAccepted,
    CaseAssigned,
    CaseResolved,
    ClockStarted,
    ClockStopped,
    Event,
    PetitionSubmitted,
    RecordedEvent,
)
from shared.events.intake import Petitioner, SealedPetitioner
from shared.sealing import DEV_MASTER_KEY, DataKey, Sealer
from shared.vocabulary import Channel, Level

SEALER = Sealer.of_text(DEV_MASTER_KEY)
KEYS: dict[str, DataKey] = {}  # the data keys the tests sealed with, by owner (intake keeps them in a table)


def sealed(case_id: str, signer: int, person: Petitioner) -> SealedPetitioner:
    """`person` as an event carries them: sealed under a data key of their own, as intake seals them."""
    owner = petitioner_owner(case_id, signer)
    return seal_person(SEALER, KEYS.setdefault(owner, SEALER.new_data_key()), owner, person)


def recipient_of(addressee: Addressee) -> Recipient:
    """The addressee opened with the key it was sealed with (what `notices.recipients` does with intake's keys)."""
    fields = orjson.loads(SEALER.open(KEYS[addressee.owner], addressee.owner, addressee.person.sealed))
    person = Petitioner(**fields, anonymous=addressee.person.anonymous, notify_by=addressee.person.notify_by)
    return Recipient(
        tracking_code=addressee.tracking_code, petitioner=person, petition_channel=addressee.petition_channel,
        key=addressee.key,
    )  # fmt: skip


T0 = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
CASE = "c-1"
VILLAGE = "330726101203"


def submitted(anonymous: bool = False) -> PetitionSubmitted:
    return PetitionSubmitted(
        case_id=CASE,
        tracking_code="MH0123456789",
        access_code_hash="h",
        channel=Channel.ONLINE,
        division_code=VILLAGE,
        category="neighbourhood_dispute",
        title="牆擋住了排水",
        content="The wall blocks it.",
        petitioner=sealed(
            CASE, 0, Petitioner(name="王芳", phone="13800000000", id_number="330726199001011234", anonymous=anonymous)
        ),
    )


def assigned(
    reason: str = "initial", unit_name: str = "浦陽街道某村村委會", level: Level = Level.VILLAGE
) -> CaseAssigned:
    return CaseAssigned(
        case_id=CASE,
        division_code=VILLAGE,
        level=level,
        unit_id=VILLAGE,
        unit_name=unit_name,
        county_code="330726000000",
        category="neighbourhood_dispute",
        channel=Channel.ONLINE,
        location_code=VILLAGE,
        reason=reason,
    )


def resolved(round_: str = "first", reply: str = "The wall will be moved.") -> CaseResolved:
    return CaseResolved(
        case_id=CASE, reply=reply, unit_id=VILLAGE, division_code=VILLAGE, level=Level.VILLAGE, round=round_
    )


def clock(kind: str, n: int, start: datetime, days: int) -> ClockStarted:
    return ClockStarted(
        case_id=CASE,
        clock_id=f"{kind}-{n}",
        kind=kind,
        policy="national",
        started_at=start,
        due_at=start + timedelta(days=days),
        amount=days,
        unit="calendar_days",
    )


def stopped(kind: str, n: int) -> ClockStopped:
    return ClockStopped(case_id=CASE, clock_id=f"{kind}-{n}", kind=kind, reason="met", met_on_time=True)


def facts(stream: str, *events: Event, start: datetime = T0, step: timedelta = timedelta(hours=1)) -> list[Fact]:
    """Consecutive versions of one stream, an hour apart."""
    return [Fact(stream, i, start + step * i, event) for i, event in enumerate(events, start=1)]


def resolved_case(at: datetime = T0) -> list[Fact]:
    """Submitted, assigned, accepted and answered (the reply given at T0 + 3h)."""
    return [
        *facts("petition", submitted(), start=at - timedelta(hours=1)),
        *facts(
            "case", assigned(), CaseAccepted(case_id=CASE, unit_id=VILLAGE, level=Level.VILLAGE), resolved(), start=at
        ),
    ]


def recorded(event: Event, stream: str, version: int, time: datetime, case_id: str = CASE) -> RecordedEvent:
    """The event as it would reach intake from routing's or sla's topic."""
    return RecordedEvent(
        id=uuid.uuid4(),
        source=f"/pujiang/{'sla' if stream == 'clocks' else 'routing'}",
        type=event.type_name(),
        subject=case_id,
        time=time,
        stream_id=f"{stream}-{case_id}",
        version=version,
        schema_version=1,
        correlation_id=uuid.uuid4(),
        causation_id=None,
        actor="official-li",
        actor_unit=VILLAGE,
        data=event.model_dump(mode="json"),
        prev_hash="",
        hash="",
    )
