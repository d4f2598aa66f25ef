"""`python -m bench --petitions N --concurrency C [--out FILE]`: our throughput and lag, and the raw bounds.

One run, one broker, one database server: a fresh database and topic prefix, the four services
as processes, N petitions through HTTP; then, with the services stopped so they do not compete
for CPU, the same volume straight through aiokafka and asyncpg. Before that stop, the realistic
mix: the traffic simulator drives whole lifecycles at full speed. Then the replay figures (a full
rebuild of the run's own history, and of N synthetic events, against a raw read of the same
topics), the timer figure (firing passes, lateness and memory at a million open clocks), the
event store's append beside raw asyncpg and the `eventsourcing` package (bench/append.py), and the
data-scale figure (query latency and memory of projections at 100k, 1M and 10M events).
"""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench import cpu, hops, ours, raw_kafka, raw_pg, report
from bench.append import run_append_bench
from bench.infra import create_database, delete_topics, drop_database, resolve
from bench.latency import idle_lag, paced_lag
from bench.mix import run_mix
from bench.replay import replay_topics, run_replay_bench
from bench.sample import petition_submitted
from bench.scale import run_scale_bench
from bench.soak import run_soak
from bench.stats import machine, peak_rss_kib, summary
from bench.timers import run_timer_bench
from shared.messaging.topics import Topics
from shared.settings import Settings, kafka_servers
from tests.support.infra import ROOT
from tests.support.system import System, start_system


