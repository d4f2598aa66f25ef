"""One order for a case's events, whatever order the three topics delivered them in.

Within a stream, versions are the order; across streams, an event comes after the event that
caused it; ties go to the earlier time (all services read one clock), then to stream and
version, so the order is a pure function of the set of events.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable
from datetime import datetime
from uuid import UUID

from shared.events.base import RecordedEvent

SortKey = tuple[datetime, str, int, str]


def _key(event: RecordedEvent) -> SortKey:
    return (event.time, event.stream_id, event.version, str(event.id))


def causal_order(events: Iterable[RecordedEvent]) -> list[RecordedEvent]:
    """Each event once, after its stream predecessor and its cause when those are present."""
    by_id: dict[UUID, RecordedEvent] = {}
    for event in events:
        by_id.setdefault(event.id, event)
    by_place = {(e.stream_id, e.version): e.id for e in by_id.values()}
    waiting_on: dict[UUID, int] = {}
    unblocks: dict[UUID, list[UUID]] = {}
    for event in by_id.values():
        candidates = (by_place.get((event.stream_id, event.version - 1)), event.causation_id)
        before = {b for b in candidates if b is not None and b != event.id and b in by_id}
        waiting_on[event.id] = len(before)
        for b in before:
            unblocks.setdefault(b, []).append(event.id)
    ready = [(_key(e), e.id) for e in by_id.values() if waiting_on[e.id] == 0]
    heapq.heapify(ready)
    ordered: list[RecordedEvent] = []
    while ready:
        _, event_id = heapq.heappop(ready)
        ordered.append(by_id[event_id])
        for after in unblocks.get(event_id, ()):
            waiting_on[after] -= 1
            if waiting_on[after] == 0:
                heapq.heappush(ready, (_key(by_id[after]), after))
    if len(ordered) < len(by_id):  # a cycle can only come from a forged log: keep the rest by time
        seen = {e.id for e in ordered}
        ordered.extend(sorted((e for e in by_id.values() if e.id not in seen), key=_key))
    return ordered
