"""The monthly report (月报) of a division: its answers gathered through `Assessments`, then rendered.

A read use case like `Assessments`: supervisors and admins only (the division's jurisdiction is
checked by the caller, the endpoint or the command); the figures are `Assessments.scorecards`,
`.trends` and `.topics` of the month, and the month's 631 pyramid (`adapters/report_queries.py`).
Rendering is CPU work (a PDF embeds its font's subset): it runs in a worker thread.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from services.projections.adapters import report_queries
from services.projections.adapters.schema import serving
from services.projections.assessments import ASSESSORS, Assessments
from services.projections.domain import stats
from services.projections.domain.periods import YEARS, Period, containing, refuse
from services.projections.reports.model import Report, build
from services.projections.reports.pdf import Font, render_pdf
from services.projections.reports.xlsx import render_xlsx
from shared.http.auth import Principal
from shared.i18n import LANGUAGES
from shared.jurisdiction.divisions import is_division_code
from shared.vocabulary import Level

MEDIA_TYPES = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
MONTH = re.compile(r"(\d{4})-(\d{2})")
Progress = Callable[[str], None]


@dataclass(frozen=True)
class ReportAsked:
    division: str
    month: Period
    format: str
    lang: str


def asked_report(
    who: Principal, division: str | None, month: str | None, fmt: str | None, lang: str | None, today: date
) -> ReportAsked:
    """The parameters checked together: one 422 naming every bad field (the jurisdiction comes after)."""
    problems: list[tuple[str, str]] = []
    division = division or who.division
    if not is_division_code(division):
        problems.append(("division", "a 12-digit division code"))
    period = containing("month", today)
    if month is not None:
        found = MONTH.fullmatch(month)
        if found is None or not 1 <= int(found[2]) <= 12 or not YEARS[0] <= int(found[1]) <= YEARS[1]:
            problems.append(("month", f"a month YYYY-MM of the years {YEARS[0]} to {YEARS[1]}"))
        else:
            period = containing("month", date(int(found[1]), int(found[2]), 1))
    fmt = fmt or "pdf"
    if fmt not in MEDIA_TYPES:
        problems.append(("format", f"one of {', '.join(MEDIA_TYPES)}"))
    lang = lang or LANGUAGES[0]
    if lang not in LANGUAGES:
        problems.append(("lang", f"one of {', '.join(LANGUAGES)}"))
    refuse(problems)
    return ReportAsked(division, period, fmt, lang)


@dataclass(frozen=True)
class RenderedReport:
    content: bytes
    filename: str
    media_type: str
    ascii_filename: str  # for clients that cannot read a UTF-8 file name


TOPICS = 10  # the month's topics a report lists


async def month_topics(assessments: Assessments, who: Principal, division: str, month: Period) -> dict[str, Any]:
    """The month's topics (每月一题), as `GET /v1/topics` answers them, every category."""
    return await assessments.topics(who, division, month, None, TOPICS)


@dataclass(frozen=True)
class MonthlyReports:
    assessments: Assessments
    font: Font

    def today(self) -> date:
        return self.assessments.today()

    async def pyramid(self, division: str, month: Period) -> dict[str, Any]:
        """The month's 631: cases resolved in it by the level of their latest resolution, against the targets."""
        tz = self.assessments.tz
        start = datetime.combine(month.start, time(), tz)
        end = datetime.combine(month.end + timedelta(days=1), time(), tz)
        async with self.assessments.pool.acquire() as conn:
            schema = await serving(conn, self.assessments.base)
            counts = await report_queries.resolved_by_level(conn, schema, division, start, end)
        resolved = {("resolved", level.value): counts.get(level.value, 0) for level in Level}
        pyramid: dict[str, Any] = stats.figures(resolved)["pyramid"]  # the one shape and target of /v1/stats
        return pyramid

    async def report(self, who: Principal, asked: ReportAsked, progress: Progress | None = None) -> Report:
        """The report's model, from the month's answers (the division already checked against the caller)."""
        who.require_role(*ASSESSORS)
        say = progress or (lambda _: None)
        say("scorecards")
        scorecards = await self.assessments.scorecards(who, asked.division, asked.month)
        say("trends")
        trends = await self.assessments.trends(who, asked.division, asked.month, None)
        say("631 pyramid")
        pyramid = await self.pyramid(asked.division, asked.month)
        say("topics")
        topics = await month_topics(self.assessments, who, asked.division, asked.month)
        now = self.assessments.clock.now().astimezone(self.assessments.tz)
        return build(scorecards, trends, pyramid, topics, asked.lang, now)

    async def rendered(self, who: Principal, asked: ReportAsked, progress: Progress | None = None) -> RenderedReport:
        """The report as a file: `FontMissing` when a PDF's font is not there."""
        report = await self.report(who, asked, progress)
        (progress or (lambda _: None))(f"rendering {asked.format}")
        if asked.format == "pdf":
            content = await asyncio.to_thread(render_pdf, report, self.font)
        else:
            content = await asyncio.to_thread(render_xlsx, report)
        name, plain = report.filename(asked.format), report.filename(asked.format, "en")
        return RenderedReport(content, name, MEDIA_TYPES[asked.format], plain)