def parse(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    p.add_argument("--petitions", "-n", type=int, default=2000, help="N: petitions, messages and rows (2000)")
    p.add_argument("--concurrency", "-c", type=int, default=16, help="C: HTTP clients and DB connections (16)")
    p.add_argument("--out", type=Path, help="JSON file (bench-results/bench-<timestamp>.json)")
    p.add_argument("--warmup", type=int, default=50, help="petitions sent and awaited before timing (50)")
    p.add_argument("--batch", type=int, default=500, help="rows per executemany in the batched insert (500)")
    p.add_argument("--timeout", type=float, default=600, help="seconds any one phase may take (600)")
    p.add_argument("--mix-days", type=float, default=7, help="simulated days of the realistic mix (7; 0 skips)")
    p.add_argument("--mix-rate", type=float, default=4, help="petitions per simulated hour in the mix (4)")
    p.add_argument("--replay-events", type=int, default=20_000, help="events in the rebuild figure (20000; 0 skips)")
    p.add_argument("--clocks", type=int, default=1_000_000, help="open clocks in the timer figure (1000000; 0 skips)")
    p.add_argument("--append-events", type=int, default=20_000, help="events in the append figure (20000; 0 skips)")
    p.add_argument("--idle", type=int, default=100, help="petitions sent one at a time for the idle lag (100; 0 skips)")
    p.add_argument("--paced-s", type=float, default=20, help="seconds at half the sustained rate (20; 0 skips)")
    p.add_argument("--paced-rate", type=float, help="petitions/s of the paced phase instead of half the sustained rate;"
                   " a fixed rate compares two builds on a busy machine")  # fmt: skip
    p.add_argument("--soak-minutes", type=float, default=10, help="minutes of steady load for the soak (10; 0 skips)")
    p.add_argument("--soak-rate", type=float, default=50, help="petitions per second during the soak (50)")
    p.add_argument("--scale-events", type=int, default=10_000_000,
                   help="events in the data-scale figure, measured at 100k, 1M, 10M (10000000; 0 skips)")  # fmt: skip
    p.add_argument("--visible-timeout", type=float, default=120, help="wait after the last submit (120 s)")
    return p.parse_args(argv)


def phase(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def ours_figures(run: ours.Run, n: int) -> dict[str, Any]:
    accepted = len(run.sent)
    return {
        "accepted": accepted,
        "visible": len(run.visible),
        "statuses": {str(k): v for k, v in sorted(run.statuses.items())},
        # Sustained: from the first request out to the last petition seen in the read model.
        "sustained_s": run.last_visible - run.first_sent,
        "sustained_per_s": len(run.visible) / (run.last_visible - run.first_sent) if run.visible else None,
        "submit_s": run.last_answered - run.first_sent,
        "submit_per_s": n / (run.last_answered - run.first_sent),
        "http_latency_s": summary(run.latencies),
        "visible_lag_s": summary(run.lags),
        "visible_poll_s": ours.POLL_S,
    }


def kafka_figures(kafka: str) -> dict[str, int]:
    """One broker, or a cluster (`PUJIANG_KAFKA_BROKERS=3 make bench`): the table's first line says which."""
    settings = Settings()
    return {"brokers": len(kafka_servers(kafka)), "replication_factor": settings.pujiang_replication_factor,
            "min_insync_replicas": settings.min_insync_replicas}  # fmt: skip


async def bench(args: argparse.Namespace, result: dict[str, Any]) -> None:
    """Fill `result` phase by phase, so a failed run still leaves what it measured."""
    n, c = args.petitions, args.concurrency
    # SIGTERM (a CI timeout, `kill`) cancels like Ctrl-C does, so the finally below still cleans up.
    task = asyncio.current_task()
    assert task is not None
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, task.cancel)
    started: datetime = args.started
    stamp = started.strftime("%Y%m%dT%H%M%SZ")
    infra = await asyncio.to_thread(resolve)
    prefix, db_name = f"bench{uuid.uuid4().hex[:8]}", f"pujiang_bench_{uuid.uuid4().hex[:10]}"
    result |= {"started_at": started.isoformat(), "petitions": n, "concurrency": c}
    result |= {"machine": machine(), "topic_prefix": prefix, "database": db_name}
    result["kafka"] = kafka_figures(infra.kafka)
    system: System | None = None
    db_url = await create_database(infra.database_url, db_name)
    try:
        phase(f"starting the four services (topics {prefix}.*, database {db_name})")
        log_dir = ROOT / "bench-results" / f"logs-{stamp}"
        system = await asyncio.to_thread(start_system, infra.kafka, db_url, prefix, log_dir)
        partitions = int(system.services["intake"].env["PUJIANG_PARTITIONS"])
        intake = system.url("intake")
        if args.warmup:
            phase(f"warm-up: {args.warmup} petitions, not counted")
            await ours.run(intake, db_url, args.warmup, c, args.visible_timeout, "warm-up ")
        phase(f"ours: {n} petitions through HTTP with {c} clients")
        cpu_before, processes_before = _cpu(system), cpu.processes()
        run = await asyncio.wait_for(ours.run(intake, db_url, n, c, args.visible_timeout), args.timeout)
        result["ours"] = ours_figures(run, n)
        result["cpu_s"] = {name: _minus(after, cpu_before[name]) for name, after in _cpu(system).items()}
        result["top_cpu"] = cpu.top(processes_before, cpu.processes(), 8)
        # Before the stop: VmHWM disappears with the process.
        result["peak_rss_kib"] = {
            name: peak_rss_kib(s.proc.pid) if s.proc else None for name, s in system.services.items()
        }
        phase("tracing each case through the services")
        result["hops"] = await hops.measure(db_url, infra.kafka, prefix, partitions, list(run.visible), args.timeout)
        await _below_saturation(args, system, db_url, result)
        if args.mix_days:
            phase(f"realistic mix: the simulator at full speed, {args.mix_days:g} days at {args.mix_rate:g}/h")
            result["mix"] = await asyncio.wait_for(run_mix(system, args.mix_days, args.mix_rate), args.timeout)
        sample = await petition_submitted(db_url)
        phase("stopping the services: the raw bounds get the machine to themselves")
        await asyncio.to_thread(system.stop)
        phase(f"raw Kafka: {n} records of {sample.record_bytes} B, acks=all, idempotent")
        result["raw_kafka"] = await raw_kafka.run(infra.kafka, f"{prefix}.raw", partitions, n, sample, args.timeout)
        phase(f"raw PostgreSQL: {n} rows of {sample.row_bytes} B, {c} connections")
        result["raw_pg"] = await raw_pg.run(db_url, n, c, args.batch, sample, args.timeout)
        await _replay_and_timers(args, infra.kafka, db_url, prefix, result)
        result["finished_at"] = datetime.now(UTC).isoformat()
    finally:
        if system is not None:
            await asyncio.to_thread(system.stop)
        await _cleanup(infra.kafka, infra.database_url, db_name, prefix)


async def _below_saturation(args: argparse.Namespace, system: System, db_url: str, result: dict[str, Any]) -> None:
    """Lag as a petitioner meets it: at idle, then at half the sustained rate just measured; then the soak."""
    intake = system.url("intake")
    if args.idle:
        phase(f"idle: {args.idle} petitions one at a time, each watched until visible")
        result["idle"] = await asyncio.wait_for(idle_lag(intake, db_url, args.idle), args.timeout)
    sustained = result["ours"]["sustained_per_s"]
    rate = args.paced_rate or (sustained / 2 if sustained else None)
    if args.paced_s and rate:
        which = "fixed" if args.paced_rate else "half the sustained rate"
        phase(f"paced: {rate:.0f} petitions/s ({which}) for {args.paced_s:g} s")
        paced = await asyncio.wait_for(paced_lag(intake, db_url, rate, args.paced_s), args.timeout + args.paced_s)
        paced["fixed_rate"] = bool(args.paced_rate)
        # Where the lag goes below saturation: the same trace as at saturation, for the paced cases.
        partitions = int(system.services["intake"].env["PUJIANG_PARTITIONS"])
        kafka = system.services["intake"].env["KAFKA_BOOTSTRAP_SERVERS"]
        traced = paced.pop("cases")
        paced["hops"] = await hops.measure(db_url, kafka, system.topic_prefix, partitions, traced, args.timeout)
        result["paced"] = paced
    if args.soak_minutes:
        phase(f"soak: {args.soak_rate:g} petitions/s for {args.soak_minutes:g} minutes, sampling RSS and inbox rows")
        result["soak"] = await run_soak(system, db_url, args.soak_minutes, args.soak_rate)


async def _replay_and_timers(
    args: argparse.Namespace, kafka: str, db_url: str, prefix: str, result: dict[str, Any]
) -> None:
    phase("replay: a full rebuild of this run's own history against a raw read of the same topics")
    result["replay_run"] = await replay_topics(kafka, db_url, Topics(prefix))
    if args.replay_events:
        phase(f"replay: a full rebuild of {args.replay_events} synthetic events, the same way")
        result["replay"] = await run_replay_bench(kafka, db_url, args.replay_events)
    if args.clocks:
        phase(f"timers: firing passes and lateness at {args.clocks:,} open clocks")
        result["timers"] = await run_timer_bench(db_url, args.clocks)
    if args.append_events:
        phase(f"event store append: {args.append_events} events, 8 writers, beside raw asyncpg and eventsourcing")
        result["append"] = await asyncio.wait_for(run_append_bench(db_url, args.append_events), args.timeout)
    if args.scale_events:
        phase(f"data scale: queries and memory of projections at up to {args.scale_events:,} events")
        result["scale"] = await run_scale_bench(kafka, db_url, args.scale_events)


def _cpu(system: System) -> dict[str, float | None]:
    """CPU-seconds so far of each service, this client, and the whole machine (to see what saturates)."""
    busy, total = cpu.machine_busy_seconds()
    services = {name: cpu.cpu_seconds(s.proc.pid) if s.proc else None for name, s in system.services.items()}
    return {**services, "bench client": time.process_time(), "machine busy": busy, "machine total": total}


def _minus(after: float | None, before: float | None) -> float | None:
    return None if after is None or before is None else after - before


async def _cleanup(kafka: str, admin_url: str, db_name: str, prefix: str) -> None:
    """Best effort, each step on its own: a failure here must not hide the run's own error."""
    try:
        await asyncio.wait_for(drop_database(admin_url, db_name), 60)
    except Exception as error:  # report and go on to the topics
        phase(f"could not drop database {db_name}: {error!r}")
    try:
        await asyncio.wait_for(delete_topics(kafka, prefix), 60)
    except Exception as error:
        phase(f"could not delete topics {prefix}.*: {error!r}")


def main(argv: list[str]) -> int:
    args = parse(argv)
    args.started = datetime.now(UTC)  # one stamp names the JSON file and the services' log folder
    out = args.out or ROOT / "bench-results" / f"bench-{args.started.strftime('%Y%m%dT%H%M%SZ')}.json"
    result: dict[str, Any] = {}
    try:
        asyncio.run(bench(args, result))
    except (KeyboardInterrupt, asyncio.CancelledError):
        result["error"] = "interrupted"
        report.write(out, result)
        phase(f"interrupted; services stopped, database dropped; what was measured is in {out}")
        return 130
    except BaseException as error:
        result["error"] = repr(error)
        report.write(out, result)
        phase(f"failed; what was measured is in {out}")
        raise
    report.write(out, result)
    print(report.table(result))
    print(f"\nwritten: {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
