"""The realistic mix: the traffic simulator at full speed against the bench's running services.

Where `ours` submits one kind of request, this drives whole lifecycles (accept, transfer,
escalate, resolve, feedback, review...) through the public API with the simulated clock, so
its commands per second are the throughput figure of a realistic load, and its events give
the replay figure a realistic history.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from simulator import Endpoints, RunConfig, SimConfig, run
from tests.support.system import System

SERVICES = ("intake", "routing", "sla", "projections")


async def run_mix(system: System, days: float, rate_per_hour: float, seed: int = 1) -> dict[str, Any]:
    config = RunConfig(
        sim=SimConfig(seed=seed, rate_per_hour=rate_per_hour, duration=timedelta(days=days)),
        endpoints=Endpoints(**{name: system.url(name) for name in SERVICES}),
        speed=None,  # as fast as the system settles
        jwt_secret=system.jwt_secret,
        status_every_s=10.0,
    )
    summary = await run(config)
    sent = summary.petitions + summary.actions
    stats = summary.stats or {}
    return {
        "simulated_days": round(summary.simulated_days, 2),
        "wall_s": round(summary.wall_seconds, 1),
        "petitions": summary.petitions,
        "actions": summary.actions,
        "commands": summary.commands,
        "commands_per_s": round(sent / summary.wall_seconds, 2) if summary.wall_seconds else None,
        "settle_timeouts": summary.settle_timeouts,
        "cases_by_status": summary.cases_by_status,
        "pyramid": {p["level"]: p["share"] for p in stats.get("pyramid", {}).get("levels", []) if p["count"]},
        "rates": {k: (stats.get(k) or {}).get("rate") for k in ("first_time_resolution", "satisfaction", "on_time")},
    }
