"""The AsyncAPI 3 document of every topic and event type, generated from the event classes.

Everything comes from code that runs: the event types are `shared.events.REGISTRY` (a class
registered later is in the next document without anyone editing this), each payload schema is
its pydantic class's JSON schema, and the CloudEvents headers are those `shared.messaging.codec`
actually writes for an example of each type. The committed copy is `docs/asyncapi.json`
(`python -m shared.contracts.asyncapi` rewrites it; a unit test fails when it is stale, CI
validates it with the AsyncAPI CLI), and every service serves it at `GET /asyncapi.json`.
"""

from __future__ import annotations

import argparse
import inspect
import sys
from functools import cache
from pathlib import Path
from typing import Any

import orjson
from pydantic.json_schema import models_json_schema

from shared.contracts.samples import sample_recorded, stable_example
from shared.events import REGISTRY, Event, SystemClockMoved
from shared.events.base import CE_TYPE_PREFIX
from shared.messaging.codec import record_of
from shared.messaging.topics import SERVICES_PUBLISHING

COMMITTED = Path(__file__).resolve().parents[2] / "docs" / "asyncapi.json"
ASYNCAPI_VERSION = "3.1.0"
KAFKA_BINDING = "0.5.0"
_REF = "#/components/schemas/{model}"

# sla publishes SystemClockMoved to the one-partition clock topic, every other event to its own
# (services/sla/app.py `_topic_for`; tests/unit/contracts checks the two agree).
_OWN_TOPIC: dict[type[Event], str] = {SystemClockMoved: "clock"}

_HEADER_DOC = {
    "ce_id": "CloudEvents `id`: the event's id (UUID), unique forever; consumers deduplicate on it.",
    "ce_source": "CloudEvents `source`: `/pujiang/<service>`, the service that recorded the event.",
    "ce_type": "CloudEvents `type`: `org.pujiang.<EventType>`.",
    "ce_subject": "CloudEvents `subject`: the case id (the record's key too).",
    "ce_time": "CloudEvents `time`: when the event was recorded (RFC 3339, the system's clock).",
    "ce_specversion": "CloudEvents `specversion`.",
    "content-type": "CloudEvents `datacontenttype` (the Kafka binding's `content-type` header).",
    "ce_partitionkey": "CloudEvents Partitioning extension `partitionkey`: the case id.",
    "ce_correlationid": "Extension `correlationid`: the command (or submit) the chain of events started from.",
    "ce_causationid": "Extension `causationid`: the id of the event that caused this one (absent for a first).",
    "ce_actor": "Extension `actor`: who is responsible (`official:<sub>`, `petitioner:<tracking code>`, ...).",
    "ce_actorunit": "Extension `actorunit`: the division code of the actor's unit, when there is one.",
    "ce_schemaversion": "Extension `schemaversion`: the payload's schema version (readers upcast older ones).",
    "ce_streamid": "Extension `streamid`: the event-store stream the event belongs to.",
    "ce_streamversion": "Extension `streamversion`: the event's version within its stream (1, 2, ...).",
    "ce_prevhash": "Extension `prevhash`: SHA-256 of the stream's previous event (64 zeros for the first).",
    "ce_hash": "Extension `hash`: SHA-256 of this event's canonical form chained to `prevhash` (tamper evidence).",
}
_KEY = {"type": "string", "description": "the case id"}
_DEAD_LETTER_HEADERS = {
    "dlq_reason": "Why the record could not be read or applied.",
    "dlq_consumer": "The consumer group that gave up on it.",
    "dlq_topic": "The topic it was read from.",
    "dlq_partition": "Its partition there.",
    "dlq_offset": "Its offset there.",
}


def service_of(cls: type[Event]) -> str:
    """The service that records events of this class: the module it is declared in (shared/events/<service>.py)."""
    return cls.__module__.rsplit(".", 1)[-1]


def topic_of(cls: type[Event]) -> str:
    """The topic key (`<prefix>.<key>`) events of this class are published to."""
    return _OWN_TOPIC.get(cls, service_of(cls))


def _summary(cls: type[Event]) -> str:
    doc = inspect.getdoc(cls)
    own = doc if doc and cls.__doc__ is not None and doc != inspect.getdoc(Event) else None
    if not own:
        return f"{cls.__name__} (schema version {cls.schema_version})."
    return own.split("\n\n", 1)[0].replace("\n", " ")


