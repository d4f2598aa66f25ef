"""The tick loop: move the clock, wait until the system has settled, ask the core, send.

One tick: set the system's time to the tick; wait until every case the simulator touched shows
the effect and every deadline that fell due was answered; let the core decide; officials and
petitioners act; a little later (ARRIVAL_LAG) the new petitions come in. Ticks in which nothing
can happen are skipped, which changes no decision: the core plans in ticks.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

import httpx

from simulator.adapters.api import Answer, Api, Tokens
from simulator.adapters.clock import SimulatedTime, Timekeeper, WallTime
from simulator.adapters.data import load_world
from simulator.adapters.journal import CommandLog
from simulator.adapters.progress import Progress, status_line
from simulator.domain.model import Command, SimState
from simulator.domain.receptions import reception_days
from simulator.domain.simulation import absorb, next_tick, step
from simulator.domain.timeline import arrival_lag, at_tick, next_monday, on_grid, tick_of
from simulator.domain.world import World
from simulator.shell.acting import Desk
from simulator.shell.book import CaseBook
from simulator.shell.receptions import ReceptionDesk
from simulator.shell.run_config import RunConfig, Summary
from simulator.shell.settling import Settler


async def run(config: RunConfig, stop: asyncio.Event | None = None) -> Summary:
    """Drive the running system through its HTTP API until the duration is over or `stop` is set."""
    # Idle connections are dropped before the servers' own keep-alive (uvicorn: 5 s) closes them, so a
    # command is never sent on a connection the server is closing (a retry could then act twice).
    size = config.concurrency * 2
    limits = httpx.Limits(max_connections=size, max_keepalive_connections=size, keepalive_expiry=2.0)
    async with httpx.AsyncClient(timeout=30.0, limits=limits) as client:
        api = Api(client, config.endpoints, Tokens(config.jwt_secret), config.supervisor_division)
        world = await load_world(config.sim, api, config.concurrency)
        clock: Timekeeper = WallTime(api) if config.real_time else SimulatedTime(api, config.speed)
        origin = await _origin(config, clock)
        with CommandLog(config.command_log) as journal:
            return await Runner(config, world, api, clock, origin, journal, stop or asyncio.Event()).loop()


async def _origin(config: RunConfig, clock: Timekeeper) -> datetime:
    """Tick 0: local midnight plus whole ticks, so statutory deadlines (at midnight) fall on ticks."""
    tz, now = ZoneInfo(config.timezone), await clock.now()
    if config.real_time:
        return now  # the wall clock's deadlines fall where they fall: nothing to align with
    if config.start == "now":
        wanted = now
    elif config.start == "next-monday":
        wanted = next_monday(now, tz)
    else:
        wanted = datetime.fromisoformat(config.start)
        if wanted.tzinfo is None or wanted < now:
            raise ValueError(f"start {config.start} must have a time zone and lie after the system's now ({now})")
    return on_grid(wanted, config.sim.tick, tz)


class Runner:
    def __init__(
        self,
        config: RunConfig,
        world: World,
        api: Api,
        clock: Timekeeper,
        origin: datetime,
        journal: CommandLog,
        stop: asyncio.Event,
    ) -> None:
        self.config, self.world, self.api, self.clock = config, world, api, clock
        self.origin, self.tick, self.journal, self.stop = origin, config.sim.tick, journal, stop
        self.state = SimState()
        self.book = CaseBook(origin, config.sim.tick)
        limit = asyncio.Semaphore(config.concurrency)
        self.settler = Settler(api, self.book, limit, config.settle_timeout_s)
        self.desk = Desk(api, self.book, limit, config.run_id)
        self.receptions = ReceptionDesk(api, self.book, config.run_id)
        self.reception_day = -1  # the last simulated day whose reception days were held
        self.commands: Counter[str] = Counter()
        self.answers: Counter[str] = Counter()
        self.clock_slips = 0
        self.progress = Progress(config.status_every_s)

    async def loop(self) -> Summary:
        wall = time.monotonic()
        end = self.origin + self.config.sim.duration if self.config.sim.duration is not None else None
        self.clock.begin(self.origin)
        tick: int | None = 0
        last = 0
        while tick is not None and not self.stop.is_set():
            moment = at_tick(self.origin, self.tick, tick)
            if end is not None and moment > end:
                break
            if self.config.max_wall_s is not None and time.monotonic() - wall > self.config.max_wall_s:
                break
            await self._move(moment)
            decision = step(self.world, self.state, tick, await self.settler.settle(moment))
            self.state = decision.state
            await self._send(decision.act)
            await self._receive(moment)
            if decision.arrive:
                await self._move(moment + arrival_lag(self.tick))
                await self._send(decision.arrive)
            last = tick
            self._show(tick, wall)
            tick = self._next(tick)
        # A last look, without moving time on, so the summary shows where the cases stand.
        moment = at_tick(self.origin, self.tick, last)
        self.state = absorb(self.world, self.state, last, await self.settler.settle(moment))
        self._show(last, wall, force=True)
        stats = await self.api.stats() if self.config.stats_at_end else None
        return self._summary(moment, last, time.monotonic() - wall, stats)

    async def _receive(self, moment: datetime) -> None:
        """The first tick of each simulated day: that day's leader reception days (a skipped day has none)."""
        day = int((moment - self.origin).total_seconds() // 86400)
        if day <= self.reception_day:
            return
        self.reception_day = day
        open_matters = {ref: t.petition.division_code for ref, t in self.state.tracks.items()}
        local_day = moment.astimezone(ZoneInfo(self.config.timezone)).date()
        await self.receptions.hold(local_day, reception_days(self.world, day, open_matters))

    async def _move(self, moment: datetime) -> None:
        if not await self.clock.move_to(moment):
            self.clock_slips += 1

    async def _send(self, commands: Sequence[Command]) -> None:
        answered = await self.desk.execute(commands)
        for command in commands:  # logged in the order decided, whatever order the answers came in
            self.commands[command.action] += 1
            self.answers[str(answered[command.seq])] += 1
            self.journal.write(command, answered[command.seq])
        self.journal.flush()

    def _next(self, tick: int) -> int | None:
        """The next tick where something can happen; the very next one while effects are awaited."""
        if self.book.awaits():
            return tick + 1
        planned = next_tick(self.world, self.state)
        deadlines = [tick_of(self.origin, self.tick, due) for due in self.book.dues.values()]
        candidates = [*([planned] if planned is not None else []), *deadlines]
        return max(tick + 1, min(candidates)) if candidates else None

    def _show(self, tick: int, wall: float, force: bool = False) -> None:
        elapsed = at_tick(self.origin, self.tick, tick) - self.origin
        petitions, actions = self.commands["submit"], sum(self.commands.values()) - self.commands["submit"]
        line = status_line(elapsed, tick, petitions, actions, self.state.by_status(), time.monotonic() - wall)
        self.progress.show(line, force)

    def _summary(self, ended: datetime, ticks: int, wall_s: float, stats: Answer | None) -> Summary:
        return Summary(
            seed=self.config.sim.seed,
            run_id=self.config.run_id,
            started_at=self.origin,
            ended_at=ended,
            ticks=ticks,
            simulated_days=(ended - self.origin).total_seconds() / 86400,
            wall_seconds=round(wall_s, 1),
            petitions=self.commands["submit"],
            commands=dict(sorted(self.commands.items())),
            answers=dict(sorted(self.answers.items())),
            cases_by_status=self.state.by_status(),
            statuses_seen=sorted(self.book.statuses_seen),
            settle_timeouts=self.settler.timeouts,
            clock_slips=self.clock_slips,
            case_ids={ref: h.case_id for ref, h in sorted(self.book.handles.items())},
            stats=stats.body if stats is not None and stats.status == 200 else None,
            command_log=str(self.config.command_log) if self.config.command_log else None,
            receptions=dict(sorted(self.receptions.counts.items())),
        )
