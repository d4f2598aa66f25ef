"""A deployment's own holidays and make-up working days, for years the holiday package does not know yet.

YAML, dates as ISO dates:

    holidays: [2027-01-01, 2027-02-05, ...]   # days off, also on weekdays
    workdays: [2027-02-14, ...]               # make-up working days (调休), also on weekends
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import yaml

from services.sla.domain.calendar import SupplementedCalendar, WorkingCalendar


def read_holidays(path: Path) -> tuple[frozenset[date], frozenset[date]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(data, dict) or set(data) - {"holidays", "workdays"}:
        raise ValueError(f"{path}: a mapping with `holidays` and `workdays` lists of dates")
    days = {key: data.get(key) or [] for key in ("holidays", "workdays")}
    for key, found in days.items():
        if not all(isinstance(day, date) for day in found):
            raise ValueError(f"{path}: every entry of `{key}` must be a date like 2027-02-05")
    return frozenset(days["holidays"]), frozenset(days["workdays"])


def supplemented(base: WorkingCalendar, path: Path | None) -> WorkingCalendar:
    """`base`, with the days of the deployment's file when it names one."""
    return base if path is None else SupplementedCalendar(base, *read_holidays(path))