def _headers_schema(cls: type[Event]) -> dict[str, Any]:
    """The headers codec.record_of writes for this type: always present, or only with a cause and a unit."""
    minimal = dict(record_of(sample_recorded(cls, service_of(cls), full=False))[2])
    full = dict(record_of(sample_recorded(cls, service_of(cls), full=True))[2])
    properties: dict[str, Any] = {}
    for name in full:
        prop: dict[str, Any] = {"type": "string", "description": _HEADER_DOC.get(name, name)}
        if name == "ce_type":
            prop["const"] = CE_TYPE_PREFIX + cls.type_name()
        elif name == "ce_specversion":
            prop["const"] = "1.0"
        elif name == "content-type":
            prop["const"] = "application/json"
        elif name == "ce_schemaversion":
            prop["const"] = str(cls.schema_version)
        elif name in {"ce_hash", "ce_prevhash"}:
            prop["pattern"] = "^[0-9a-f]{64}$"
        elif name == "ce_time":
            prop["format"] = "date-time"
        properties[name] = prop
    return {"type": "object", "required": [n for n in full if n in minimal], "properties": properties}


def _example(cls: type[Event]) -> dict[str, Any]:
    _key, value, headers = record_of(stable_example(sample_recorded(cls, service_of(cls))))
    return {
        "name": f"{cls.type_name()}Example",
        "headers": {name: raw.decode() for name, raw in headers},
        "payload": orjson.loads(value),
    }


def _channel(key: str, messages: list[str], description: str, partitions: int | None) -> dict[str, Any]:
    kafka: dict[str, Any] = {"topicConfiguration": {"retention.ms": -1, "retention.bytes": -1}}
    if partitions is not None:
        kafka["partitions"] = partitions
    return {
        "address": f"{{prefix}}.{key}",
        "title": f"<prefix>.{key}",
        "description": description,
        "parameters": {"prefix": {"$ref": "#/components/parameters/prefix"}},
        "messages": {m: {"$ref": f"#/components/messages/{m}"} for m in messages},
        "bindings": {"kafka": {**kafka, "bindingVersion": KAFKA_BINDING}},
    }


def _channel_doc(key: str) -> str:
    if key == "clock":
        return "The system's simulated time (dev only): one partition, followed by every service instance."
    return f"Every event {key} records, in CloudEvents binary mode, keyed by case id (kept forever)."


