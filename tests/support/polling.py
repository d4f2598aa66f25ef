"""Waiting for an eventually consistent system: one polling loop for every tier's tests.

A check that never holds fails as an AssertionError naming what was last seen, so a timeout
reads like any other failed assertion.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

T = TypeVar("T")

_NOTHING = object()


def _failure(what: str, timeout: float, last: object, error: BaseException | None) -> AssertionError:
    seen = "nothing" if last is _NOTHING else repr(last)
    because = "" if error is None else f"; last error: {error!r}"
    return AssertionError(f"{what} did not hold within {timeout}s; last seen: {seen}{because}")


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
    deadline = time.monotonic() + timeout
    last: object = _NOTHING
    error: Exception | None = None
    while True:
        try:
            value = probe()
        except retry_on as exc:
            error = exc
        else:
            last = value
            if until(value):
                return value
        if time.monotonic() >= deadline:
            raise _failure(what, timeout, last, error)
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
    deadline = time.monotonic() + timeout
    last: object = _NOTHING
    error: Exception | None = None
    while True:
        try:
            value = await probe()
        except retry_on as exc:
            error = exc
        else:
            last = value
            if until(value):
                return value
        if time.monotonic() >= deadline:
            raise _failure(what, timeout, last, error)
        await asyncio.sleep(every)
