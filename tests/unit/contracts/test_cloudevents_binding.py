"""Every kind of record we publish reads back through the CloudEvents SDK's Kafka binding, attributes intact.

Each registered event type (so also the ones added later) is recorded by the store's own
`record` and turned into a Kafka record by the relay's own `record_of`, then read with the SDK's
`cloudevents.v1.kafka.from_binary` and the newer `cloudevents.core.bindings.kafka`; the SDK's
own encoding of the same event is read back by our consumer's `decode`.
"""

from __future__ import annotations

import pytest
from cloudevents.core.bindings import kafka as core_kafka
from cloudevents.core.v1.event import CloudEvent as CoreCloudEvent
from cloudevents.v1 import kafka as v1_kafka

from shared.contracts.asyncapi import service_of
from shared.contracts.samples import sample_recorded
from shared.events import REGISTRY, Event
from shared.events.base import CE_TYPE_PREFIX, RecordedEvent, chain_hash, hashed_fields
from shared.messaging.codec import decode, record_of

pytestmark = pytest.mark.unit

CASES = [pytest.param(cls, full, id=f"{cls.type_name()}-{'full' if full else 'minimal'}")
         for cls in REGISTRY.classes() for full in (True, False)]  # fmt: skip


def extensions_of(event: RecordedEvent) -> dict[str, str]:
    """Our attributes beyond the core, as the CloudEvents extensions they travel as."""
    ours = {
        "correlationid": str(event.correlation_id),
        "actor": event.actor,
        "schemaversion": str(event.schema_version),
        "streamid": event.stream_id,
        "streamversion": str(event.version),
        "prevhash": event.prev_hash,
        "hash": event.hash,
    }
    if event.causation_id is not None:
        ours["causationid"] = str(event.causation_id)
    if event.actor_unit is not None:
        ours["actorunit"] = event.actor_unit
    return ours


def test_every_registered_type_is_covered() -> None:
    assert len(CASES) == 2 * len(REGISTRY.classes()) > 2


@pytest.mark.parametrize(("cls", "full"), CASES)
def test_the_v1_sdk_reads_every_published_record(cls: type[Event], full: bool) -> None:
    event = sample_recorded(cls, service_of(cls), full=full)
    key, value, headers = record_of(event)
    read = v1_kafka.from_binary(v1_kafka.KafkaMessage(headers=dict(headers), key=key, value=value))
    attributes = read.get_attributes()
    assert attributes["specversion"] == "1.0"
    assert attributes["id"] == str(event.id)
    assert attributes["source"] == event.source == f"/pujiang/{service_of(cls)}"
    assert attributes["type"] == CE_TYPE_PREFIX + cls.type_name()
    assert attributes["subject"] == event.subject
    assert attributes["time"] == event.time.isoformat().replace("+00:00", "Z")
    assert attributes["datacontenttype"] == "application/json"
    assert attributes["partitionkey"] in {event.subject, event.subject.encode()}
    assert {k: attributes.get(k) for k in extensions_of(event)} == extensions_of(event)
    assert set(attributes) - {"specversion", "id", "source", "type", "subject", "time", "datacontenttype"} == {
        "partitionkey",
        *extensions_of(event),
    }
    assert read.get_data() == event.data
    # The payload read by the SDK is still a valid payload of its class, and its hash still holds.
    assert cls.model_validate(read.get_data()) == REGISTRY.decode(event)
    assert chain_hash(hashed_fields(event), event.prev_hash) == attributes["hash"]


@pytest.mark.parametrize(("cls", "full"), CASES)
def test_the_core_binding_reads_every_published_record_and_writes_what_we_read(cls: type[Event], full: bool) -> None:
    event = sample_recorded(cls, service_of(cls), full=full)
    key, value, headers = record_of(event)
    read = core_kafka.from_binary_event(core_kafka.KafkaMessage(headers=dict(headers), key=key, value=value))
    assert read.get_id() == str(event.id)
    assert read.get_type() == CE_TYPE_PREFIX + cls.type_name()
    assert read.get_time() == event.time
    assert read.get_data() == event.data
    written = core_kafka.to_binary_event(CoreCloudEvent(attributes=read.get_attributes(), data=read.get_data()))
    written_key = written.key.encode() if isinstance(written.key, str) else written.key
    assert decode(written.headers, written_key, written.value) == event.model_copy(update={"position": None})
