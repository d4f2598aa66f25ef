"""Event envelopes: the hash chain, the CloudEvents Kafka binding, and upcasting old shapes."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import ClassVar

import pytest
from cloudevents.core.bindings.kafka import from_binary_event, to_binary_event
from cloudevents.core.v1.event import CloudEvent

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


def test_an_untouched_chain_verifies() -> None:
    assert verify_chain(a_chain(5)) is None


def test_altering_one_event_breaks_the_chain_at_that_event() -> None:
    events = a_chain(5)
    events[2] = events[2].model_copy(update={"data": {"n": 999}})
    assert verify_chain(events) == events[2]


def test_removing_an_event_breaks_the_chain() -> None:
    events = a_chain(4)
    del events[1]
    assert verify_chain(events) == events[1]


def test_the_kafka_binding_round_trips_every_attribute() -> None:
    event = recorded(1, GENESIS_HASH, causation=uuid.uuid4())
    message = encode(event)
    assert message.key == b"case-1"
    assert message.headers["ce_specversion"] == b"1.0"
    assert message.headers["ce_type"] == b"org.pujiang.Noted"
    assert message.headers["content-type"] == b"application/json"
    back = decode(message.headers, b"case-1", message.value)
    assert back == event.model_copy(update={"position": None})
    assert verify_chain([back]) is None  # the hash survives the trip


@pytest.mark.parametrize("causation", [None, uuid.uuid4()])
def test_the_cloudevents_sdk_reads_what_we_write(causation: uuid.UUID | None) -> None:
    event = recorded(3, "f" * 64, causation=causation)
    read = from_binary_event(encode(event))
    assert read.get_id() == str(event.id)
    assert read.get_type() == "org.pujiang.Noted"
    assert read.get_source() == event.source
    assert read.get_subject() == "case-1"
    assert read.get_time() == event.time
    assert read.get_data() == event.data
    attributes = read.get_attributes()
    assert attributes["streamversion"] == "3"
    assert attributes["hash"] == event.hash
    assert attributes["correlationid"] == str(event.correlation_id)
    assert attributes.get("causationid") == (None if causation is None else str(causation))


def test_we_read_what_the_cloudevents_sdk_writes() -> None:
    event = recorded(2, "e" * 64, causation=uuid.uuid4())
    attributes: dict[str, object] = {
        "id": str(event.id),
        "source": event.source,
        "type": "org.pujiang.Noted",
        "subject": event.subject,
        "time": event.time,
        "specversion": "1.0",
        "datacontenttype": "application/json",
        "partitionkey": event.subject,
        "correlationid": str(event.correlation_id),
        "causationid": str(event.causation_id),
        "actor": event.actor,
        "actorunit": event.actor_unit,
        "schemaversion": "1",
        "streamid": event.stream_id,
        "streamversion": "2",
        "prevhash": event.prev_hash,
        "hash": event.hash,
    }
    message = to_binary_event(CloudEvent(attributes=attributes, data=event.data))
    key = message.key.encode() if isinstance(message.key, str) else message.key
    back = decode(message.headers, key, message.value)
    assert back == event.model_copy(update={"position": None})
    assert chain_hash(hashed_fields(back), back.prev_hash) == event.hash


@pytest.mark.parametrize(
    ("headers", "value"),
    [
        ({}, b"plain bytes"),
        ({"ce_type": b"com.other.Thing", "ce_id": b"1", "ce_source": b"/x", "ce_specversion": b"1.0"}, b"{}"),
        ({"ce_type": b"org.pujiang.Noted", "ce_id": b"1", "ce_source": b"/x", "ce_specversion": b"1.0"}, b"{}"),
        ({"ce_type": b"org.pujiang.Noted", "ce_specversion": b"1.0"}, b"[1]"),
        ({"ce_type": b"org.pujiang.Noted", "ce_specversion": b"1.0"}, b"not json"),
        ({"ce_type": b"org.pujiang.Noted", "ce_specversion": b"0.3"}, b"{}"),
    ],
)
def test_records_that_are_not_our_cloud_events_are_undecodable(headers: dict[str, bytes], value: bytes) -> None:
    with pytest.raises(UndecodableMessage):
        decode(headers, None, value)


class Noted(Event):
    schema_version: ClassVar[int] = 2
    text: str
    urgent: bool


def test_an_old_shape_is_upcast_when_read_never_rewritten() -> None:
    registry = EventRegistry()
    registry.register(Noted)

    @registry.upcaster("Noted", from_version=1)
    def _v1_to_v2(data: dict[str, object]) -> dict[str, object]:
        return {"text": data["note"], "urgent": False}

    stored = recorded(1, GENESIS_HASH, data={"note": "hello"})
    payload = registry.decode(stored.model_copy(update={"type": "Noted"}))
    assert payload == Noted(text="hello", urgent=False)
    assert stored.data == {"note": "hello"}
