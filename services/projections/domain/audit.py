"""Checking the tamper-evidence chains of event streams, naming the first event that fails. Pure."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from pydantic import BaseModel, ConfigDict

from shared.events.base import GENESIS_HASH, RecordedEvent, chain_hash, hashed_fields, verify_chain


class StreamCheck(BaseModel):
    model_config = ConfigDict(frozen=True)

    stream_id: str
    events: int
    ok: bool
    first_bad: dict[str, Any] | None = None


def _why(event: RecordedEvent, previous: RecordedEvent | None) -> str:
    expected_prev = previous.hash if previous is not None else GENESIS_HASH
    if previous is not None and previous.version == event.version:
        return "two events claim the same version"
    if (previous is not None and event.version != previous.version + 1) or (previous is None and event.version != 1):
        return "an event is missing before this one"
    if event.prev_hash != expected_prev:
        return "prev_hash does not link to the previous event"
    if chain_hash(hashed_fields(event), event.prev_hash) != event.hash:
        return "the event's content does not match its hash"
    return "the chain does not hold"


def check_stream(stream_id: str, events: list[RecordedEvent]) -> StreamCheck:
    """One stream's events in version order: the first whose hash or link does not hold, if any."""
    ordered = sorted(events, key=lambda e: (e.version, str(e.id)))
    bad = verify_chain(ordered)
    if bad is None:
        return StreamCheck(stream_id=stream_id, events=len(ordered), ok=True)
    at = next(i for i, e in enumerate(ordered) if e is bad)
    first_bad = {
        "event_id": str(bad.id),
        "stream_id": bad.stream_id,
        "version": bad.version,
        "type": bad.type,
        "time": bad.time.isoformat(),
        "reason": _why(bad, ordered[at - 1] if at else None),
    }
    return StreamCheck(stream_id=stream_id, events=len(ordered), ok=False, first_bad=first_bad)


def check_streams(events: Iterable[RecordedEvent]) -> list[StreamCheck]:
    streams: dict[str, list[RecordedEvent]] = defaultdict(list)
    for event in events:
        streams[event.stream_id].append(event)
    return [check_stream(stream_id, found) for stream_id, found in sorted(streams.items())]
