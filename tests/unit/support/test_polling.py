"""The shared polling helper: returns what held, or fails naming what it saw last."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator

import pytest

from tests.support.polling import eventually, eventually_async

pytestmark = pytest.mark.unit


def counter(start: int = 0) -> Callable[[], int]:
    values: Iterator[int] = iter(range(start, 1_000_000))
    return lambda: next(values)


def test_the_first_value_that_holds_is_returned() -> None:
    assert eventually(counter(), lambda n: n >= 3, every=0) == 3


def test_without_a_predicate_the_first_truthy_value_is_returned() -> None:
    assert eventually(counter(), every=0) == 1


def test_a_check_that_never_holds_fails_with_the_last_value_seen() -> None:
    with pytest.raises(AssertionError, match=r"the count did not hold within 0s; last seen: \d+"):
        eventually(counter(), lambda n: n < 0, timeout=0, every=0, what="the count")


def test_listed_exceptions_are_retried_and_named_when_it_never_holds() -> None:
    calls: list[int] = []

    def flaky() -> str:
        calls.append(1)
        if len(calls) < 3:
            raise ConnectionError("restarting")
        return "up"

    assert eventually(flaky, retry_on=(ConnectionError,), every=0) == "up"

    def down() -> str:
        raise ConnectionError("still down")

    with pytest.raises(AssertionError, match="last seen: nothing; last error: ConnectionError"):
        eventually(down, retry_on=(ConnectionError,), timeout=0, every=0)


def test_other_exceptions_propagate_at_once() -> None:
    def broken() -> int:
        raise KeyError("bug")

    with pytest.raises(KeyError):
        eventually(broken, retry_on=(ConnectionError,), timeout=60)


def test_the_async_form_awaits_its_probe() -> None:
    values = counter()

    async def probe() -> int:
        return values()

    assert asyncio.run(eventually_async(probe, lambda n: n == 2, every=0)) == 2
    with pytest.raises(AssertionError, match="last seen: "):
        asyncio.run(eventually_async(probe, lambda n: n < 0, timeout=0, every=0))
