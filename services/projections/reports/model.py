"""The monthly report (月报) of a division as a pure model, built from the assessments' answers.

`build` turns the answers of `Assessments.scorecards`, `.trends`, `.topics` and the month's 631
pyramid into sections of typed cells, every word already in the reader's language
(`shared/i18n`, group `report`). The renderers (`pdf.py`, `xlsx.py`) only lay the sections out:
a number stays a number (the XLSX keeps it so), and `shown` is the one way it becomes text.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from services.projections.domain.scorecards import RATES
from shared.i18n import strings

CellKind = Literal["text", "count", "rate", "rate_change", "count_change", "tier"]
Value = str | int | float | None
# The scorecard's figures in the order the report lists them (docs/scorecards.md defines each).
FIGURES = ("received", *(name for name, _, _, _ in RATES), "supervised", "overdue")
RATE_FIGURES = frozenset(name for name, _, _, _ in RATES)
# The ranking's columns in the PDF (the XLSX has every figure).
BRIEF_FIGURES = frozenset({"handling_on_time", "first_time_resolution", "satisfaction", "overdue"})
TREND_COLUMNS = ("received", "resolved", "overdue", "satisfied", "answers", "satisfaction")
CHARTS = ("received", "resolved", "overdue", "satisfaction")


@dataclass(frozen=True)
class Cell:
    value: Value
    kind: CellKind = "text"


@dataclass(frozen=True)
class Column:
    title: str
    brief: bool = True  # shown in the PDF too (the XLSX shows every column)


@dataclass(frozen=True)
class Table:
    columns: tuple[Column, ...]
    rows: tuple[tuple[Cell, ...], ...]
    caption: str | None = None
    total: tuple[Cell, ...] | None = None  # a last row that sums the others up


@dataclass(frozen=True)
class Bar:
    """One level of the 631 pyramid: its share of the month's resolutions against its target."""

    level: str
    label: str
    count: int
    share: float | None
    target: float


@dataclass(frozen=True)
class Chart:
    """A daily series of the trends table: `column` is its place in that table's rows."""

    key: str
    title: str
    kind: Literal["count", "rate"]
    column: int
    values: tuple[int | float | None, ...]


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    sheet: str
    notes: tuple[str, ...] = ()
    tables: tuple[Table, ...] = ()
    bars: tuple[Bar, ...] = ()
    charts: tuple[Chart, ...] = ()


@dataclass(frozen=True)
class Report:
    division: str
    name: str
    lang: str
    title: str
    month: str
    heading: tuple[str, ...]  # the lines under the title: the month, the division, when it was made
    generated: str
    sections: tuple[Section, ...]
    texts: Mapping[str, Any]

    def filename(self, fmt: str, lang: str | None = None) -> str:
        """`月报-330726000000-2026-11.pdf` (English: `monthly-report-…`), in the report's language by default."""
        word = strings()[lang]["report"]["file"] if lang else self.texts["file"]
        return f"{word}-{self.division}-{self.month}.{fmt}"

    def section(self, key: str) -> Section:
        return next(s for s in self.sections if s.key == key)

    def shown(self, cell: Cell) -> str:
        return shown(cell, self.texts)

    def shown_rate(self, value: float | None) -> str:
        return shown(Cell(value, "rate"), self.texts)


def shown(cell: Cell, texts: Mapping[str, Any]) -> str:
    """A cell as the PDF writes it: rates in per cent, changes signed, a missing value as a dash."""
    value = cell.value
    if value is None:
        return str(texts["none"])
    if cell.kind == "rate":
        return f"{float(value):.1%}"
    if cell.kind == "rate_change":
        return str(texts["points"]).format(v=f"{float(value) * 100:+.1f}")
    if cell.kind == "count_change":
        return f"{int(value):+d}"
    if cell.kind == "tier":
        return str(texts["tier"]).format(low=10 ** (int(value) - 1), high=10 ** int(value) - 1)
    return str(value)


def _name(names: Mapping[str, str] | None, fallback: str, lang: str) -> str:
    return str(names.get(lang) or names.get("zh") or fallback) if names else fallback


def _figure_cells(figure: Mapping[str, Any], rate: bool) -> tuple[Cell, Cell, Cell]:
    kind: CellKind = "rate" if rate else "count"
    change: CellKind = "rate_change" if rate else "count_change"
    return Cell(figure["value"], kind), Cell(figure["previous"], kind), Cell(figure["change"], change)


def _figures(sc: Mapping[str, Any], t: Mapping[str, Any]) -> Section:
    total, own = sc["total"]["figures"], sc["own_unit"]["figures"]
    previous, change = Column(t["col_previous"]), Column(t["col_change"])
    columns = (
        Column(t["col_figure"]),
        Column(t["col_total"]),
        previous,
        change,
        Column(t["col_own"]),
        previous,
        change,
    )
    rows = tuple(
        (Cell(t["figure"][name]), *_figure_cells(total[name], name in RATE_FIGURES),
         *_figure_cells(own[name], name in RATE_FIGURES))
        for name in FIGURES
    )  # fmt: skip
    return Section("figures", t["figures"], t["sheet_figures"], (t["definitions"],), (Table(columns, rows),))


def _pyramid(pyramid: Mapping[str, Any], t: Mapping[str, Any], levels: Mapping[str, str]) -> Section:
    bars = tuple(
        Bar(p["level"], levels.get(p["level"], p["level"]), int(p["count"]), p["share"], float(p["target"]))
        for p in pyramid["levels"]
    )
    columns = tuple(Column(t[k]) for k in ("col_level", "col_count", "col_share", "col_target", "col_gap"))
    rows = tuple(
        (Cell(b.label), Cell(b.count, "count"), Cell(b.share, "rate"), Cell(b.target, "rate"),
         Cell(None if b.share is None else round(b.share - b.target, 4), "rate_change"))
        for b in bars
    )  # fmt: skip
    total = (Cell(t["total_row"]), Cell(int(pyramid["resolved"]), "count"), Cell(None), Cell(None), Cell(None))
    note = str(t["pyramid_note"]).format(n=pyramid["resolved"])
    return Section("pyramid", t["pyramid"], t["sheet_pyramid"], (note,), (Table(columns, rows, total=total),), bars)


