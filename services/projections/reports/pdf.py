"""The monthly report as a PDF (fpdf2): A4, the tables, the 631 pyramid and the trend charts drawn.

Chinese needs a CJK font: the deployment's (`PUJIANG_REPORT_FONT`, by default Debian's
fonts-noto-cjk, face 2 of the collection: Noto Sans CJK SC), embedded as a subset of the glyphs
used. A font that is missing or cannot be read is `FontMissing`, which callers turn into a clear
refusal (HTTP 503, the command's exit code 78), never a stack trace.
"""

from __future__ import annotations

import logging
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fpdf import FPDF
from fpdf.fonts import FontFace

from services.projections.reports.model import Bar, Chart, Report, Section, Table

FAMILY = "cjk"
INK, MUTED, RULE = (33, 37, 41), (108, 117, 125), (206, 212, 218)
ACCENT, TARGET, SOFT, STRIPE = (31, 94, 168), (200, 55, 45), (232, 238, 247), (246, 248, 251)
MARGIN = 15.0  # mm
logging.getLogger("fontTools").setLevel(logging.WARNING)  # its subsetter tells every table it prunes, at info


class FontMissing(Exception):
    """The report's CJK font is not there or cannot be read."""


@dataclass(frozen=True)
class Font:
    """Where the CJK font is: a TTF/OTF file, or a collection (TTC) and the index of its face."""

    path: str
    index: int = 0


class _Document(FPDF):
    def __init__(self, report: Report) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.report = report
        self.set_margins(MARGIN, MARGIN + 4, MARGIN)
        self.set_auto_page_break(True, margin=MARGIN + 3)
        self.set_title(report.title)
        self.set_subject(report.month)
        self.set_creator("Pujiang projections")
        self.set_lang("zh-CN" if report.lang == "zh" else "en")

    def header(self) -> None:
        self.set_font(FAMILY, size=8)
        self.set_text_color(*MUTED)
        self.set_xy(MARGIN, 8)
        self.cell(0, 5, f"{self.report.name} · {self.report.month} · {self.report.texts['kind']}")
        self.set_draw_color(*RULE)
        self.line(MARGIN, 14, self.w - MARGIN, 14)
        self.set_xy(MARGIN, MARGIN + 4)
        self.set_text_color(*INK)

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(FAMILY, size=8)
        self.set_text_color(*MUTED)
        self.cell(0, 5, str(self.report.texts["generated"]).format(time=self.report.generated), align="L")
        self.set_x(MARGIN)
        page = str(self.report.texts["page"]).format(n=self.page_no(), total=self.str_alias_nb_pages)
        self.cell(0, 5, page, align="R")
        self.set_text_color(*INK)


def _load(pdf: _Document, font: Font) -> None:
    if not Path(font.path).is_file():
        raise FontMissing(
            f"the report's CJK font {font.path} is missing: install fonts-noto-cjk (make deps does) "
            "or point PUJIANG_REPORT_FONT at a font with Chinese glyphs"
        )
    try:
        for style in ("", "B"):  # one face: headings stand out by size and colour, not weight
            pdf.add_font(FAMILY, style, font.path, collection_font_number=font.index)
    except Exception as error:  # fontTools raises many kinds for a file that is no font
        raise FontMissing(f"the report's font {font.path} (face {font.index}) cannot be read: {error}") from error


def _width(text: str) -> float:
    """How wide a text runs, in Latin characters (a CJK character is about two)."""
    return sum(2.0 if unicodedata.east_asian_width(ch) in "WF" else 1.0 for ch in text)


def _col_widths(pdf: _Document, table: Table, keep: Sequence[int]) -> list[float]:
    """Each column as wide as its longest text (within bounds), scaled to the page."""
    wanted = []
    for i in keep:
        texts = [table.columns[i].title] + [pdf.report.shown(row[i]) for row in table.rows]
        longest = max(_width(t) for t in texts)
        wanted.append(min(max(longest, 5.0), 48.0))
    total = sum(wanted)
    return [w / total * pdf.epw for w in wanted]


