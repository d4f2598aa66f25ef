"""Turning decided events into recorded ones: ids, stream versions and the chained hash.

This runs for every event appended, so it does the least per event that it can (profiled with
py-spy under `python -m bench.append`):
- the payload is serialised to JSON once, with sorted keys; those bytes go into the hash and,
  as text, into the INSERT;
- the canonical form is assembled from pieces: what is the same for a whole append (actor,
  correlation, stream, subject, time) is encoded once per append by orjson, the rest (id,
  previous hash, versions, type) is spliced in. The bytes are exactly what
  `orjson.dumps(fields, option=OPT_SORT_KEYS)` writes, so the hash is the one
  `shared.events.base.chain_hash(hashed_fields(event), prev)` recomputes (tested);
- ids are drawn for the whole batch from one read of the OS's randomness, as asyncpg's own UUID
  type (what reading them back gives anyway; it encodes and prints without Python code);
- the recorded event is built with `RecordedEvent.trusted` (no validation, no model_construct).
"""

from __future__ import annotations

import hashlib
import os
import uuid
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

import orjson
from asyncpg.pgproto.pgproto import UUID

from shared.events.base import Event, Metadata, RecordedEvent
from shared.eventstore.port import Append

# orjson's datetimes as pydantic's JSON mode writes them ("Z" for UTC), keys sorted.
_CANONICAL = orjson.OPT_SORT_KEYS | orjson.OPT_UTC_Z

# The events table's columns in the order of a Row.
ROW_COLUMNS = (
    "stream_id",
    "version",
    "event_id",
    "type",
    "schema_version",
    "subject",
    "source",
    "time",
    "correlation_id",
    "causation_id",
    "actor",
    "actor_unit",
    "data",
    "prev_hash",
    "hash",
)
# One event as the INSERT writes it: ROW_COLUMNS' values, `data` as JSON text.
Row = tuple[str, int, UUID, str, int, str, str, datetime, Any, Any, str, str | None, str, str, str]


def new_ids(count: int) -> list[UUID]:
    """`count` random (version 4) UUIDs from one read of the OS's randomness.

    What uuid.uuid4() makes, without its per-call urandom and its pure-Python UUID (a profiled
    cost of append: str() of one alone cost more than encoding the row).
    """
    raw = bytearray(os.urandom(16 * count))
    ids = []
    for at in range(0, 16 * count, 16):
        raw[at + 6] = (raw[at + 6] & 0x0F) | 0x40  # version 4
        raw[at + 8] = (raw[at + 8] & 0x3F) | 0x80  # variant 10 (RFC 4122)
        ids.append(UUID(bytes(raw[at : at + 16])))
    return ids


# Per event class: its type name, that name as JSON, its schema version, its serialiser.
_Kind = tuple[str, bytes, int, Any]
_KINDS: dict[type[Event], _Kind] = {}


def _kind(cls: type[Event]) -> _Kind:
    kind = _KINDS.get(cls)
    if kind is None:
        name = cls.type_name()
        kind = _KINDS[cls] = (name, orjson.dumps(name), cls.schema_version, cls.__pydantic_serializer__)
    return kind


def _json_id(value: Any) -> Any:
    # orjson writes uuid.UUID itself, in C (str() of one is pure Python, and slow); asyncpg's
    # own UUID (ids read back, or drawn by new_ids) it does not take, but prints fast.
    return value if value is None or type(value) is uuid.UUID else str(value)


def record_batch(
    source: str, appends: Sequence[Append], now: datetime, heads: Mapping[str, str]
) -> tuple[list[list[RecordedEvent]], list[Row]]:
    """Each append's recorded events (chained to its stream's head hash in `heads`) and the rows to insert."""
    ids = iter(new_ids(sum(len(a.events) for a in appends)))
    batches: list[list[RecordedEvent]] = []
    rows: list[Row] = []
    for a in appends:
        batches.append(_record(source, a, now, heads[a.stream_id], ids, rows))
    return batches, rows


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
    append = Append(stream_id, expected_version, events, metadata, subject)
    return record_batch(source, [append], now, {stream_id: prev_hash})[0][0]


def _record(source: str, a: Append, now: datetime, prev_hash: str, ids: Any, rows: list[Row]) -> list[RecordedEvent]:
    metadata = a.metadata
    correlation_id = metadata.correlation_id
    causation_id = metadata.causation_id
    actor = metadata.actor
    actor_unit = metadata.actor_unit
    stream_id = a.stream_id
    subject = a.subject
    # The canonical JSON's keys in sorted order: actor, actor_unit, causation_id, correlation_id,
    # | data |, id, prev_hash, schema_version, | source, stream_id, subject, time |, type, version.
    who = {"actor": actor, "actor_unit": actor_unit, "causation_id": _json_id(causation_id)}
    head = orjson.dumps({**who, "correlation_id": _json_id(correlation_id)}, option=_CANONICAL)[:-1] + b',"data":'
    where = {"source": source, "stream_id": stream_id, "subject": subject, "time": now}
    middle = b"," + orjson.dumps(where, option=_CANONICAL)[1:-1] + b',"type":'
    recorded: list[RecordedEvent] = []
    version = a.expected_version
    for event in a.events:
        type_name, type_json, schema_version, serializer = _kind(type(event))
        version += 1
        event_id = next(ids)
        data = serializer.to_python(event, mode="json")
        data_json = orjson.dumps(data, option=_CANONICAL)
        canonical = b'%b%b,"id":"%b","prev_hash":%b,"schema_version":%d%b%b,"version":%d}' % (
            head,
            data_json,
            str(event_id).encode(),
            orjson.dumps(prev_hash),
            schema_version,
            middle,
            type_json,
            version,
        )
        digest = hashlib.sha256(canonical).hexdigest()
        recorded.append(
            RecordedEvent.trusted(
                {
                    "id": event_id,
                    "source": source,
                    "type": type_name,
                    "subject": subject,
                    "time": now,
                    "stream_id": stream_id,
                    "version": version,
                    "schema_version": schema_version,
                    "correlation_id": correlation_id,
                    "causation_id": causation_id,
                    "actor": actor,
                    "actor_unit": actor_unit,
                    "data": data,
                    "prev_hash": prev_hash,
                    "hash": digest,
                    "position": None,
                }
            )
        )
        rows.append(
            (
                stream_id,
                version,
                event_id,
                type_name,
                schema_version,
                subject,
                source,
                now,
                correlation_id,
                causation_id,
                actor,
                actor_unit,
                data_json.decode(),
                prev_hash,
                digest,
            )
        )
        prev_hash = digest
    return recorded
