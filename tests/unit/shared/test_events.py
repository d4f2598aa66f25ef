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


def _sdk_decode(headers: dict[str, bytes], key: bytes | None, value: bytes) -> RecordedEvent:
    """What the CloudEvents SDK reads from a binary-mode record: the reference for the codec."""
    from cloudevents.core.bindings.kafka import KafkaMessage, from_binary_event

    found = from_binary_event(KafkaMessage(headers=headers, key=key, value=value))
    attributes = found.get_attributes()
    extensions = {"correlation_id": "correlationid", "causation_id": "causationid", "actor": "actor",
                  "actor_unit": "actorunit", "schema_version": "schemaversion", "stream_id": "streamid",
                  "version": "streamversion", "prev_hash": "prevhash", "hash": "hash"}  # fmt: skip
    return RecordedEvent(
        id=found.get_id(), source=found.get_source(), type=found.get_type().removeprefix("org.pujiang."),
        subject=found.get_subject(), time=found.get_time(), data=found.get_data(),
        **{field: attributes.get(ext) for field, ext in extensions.items()},
    )  # fmt: skip


@pytest.mark.parametrize("causation", [None, uuid.uuid4()])
def test_the_codec_reads_what_the_cloudevents_sdk_reads(causation):
    event = recorded(3, GENESIS_HASH, causation=causation)
    message = encode(event)
    key = message.key.encode()  # type: ignore[union-attr]
    assert decode(message.headers, key, message.value) == _sdk_decode(message.headers, key, message.value)


@pytest.mark.parametrize(
    "change",
    [
        {"ce_specversion": b"2.0"},
        {"ce_time": b"2025-01-01T10:00:00"},
        {"ce_time": b"yesterday"},
        {"ce_id": b""},
        {"ce_streamversion": b"one"},
        {"ce_correlationid": b"not-a-uuid"},
    ],
)
def test_a_record_the_sdk_would_refuse_is_undecodable(change):
    message = encode(recorded(1, GENESIS_HASH))
    headers = {**message.headers, **change}
    with pytest.raises(UndecodableMessage):
        decode(headers, None, message.value)
    with pytest.raises(Exception):  # noqa: B017, PT011 (the SDK or the envelope refuses it too)
        _sdk_decode(headers, None, message.value)


def test_data_that_is_not_a_json_object_is_undecodable():
    message = encode(recorded(1, GENESIS_HASH))
    for value in (b"[1, 2]", b"not json", b""):
        with pytest.raises(UndecodableMessage):
            decode(message.headers, None, value)