def _section_title(pdf: _Document, section: Section) -> None:
    if pdf.will_page_break(30):
        pdf.add_page()
    pdf.ln(3)
    pdf.set_fill_color(*ACCENT)
    pdf.rect(MARGIN, pdf.get_y() + 1, 1.5, 6, style="F")
    pdf.set_x(MARGIN + 4)
    pdf.set_font(FAMILY, size=13)
    pdf.set_text_color(*ACCENT)
    pdf.cell(0, 8, section.title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(*INK)
    pdf.set_font(FAMILY, size=8.5)
    for note in section.notes:
        pdf.set_text_color(*MUTED)
        pdf.multi_cell(0, 4.5, note, align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(*INK)
    pdf.ln(2)


def _table(pdf: _Document, table: Table) -> None:
    keep = [i for i, c in enumerate(table.columns) if c.brief]
    if table.caption:
        pdf.set_font(FAMILY, size=10)
        pdf.cell(0, 7, table.caption, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FAMILY, size=8)
    numeric = ["RIGHT" if any(row[i].kind != "text" for row in table.rows) else "LEFT" for i in keep]
    headings = FontFace(emphasis=None, color=INK, fill_color=SOFT)
    pdf.set_draw_color(*RULE)
    pdf.set_fill_color(255, 255, 255)  # the rows between the stripes take the current fill colour
    with pdf.table(
        col_widths=_col_widths(pdf, table, keep), text_align=tuple(numeric), headings_style=headings,
        borders_layout="HORIZONTAL_LINES", line_height=5, padding=(0.8, 1.2), repeat_headings=1,
        cell_fill_color=STRIPE, cell_fill_mode="ROWS",
    ) as grid:  # fmt: skip
        heading = grid.row()
        for i in keep:
            heading.cell(table.columns[i].title)
        rows = [*table.rows, *([table.total] if table.total is not None else [])]
        for cells in rows:
            row = grid.row()
            for i in keep:
                row.cell(pdf.report.shown(cells[i]))
    pdf.ln(4)


def _pyramid(pdf: _Document, bars: Sequence[Bar]) -> None:
    label_w, text_w, row_h = 28.0, 44.0, 8.0
    plot_w = pdf.epw - label_w - text_w
    if pdf.will_page_break(row_h * len(bars) + 6):
        pdf.add_page()
    top = pdf.get_y()
    pdf.set_font(FAMILY, size=9)
    for i, bar in enumerate(bars):
        y = top + i * row_h
        pdf.set_xy(MARGIN, y)
        pdf.cell(label_w, row_h - 2, bar.label)
        x0 = MARGIN + label_w
        pdf.set_fill_color(*SOFT)
        pdf.rect(x0, y + 0.5, plot_w, row_h - 3, style="F")
        if bar.share:
            pdf.set_fill_color(*ACCENT)
            pdf.rect(x0, y + 0.5, plot_w * bar.share, row_h - 3, style="F")
        pdf.set_draw_color(*TARGET)
        pdf.set_line_width(0.6)
        pdf.line(x0 + plot_w * bar.target, y - 0.5, x0 + plot_w * bar.target, y + row_h - 1.5)
        pdf.set_line_width(0.2)
        pdf.set_xy(x0 + plot_w + 2, y)
        share = pdf.report.shown_rate(bar.share)
        target = str(pdf.report.texts["target_mark"]).format(v=pdf.report.shown_rate(bar.target))
        pdf.cell(text_w - 2, row_h - 2, f"{share} / {target}  ({bar.count})")
    pdf.set_xy(MARGIN, top + row_h * len(bars) + 2)


def _chart(pdf: _Document, chart: Chart, days: Sequence[str], x: float, y: float, w: float, h: float) -> None:
    """A small chart: columns of a daily count, or a line of a daily rate (0 to 100%)."""
    pdf.set_draw_color(*RULE)
    pdf.rect(x, y, w, h)
    pdf.set_font(FAMILY, size=8.5)
    pdf.set_xy(x + 2, y + 1)
    pdf.cell(w - 4, 5, chart.title)
    values = [v for v in chart.values if v is not None]
    top = 1.0 if chart.kind == "rate" else float(max([*values, 1]))
    peak = pdf.report.shown_rate(max(values)) if chart.kind == "rate" and values else str(max(values, default=0))
    pdf.set_font(FAMILY, size=7)
    pdf.set_text_color(*MUTED)
    pdf.set_xy(x + 2, y + 1)
    pdf.cell(w - 4, 5, str(pdf.report.texts["chart_max"]).format(v=peak), align="R")
    left, right, bottom, ceiling = x + 9, x + w - 3, y + h - 7, y + 9
    plot_w, plot_h = right - left, bottom - ceiling
    for share, label in ((0.0, "0"), (1.0, "100%" if chart.kind == "rate" else f"{top:g}")):
        at = bottom - plot_h * share
        pdf.set_draw_color(*RULE)
        pdf.line(left, at, right, at)
        pdf.set_xy(x + 0.5, at - 2)
        pdf.cell(8, 4, label, align="R")
    n = max(len(chart.values), 1)
    step = plot_w / n
    if chart.kind == "count":
        pdf.set_fill_color(*ACCENT)
        for i, value in enumerate(chart.values):
            if value:
                bar_h = plot_h * float(value) / top
                pdf.rect(left + i * step + step * 0.15, bottom - bar_h, step * 0.7, bar_h, style="F")
    else:
        _rate_line(pdf, chart.values, left, bottom, step, plot_h)
    for i in sorted({0, n // 2, n - 1}):
        if i < len(days):
            pdf.set_xy(left + i * step + step / 2 - 6, bottom + 0.5)
            pdf.cell(12, 4, days[i][5:], align="C")
    pdf.set_text_color(*INK)


def _rate_line(
    pdf: _Document, values: Sequence[int | float | None], left: float, bottom: float, step: float, plot_h: float
) -> None:
    """The rate's line, broken where a day had no answer; a dot on every day that had one."""
    pdf.set_draw_color(*ACCENT)
    pdf.set_fill_color(*ACCENT)
    pdf.set_line_width(0.4)
    run: list[tuple[float, float]] = []
    for i, value in enumerate([*values, None]):
        if value is None:
            if len(run) > 1:
                pdf.polyline(run)
            run = []
            continue
        point = (left + i * step + step / 2, bottom - plot_h * float(value))
        run.append(point)
        pdf.circle(point[0], point[1], 0.8, style="F")
    pdf.set_line_width(0.2)


def _charts(pdf: _Document, section: Section) -> None:
    days = [str(row[0].value) for row in section.tables[0].rows] if section.tables else []
    gap, h = 6.0, 52.0
    w = (pdf.epw - gap) / 2
    for i in range(0, len(section.charts), 2):
        if pdf.will_page_break(h + gap):
            pdf.add_page()
        y = pdf.get_y()
        for j, chart in enumerate(section.charts[i : i + 2]):
            _chart(pdf, chart, days, MARGIN + j * (w + gap), y, w, h)
        pdf.set_xy(MARGIN, y + h + gap)


def render_pdf(report: Report, font: Font) -> bytes:
    """The report's PDF: a title block, then each section's notes, tables and drawings."""
    pdf = _Document(report)
    _load(pdf, font)
    pdf.add_page()
    pdf.set_font(FAMILY, size=20)
    pdf.multi_cell(0, 11, report.title, align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FAMILY, size=9.5)
    pdf.set_text_color(*MUTED)
    for line in report.heading:
        pdf.cell(0, 5.5, line, new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(*INK)
    pdf.ln(2)
    for section in report.sections:
        _section_title(pdf, section)
        if section.bars:
            _pyramid(pdf, section.bars)
        if section.charts:
            _charts(pdf, section)
            continue  # the daily table is the workbook's; the PDF shows the charts and the totals
        for table in section.tables:
            _table(pdf, table)
    out: Any = pdf.output()
    return bytes(out)
