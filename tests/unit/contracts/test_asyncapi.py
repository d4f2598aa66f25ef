"""The AsyncAPI document covers every topic and event type, matches the codec, and is committed up to date."""

from __future__ import annotations

import pytest

from services.sla.app import _topic_for
from services.sla.handlers import CLOCK_STREAM
from shared.contracts import asyncapi
from shared.contracts.samples import sample_recorded
from shared.events import REGISTRY, SystemClockMoved
from shared.messaging.codec import record_of
from shared.messaging.topics import Topics

pytestmark = pytest.mark.unit


def test_the_committed_document_is_the_generated_one() -> None:
    assert asyncapi.COMMITTED.read_bytes() == asyncapi.rendered(), (
        "docs/asyncapi.json is stale: run `uv run python -m shared.contracts.asyncapi` and commit it"
    )


def test_every_topic_has_a_channel_and_every_event_type_one_message_in_one_channel() -> None:
    doc = asyncapi.document()
    prefix = "pujiang"
    addresses = {c["address"].replace("{prefix}", prefix) for c in doc["channels"].values()}
    assert addresses == set(Topics(prefix).all())
    placed = [m for c in doc["channels"].values() for m in c["messages"]]
    types = [cls.type_name() for cls in REGISTRY.classes()]
    assert sorted(placed) == sorted([*types, "DeadLetter", "Checkpoint"])
    for name in types:
        message = doc["components"]["messages"][name]
        assert message["payload"] == {"$ref": f"#/components/schemas/{name}"}
        assert name in doc["components"]["schemas"]


def test_each_message_documents_exactly_the_headers_the_codec_writes() -> None:
    schemas = asyncapi.document()["components"]["schemas"]
    for cls in REGISTRY.classes():
        headers = schemas[f"{cls.type_name()}Headers"]
        written = [name for name, _ in record_of(sample_recorded(cls, asyncapi.service_of(cls)))[2]]
        assert list(headers["properties"]) == written
        assert set(headers["required"]) == set(written) - {"ce_causationid", "ce_actorunit"}
        assert headers["properties"]["ce_type"]["const"] == f"org.pujiang.{cls.type_name()}"


def test_the_topic_of_each_sla_event_is_the_one_sla_publishes_it_to() -> None:
    topics = Topics("p")
    for cls in REGISTRY.classes():
        if asyncapi.service_of(cls) != "sla":
            continue
        event = sample_recorded(cls, "sla")
        if cls is SystemClockMoved:
            event = event.model_copy(update={"stream_id": CLOCK_STREAM})
        assert _topic_for(topics, event) == topics.of(asyncapi.topic_of(cls))


def test_the_payload_schemas_come_from_the_event_classes() -> None:
    schema = asyncapi.document()["components"]["schemas"]["PetitionSubmitted"]
    assert schema["properties"]["petitioner"] == {"$ref": "#/components/schemas/SealedPetitioner"}
    assert "channel" in schema["required"]
