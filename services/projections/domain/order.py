"""One order for a case's events, whatever order the three topics delivered them in.

Within a stream, versions are the order; across streams, an event comes after the event that
caused it; ties go to the earlier time (all services read one clock), then to stream and
version, so the order is a pure function of the set of events.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING
from uuid import UUID

from shared.events.base import RecordedEvent

if TYPE_CHECKING:
    from services.projections.domain.case import TimelineEntry

SortKey = tuple[datetime, str, int, str]


def _key(event: RecordedEvent) -> SortKey:
    return (event.time, event.stream_id, event.version, str(event.id))


def causal_order(events: Iterable[RecordedEvent]) -> list[RecordedEvent]:
    """Each event once, after its stream predecessor and its cause when those are present."""
    by_id: dict[int, RecordedEvent] = {}
    for event in events:
        by_id.setdefault(event.id.int, event)
    # Usually time order is already causal (one clock, causes first): then it is the answer, as
    # the general walk below pops the smallest ready key each time. Ids compare as their hex does.
    ordered = sorted(by_id.values(), key=lambda e: (e.time, e.stream_id, e.version, e.id.int))
    if _is_causal(ordered, by_id):
        return ordered
    return _walk(ordered)


def _is_causal(ordered: list[RecordedEvent], by_id: dict[int, RecordedEvent]) -> bool:
    places = {(e.stream_id, e.version) for e in ordered}
    if len(places) != len(ordered):  # two events claim one place: only a forged log does that
        return False
    done_places: set[tuple[str, int]] = set()
    done: set[int] = set()
    for event in ordered:
        before = (event.stream_id, event.version - 1)
        if before in places and before not in done_places:
            return False
        cause = event.causation_id.int if event.causation_id is not None else None
        if cause is not None and cause in by_id and cause not in done and cause != event.id.int:
            return False
        done_places.add((event.stream_id, event.version))
        done.add(event.id.int)
    return True


def _walk(unique: list[RecordedEvent]) -> list[RecordedEvent]:
    """Kahn's walk, smallest ready key first; what a cycle (a forged log) leaves goes last by time."""
    by_id: dict[UUID, RecordedEvent] = {e.id: e for e in unique}
    by_place = {(e.stream_id, e.version): e.id for e in unique}
    waiting_on: dict[UUID, int] = {}
    unblocks: dict[UUID, list[UUID]] = {}
    for event in unique:
        candidates = (by_place.get((event.stream_id, event.version - 1)), event.causation_id)
        before = {b for b in candidates if b is not None and b != event.id and b in by_id}
        waiting_on[event.id] = len(before)
        for b in before:
            unblocks.setdefault(b, []).append(event.id)
    ready = [(_key(e), e.id) for e in unique if waiting_on[e.id] == 0]
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
        ordered.extend(e for e in unique if e.id not in seen)
    return ordered


def appends_in_order(timeline: Sequence[TimelineEntry], events: Iterable[RecordedEvent]) -> bool:
    """Whether `causal_order(applied + events)` is `applied + causal_order(events)`.

    True when every new event sorts after every applied one, no applied event waits on a new one
    (as a missing cause or a later version of its stream), and the applied order is a causal one.
    Otherwise the case must be folded again from its whole log.
    """
    seen: set[str] = set()
    heads: dict[str, int] = {}
    last: SortKey | None = None
    awaited: set[str] = set()
    for entry in timeline:
        if entry.causation_id is not None and entry.causation_id not in seen:
            awaited.add(entry.causation_id)
        previous = heads.get(entry.stream_id)
        if previous is not None and entry.version != previous + 1:  # a gap or a step back: refold
            return False
        seen.add(entry.event_id)
        heads[entry.stream_id] = entry.version
        key = (entry.time, entry.stream_id, entry.version, entry.event_id)
        last = key if last is None or key > last else last
    if awaited & seen:  # an applied event came before its cause: not an order the fold makes
        return False
    for event in events:
        if str(event.id) in awaited or event.version <= heads.get(event.stream_id, 0):
            return False
        if last is not None and _key(event) <= last:
            return False
    return True