def _ranking(cards: Sequence[Mapping[str, Any]], caption: str, t: Mapping[str, Any], lang: str) -> Table:
    columns = [Column(t[k]) for k in ("col_rank", "col_unit", "col_tier")]
    columns += [Column(t["col_peers"], brief=False), Column(t["figure"]["received"]), Column(t["col_score"])]
    columns += [Column(t["figure"][f], brief=f in BRIEF_FIGURES) for f in FIGURES if f != "received"]
    rows = []
    for card in cards:
        if card["tier"] is None:
            continue
        figures = card["figures"]
        rows.append((
            Cell(card["rank"], "count"), Cell(_name(card["name"], card["id"], lang)), Cell(card["tier"], "tier"),
            Cell(card["peers_in_tier"], "count"), Cell(figures["received"]["value"], "count"),
            Cell(card["score"], "rate"),
            *(Cell(figures[f]["value"], "rate" if f in RATE_FIGURES else "count") for f in FIGURES if f != "received"),
        ))  # fmt: skip
    return Table(tuple(columns), tuple(rows), caption)


def _rankings(sc: Mapping[str, Any], t: Mapping[str, Any], lang: str) -> Section:
    tables, notes = [], [str(t["ranking_note"])]
    for key in ("places", "departments"):
        cards = sc[key]
        if not cards:
            continue
        table = _ranking(cards, t[key], t, lang)
        if table.rows:
            tables.append(table)
        idle = [_name(c["name"], c["id"], lang) for c in cards if c["tier"] is None]
        if idle:
            notes.append(f"{t[key]} · " + str(t["idle"]).format(n=len(idle), names=str(t["sep"]).join(idle)))
    if not sc["places"] and not sc["departments"]:
        notes.append(str(t["no_peers"]))
    return Section("rankings", t["rankings"], t["sheet_rankings"], tuple(notes), tuple(tables))


def _trend_cells(day: Mapping[str, Any]) -> tuple[Cell, ...]:
    return tuple(Cell(day[k], "rate" if k == "satisfaction" else "count") for k in TREND_COLUMNS)


def _trends(tr: Mapping[str, Any], t: Mapping[str, Any]) -> Section:
    columns = (Column(t["col_day"]), *(Column(t[f"col_{k}"]) for k in TREND_COLUMNS))
    rows = tuple((Cell(d["day"]), *_trend_cells(d)) for d in tr["days"])
    totals = tr["totals"]
    charts = tuple(
        Chart(key, t[f"chart_{key}"], "rate" if key == "satisfaction" else "count", TREND_COLUMNS.index(key) + 1,
              tuple(d[key] for d in tr["days"]))
        for key in CHARTS
    )  # fmt: skip
    satisfaction = shown(Cell(totals["satisfaction"], "rate"), t)
    note = str(t["trend_totals"]).format(**{**totals, "satisfaction": satisfaction})
    table = Table(columns, rows, total=(Cell(t["total_row"]), *_trend_cells(totals)))
    return Section("trends", t["trends"], t["sheet_trends"], (note,), (table,), charts=charts)


def _topics(topics: Mapping[str, Any], t: Mapping[str, Any], lang: str) -> Section:
    if not topics["topics"]:
        return Section("topics", t["topics"], t["sheet_topics"], (str(t["no_topics"]),))
    keys = ("col_no", "col_category", "col_topic", "col_cases", "col_places", "col_examples")
    sep = str(t["sep"])
    rows = tuple(
        (Cell(i, "count"), Cell(_name(topic.get("category_name"), topic["category"], lang)), Cell(topic["label"]),
         Cell(topic["count"], "count"),
         Cell(sep.join(f"{_name(p.get('name'), p['division'], lang)} {p['count']}" for p in topic["places"])),
         Cell(sep.join(str(e["title"] or e["case_id"]) for e in topic["examples"])))
        for i, topic in enumerate(topics["topics"], start=1)
    )  # fmt: skip
    table = Table(tuple(Column(t[k]) for k in keys), rows)
    return Section("topics", t["topics"], t["sheet_topics"], (str(t["topics_note"]),), (table,))


def build(
    scorecards: Mapping[str, Any],
    trends: Mapping[str, Any],
    pyramid: Mapping[str, Any],
    topics: Mapping[str, Any],
    lang: str,
    generated_at: datetime,
) -> Report:
    """The report of `scorecards`' division and month, in `lang` (`zh` or `en`)."""
    table = strings()[lang]
    t = table["report"]
    division = str(scorecards["division"])
    name = _name(scorecards.get("name"), division, lang)
    month, previous = scorecards["period"]["label"], scorecards["previous"]["label"]
    offset = f"{generated_at:%z}"  # +0800
    generated = f"{generated_at:%Y-%m-%d %H:%M} (UTC{offset[:3]}:{offset[3:]})"
    heading = (
        str(t["period"]).format(month=month, previous=previous),
        str(t["division"]).format(code=division),
        str(t["generated"]).format(time=generated),
    )
    sections = (
        _figures(scorecards, t),
        _pyramid(pyramid, t, table["level"]),
        _rankings(scorecards, t, lang),
        _trends(trends, t),
        _topics(topics, t, lang),
    )
    title = str(t["title"]).format(name=name)
    return Report(division, name, lang, title, month, heading, generated, sections, t)
