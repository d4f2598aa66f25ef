"""Turning decided events into recorded ones: ids, stream versions and the chained hash.

This runs for every event appended, so it builds the canonical form directly (one payload
dump, one orjson encode, one SHA-256) and the record without re-validation; the result is the
same hash `shared.events.base.chain_hash(hashed_fields(event), prev)` computes (tested).
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Sequence
from datetime import datetime

import orjson

from shared.events.base import Event, Metadata, RecordedEvent

# orjson's datetimes as pydantic's JSON mode writes them ("Z" for UTC), keys sorted.
_CANONICAL = orjson.OPT_SORT_KEYS | orjson.OPT_UTC_Z


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
    # str(): ids read back from PostgreSQL are asyncpg's own UUID type, which orjson does not take.
    correlation = str(correlation_id)
    causation = None if causation_id is None else str(causation_id)
    actor = metadata.actor
    actor_unit = metadata.actor_unit
    recorded: list[RecordedEvent] = []
    for offset, event in enumerate(events, start=1):
        event_id = uuid.uuid4()
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
