"""A one-line status on stderr every few seconds: what the run sent and where the cases stand."""

from __future__ import annotations

import sys
import time
from collections.abc import Mapping
from datetime import timedelta
from typing import TextIO

from shared.vocabulary import CaseStatus

_ORDER = [s.value for s in CaseStatus]


def status_line(
    elapsed: timedelta, tick: int, petitions: int, actions: int, by_status: Mapping[str, int], wall_s: float
) -> str:
    days = elapsed / timedelta(days=1)
    statuses = " ".join(
        f"{s} {by_status[s]}" for s in [*_ORDER, *sorted(set(by_status) - set(_ORDER))] if by_status.get(s)
    )
    rate = (elapsed / timedelta(hours=1)) / wall_s if wall_s > 0 else 0.0
    return (
        f"[simulator] day {days:.2f} (tick {tick}) | petitions {petitions} | actions {actions} | "
        f"{statuses or 'no cases yet'} | {rate:.1f} simulated h per s"
    )


class Progress:
    def __init__(self, every_s: float | None, out: TextIO = sys.stderr) -> None:
        self._every = every_s
        self._out = out
        self._last = 0.0

    def show(self, line: str, force: bool = False) -> None:
        if self._every is None:
            return
        now = time.monotonic()
        if force or now - self._last >= self._every:
            self._last = now
            print(line, file=self._out, flush=True)
