"""Synthetic but valid case histories (hash-chained, causally linked) for replay benchmarks and tests.

Each case walks the lifecycle of docs/lifecycle.md as intake, routing and sla would record it,
stopping at a random stage, so every read model and counter has something to count.
"""

from __future__ import annotations

import asyncio
import random
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from aiokafka import AIOKafkaProducer

from shared.divisions import level_of, parent_of, truncate_to
from shared.events import (
    CaseAccepted,
    CaseAssigned,
    CaseClosed,
    CaseReopenedForReview,
    CaseResolved,
    ClockBreached,
    ClockStarted,
    ClockStopped,
    ClockWarned,
    Event,
    FeedbackGiven,
    LeaderAssigned,
    PetitionSubmitted,
    RecordedEvent,
    ReviewRequested,
    SupervisionIssued,
)
from shared.events.base import chain_hash, hashed_fields
from shared.events.intake import SealedPetitioner
from shared.messaging.codec import encode
from shared.messaging.topics import Topics
from shared.settings import kafka_servers
from shared.vocabulary import Channel, Level

VILLAGES = ("330726001001", "330726001002", "330726002001", "330726003004", "330782001001", "330102005003")
STARTS = {"neighbourhood_dispute": Level.VILLAGE, "labour_wages": Level.TOWNSHIP, "environment": Level.TOWNSHIP}
STARTS |= {"land_expropriation": Level.COUNTY, "village_affairs": Level.VILLAGE, "other": Level.VILLAGE}
SERVICE_OF = {"petition": "intake", "case": "routing", "clocks": "sla"}


@dataclass
class CaseWriter:
    """Records one case's events the way the three services' stores would: versions and hash chains."""

    case_id: str
    at: datetime
    correlation_id: uuid.UUID = field(default_factory=uuid.uuid4)
    heads: dict[str, tuple[int, str]] = field(default_factory=dict)
    recorded: list[tuple[str, RecordedEvent]] = field(default_factory=list)
    payloads: list[Event] = field(default_factory=list)  # beside `recorded`: what each event says, as built

    def record(self, stream: str, payload: Event, cause: RecordedEvent | None, hours: float = 1.0) -> RecordedEvent:
        self.at += timedelta(hours=hours)
        stream_id = f"{stream}-{self.case_id}"
        version, prev = self.heads.get(stream_id, (0, "0" * 64))
        fields: dict[str, Any] = {
            "id": uuid.uuid4(),
            "source": f"/pujiang/{SERVICE_OF[stream]}",
            "type": payload.type_name(),
            "subject": self.case_id,
            "time": self.at,
            "stream_id": stream_id,
            "version": version + 1,
            "schema_version": payload.schema_version,
            "correlation_id": self.correlation_id,
            "causation_id": cause.id if cause else None,
            "actor": f"system:{SERVICE_OF[stream]}",
            "actor_unit": None,
            "data": payload.model_dump(mode="json"),
        }
        draft = RecordedEvent(**fields, prev_hash=prev, hash="")
        event = draft.model_copy(update={"hash": chain_hash(hashed_fields(draft), prev)})
        self.heads[stream_id] = (event.version, event.hash)
        self.recorded.append((SERVICE_OF[stream], event))
        self.payloads.append(payload)
        return event


def _assign(w: CaseWriter, p: PetitionSubmitted, division: str, reason: str, cause: RecordedEvent) -> RecordedEvent:
    fields = {"case_id": w.case_id, "category": p.category, "channel": p.channel, "location_code": p.division_code}
    return w.record(
        "case",
        CaseAssigned(
            **fields,
            division_code=division,
            level=level_of(division),
            unit_id=division,
            unit_name=f"unit {division}",
            county_code=truncate_to(p.division_code, Level.COUNTY),
            reason=reason,
        ),
        cause,
    )


def _clock(w: CaseWriter, kind: str, n: int, cause: RecordedEvent, days: int) -> tuple[str, RecordedEvent]:
    clock_id = f"{kind}-{n}"
    started = ClockStarted(
        case_id=w.case_id, clock_id=clock_id, kind=kind, policy="national", started_at=w.at,
        due_at=w.at + timedelta(days=days), amount=days, unit="calendar_days",
    )  # fmt: skip
    return clock_id, w.record("clocks", started, cause, hours=0.01)


def _stop(w: CaseWriter, clock: str, kind: str, cause: RecordedEvent, on_time: bool, why: str = "met") -> None:
    w.record(
        "clocks", ClockStopped(case_id=w.case_id, clock_id=clock, kind=kind, reason=why, met_on_time=on_time), cause
    )


def case_history(
    rng: random.Random, start: datetime, villages: Sequence[str] = VILLAGES
) -> list[tuple[str, RecordedEvent]]:
    """One case's events as (publishing service, event), in the order the services recorded them."""
    return case_writer(rng, start, villages).recorded


def decoded_cases(
    start: datetime, seed: int = 7, villages: Sequence[str] = VILLAGES, days: float = 30
) -> Iterator[list[tuple[RecordedEvent, Event]]]:
    """`cases`, each event beside its payload as built (nothing to decode again: the scale bench's load)."""
    rng = random.Random(seed)  # noqa: S311 (test data, not secrets)
    while True:
        w = case_writer(rng, start + timedelta(hours=rng.uniform(0, 24 * days)), villages)
        yield [(event, payload) for (_, event), payload in zip(w.recorded, w.payloads, strict=True)]


