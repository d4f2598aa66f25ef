"""Assessment periods: a day, an ISO week, a month, a quarter, a year, or any range of days. Pure.

Days are the deployment's calendar days (its time zone); a period is inclusive at both ends.
The period before a named one is the one of the same kind just before it; before a range, the
range of the same length that ends the day before it starts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from shared.domain import Invalid

Kind = Literal["day", "week", "month", "quarter", "year", "range"]
KINDS: tuple[Kind, ...] = ("day", "week", "month", "quarter", "year", "range")
MAX_DAYS = 3 * 366 + 1  # the longest range one answer covers (a trend or scorecard over three years)
YEARS = (1950, 9990)  # days outside cannot be petitions' days (and their periods before stay valid dates)


@dataclass(frozen=True)
class Period:
    kind: Kind
    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def label(self) -> str:
        """How the period is written in reports: 2026-03, 2026-Q1, 2026-W09, 2026, or from..to."""
        if self.kind == "month":
            return f"{self.start:%Y-%m}"
        if self.kind == "quarter":
            return f"{self.start.year}-Q{(self.start.month - 1) // 3 + 1}"
        if self.kind == "week":
            year, week, _ = self.start.isocalendar()
            return f"{year}-W{week:02d}"
        if self.kind == "year":
            return str(self.start.year)
        if self.kind == "day":
            return self.start.isoformat()
        return f"{self.start.isoformat()}..{self.end.isoformat()}"

    def previous(self) -> Period:
        if self.kind in {"day", "week", "range"}:
            return Period(self.kind, self.start - timedelta(days=self.days), self.start - timedelta(days=1))
        return containing(self.kind, self.start - timedelta(days=1))


def _month_start(day: date, months_back: int = 0) -> date:
    index = day.year * 12 + day.month - 1 - months_back
    return date(index // 12, index % 12 + 1, 1)


def containing(kind: Kind, day: date) -> Period:
    """The period of that kind the day falls in."""
    if kind == "day":
        return Period(kind, day, day)
    if kind == "week":
        start = day - timedelta(days=day.weekday())
        return Period(kind, start, start + timedelta(days=6))
    if kind == "month":
        start = _month_start(day)
    elif kind == "quarter":
        start = _month_start(day, (day.month - 1) % 3)
    elif kind == "year":
        start = date(day.year, 1, 1)
    else:
        raise ValueError(kind)
    following = {"month": 1, "quarter": 3, "year": 12}[kind]
    return Period(kind, start, _month_start(start, -following) - timedelta(days=1))


def _day(field: str, text: str | None, problems: list[tuple[str, str]]) -> date | None:
    if text is None:
        return None
    try:
        found = date.fromisoformat(text)
    except ValueError:
        problems.append((field, "a calendar day, YYYY-MM-DD"))
        return None
    if not YEARS[0] <= found.year <= YEARS[1]:
        problems.append((field, f"a day of the years {YEARS[0]} to {YEARS[1]}"))
        return None
    return found


def period_of(kind: str | None, day: str | None, start: str | None, end: str | None, today: date) -> Period:
    """The period asked for: `period` with a `date` inside it (today by default), or `from`..`to`."""
    problems: list[tuple[str, str]] = []
    first, last, at = _day("from", start, problems), _day("to", end, problems), _day("date", day, problems)
    wanted = kind or ("range" if start or end else "month")
    if wanted not in KINDS:
        problems.append(("period", f"one of {', '.join(KINDS)}"))
    if wanted == "range" or start or end:
        if wanted != "range" and kind is not None:
            problems.append(("period", "from and to give a range: leave period out or say range"))
        if start is None:
            problems.append(("from", "a range needs its first day"))
        if end is None:
            problems.append(("to", "a range needs its last day"))
        if day is not None:
            problems.append(("date", "a range is given by from and to, not date"))
        if first and last and last < first:
            problems.append(("to", "the last day comes before the first"))
        if first and last and (last - first).days + 1 > MAX_DAYS:
            problems.append(("to", f"at most {MAX_DAYS} days from the first"))
    refuse(problems)
    if wanted == "range":
        assert first is not None
        assert last is not None
        return Period("range", first, last)
    return containing(wanted, at or today)  # type: ignore[arg-type]


def refuse(problems: list[tuple[str, str]]) -> None:
    """One 422 naming every bad field, or nothing."""
    if not problems:
        return
    error = Invalid(*problems[0])
    error.details = [{"field": f, "message": m} for f, m in problems]
    raise error
