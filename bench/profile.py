"""`python -m bench.profile --rate R --seconds S`: CPU per petition of each process at a fixed paced rate.

Wall-clock figures mean little on a shared machine; CPU-seconds a process used for a given
workload mostly do. This starts the four services (fresh database and topic prefix, free
ports), sends petitions open loop at a fixed rate, waits until each is visible, and reports
for each service, and for the PostgreSQL backends serving this run's database (other
databases' backends are not counted, so other users of the server do not blur it), the CPU
milliseconds per petition, with the run's submit -> visible lag and where it goes. With
`--py-spy DIR` every service is sampled meanwhile (`py-spy record`, one flame file each).
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import sys
import uuid
from pathlib import Path
from typing import Any

import asyncpg
import orjson

from bench import cpu, hops, ours
from bench.infra import create_database, delete_topics, drop_database, resolve
from bench.latency import paced_lag
from tests.support.infra import ROOT
from tests.support.system import System, start_system


async def _backends(db_url: str) -> dict[int, float]:
    """CPU-seconds so far of every PostgreSQL backend connected to this run's database."""
    conn = await asyncpg.connect(db_url)
    try:
        rows = await conn.fetch("SELECT pid FROM pg_stat_activity WHERE datname = current_database()")
        pids = [row["pid"] for row in rows]
    finally:
        await conn.close()
    found = {pid: cpu.cpu_seconds(pid) for pid in pids}
    return {pid: s for pid, s in found.items() if s is not None}


def _services(system: System) -> dict[str, float | None]:
    return {name: cpu.cpu_seconds(s.proc.pid) if s.proc else None for name, s in system.services.items()}


async def profile(args: argparse.Namespace) -> dict[str, Any]:
    infra = await asyncio.to_thread(resolve)
    prefix, db_name = f"prof{uuid.uuid4().hex[:8]}", f"pujiang_prof_{uuid.uuid4().hex[:10]}"
    db_url = await create_database(infra.database_url, db_name)
    system: System | None = None
    spies: list[asyncio.subprocess.Process] = []
    try:
        log_dir = ROOT / "bench-results" / f"logs-{prefix}"
        system = await asyncio.to_thread(start_system, infra.kafka, db_url, prefix, log_dir)
        intake = system.url("intake")
        await ours.run(intake, db_url, args.warmup, 8, 120, "warm-up ")
        if args.py_spy:
            args.py_spy.mkdir(parents=True, exist_ok=True)
            spy = shutil.which("py-spy") or "py-spy"
            for name, service in system.services.items():
                if name == "web" or service.proc is None:
                    continue
                out = args.py_spy / f"{name}.txt"
                command = [spy, "record", "--format", "raw", "-r", "200", "-d", str(int(args.seconds) + 5)]
                command += ["-o", str(out), "-p", str(service.proc.pid)]
                spies.append(await asyncio.create_subprocess_exec(*command))
        services_before, backends_before = _services(system), await _backends(db_url)
        busy_before = cpu.machine_busy_seconds()
        paced = await paced_lag(intake, db_url, args.rate, args.seconds)
        services_after, backends_after = _services(system), await _backends(db_url)
        busy_after = cpu.machine_busy_seconds()
        count = len(paced["cases"])
        traced = await hops.measure(
            db_url, infra.kafka, prefix, int(system.services["intake"].env["PUJIANG_PARTITIONS"]),
            paced.pop("cases"), 120,
        )  # fmt: skip
        per_petition = {
            name: round((after - (services_before[name] or 0.0)) * 1000 / count, 3)
            for name, after in services_after.items()
            if after is not None
        }
        pg = sum(s - backends_before.get(pid, 0.0) for pid, s in backends_after.items())
        per_petition["postgres (this database's backends)"] = round(pg * 1000 / count, 3)
        busy = busy_after[0] - busy_before[0], busy_after[1] - busy_before[1]
        return {
            "rate_per_s": args.rate,
            "petitions": count,
            "machine_busy": round(busy[0] / busy[1], 3) if busy[1] else None,
            "cpu_ms_per_petition": per_petition,
            "paced": paced,
            "hops_ms": {k: {q: round(v[q] * 1000, 1) for q in ("p50", "p99")} for k, v in traced["hops_s"].items()},
        }
    finally:
        for spy_process in spies:
            await asyncio.wait_for(spy_process.wait(), 120)
        if system is not None:
            await asyncio.to_thread(system.stop)
        await drop_database(infra.database_url, db_name)
        await delete_topics(infra.kafka, prefix)


def main(argv: list[str]) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.profile", description=__doc__)
    p.add_argument("--rate", type=float, default=50, help="petitions per second, open loop (50)")
    p.add_argument("--seconds", type=float, default=30, help="seconds of paced load (30)")
    p.add_argument("--warmup", type=int, default=100, help="petitions sent before measuring (100)")
    p.add_argument("--py-spy", type=Path, help="folder for one py-spy profile (raw stacks) per service")
    p.add_argument("--out", type=Path, help="JSON file for the figures")
    args = p.parse_args(argv)
    result = asyncio.run(profile(args))
    text = orjson.dumps(result, option=orjson.OPT_INDENT_2 | orjson.OPT_NON_STR_KEYS)
    if args.out:
        args.out.write_bytes(text + b"\n")
    print(text.decode())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
