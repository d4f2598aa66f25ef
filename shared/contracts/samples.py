"""A valid example of every event payload, made from its class's JSON schema, never written by hand.

Used for the AsyncAPI document's examples and by the tests that pass every registered event type
through the CloudEvents SDK, so an event class added later has an example without anyone writing one.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from shared.events.base import GENESIS_HASH, Event, Metadata, RecordedEvent, chain_hash, hashed_fields
from shared.eventstore.records import record

EXAMPLE_TIME = datetime(2026, 11, 26, 8, 30, 0, 123456, tzinfo=UTC)
EXAMPLE_CASE = "7d1b7a52-3a51-4f0b-9f55-4c1a6b0e2f10"
_EXAMPLE_TEXT = "example"


def sample_payload(cls: type[Event]) -> Event:
    """An instance of `cls` with every field, optional ones too, set to a value its schema allows."""
    schema = cls.model_json_schema(mode="validation")
    data = _sample(schema, schema.get("$defs", {}))
    return cls.model_validate(data)


def sample_from_schema(schema: dict[str, Any], defs: dict[str, Any]) -> Any:
    """A value a JSON schema allows (refs resolved by name in `defs`): optional fields set, defaults used."""
    return _sample(schema, defs)


def _sample(schema: dict[str, Any], defs: dict[str, Any]) -> Any:
    if "$ref" in schema:
        return _sample(defs[schema["$ref"].rsplit("/", 1)[-1]], defs)
    for fixed in ("const", "enum", "default"):
        if schema.get(fixed) is not None:
            return schema[fixed][0] if fixed == "enum" else schema[fixed]
    for union in ("anyOf", "oneOf", "allOf"):
        if union in schema:
            options = [o for o in schema[union] if o.get("type") != "null"] or schema[union]
            return _sample(options[0], defs)
    if schema.get("type") == "object" or "properties" in schema:
        return {name: _sample(sub, defs) for name, sub in schema.get("properties", {}).items()}
    if schema.get("type") == "array":
        return [_sample(schema.get("items", {"type": "string"}), defs)] * max(1, schema.get("minItems", 1))
    return _scalar(schema)


def _scalar(schema: dict[str, Any]) -> Any:
    kind = schema.get("type")
    if kind in {"integer", "number"}:
        least = max(1, schema.get("minimum", 1))
        return least if kind == "integer" else float(least)
    if kind in {"boolean", "null"}:
        return True if kind == "boolean" else None
    return _string(schema)


def _string(schema: dict[str, Any]) -> str:
    fmt = schema.get("format")
    if fmt == "date-time":
        return EXAMPLE_TIME.isoformat()
    if fmt == "date":
        return EXAMPLE_TIME.date().isoformat()
    if fmt == "uuid":
        return EXAMPLE_CASE
    text = _EXAMPLE_TEXT.ljust(schema.get("minLength", 0), "x")
    return text[: schema["maxLength"]] if "maxLength" in schema else text


def sample_recorded(cls: type[Event], service: str, *, full: bool = True) -> RecordedEvent:
    """The event as the store records it (and the relay publishes it), hashes and all.

    `full` sets the optional envelope attributes (a cause and the actor's unit) too.
    """
    metadata = Metadata(
        correlation_id=uuid.UUID(int=1),
        causation_id=uuid.UUID(int=2) if full else None,
        actor="official:example",
        actor_unit="330726000000" if full else None,
    )
    payload = sample_payload(cls)
    subject = str(getattr(payload, "case_id", EXAMPLE_CASE))
    source, stream = f"/pujiang/{service}", f"example-{subject}"
    return record(source, stream, 0, [payload], metadata, subject, EXAMPLE_TIME, GENESIS_HASH)[0]


def stable_example(event: RecordedEvent) -> RecordedEvent:
    """The same event with an id fixed by its type (and its hash recomputed): a document that does not change."""
    fixed = event.model_copy(update={"id": uuid.uuid5(uuid.NAMESPACE_URL, f"org.pujiang.{event.type}")})
    return fixed.model_copy(update={"hash": chain_hash(hashed_fields(fixed), fixed.prev_hash)})
