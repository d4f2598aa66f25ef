"""Moving through simulated time: by moving the system's clock (dev), or by waiting for the wall clock."""

from __future__ import annotations

import asyncio
import time
from datetime import datetime
from typing import Protocol

import structlog

from simulator.adapters.api import Api

log = structlog.get_logger()

_ATTEMPTS = 30


class Timekeeper(Protocol):
    async def now(self) -> datetime: ...

    def begin(self, origin: datetime) -> None:
        """Simulated time starts at `origin` now (for pacing)."""

    async def move_to(self, moment: datetime) -> bool:
        """The system's time is `moment` (or later); False when it was already past it."""


class SimulatedTime:
    """Sets the system's simulated clock (POST /admin/clock), at most `speed` times faster than the wall."""

    def __init__(self, api: Api, speed: float | None) -> None:
        self._api = api
        self._speed = speed
        self._origin: datetime | None = None
        self._wall_origin = 0.0

    async def now(self) -> datetime:
        return await self._api.now()

    def begin(self, origin: datetime) -> None:
        self._origin, self._wall_origin = origin, time.monotonic()

    async def move_to(self, moment: datetime) -> bool:
        if self._speed is not None and self._origin is not None:
            due = self._wall_origin + (moment - self._origin).total_seconds() / self._speed
            await asyncio.sleep(max(0.0, due - time.monotonic()))
        for attempt in range(_ATTEMPTS):
            answer = await self._api.set_clock(moment)
            if answer.status == 200:
                return True
            if answer.status == 422:  # the system's time already passed it: the run slipped
                log.warning("simulator.clock_slipped", to=moment.isoformat(), answer=answer.body)
                return False
            if answer.status == 403:
                raise RuntimeError("the system's clock cannot be moved (PUJIANG_ENV is not dev): use --speed 1")
            if answer.status < 500 and answer.status != 409:
                break
            # Setting a time is idempotent: while sla cannot reach Kafka or races another move, ask again.
            log.warning("simulator.clock_retry", to=moment.isoformat(), answer=answer.status, attempt=attempt)
            await asyncio.sleep(2.0)
        raise RuntimeError(f"sla refused to move the clock ({answer.status}): {answer.body}")


class WallTime:
    """Real time: waits until the system's own clock reaches the moment."""

    def __init__(self, api: Api) -> None:
        self._api = api

    async def now(self) -> datetime:
        return await self._api.now()

    def begin(self, origin: datetime) -> None:
        pass

    async def move_to(self, moment: datetime) -> bool:
        while True:
            left = (moment - await self._api.now()).total_seconds()
            if left <= 0:
                return True
            await asyncio.sleep(min(1.0, left))