@cache
def document() -> dict[str, Any]:
    """The whole AsyncAPI 3.0 document, built from the registry (cached: it cannot change while running)."""
    classes = REGISTRY.classes()
    _, schemas = models_json_schema([(c, "serialization") for c in classes], ref_template=_REF)
    components_schemas: dict[str, Any] = dict(schemas.get("$defs", {}))
    messages: dict[str, Any] = {}
    by_topic: dict[str, list[str]] = {key: [] for key in (*SERVICES_PUBLISHING, "clock")}
    for cls in classes:
        name = cls.type_name()
        by_topic.setdefault(topic_of(cls), []).append(name)
        components_schemas[f"{name}Headers"] = _headers_schema(cls)
        messages[name] = {
            "name": name,
            "title": name,
            "summary": _summary(cls),
            "contentType": "application/json",
            "correlationId": {"$ref": "#/components/correlationIds/correlation"},
            "headers": {"$ref": f"#/components/schemas/{name}Headers"},
            "payload": {"$ref": f"#/components/schemas/{name}"},
            "bindings": {"kafka": {"key": _KEY, "bindingVersion": KAFKA_BINDING}},
            "examples": [_example(cls)],
        }
    messages["DeadLetter"] = {
        "name": "DeadLetter",
        "title": "DeadLetter",
        "summary": "A record a consumer could not read or apply: its original key, value and headers, plus why.",
        "headers": {
            "type": "object",
            "required": list(_DEAD_LETTER_HEADERS),
            "properties": {n: {"type": "string", "description": d} for n, d in _DEAD_LETTER_HEADERS.items()},
            "additionalProperties": {"type": "string", "description": "the original record's headers, unchanged"},
        },
        "payload": {"description": "the original record's value, byte for byte (it may not be JSON)"},
    }
    messages["Checkpoint"] = {
        "name": "Checkpoint",
        "title": "Checkpoint",
        "summary": "A service's signed Merkle checkpoint (docs/audit.md): size, root, Ed25519 signature, key.",
        "contentType": "application/json",
        "payload": {
            "type": "object",
            "required": ["checkpoint", "key", "previous", "consistency"],
            "properties": {
                "checkpoint": {"type": "object", "description": "log, size, root, time, key_id, signature"},
                "key": {"type": "object", "description": "key_id, algorithm (Ed25519), public_key (base64)"},
                "previous": {"type": ["integer", "null"], "description": "the size of the checkpoint before"},
                "consistency": {"type": "array", "items": {"type": "string"}, "description": "RFC 9162 proof"},
            },
        },
        "bindings": {"kafka": {"key": {"type": "string", "description": "the log"}, "bindingVersion": KAFKA_BINDING}},
    }
    channels = {k: _channel(k, names, _channel_doc(k), 1 if k == "clock" else None) for k, names in by_topic.items()}
    signed = "Each service's signed Merkle checkpoints, each with the consistency proof from the one before."
    channels["checkpoints"] = _channel("checkpoints", ["Checkpoint"], signed, 1)
    dead = "Records consumers could not read or apply, with the reason; nobody consumes them."
    channels["deadletter"] = _channel("deadletter", ["DeadLetter"], dead, None)
    operations = {
        f"publish_{key}": {
            "action": "send",
            "title": f"{'sla' if key == 'clock' else key} publishes to <prefix>.{key}",
            "summary": "Sent by the service's outbox relay (idempotent producer), in its event store's global order.",
            "channel": {"$ref": f"#/channels/{key}"},
            "messages": [{"$ref": f"#/channels/{key}/messages/{name}"} for name in names],
        }
        for key, names in by_topic.items()
        if names
    }
    operations["publish_checkpoints"] = {
        "action": "send",
        "title": "intake, routing and sla publish their checkpoints",
        "channel": {"$ref": "#/channels/checkpoints"},
        "messages": [{"$ref": "#/channels/checkpoints/messages/Checkpoint"}],
    }
    operations["publish_deadletter"] = {
        "action": "send",
        "title": "any consumer dead-letters an unreadable record",
        "channel": {"$ref": "#/channels/deadletter"},
        "messages": [{"$ref": "#/channels/deadletter/messages/DeadLetter"}],
    }
    return {
        "asyncapi": ASYNCAPI_VERSION,
        "id": "urn:pujiang:events",
        "info": {
            "title": "Pujiang events",
            "version": "1.0.0",
            "description": (
                "Every topic and event type of Pujiang. Records are CloudEvents 1.0 in the Kafka protocol "
                "binding's binary content mode: attributes in `ce_*` headers, the payload as JSON in the value, "
                "the case id as the key. Generated from shared/events (python -m shared.contracts.asyncapi)."
            ),
        },
        "defaultContentType": "application/json",
        "servers": {
            "local": {
                "host": "127.0.0.1:9092",
                "protocol": "kafka",
                "description": "The development broker (KAFKA_BOOTSTRAP_SERVERS).",
            }
        },
        "channels": channels,
        "operations": operations,
        "components": {
            "schemas": dict(sorted(components_schemas.items())),
            "messages": messages,
            "parameters": {"prefix": {"default": "pujiang", "description": "PUJIANG_TOPIC_PREFIX of the deployment."}},
            "correlationIds": {
                "correlation": {
                    "description": "The command the event descends from (CloudEvents extension correlationid).",
                    "location": "$message.header#/ce_correlationid",
                }
            },
        },
    }


@cache
def rendered() -> bytes:
    """The document as committed: indented, keys in a stable order, one newline at the end."""
    return orjson.dumps(document(), option=orjson.OPT_INDENT_2) + b"\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write (or --check) the committed AsyncAPI document.")
    parser.add_argument("--check", action="store_true", help="exit 1 when docs/asyncapi.json is stale")
    parser.add_argument("--output", type=Path, default=COMMITTED)
    args = parser.parse_args(argv)
    if args.check:
        stale = not args.output.exists() or args.output.read_bytes() != rendered()
        if stale:
            print(f"{args.output} is stale: run python -m shared.contracts.asyncapi", file=sys.stderr)
        return 1 if stale else 0
    args.output.write_bytes(rendered())
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
