"""What the shell knows of each petition on the system's side: ids, codes, what it awaits.

None of it reaches the core or the command log: server ids differ from run to run.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from simulator.domain.model import TERMINAL, Observed
from simulator.domain.settling import Expectation, next_due, observe


@dataclass
class Handle:
    """What the system answered for petition #ref."""

    case_id: str
    tracking_code: str | None = None
    access_code: str | None = None


@dataclass
class CaseBook:
    origin: datetime
    tick: timedelta
    handles: dict[int, Handle] = field(default_factory=dict)
    last_seen: dict[int, Observed] = field(default_factory=dict)
    dues: dict[int, datetime] = field(default_factory=dict)  # each open case's next deadline
    expected: dict[int, Expectation] = field(default_factory=dict)
    dirty: set[int] = field(default_factory=set)  # touched: must be seen settled before deciding again
    stragglers: set[int] = field(default_factory=set)  # waited for in vain once: looked at, never waited for
    refused: set[int] = field(default_factory=set)  # intake did not take the petition
    statuses_seen: set[str] = field(default_factory=set)

    def expect(self, ref: int, expectation: Expectation) -> None:
        self.expected[ref] = self.expected.get(ref, Expectation()).then(expectation)
        self.dirty.add(ref)

    def awaits(self) -> bool:
        return bool(self.dirty or self.refused)

    def settled(self, ref: int, doc: dict[str, Any]) -> Observed:
        """Record the case as seen settled; what the core is shown of it."""
        seen = observe(doc, self.origin, self.tick)
        self.last_seen[ref] = seen
        self.expected.pop(ref, None)
        self.dirty.discard(ref)
        self.stragglers.discard(ref)
        self.statuses_seen.add(seen.status)
        due = None if seen.status in TERMINAL else next_due(doc)
        if due is None:
            self.dues.pop(ref, None)
        else:
            self.dues[ref] = due
        return seen
