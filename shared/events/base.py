"""Event payloads and the envelope that carries them (CloudEvents 1.0 attributes + our own)."""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any, ClassVar
from uuid import UUID

import orjson
from pydantic import BaseModel, ConfigDict

GENESIS_HASH = "0" * 64
CE_TYPE_PREFIX = "org.pujiang."


class Event(BaseModel):
    """A domain event payload: frozen, versioned, named in the past tense."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    schema_version: ClassVar[int] = 1

    @classmethod
    def type_name(cls) -> str:
        return cls.__name__


class Metadata(BaseModel):
    """Who caused an event and why: the chain of responsibility and the causal chain."""

    model_config = ConfigDict(frozen=True)

    correlation_id: UUID
    causation_id: UUID | None = None
    actor: str
    actor_unit: str | None = None


class RecordedEvent(BaseModel):
    """An event as stored and published: what every reader of the log sees."""

    model_config = ConfigDict(frozen=True)

    id: UUID
    source: str
    type: str
    subject: str
    time: datetime
    stream_id: str
    version: int
    schema_version: int
    correlation_id: UUID
    causation_id: UUID | None
    actor: str
    actor_unit: str | None
    data: dict[str, Any]
    prev_hash: str
    hash: str
    position: int | None = None

    @classmethod
    def trusted(cls, fields: dict[str, Any]) -> RecordedEvent:
        """The event from every one of its fields, already of the right types, with no validation.

        What `model_construct` builds, without its per-field loop over aliases and defaults:
        rows of the store and records of the log are turned into events with this, millions of
        times in a rebuild. `fields` becomes the event's own (it must not be reused).
        """
        event = _new(cls)
        _set(event, "__dict__", fields)
        _set(event, "__pydantic_fields_set__", set(_RECORDED_FIELDS))
        _set(event, "__pydantic_extra__", None)
        _set(event, "__pydantic_private__", None)
        return event

    @property
    def metadata(self) -> Metadata:
        return Metadata(
            correlation_id=self.correlation_id,
            causation_id=self.causation_id,
            actor=self.actor,
            actor_unit=self.actor_unit,
        )

    def caused(self, actor: str, actor_unit: str | None = None) -> Metadata:
        """Metadata for an event that this one causes: same correlation, this as the cause."""
        return Metadata(
            correlation_id=self.correlation_id,
            causation_id=self.id,
            actor=actor,
            actor_unit=actor_unit,
        )


_new = object.__new__
_set = object.__setattr__
_RECORDED_FIELDS = frozenset(RecordedEvent.model_fields)


def chain_hash(fields: dict[str, Any], prev_hash: str) -> str:
    """The tamper-evidence hash: SHA-256 over the canonical JSON of the event and its predecessor's hash."""
    canonical = orjson.dumps({**fields, "prev_hash": prev_hash}, option=orjson.OPT_SORT_KEYS)
    return hashlib.sha256(canonical).hexdigest()


def hashed_fields(event: RecordedEvent) -> dict[str, Any]:
    """The fields the chain hash covers: everything but the hashes and the store position."""
    return event.model_dump(mode="json", exclude={"prev_hash", "hash", "position"})


def verify_chain(events: list[RecordedEvent]) -> RecordedEvent | None:
    """The first event of one stream (in version order) whose hash does not hold, if any."""
    prev = GENESIS_HASH
    for event in events:
        if event.prev_hash != prev or chain_hash(hashed_fields(event), prev) != event.hash:
            return event
        prev = event.hash
    return None
