"""A case list as CSV rows for officials (`GET /v1/cases.csv`). Pure: no I/O.

One row per case from the list's document (the case without its timeline): codes in their own
columns beside their names in the reader's language, times in the deployment's time zone, and
nothing of the petitioner (their identity and contact are sealed, issue 14; the document carries
none of it, and no column reads a field that could). Titles are citizens' text: a cell that a
spreadsheet would take for a formula gets a leading apostrophe.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

from services.projections.domain.case import counted_satisfaction_of, petitioner_clock, satisfaction_source_of

BOM = "\ufeff"  # Excel reads a CSV as UTF-8 only with it
MEDIA_TYPE = "text/csv; charset=utf-8"
COLUMNS = (
    "tracking_code", "case_id", "title", "status", "status_code", "category", "category_code", "division",
    "division_code", "unit", "unit_id", "level", "level_code", "channel", "channel_code", "submitted_at",
    "accepted_at", "due_at", "closed_at", "overdue", "at_risk", "satisfied", "unsatisfied", "satisfaction_source",
)  # fmt: skip
# What a spreadsheet starts a formula with (OWASP's list: = + - @, and tab and carriage return).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Labels:
    """What a row's words come from, in one language: the pages' catalogue (`shared.i18n`), the
    category names, and the names of places and handling units."""

    words: Mapping[str, Any]  # the catalogue of one language: `export`, `status`, `level`, `channel`, `common`
    categories: Mapping[str, str]  # key -> name
    place: Callable[[str], str | None]  # division code -> name
    unit: Callable[[str], str | None]  # unit id -> name
    tz: ZoneInfo


def guarded(cell: str) -> str:
    """The cell as text a spreadsheet shows as is (a formula's first character escaped by an apostrophe)."""
    return "'" + cell if cell.startswith(_FORMULA_STARTS) else cell


def header(labels: Labels) -> list[str]:
    return [labels.words["export"][column] for column in COLUMNS]


def row(doc: Mapping[str, Any], labels: Labels) -> list[str]:
    """One case as the export's cells, in `COLUMNS` order."""
    w = labels.words
    place, unit = doc.get("division") or "", doc.get("unit_id") or ""
    answers = (
        int(doc.get("feedback_satisfied") or 0), int(doc.get("feedback_unsatisfied") or 0),
        doc.get("callback_satisfaction"),
    )  # fmt: skip
    satisfied, unsatisfied = counted_satisfaction_of(*answers)
    source = satisfaction_source_of(*answers)
    cells = {
        "tracking_code": doc.get("tracking_code") or "",
        "case_id": doc["case_id"],
        "title": doc.get("title") or "",
        "status": _word(w, "status", doc.get("status")),
        "status_code": doc.get("status") or "",
        "category": labels.categories.get(doc.get("category") or "", doc.get("category") or ""),
        "category_code": doc.get("category") or "",
        "division": (labels.place(place) or "") if place else "",
        "division_code": place,
        "unit": (labels.unit(unit) or doc.get("unit_name") or "") if unit else "",
        "unit_id": unit,
        "level": _word(w, "level", doc.get("level")),
        "level_code": doc.get("level") or "",
        "channel": _word(w, "channel", doc.get("channel")),
        "channel_code": doc.get("channel") or "",
        "submitted_at": _time(doc.get("submitted_at") or doc.get("opened_at"), labels.tz),
        "accepted_at": _time(doc.get("accepted_at"), labels.tz),
        "due_at": _time(due(doc.get("clocks") or ()), labels.tz),
        "closed_at": _time(doc.get("closed_at"), labels.tz),
        "overdue": _yes_no(w, doc.get("overdue")),
        "at_risk": _yes_no(w, doc.get("at_risk")),
        "satisfied": str(satisfied) if source else "",
        "unsatisfied": str(unsatisfied) if source else "",
        "satisfaction_source": w["export"][f"source_{source}"] if source else "",
    }
    return [guarded(str(cells[column])) for column in COLUMNS]


def due(clocks: Iterable[Mapping[str, Any]]) -> str | None:
    """The soonest deadline of an official's clock still running (the petitioner's windows left out)."""
    running = [
        str(c["due"]) for c in clocks if c.get("due") and not c.get("stopped") and not petitioner_clock(str(c["kind"]))
    ]
    return min(running, key=datetime.fromisoformat) if running else None


def lines(rows: Iterable[Sequence[str]]) -> str:
    """Rows as CSV text (RFC 4180: quoted where needed, CRLF line ends)."""
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue()


def file_name(labels: Labels, division: str, day: date) -> str:
    """`案件-330726000000-2026-12-02.csv` (`cases-…` in English)."""
    return f"{labels.words['export']['file']}-{division}-{day.isoformat()}.csv"


def content_disposition(name: str) -> str:
    """An attachment named `name`: RFC 6266 with the UTF-8 name in RFC 5987's `filename*` and an
    ASCII fallback for clients that read only `filename`."""
    fallback = "".join(c if c.isascii() and c not in '"\\' else "_" for c in name)
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


def _word(words: Mapping[str, Any], group: str, key: str | None) -> str:
    if not key:
        return ""
    found = words.get(group, {}).get(key)
    return str(found) if found else key


def _yes_no(words: Mapping[str, Any], flag: object) -> str:
    return str(words["common"]["yes" if flag else "no"])


def _time(value: str | None, tz: ZoneInfo) -> str:
    """`2026-12-02 14:03:05` in the deployment's time zone (what a spreadsheet parses as a time)."""
    if not value:
        return ""
    return datetime.fromisoformat(value).astimezone(tz).strftime("%Y-%m-%d %H:%M:%S")
