"""Event envelopes: the hash chain, the CloudEvents Kafka binding, and upcasting old shapes."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import ClassVar

import pytest

from shared.events import GENESIS_HASH, Event, EventRegistry, RecordedEvent, chain_hash, verify_chain
from shared.events.base import hashed_fields
from shared.messaging.codec import UndecodableMessage, decode, encode

pytestmark = pytest.mark.unit


def recorded(
    version: int, prev_hash: str, data: dict[str, object] | None = None, causation: uuid.UUID | None = None
) -> RecordedEvent:
    draft = RecordedEvent(
        id=uuid.uuid4(),
        source="/pujiang/test",
        type="Noted",
        subject="case-1",
        time=datetime(2026, 11, 26, 8, 30, 0, 123456, tzinfo=UTC),
        stream_id="s-1",
        version=version,
        schema_version=1,
        correlation_id=uuid.uuid4(),
        causation_id=causation,
        actor="official:li",
        actor_unit="330726000000",
        data=data or {"n": version},
        prev_hash=prev_hash,
        hash="",
    )
    return draft.model_copy(update={"hash": chain_hash(hashed_fields(draft), prev_hash)})


def a_chain(length: int) -> list[RecordedEvent]:
    events, prev = [], GENESIS_HASH
    for version in range(1, length + 1):
        events.append(recorded(version, prev))
        prev = events[-1].hash
    return events


def test_an_untouched_chain_verifies():
    assert verify_chain(a_chain(5)) is None


def test_altering_one_event_breaks_the_chain_at_that_event():
    events = a_chain(5)
    events[2] = events[2].model_copy(update={"data": {"n": 999}})
    assert verify_chain(events) == events[2]


def test_removing_an_event_breaks_the_chain():
    events = a_chain(4)
    del events[1]
    assert verify_chain(events) == events[1]


def test_the_kafka_binding_round_trips_every_attribute():
    event = recorded(1, GENESIS_HASH, causation=uuid.uuid4())
    message = encode(event)
    assert message.key == "case-1"
    assert message.headers["ce_specversion"] == b"1.0"
    assert message.headers["ce_type"] == b"org.pujiang.Noted"
    assert message.headers["content-type"] == b"application/json"
    back = decode(message.headers, message.key.encode(), message.value)  # type: ignore[union-attr]
    assert back == event.model_copy(update={"position": None})
    assert verify_chain([back]) is None  # the hash survives the trip


@pytest.mark.parametrize(
    ("headers", "value"),
    [
        ({}, b"plain bytes"),
        ({"ce_type": b"com.other.Thing", "ce_id": b"1", "ce_source": b"/x", "ce_specversion": b"1.0"}, b"{}"),
    ],
)
def test_records_that_are_not_our_cloud_events_are_undecodable(headers, value):
    with pytest.raises(UndecodableMessage):
        decode(headers, None, value)


class Noted(Event):
    schema_version: ClassVar[int] = 2
    text: str
    urgent: bool


def test_an_old_shape_is_upcast_when_read_never_rewritten():
    registry = EventRegistry()
    registry.register(Noted)

    @registry.upcaster("Noted", from_version=1)
    def _v1_to_v2(data: dict[str, object]) -> dict[str, object]:
        return {"text": data["note"], "urgent": False}

    stored = recorded(1, GENESIS_HASH, data={"note": "hello"})
    payload = registry.decode(stored.model_copy(update={"type": "Noted"}))
    assert payload == Noted(text="hello", urgent=False)
    assert stored.data == {"note": "hello"}
