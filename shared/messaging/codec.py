"""Recorded events on the wire: the CloudEvents 1.0 Kafka binding in binary content mode."""

from __future__ import annotations

from typing import Any

from cloudevents.core.bindings.kafka import KafkaMessage, from_binary_event, to_binary_event
from cloudevents.core.v1.event import CloudEvent
from pydantic import ValidationError

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


class UndecodableMessage(ValueError):
    """A Kafka record that is not a CloudEvent we can read: it goes to the dead-letter topic."""


def encode(event: RecordedEvent) -> KafkaMessage:
    """The Kafka record of an event: key = case (subject), attributes in ce_ headers."""
    attributes: dict[str, Any] = {
        "id": str(event.id),
        "source": event.source,
        "type": CE_TYPE_PREFIX + event.type,
        "subject": event.subject,
        "time": event.time,
        "specversion": "1.0",
        "datacontenttype": "application/json",
        "partitionkey": event.subject,
    }
    for field, extension in _EXTENSIONS.items():
        value = getattr(event, field)
        if value is not None:
            attributes[extension] = str(value)
    return to_binary_event(CloudEvent(attributes=attributes, data=event.data))


def decode(headers: dict[str, bytes], key: bytes | None, value: bytes) -> RecordedEvent:
    """Read a record back into the event it carries, or raise UndecodableMessage with the reason."""
    try:
        cloud_event = from_binary_event(KafkaMessage(headers=headers, key=key, value=value))
        attributes = cloud_event.get_attributes()
        ce_type = cloud_event.get_type()
        if not ce_type.startswith(CE_TYPE_PREFIX):
            raise UndecodableMessage(f"unknown event type namespace: {ce_type}")
        data = cloud_event.get_data()
        if not isinstance(data, dict):
            raise UndecodableMessage("event data is not a JSON object")
        return RecordedEvent(
            id=cloud_event.get_id(),
            source=cloud_event.get_source(),
            type=ce_type.removeprefix(CE_TYPE_PREFIX),
            subject=cloud_event.get_subject(),
            time=cloud_event.get_time(),
            data=data,
            **{field: attributes.get(ext) for field, ext in _EXTENSIONS.items()},
        )
    except UndecodableMessage:
        raise
    except (ValidationError, ValueError, KeyError, TypeError, UnicodeDecodeError) as error:
        raise UndecodableMessage(f"not a readable CloudEvent: {error}") from error
    except Exception as error:  # the SDK raises its own hierarchy for malformed attributes
        raise UndecodableMessage(f"not a readable CloudEvent: {error!r}") from error
