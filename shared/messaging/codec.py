"""Recorded events on the wire: the CloudEvents 1.0 Kafka binding in binary content mode.

Attributes travel as `ce_<name>` headers, `datacontenttype` as `content-type`, the payload as
JSON in the value and the case (subject) as the key. This module writes and reads that shape
directly (orjson, one parse of the value, no SDK objects in between; ids parsed by asyncpg's
C UUID, which equals and hashes as uuid.UUID and is what the store's reads give): it runs for
every record published and consumed. A unit test keeps it honest against the cloudevents SDK both ways.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import orjson
from asyncpg.pgproto.pgproto import UUID
from cloudevents.core.bindings.kafka import KafkaMessage

from shared.events.base import CE_TYPE_PREFIX, RecordedEvent

# Our attributes beyond the CloudEvents core, as extension names (lower-case alphanumerics).
_EXTENSIONS = {
    "correlation_id": "correlationid",
    "causation_id": "causationid",
    "actor": "actor",
    "actor_unit": "actorunit",
    "schema_version": "schemaversion",
    "stream_id": "streamid",
    "version": "streamversion",
    "prev_hash": "prevhash",
    "hash": "hash",
}
_JSON = b"application/json"


class UndecodableMessage(ValueError):
    """A Kafka record that is not a CloudEvent we can read: it goes to the dead-letter topic."""


def _time(value: datetime) -> bytes:
    text = value.isoformat()
    return (text[:-6] + "Z" if text.endswith("+00:00") else text).encode()


# A Kafka record as the producer takes it: key, value, headers.
Record = tuple[bytes, bytes, list[tuple[str, bytes]]]


def record_of(event: RecordedEvent) -> Record:
    """The Kafka record of an event: key = case (subject), attributes in ce_ headers (see `encode`)."""
    subject = event.subject.encode()
    headers = [
        ("ce_id", str(event.id).encode()),
        ("ce_source", event.source.encode()),
        ("ce_type", (CE_TYPE_PREFIX + event.type).encode()),
        ("ce_subject", subject),
        ("ce_time", _time(event.time)),
        ("ce_specversion", b"1.0"),
        ("content-type", _JSON),
        ("ce_partitionkey", subject),
        ("ce_correlationid", str(event.correlation_id).encode()),
        ("ce_actor", event.actor.encode()),
        ("ce_schemaversion", str(event.schema_version).encode()),
        ("ce_streamid", event.stream_id.encode()),
        ("ce_streamversion", str(event.version).encode()),
        ("ce_prevhash", event.prev_hash.encode()),
        ("ce_hash", event.hash.encode()),
    ]
    if event.causation_id is not None:
        headers.append(("ce_causationid", str(event.causation_id).encode()))
    if event.actor_unit is not None:
        headers.append(("ce_actorunit", event.actor_unit.encode()))
    return subject, orjson.dumps(event.data), headers


def encode(event: RecordedEvent) -> KafkaMessage:
    """The Kafka record of an event in the binding's shape (what `record_of` gives the producer)."""
    key, value, headers = record_of(event)
    return KafkaMessage(headers=dict(headers), key=key, value=value)


def _text(headers: dict[str, bytes], name: str) -> str:
    value = headers.get(name)
    if value is None:
        raise UndecodableMessage(f"not a readable CloudEvent: no {name} header")
    return value.decode() if isinstance(value, bytes) else str(value)


def _optional(headers: dict[str, bytes], name: str) -> str | None:
    value = headers.get(name)
    return None if value is None else _text(headers, name)


def decode(headers: dict[str, bytes], key: bytes | None, value: bytes) -> RecordedEvent:  # noqa: ARG001
    """Read a record back into the event it carries, or raise UndecodableMessage with the reason.

    `key` is accepted for the binding's shape; the subject header is what names the case.
    """
    try:
        if _text(headers, "ce_specversion") != "1.0":
            raise UndecodableMessage(f"unsupported CloudEvents specversion {headers['ce_specversion']!r}")
        ce_type = _text(headers, "ce_type")
        if not ce_type.startswith(CE_TYPE_PREFIX):
            raise UndecodableMessage(f"unknown event type namespace: {ce_type}")
        content_type = headers.get("content-type", _JSON)
        if content_type.split(b";")[0].strip() != _JSON:
            raise UndecodableMessage(f"event data is not JSON: {content_type!r}")
        data: Any = orjson.loads(value)
        if not isinstance(data, dict):
            raise UndecodableMessage("event data is not a JSON object")
        causation = _optional(headers, "ce_causationid")
        return RecordedEvent.trusted(
            {
                "id": UUID(_text(headers, "ce_id")),
                "source": _text(headers, "ce_source"),
                "type": ce_type.removeprefix(CE_TYPE_PREFIX),
                "subject": _text(headers, "ce_subject"),
                "time": datetime.fromisoformat(_text(headers, "ce_time")),
                "stream_id": _text(headers, "ce_streamid"),
                "version": int(_text(headers, "ce_streamversion")),
                "schema_version": int(_text(headers, "ce_schemaversion")),
                "correlation_id": UUID(_text(headers, "ce_correlationid")),
                "causation_id": None if causation is None else UUID(causation),
                "actor": _text(headers, "ce_actor"),
                "actor_unit": _optional(headers, "ce_actorunit"),
                "data": data,
                "prev_hash": _text(headers, "ce_prevhash"),
                "hash": _text(headers, "ce_hash"),
                "position": None,
            }
        )
    except UndecodableMessage:
        raise
    except (ValueError, TypeError, UnicodeDecodeError, orjson.JSONDecodeError) as error:
        raise UndecodableMessage(f"not a readable CloudEvent: {error}") from error
