"""Who used the CPU while we measured: our services, this client, PostgreSQL, Kafka, anyone else.

On a small or shared machine the figures mean little without this: a pipeline that waits on
CPU looks like a slow pipeline.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, NamedTuple

HZ = os.sysconf("SC_CLK_TCK")


class Proc(NamedTuple):
    command: str
    group: int  # PostgreSQL backends count with their postmaster: one server, one line
    cpu_s: float


def _stat(pid: int) -> list[str] | None:
    try:
        # The command name may hold spaces; the fields after its closing parenthesis do not.
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU a process has used so far (utime, stime of /proc/<pid>/stat)."""
    fields = _stat(pid)
    return None if fields is None else (int(fields[11]) + int(fields[12])) / HZ


def machine_busy_seconds() -> tuple[float, float]:
    """(busy, total) CPU-seconds of the whole machine since boot, summed over CPUs, from /proc/stat."""
    ticks = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = ticks[3] + ticks[4]  # idle + iowait
    total = sum(ticks[:8])  # guest time is already counted in user
    return (total - idle) / HZ, total / HZ


def processes() -> dict[int, Proc]:
    """Every process we may read, with its CPU-seconds so far."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        pid = int(entry.name)
        fields = _stat(pid)
        try:
            argv = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if fields is None or not argv[0]:
            continue  # gone meanwhile, or a kernel thread
        words = [a.decode(errors="replace") for a in argv if a]
        # A JVM's command line is mostly class path: its last words name what it runs.
        shown = [words[0], "...", *words[-2:]] if Path(words[0]).name == "java" else words[:3]
        command = " ".join(" ".join(shown).split())[:80]
        group = int(fields[1]) if command.startswith("postgres:") else pid
        found[pid] = Proc(command, group, (int(fields[11]) + int(fields[12])) / HZ)
    return found


def top(before: dict[int, Proc], after: dict[int, Proc], k: int) -> list[dict[str, Any]]:
    """The k process groups that used most CPU between two snapshots."""
    used: dict[int, float] = {}
    for pid, proc in after.items():
        earlier = before.get(pid)
        used[proc.group] = used.get(proc.group, 0.0) + proc.cpu_s - (earlier.cpu_s if earlier else 0.0)
    ranked = sorted(used.items(), key=lambda item: item[1], reverse=True)[:k]
    return [
        {"pid": group, "command": after[group].command if group in after else "?", "cpu_s": seconds}
        for group, seconds in ranked
    ]
