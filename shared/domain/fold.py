"""One fold for every stream: the state after a sequence of events, from the evolve function."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import reduce
from typing import TypeVar

S = TypeVar("S")
E = TypeVar("E")


def fold(evolve: Callable[[S, E], S], events: Iterable[E], state: S) -> S:
    """Apply `evolve` to each event in order, starting from `state`."""
    return reduce(evolve, events, state)
