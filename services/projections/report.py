"""`python -m services.projections.report`: a division's monthly report (月报) as a PDF or XLSX file.

It reads the serving read model through the same code as `GET /v1/reports/monthly` (the
assessments of the month), acting as an administrator of that division, and writes the file
(`--out`, by default the endpoint's file name in the current folder; `-` is standard output).
Progress goes to standard error. Exit codes: 0 written, 2 bad arguments, 69 the database cannot
be reached, 78 the PDF's font is missing (PUJIANG_REPORT_FONT).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

import asyncpg

from services.projections.app import SPEC
from services.projections.assessments import Assessments
from services.projections.reports.monthly import MEDIA_TYPES, MonthlyReports, RenderedReport, asked_report
from services.projections.reports.pdf import Font, FontMissing
from shared.clock import SystemClock
from shared.domain import Refusal
from shared.eventstore.roles import service_read_url, service_url
from shared.http.auth import Principal
from shared.i18n import LANGUAGES
from shared.settings import Settings
from shared.vocabulary import Role

EX_USAGE, EX_UNAVAILABLE, EX_CONFIG = 2, 69, 78
SYSTEM = "monthly-report-command"


def _say(line: str) -> None:
    print(f"[report] {line}", file=sys.stderr, flush=True)


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m services.projections.report", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)  # fmt: skip
    parser.add_argument("--division", required=True, help="12-digit division code")
    parser.add_argument("--month", required=True, help="YYYY-MM")
    parser.add_argument("--format", required=True, choices=list(MEDIA_TYPES), dest="fmt")
    parser.add_argument("--lang", default=LANGUAGES[0], choices=list(LANGUAGES))
    parser.add_argument("--out", help="the file to write (default: the report's own name here; - for stdout)")
    return parser.parse_args(argv)


async def _render(args: argparse.Namespace, settings: Settings) -> RenderedReport | int:
    """The report, or the exit code that says why there is none."""
    who = Principal(sub=SYSTEM, role=Role.ADMIN, division=args.division)
    url = service_read_url(settings, SPEC.name) or service_url(settings, SPEC.name)
    tz = ZoneInfo(settings.pujiang_timezone)
    clock = SystemClock()
    try:
        asked = asked_report(who, args.division, args.month, args.fmt, args.lang, clock.now().astimezone(tz).date())
    except Refusal as refusal:
        for detail in refusal.details:
            _say(f"--{detail['field']}: {detail['message']}")
        return EX_USAGE
    try:
        pool = await asyncpg.create_pool(url, min_size=1, max_size=2)
    except (OSError, asyncpg.PostgresError) as error:
        _say(f"cannot reach the read model's database: {error}")
        return EX_UNAVAILABLE
    font = Font(settings.pujiang_report_font, settings.pujiang_report_font_index)
    try:
        reports = MonthlyReports(Assessments(pool, SPEC.name, tz, clock), font)
        _say(f"{asked.division} {asked.month.label} ({asked.format}, {asked.lang})")
        return await reports.rendered(who, asked, progress=lambda step: _say(f"{step}…"))
    except FontMissing as error:
        _say(str(error))
        return EX_CONFIG
    finally:
        await pool.close()


def main(argv: list[str] | None = None) -> int:
    args = _arguments(argv)
    found = asyncio.run(_render(args, Settings()))
    if isinstance(found, int):
        return found
    if args.out == "-":
        sys.stdout.buffer.write(found.content)
        sys.stdout.buffer.flush()
        _say(f"wrote {len(found.content)} bytes to standard output")
        return 0
    out = Path(args.out or found.filename)
    out.write_bytes(found.content)
    _say(f"wrote {out} ({len(found.content)} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
