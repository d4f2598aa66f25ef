"""Waiting for an eventually consistent system: one polling loop for every tier's tests.

A check that never holds fails as an AssertionError naming what was last seen, so a timeout
reads like any other failed assertion.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

T = TypeVar("T")

_NOTHING = object()


class _Tries(Generic[T]):
    """The bookkeeping both loops share: the deadline, the last value and the last error seen."""

    def __init__(self, until: Callable[[T], object], timeout: float, what: str) -> None:
        self.until, self.timeout, self.what = until, timeout, what
        self.deadline = time.monotonic() + timeout
        self.last: object = _NOTHING
        self.error: Exception | None = None

    def held(self, value: T) -> bool:
        self.last = value
        return bool(self.until(value))

    def give_up_if_late(self) -> None:
        if time.monotonic() < self.deadline:
            return
        seen = "nothing" if self.last is _NOTHING else repr(self.last)
        because = "" if self.error is None else f"; last error: {self.error!r}"
        raise AssertionError(f"{self.what} did not hold within {self.timeout}s; last seen: {seen}{because}")


def eventually(
    probe: Callable[[], T],
    until: Callable[[T], object] = bool,
    *,
    timeout: float = 20,
    every: float = 0.1,
    retry_on: tuple[type[Exception], ...] = (),
    what: str = "the condition",
) -> T:
    """Call `probe` every `every` seconds until `until(value)` holds; return that value.

    Exceptions in `retry_on` (a service restarting, say) count as a miss, any other propagates.
    """
    tries = _Tries(until, timeout, what)
    while True:
        try:
            value = probe()
        except retry_on as exc:
            tries.error = exc
        else:
            if tries.held(value):
                return value
        tries.give_up_if_late()
        time.sleep(every)


async def eventually_async(
    probe: Callable[[], Awaitable[T]],
    until: Callable[[T], object] = bool,
    *,
    timeout: float = 20,  # noqa: ASYNC109 (a probe is never cut off mid-call: the last value seen is reported)
    every: float = 0.1,
    retry_on: tuple[type[Exception], ...] = (),
    what: str = "the condition",
) -> T:
    """`eventually` for a coroutine probe, sleeping without blocking the event loop."""
    tries = _Tries(until, timeout, what)
    while True:
        try:
            value = await probe()
        except retry_on as exc:
            tries.error = exc
        else:
            if tries.held(value):
                return value
        tries.give_up_if_late()
        await asyncio.sleep(every)
