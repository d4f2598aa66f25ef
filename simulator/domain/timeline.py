"""Simulated time on a grid of ticks: where a run starts, and the words people use for durations."""

from __future__ import annotations

import math
import re
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from pydantic import TypeAdapter

_SHORT = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|m|min|h|d|w)\s*$")
_UNITS = {"s": 1, "m": 60, "min": 60, "h": 3600, "d": 86400, "w": 7 * 86400}
_ISO = TypeAdapter(timedelta)
_RATE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(?:/\s*(s|sec|h|hour|d|day))?\s*$")
# How much later than the officials' tick the new petitions come in: no whole number of hours,
# so an hours-based deadline started by a new petition never falls on a tick where someone acts.
ARRIVAL_LAG = timedelta(minutes=7, seconds=30)


def duration(text: str) -> timedelta:
    """`30d`, `12h`, `90m`, `45s`, `2w` or ISO 8601 (`P30D`, `PT1H30M`)."""
    short = _SHORT.match(text)
    if short:
        return timedelta(seconds=float(short.group(1)) * _UNITS[short.group(2)])
    return _ISO.validate_python(text.strip())


def rate_per_hour(text: str, speed: float | None) -> float:
    """Petitions per simulated hour from `12/h`, `300/d`, or `2/s` (per wall second, at this speed)."""
    found = _RATE.match(text)
    if not found:
        raise ValueError(f"{text!r}: write a rate such as 12/h, 300/d or 2/s")
    value, per = float(found.group(1)), found.group(2) or "h"
    if per in {"s", "sec"}:
        if speed is None:
            raise ValueError("a rate per wall second needs a speed (simulated seconds per wall second)")
        return value * 3600 / speed
    return value / 24 if per in {"d", "day"} else value


def arrival_lag(tick: timedelta) -> timedelta:
    return min(ARRIVAL_LAG, tick / 4)


def on_grid(after: datetime, tick: timedelta, tz: ZoneInfo) -> datetime:
    """The first instant at or after `after` that is local midnight plus a whole number of ticks."""
    local = after.astimezone(tz)
    midnight = datetime.combine(local.date(), time(), tzinfo=tz)
    steps = math.ceil((local - midnight) / tick)
    return midnight + steps * tick


def next_monday(after: datetime, tz: ZoneInfo) -> datetime:
    """Local midnight of the first Monday after `after`: runs started there see the same weekdays."""
    local = after.astimezone(tz)
    days = 7 - local.weekday()
    return datetime.combine(local.date() + timedelta(days=days), time(), tzinfo=tz)


def at_tick(origin: datetime, tick: timedelta, index: int) -> datetime:
    return origin + index * tick


def tick_of(origin: datetime, tick: timedelta, moment: datetime) -> int:
    """The first tick at or after `moment`."""
    return math.ceil((moment - origin) / tick)