def case_writer(rng: random.Random, start: datetime, villages: Sequence[str] = VILLAGES) -> CaseWriter:
    """The writer that recorded one whole case (see `case_history`)."""
    w = CaseWriter(str(uuid.uuid4()), start)
    category = rng.choice(sorted(STARTS))
    channel = Channel.ONLINE if rng.random() < 0.85 else rng.choice(list(Channel))
    petition = PetitionSubmitted(
        case_id=w.case_id, tracking_code=f"MH{rng.randrange(10**8):08d}", access_code_hash="0" * 64, channel=channel,
        division_code=rng.choice(villages), category=category, title=f"{category} matter", content="synthetic",
        petitioner=SealedPetitioner(anonymous=rng.random() < 0.1),  # synthetic: nobody to seal
    )  # fmt: skip
    submitted = w.record("petition", petition, None)
    division = truncate_to(petition.division_code, STARTS[category])
    assigned = _assign(w, petition, division, "initial", submitted)
    clock, started = _clock(w, "acceptance", 1, assigned, 15)
    if rng.random() < 0.15:
        w.record("clocks", ClockWarned(case_id=w.case_id, clock_id=clock, kind="acceptance", point="50%",
                                       due_at=w.at + timedelta(days=7)), started, hours=24 * 7)  # fmt: skip
    if rng.random() < 0.1:
        breach = w.record("clocks", ClockBreached(case_id=w.case_id, clock_id=clock, kind="acceptance",
                                                  due_at=w.at), started, hours=24 * 8)  # fmt: skip
        supervisor = parent_of(division) or division
        issued = SupervisionIssued(case_id=w.case_id, step="reminder", clock_id=clock, clock_kind="acceptance",
                                   by_division=supervisor, breach_count=1)  # fmt: skip
        w.record("case", issued, breach)
    if rng.random() < 0.2:
        return w
    accepted = w.record("case", CaseAccepted(case_id=w.case_id, unit_id=division, level=level_of(division)), assigned)
    _stop(w, clock, "acceptance", accepted, rng.random() < 0.9)
    handling, _ = _clock(w, "handling", 1, accepted, 60)
    if rng.random() < 0.1:
        w.record("case", LeaderAssigned(case_id=w.case_id, leader="leader-zhang"), accepted)
    if rng.random() < 0.25:
        return w
    reply = CaseResolved(case_id=w.case_id, reply="done", unit_id=division, division_code=division,
                         level=level_of(division))  # fmt: skip
    resolved = w.record("case", reply, accepted, hours=24 * rng.randint(1, 40))
    _stop(w, handling, "handling", resolved, rng.random() < 0.9)
    window, _ = _clock(w, "review_request_window", 1, resolved, 30)
    satisfied = rng.random() < 0.9
    feedback = w.record("petition", FeedbackGiven(case_id=w.case_id, satisfied=satisfied), resolved, hours=48)
    if satisfied:
        closed = w.record("case", CaseClosed(case_id=w.case_id, reason="satisfied", satisfied=True), feedback)
        _stop(w, window, "review_request_window", closed, True)
        return w
    request = w.record("petition", ReviewRequested(case_id=w.case_id, reason="unfair", round="review"), feedback)
    reopened = w.record("case", CaseReopenedForReview(case_id=w.case_id, round="review", reason="unfair"), request)
    _stop(w, window, "review_request_window", reopened, True)
    _assign(w, petition, parent_of(division) or division, "review", reopened)
    _clock(w, "review", 1, reopened, 30)
    return w


def histories(n_events: int, start: datetime, seed: int = 7) -> list[tuple[str, RecordedEvent]]:
    """At least `n_events` events over whole cases, spread over the 30 days after `start`."""
    found: list[tuple[str, RecordedEvent]] = []
    for case in cases(start, seed):
        if len(found) >= n_events:
            break
        found.extend(case)
    return found


def cases(
    start: datetime, seed: int = 7, villages: Sequence[str] = VILLAGES, days: float = 30
) -> Iterator[list[tuple[str, RecordedEvent]]]:
    """Whole case histories, one after another, each opened within `days` after `start` (endless)."""
    rng = random.Random(seed)  # noqa: S311 (test data, not secrets)
    while True:
        yield case_history(rng, start + timedelta(hours=rng.uniform(0, 24 * days)), villages)


async def publish(kafka: str, topics: Topics, recorded: list[tuple[str, RecordedEvent]]) -> None:
    """Put recorded events on their services' topics as the relays would (CloudEvents binary mode, key = case)."""
    producer = AIOKafkaProducer(bootstrap_servers=kafka_servers(kafka), enable_idempotence=True, linger_ms=5)
    await producer.start()
    try:
        sends = []
        for service, event in recorded:
            message = encode(event)
            key = message.key.encode() if isinstance(message.key, str) else message.key
            headers = list(message.headers.items())
            sends.append(await producer.send(topics.of(service), value=message.value, key=key, headers=headers))
        await asyncio.gather(*sends)
    finally:
        await producer.stop()
