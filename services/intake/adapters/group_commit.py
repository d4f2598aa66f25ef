"""Group commit: requests that arrive while a transaction is being written share the next one.

One durable commit (and one round trip per statement) then serves a whole group instead of
one request. Nobody waits for a group to fill: a request that finds no transaction under way
starts one at once. A request is answered only after its group committed. When a group's
transaction fails, every request in it is retried alone, so one bad request fails by itself.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Awaitable, Callable, Hashable, Sequence
from typing import Generic, TypeVar

import asyncpg
import structlog

log = structlog.get_logger()

T = TypeVar("T")
R = TypeVar("R")

# Writes the requests of a group in the caller's transaction: one result per request, in order,
# or the exception that refuses it (decided before anything of it was written).
Write = Callable[[asyncpg.Connection, Sequence[T]], Awaitable[list[R | Exception]]]


class GroupCommit(Generic[T, R]):
    def __init__(
        self,
        pool: asyncpg.Pool,
        write: Write[T, R],
        *,
        max_group: int = 64,
        in_flight: int = 2,
        apart: Callable[[T], Hashable | None] = lambda _: None,
        committed: Callable[[], None] = lambda: None,
    ) -> None:
        """`apart(request)`: requests with the same non-None value never share a group."""
        self._pool = pool
        self._write = write
        self._max_group = max_group
        self._in_flight = in_flight
        self._apart = apart
        self._committed = committed
        self._waiting: deque[tuple[T, asyncio.Future[R]]] = deque()
        self._flushers: set[asyncio.Task[None]] = set()  # held so they are not collected mid-flight
        # Counted apart from the set: a flusher leaves it only after it finished, and a request
        # that arrives in that gap must still find a flusher.
        self._flushing = 0

    async def run(self, request: T) -> R:
        """The request's result once its group has committed (or the exception that refused it)."""
        future: asyncio.Future[R] = asyncio.get_running_loop().create_future()
        self._waiting.append((request, future))
        if self._flushing < self._in_flight:
            self._flushing += 1
            flusher = asyncio.create_task(self._flush())
            self._flushers.add(flusher)
            flusher.add_done_callback(self._flushers.discard)
        return await future

    async def _flush(self) -> None:
        group: list[tuple[T, asyncio.Future[R]]] = []
        try:
            while self._waiting:
                group = self._take()
                if group:
                    await self._commit(group)
        finally:
            self._flushing -= 1  # no await since the queue was last seen empty: nothing is left behind
            for _, future in group:  # cancelled mid-group (shutdown): nobody waits forever
                if not future.done():
                    future.cancel()

    def _take(self) -> list[tuple[T, asyncio.Future[R]]]:
        group: list[tuple[T, asyncio.Future[R]]] = []
        later: list[tuple[T, asyncio.Future[R]]] = []
        seen: set[Hashable] = set()
        while self._waiting and len(group) < self._max_group:
            request, future = self._waiting.popleft()
            if future.done():  # its caller gave up before anything was written
                continue
            key = self._apart(request)
            if key is not None and key in seen:
                later.append((request, future))
                continue
            if key is not None:
                seen.add(key)
            group.append((request, future))
        self._waiting.extendleft(reversed(later))
        return group

    async def _commit(self, group: list[tuple[T, asyncio.Future[R]]]) -> None:
        try:
            async with self._pool.acquire() as conn, conn.transaction():
                results = await self._write(conn, [request for request, _ in group])
        except Exception as error:
            if len(group) == 1:
                _settle(group[0][1], error)
                return
            log.warning("group_commit.split", size=len(group), error=repr(error))
            await asyncio.gather(*(self._commit([entry]) for entry in group))
            return
        self._committed()
        for (_, future), result in zip(group, results, strict=True):
            _settle(future, result)


def _settle(future: asyncio.Future[R], outcome: R | Exception) -> None:
    if future.done():
        return
    if isinstance(outcome, Exception):
        future.set_exception(outcome)
    else:
        future.set_result(outcome)
