"""The events a consumer decided for many streams during one batch, written in as few statements as it can.

A set-based handler loads every stream a batch touches at once, decides each consumed event in
order on the state the events before it left, and adds what it decided here. `write` then puts
them into the store with one `append_batch` per round: round k holds each stream's k-th group
(a group is what one consumed event caused, with its own causation), so a batch in which no
case hears twice is one statement. A lost race raises `ConcurrencyError` for the whole batch.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from shared.events import Event, Metadata, RecordedEvent
from shared.eventstore.port import Append, EventStore


@dataclass
class BatchAppends:
    """Per stream, in decision order, the groups of events to append after the version each was decided on."""

    _groups: dict[str, list[Append]] = field(default_factory=dict)

    def add(self, stream_id: str, decided_on: int, events: Sequence[Event], metadata: Metadata, subject: str) -> None:
        """Events decided on the stream at version `decided_on` (nothing to add for none)."""
        if events:
            self._groups.setdefault(stream_id, []).append(Append(stream_id, decided_on, events, metadata, subject))

    def __bool__(self) -> bool:
        return bool(self._groups)

    @property
    def streams(self) -> list[str]:
        return list(self._groups)

    async def write(self, store: EventStore, conn: Any) -> dict[str, list[RecordedEvent]]:
        """Append everything in the caller's transaction; each stream's recorded events, in order."""
        recorded: dict[str, list[RecordedEvent]] = {}
        rounds = max((len(groups) for groups in self._groups.values()), default=0)
        for k in range(rounds):
            appends = [groups[k] for groups in self._groups.values() if len(groups) > k]
            for append, events in zip(appends, await store.append_batch(conn, appends), strict=True):
                recorded.setdefault(append.stream_id, []).extend(events)
        return recorded
