"""`python -m simulator --seed 1 --rate 2/h --speed 8640 --duration 30d`: a living province.

Petitions arrive across the province; simulated officials at every level and petitioners act on
them through the public HTTP API, with the system's simulated clock moved on tick by tick. A
status line goes to stderr every few seconds; at the end, a summary (JSON on stdout, or --summary).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import signal
import sys
from pathlib import Path

from shared.logs import configure_logging
from simulator.adapters.api import Endpoints
from simulator.domain.config import Behaviour, Mix, SimConfig
from simulator.domain.timeline import duration, rate_per_hour
from simulator.shell.run_config import RunConfig, Summary
from simulator.shell.runner import run


def parse(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m simulator", description=__doc__)
    p.add_argument("--seed", type=int, default=1, help="same seed, same commands (1)")
    p.add_argument(
        "--rate",
        default="2/h",
        help="petitions per simulated hour (2/h), per simulated day (48/d) or per wall second (0.5/s)",
    )
    p.add_argument("--speed", default="8640", help="simulated seconds per wall second (8640: a day in 10 s); "
                   "max: as fast as the system settles; 1: real time, the clock is left alone")  # fmt: skip
    p.add_argument("--duration", help="simulated time to run: 30d, 12h, P2W... (default: until Ctrl-C)")
    p.add_argument("--petitions", type=int, help="stop petitioning after this many; end once every case is settled")
    p.add_argument("--tick", default="1h", help="step of simulated time; divides a day (1h)")
    p.add_argument("--start", default="now", help="now | next-monday | an ISO timestamp after the system's now")
    p.add_argument("--channels", help="channel mix, e.g. online=0.85,hotline=0.05,letter=0.02,... (api.md)")
    p.add_argument("--categories", help="category mix, e.g. neighbourhood_dispute=3,labour_wages=1")
    p.add_argument("--counties", help="12-digit county codes, comma-separated (default: every county)")
    p.add_argument("--behaviour", type=Path, help="JSON file of behaviour habits (simulator.domain.config.Behaviour)")
    p.add_argument("--intake-url", default="http://127.0.0.1:8001")
    p.add_argument("--routing-url", default="http://127.0.0.1:8002")
    p.add_argument("--sla-url", default="http://127.0.0.1:8003")
    p.add_argument("--projections-url", default="http://127.0.0.1:8004")
    p.add_argument("--command-log", type=Path, help="write every command as a JSON line (to compare runs)")
    p.add_argument("--summary", type=Path, help="write the summary JSON here instead of stdout")
    p.add_argument("--run-id", help="salts petitioners' contact details (default: random per run)")
    p.add_argument("--timezone", help="the deployment's time zone (PUJIANG_TIMEZONE, else Asia/Shanghai)")
    p.add_argument("--settle-timeout", type=float, default=60.0, help="seconds to wait for the system per tick (60)")
    p.add_argument("--concurrency", type=int, default=16, help="requests in flight at most (16)")
    p.add_argument("--status-every", type=float, default=2.0, help="seconds between status lines (2)")
    p.add_argument("--quiet", action="store_true", help="no status lines")
    p.add_argument("--max-wall", type=float, help="stop after this many wall-clock seconds")
    return p.parse_args(argv)


def config_from(args: argparse.Namespace) -> RunConfig:
    speed = None if args.speed == "max" else float(args.speed)
    sim = SimConfig(
        seed=args.seed,
        rate_per_hour=rate_per_hour(args.rate, speed),
        tick=duration(args.tick),
        duration=duration(args.duration) if args.duration else None,
        petitions=args.petitions,
        **({"channels": Mix.parse(args.channels)} if args.channels else {}),
        categories=Mix.parse(args.categories) if args.categories else None,
        counties=tuple(c.strip() for c in args.counties.split(",") if c.strip()) if args.counties else (),
        **({"behaviour": Behaviour.model_validate_json(args.behaviour.read_text())} if args.behaviour else {}),
    )
    endpoints = Endpoints(
        intake=args.intake_url, routing=args.routing_url, sla=args.sla_url, projections=args.projections_url
    )
    return RunConfig(
        sim=sim,
        endpoints=endpoints,
        speed=speed,
        start=args.start,
        command_log=args.command_log,
        settle_timeout_s=args.settle_timeout,
        concurrency=args.concurrency,
        status_every_s=None if args.quiet else args.status_every,
        max_wall_s=args.max_wall,
        **({"run_id": args.run_id} if args.run_id else {}),
        **({"timezone": args.timezone} if args.timezone else {}),
    )


def report(summary: Summary) -> str:
    """The figures people look for, in a few lines (the JSON summary has everything)."""
    lines = [
        f"seed {summary.seed}: {summary.simulated_days:.1f} simulated days in {summary.wall_seconds:.0f} s; "
        f"{summary.petitions} petitions, {summary.actions} actions; cases {summary.cases_by_status}",
    ]
    stats = summary.stats or {}
    levels = (stats.get("pyramid") or {}).get("levels") or []
    if levels:
        shares = ", ".join(f"{lv['level']} {lv['share'] or 0:.0%}" for lv in levels if lv["count"])
        lines.append(f"pyramid (resolved by level, whole system): {shares}")
    for name in ("first_time_resolution", "satisfaction", "on_time", "online_share"):
        rate = (stats.get(name) or {}).get("rate")
        if rate is not None:
            lines.append(f"{name.replace('_', ' ')}: {rate:.1%}")
    if summary.settle_timeouts or summary.clock_slips:
        lines.append(f"not repeatable: {summary.settle_timeouts} settle timeouts, {summary.clock_slips} clock slips")
    return "\n".join(lines)


async def _main(config: RunConfig) -> Summary:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):  # platforms without signal handlers in the loop
            loop.add_signal_handler(sig, stop.set)
    return await run(config, stop)


def main(argv: list[str] | None = None) -> None:
    args = parse(sys.argv[1:] if argv is None else argv)
    configure_logging("simulator", logging.WARNING)
    try:
        config = config_from(args)
    except (ValueError, OSError) as error:
        sys.exit(f"python -m simulator: {error}")
    summary = asyncio.run(_main(config))
    print(report(summary), file=sys.stderr, flush=True)
    text = json.dumps(summary.model_dump(mode="json"), ensure_ascii=False, indent=2)
    if args.summary:
        args.summary.write_text(text + "\n", encoding="utf-8")
    else:
        print(text)
