"""Percentiles and the machine: small helpers the figures share."""

from __future__ import annotations

import math
import os
import platform
import sys
from pathlib import Path
from typing import Any


def percentile(values: list[float], q: float) -> float | None:
    """Nearest rank: a value that was actually observed, and None when there is nothing to rank."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))]


def summary(values: list[float]) -> dict[str, Any]:
    return {
        "count": len(values),
        "p50": percentile(values, 0.50),
        "p99": percentile(values, 0.99),
        "max": max(values, default=None),
        "mean": sum(values) / len(values) if values else None,
    }


def machine() -> dict[str, Any]:
    return {
        "nproc": os.cpu_count(),
        "usable_cpus": len(os.sched_getaffinity(0)),
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "memory_kib": _meminfo("MemTotal"),
        # Others' work on a shared machine skews every figure: the load when we started says how much.
        "loadavg_at_start": os.getloadavg(),
    }


def _meminfo(key: str) -> int | None:
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith(f"{key}:"):
            return int(line.split()[1])
    return None


def peak_rss_kib(pid: int) -> int | None:
    """VmHWM: the process's resident-set high-water mark, from the kernel (None once it is gone)."""
    return _status_kib(pid, "VmHWM")


def rss_kib(pid: int) -> int | None:
    """VmRSS: the process's resident set now (None once it is gone)."""
    return _status_kib(pid, "VmRSS")


def _status_kib(pid: int, key: str) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(f"{key}:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None
