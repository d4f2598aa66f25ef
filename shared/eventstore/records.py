"""Turning decided events into recorded ones: ids, stream versions and the chained hash.

This runs for every event appended, so it builds the canonical form directly (one payload
dump, one orjson encode, one SHA-256) and the record without re-validation; the result is the
same hash `shared.events.base.chain_hash(hashed_fields(event), prev)` computes (tested).
"""

from __future__ import annotations

import hashlib
import os
import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import orjson

from shared.events.base import Event, Metadata, RecordedEvent

# orjson's datetimes as pydantic's JSON mode writes them ("Z" for UTC), keys sorted.
_CANONICAL = orjson.OPT_SORT_KEYS | orjson.OPT_UTC_Z
_VERSION_4 = (0x4000 << 64) | (0x8000 << 48)  # RFC 4122 version 4, variant 10
_VERSION_MASK = ~((0xF000 << 64) | (0xC000 << 48))


def new_ids(count: int) -> list[uuid.UUID]:
    """`count` random (version 4) UUIDs from one read of the OS's randomness.

    What uuid.uuid4() makes, without its per-call urandom and checks (a profiled cost of append).
    """
    raw = os.urandom(16 * count)
    ids = []
    for at in range(0, 16 * count, 16):
        value = uuid.UUID.__new__(uuid.UUID)
        object.__setattr__(value, "int", (int.from_bytes(raw[at : at + 16]) & _VERSION_MASK) | _VERSION_4)
        object.__setattr__(value, "is_safe", uuid.SafeUUID.unknown)
        ids.append(value)
    return ids


def _json_id(value: uuid.UUID | None) -> Any:
    # orjson writes uuid.UUID itself; asyncpg's own UUID type (ids read back) it does not take.
    return value if value is None or type(value) is uuid.UUID else str(value)


def record(
    source: str,
    stream_id: str,
    expected_version: int,
    events: Sequence[Event],
    metadata: Metadata,
    subject: str,
    now: datetime,
    prev_hash: str,
) -> list[RecordedEvent]:
    """The recorded form of `events` appended after `expected_version` of a stream whose head hash is `prev_hash`."""
    correlation_id = metadata.correlation_id
    causation_id = metadata.causation_id
    correlation = _json_id(correlation_id)
    causation = _json_id(causation_id)
    actor = metadata.actor
    actor_unit = metadata.actor_unit
    recorded: list[RecordedEvent] = []
    for offset, (event, event_id) in enumerate(zip(events, new_ids(len(events)), strict=True), start=1):
        type_name = event.type_name()
        version = expected_version + offset
        data = event.model_dump(mode="json")
        canonical = orjson.dumps(
            {
                "id": event_id,
                "source": source,
                "type": type_name,
                "subject": subject,
                "time": now,
                "stream_id": stream_id,
                "version": version,
                "schema_version": event.schema_version,
                "correlation_id": correlation,
                "causation_id": causation,
                "actor": actor,
                "actor_unit": actor_unit,
                "data": data,
                "prev_hash": prev_hash,
            },
            option=_CANONICAL,
        )
        digest = hashlib.sha256(canonical).hexdigest()
        recorded.append(
            RecordedEvent.model_construct(
                id=event_id,
                source=source,
                type=type_name,
                subject=subject,
                time=now,
                stream_id=stream_id,
                version=version,
                schema_version=event.schema_version,
                correlation_id=correlation_id,
                causation_id=causation_id,
                actor=actor,
                actor_unit=actor_unit,
                data=data,
                prev_hash=prev_hash,
                hash=digest,
                position=None,
            )
        )
        prev_hash = digest
    return recorded
