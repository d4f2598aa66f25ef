"""The monthly report as an XLSX workbook (xlsxwriter): one sheet per section, numbers as numbers.

Rates are fractions shown in per cent, their changes in points of 1.0 (+0.05 shows as +5.0%),
a tier is its number k shown as its range of cases; the trends sheet charts its own table with
native charts, the pyramid sheet its shares against the targets.
"""

from __future__ import annotations

import io
from typing import Any

import xlsxwriter
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from services.projections.reports.model import Cell, Report, Section, Table

NUMBER_FORMATS = {
    "count": "0",
    "rate": "0.0%",
    "rate_change": "+0.0%;-0.0%;0.0%",
    "count_change": "+0;-0;0",
}
WIDE, NARROW = 26, 12  # characters: the first column (names) and the others
CHART_ROWS = 16  # rows one chart takes on its sheet


class _Formats:
    """xlsxwriter formats made once per workbook and look (kind, bold)."""

    def __init__(self, book: Workbook, report: Report) -> None:
        self.book, self.report = book, report
        self.made: dict[tuple[str, bool], Any] = {}
        self.title = book.add_format({"bold": True, "font_size": 16})
        self.heading = book.add_format({"bold": True, "font_size": 13})
        self.note = book.add_format({"italic": True, "font_color": "#555555"})
        self.header = book.add_format({"bold": True, "bottom": 1, "bg_color": "#E8EEF7", "text_wrap": True})
        self.caption = book.add_format({"bold": True})

    def of(self, cell: Cell, bold: bool = False) -> Any:
        number = NUMBER_FORMATS.get(cell.kind)
        if cell.kind == "tier" and cell.value is not None:
            number = '"' + self.report.shown(cell).replace('"', "") + '"'  # the number k, shown as its range
        key = (number or "", bold)
        if key not in self.made:
            props: dict[str, Any] = {"bold": bold, "top": 1} if bold else {}
            if number:
                props["num_format"] = number
            self.made[key] = self.book.add_format(props)
        return self.made[key]


def _write(sheet: Worksheet, row: int, col: int, cell: Cell, formats: _Formats, bold: bool = False) -> None:
    fmt = formats.of(cell, bold)
    if cell.value is None:
        sheet.write_blank(row, col, None, fmt)
    elif isinstance(cell.value, str):
        sheet.write_string(row, col, cell.value, fmt)
    else:
        sheet.write_number(row, col, cell.value, fmt)


def _table(sheet: Worksheet, row: int, table: Table, formats: _Formats) -> tuple[int, int]:
    """Writes the table from `row`; (the header's row, the next free row)."""
    if table.caption:
        sheet.write_string(row, 0, table.caption, formats.caption)
        row += 1
    header = row
    for col, column in enumerate(table.columns):
        sheet.write_string(row, col, column.title, formats.header)
    for cells in table.rows:
        row += 1
        for col, cell in enumerate(cells):
            _write(sheet, row, col, cell, formats)
    if table.total is not None:
        row += 1
        for col, cell in enumerate(table.total):
            _write(sheet, row, col, cell, formats, bold=True)
    return header, row + 2


def _pyramid_chart(book: Workbook, sheet: Worksheet, section: Section, header: int) -> None:
    first, last = header + 1, header + len(section.bars)
    chart = book.add_chart({"type": "bar"})
    table = section.tables[0]
    for col in (2, 3):  # share, target
        chart.add_series({
            "name": [sheet.name, header, col],
            "categories": [sheet.name, first, 0, last, 0],
            "values": [sheet.name, first, col, last, col],
        })  # fmt: skip
    chart.set_title({"name": section.title})
    chart.set_x_axis({"num_format": "0%", "min": 0, "max": 1})
    chart.set_y_axis({"reverse": True})
    chart.set_legend({"position": "bottom"})
    sheet.insert_chart(header, len(table.columns) + 1, chart, {"x_scale": 1.1, "y_scale": 1.0})


def _trend_charts(book: Workbook, sheet: Worksheet, section: Section, header: int) -> None:
    table = section.tables[0]
    first, last = header + 1, header + len(table.rows)
    for i, found in enumerate(section.charts):
        chart = book.add_chart({"type": "line" if found.kind == "rate" else "column"})
        chart.add_series({
            "name": found.title,
            "categories": [sheet.name, first, 0, last, 0],
            "values": [sheet.name, first, found.column, last, found.column],
            "gap": 50,
        })  # fmt: skip
        chart.set_title({"name": found.title})
        chart.set_legend({"none": True})
        chart.set_x_axis({"num_font": {"rotation": -45}})
        if found.kind == "rate":
            chart.set_y_axis({"num_format": "0%", "min": 0, "max": 1})
        else:
            chart.set_y_axis({"min": 0})
        sheet.insert_chart(header + i * CHART_ROWS, len(table.columns) + 1, chart, {"x_scale": 1.3})


def _sheet(book: Workbook, report: Report, section: Section, formats: _Formats, first: bool) -> None:
    sheet = book.add_worksheet(section.sheet[:31])
    sheet.set_column(0, 0, WIDE)
    sheet.set_column(1, 20, NARROW)
    row = 0
    if first:
        sheet.write_string(row, 0, report.title, formats.title)
        for line in report.heading:
            row += 1
            sheet.write_string(row, 0, line)
        row += 2
    sheet.write_string(row, 0, section.title, formats.heading)
    for note in section.notes:
        row += 1
        sheet.write_string(row, 0, note, formats.note)
    row += 2
    headers = []
    for table in section.tables:
        header, row = _table(sheet, row, table, formats)
        headers.append(header)
    if section.key == "pyramid" and headers:
        _pyramid_chart(book, sheet, section, headers[0])
    if section.key == "trends" and headers:
        _trend_charts(book, sheet, section, headers[0])
    sheet.set_landscape()
    sheet.set_paper(9)  # A4
    sheet.fit_to_pages(1, 0)
    sheet.set_header(f"&L{report.name.replace('&', '&&')} {report.month}&R{report.texts['kind']}")


def render_xlsx(report: Report) -> bytes:
    """The workbook's bytes: one sheet per section of the report, in its order."""
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True, "strings_to_numbers": False, "strings_to_formulas": False})
    book.set_properties({"title": report.title, "subject": report.month, "comments": report.generated})
    formats = _Formats(book, report)
    for i, section in enumerate(report.sections):
        _sheet(book, report, section, formats, first=i == 0)
    book.close()
    return out.getvalue()
