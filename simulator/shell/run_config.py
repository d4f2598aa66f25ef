"""How a run is carried out (where the services are, how fast, what it reports) and what it reports."""

from __future__ import annotations

import uuid
from datetime import datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from shared.settings import Settings
from simulator.adapters.api import Endpoints
from simulator.domain.config import SimConfig


class RunConfig(BaseModel):
    """How a run is carried out: the system it drives, how fast, from when, and what it reports."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    sim: SimConfig = SimConfig()
    endpoints: Endpoints = Endpoints()
    speed: float | None = Field(
        8640.0,
        description="simulated seconds per wall second (8640: a day in 10 s); None: as fast as the system "
        "settles; 1: real time, the system's clock is left alone",
    )
    start: str = Field("now", description="now | next-monday | an ISO timestamp; aligned up to the tick grid")
    timezone: str = Field(default_factory=lambda: Settings().pujiang_timezone, description="the deployment's")
    command_log: Path | None = None
    run_id: str = Field(default_factory=lambda: uuid.uuid4().hex[:12], description="salts contact details only")
    jwt_secret: str = Field(default_factory=lambda: Settings().pujiang_jwt_secret)
    supervisor_division: str = "330000000000"
    settle_timeout_s: float = Field(60.0, gt=0)
    concurrency: int = Field(16, ge=1)
    status_every_s: float | None = 2.0
    max_wall_s: float | None = None
    stats_at_end: bool = True

    @field_validator("speed")
    @classmethod
    def _not_slower_than_life(cls, speed: float | None) -> float | None:
        if speed is not None and speed < 1:
            raise ValueError("speed is at least 1 (real time)")
        return speed

    @property
    def real_time(self) -> bool:
        return self.speed == 1


class Summary(BaseModel):
    """What a run did and what the system made of it."""

    seed: int
    run_id: str
    started_at: datetime
    ended_at: datetime
    ticks: int
    simulated_days: float
    wall_seconds: float
    petitions: int
    commands: dict[str, int]
    answers: dict[str, int]
    cases_by_status: dict[str, int]
    statuses_seen: list[str]
    settle_timeouts: int
    clock_slips: int
    case_ids: dict[int, str]
    stats: dict[str, Any] | None = None
    command_log: str | None = None
    # Leader reception days held through intake (published, booked_codes, booked_phone, full, attended, absent...).
    receptions: dict[str, int] = {}

    @property
    def actions(self) -> int:
        """Commands other than new petitions: what officials and petitioners did."""
        return sum(n for action, n in self.commands.items() if action != "submit")
