"""The monthly report: its model from hand-made answers, the XLSX read back, the PDF's text and pages."""

from __future__ import annotations

import io
from datetime import date, datetime
from pathlib import Path
from typing import Any, cast
from zoneinfo import ZoneInfo

import openpyxl
import pypdf
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from services.projections.domain import scorecards, stats, trends
from services.projections.domain.periods import containing
from services.projections.entrypoints import reports as reports_entrypoint
from services.projections.reports.model import Cell, Report, build, shown
from services.projections.reports.monthly import MonthlyReports, ReportAsked, asked_report
from services.projections.reports.pdf import Font, FontMissing, render_pdf
from services.projections.reports.xlsx import render_xlsx
from shared.domain import Invalid
from shared.http.auth import Principal, issue_token
from shared.http.errors import install_error_handlers
from shared.http.tokens import TokenVerifier
from shared.i18n import strings
from shared.settings import DEV_JWT_SECRET, Settings
from shared.vocabulary import Role
from tests.support.report_files import HEADINGS_ZH, embedded_fonts, native_charts, pdf_text, save_pages

pytestmark = pytest.mark.unit
TZ = ZoneInfo("Asia/Shanghai")
COUNTY, TOWN_A, TOWN_B, TOWN_C = "330726000000", "330726001000", "330726002000", "330726003000"
LABOUR = f"{COUNTY}:labour"
MONTH = containing("month", date(2026, 11, 5))
AT = datetime(2026, 12, 2, 9, 30, tzinfo=TZ)
SETTINGS = Settings()
FONT = Font(SETTINGS.pujiang_report_font, SETTINGS.pujiang_report_font_index)


def sums(received: int, handled: tuple[int, int], satisfied: tuple[int, int], overdue: int = 0) -> dict[str, int]:
    return {
        "received": received, "handling.met": handled[0], "handling.missed": handled[1],
        "satisfaction.yes": satisfied[0], "satisfaction.no": satisfied[1], "overdue": overdue,
        "first_time.yes": satisfied[0], "first_time.no": satisfied[1],
    }  # fmt: skip


def card(kind: str, ident: str, names: dict[str, str] | None, now: dict[str, int], before: dict[str, int]) -> Any:
    scope = f"{'unit' if kind != 'place' else 'area'}:{ident}"
    return {"kind": kind, "id": ident, "name": names, **scorecards.card(scope, now, before)}


def scorecards_answer() -> dict[str, Any]:
    """An answer of `Assessments.scorecards` for Pujiang County, November 2026, made by the same pure code."""
    places = scorecards.ranked([
        card("place", TOWN_A, {"zh": "浦阳街道", "en": "Puyang"}, sums(24, (20, 4), (18, 2), 3),
             sums(20, (15, 5), (10, 5))),
        card("place", TOWN_B, {"zh": "仙华街道", "en": "Xianhua"}, sums(12, (12, 0), (9, 0)), sums(0, (0, 0), (0, 0))),
        card("place", TOWN_C, {"zh": "浦南街道", "en": "Punan"}, sums(3, (2, 1), (1, 1), 1), sums(5, (5, 0), (4, 0))),
        card("place", "330726004000", {"zh": "黄宅镇", "en": "Huangzhai"}, {}, {}),
    ])  # fmt: skip
    departments = scorecards.ranked([
        card("department", LABOUR, {"zh": "浦江县人力资源和社会保障局", "en": "Labour bureau"},
             sums(7, (6, 1), (5, 1)), sums(6, (6, 0), (6, 0))),
    ])  # fmt: skip
    total = card("place", COUNTY, {"zh": "浦江县", "en": "Pujiang County"}, sums(46, (40, 6), (33, 4), 4),
                 sums(31, (26, 5), (20, 5)))  # fmt: skip
    own = card(
        "unit",
        COUNTY,
        {"zh": "浦江县信访局", "en": "Petition Bureau"},
        sums(5, (4, 1), (3, 1)),
        sums(4, (4, 0), (4, 0)),
    )
    period = {"kind": "month", "from": "2026-11-01", "to": "2026-11-30", "label": "2026-11"}
    before = {"kind": "month", "from": "2026-10-01", "to": "2026-10-31", "label": "2026-10"}
    return {"division": COUNTY, "name": {"zh": "浦江县", "en": "Pujiang County"}, "level": "county",
            "period": period, "previous": before, "total": total, "own_unit": own, "places": places,
            "departments": departments, "definitions": "docs/scorecards.md"}  # fmt: skip


def trends_answer() -> dict[str, Any]:
    rows = [(date(2026, 11, d), "neighbourhood_dispute", "received", d % 4) for d in range(1, 31)]
    rows += [(date(2026, 11, d), "neighbourhood_dispute", "resolved", d % 3) for d in range(3, 31)]
    rows += [(date(2026, 11, 9), "labour", "overdue", 2), (date(2026, 11, 20), "labour", "overdue", 1)]
    rows += [(date(2026, 11, d), "labour", "satisfied", 3) for d in (4, 11, 18, 25)]
    rows += [(date(2026, 11, d), "labour", "unsatisfied", 1) for d in (11, 25)]
    return {"division": COUNTY, "name": None, "period": {}, "category": None,
            **trends.series(rows, MONTH.start, MONTH.end)}  # fmt: skip


def pyramid_answer() -> dict[str, Any]:
    found: dict[str, Any] = stats.figures({("resolved", "village"): 25, ("resolved", "township"): 10,
                                           ("resolved", "county"): 5})["pyramid"]  # fmt: skip
    return found


def topics_answer() -> dict[str, Any]:
    """The shape `Assessments.topics` answers (issue 13, the topics helper's contract), made by hand."""
    return {
        "division": COUNTY, "name": {"zh": "浦江县", "en": "Pujiang County"},
        "period": {"kind": "month", "from": "2026-11-01", "to": "2026-11-30", "label": "2026-11"}, "category": None,
        "topics": [
            {"category": "neighbourhood_dispute", "category_name": {"zh": "邻里纠纷", "en": "Neighbourhood dispute"},
             "terms": ["排水", "围墙"], "label": "排水 · 围墙", "count": 12,
             "places": [{"division": TOWN_A, "name": {"zh": "浦阳街道", "en": "Puyang"}, "count": 9},
                        {"division": TOWN_B, "name": {"zh": "仙华街道", "en": "Xianhua"}, "count": 3}],
             "examples": [{"case_id": "c-1", "title": "邻居的墙挡住了排水", "division": TOWN_A,
                           "received_at": "2026-11-03T09:00:00+08:00"},
                          {"case_id": "c-2", "title": "围墙倒塌堵住排水沟", "division": TOWN_B,
                           "received_at": "2026-11-12T10:00:00+08:00"}]},
            {"category": "labour", "category_name": {"zh": "劳动保障", "en": "Labour"}, "terms": ["欠薪"],
             "label": "欠薪", "count": 4, "places": [{"division": TOWN_C, "name": None, "count": 4}],
             "examples": [{"case_id": "c-3", "title": "工地拖欠工资", "division": TOWN_C,
                           "received_at": "2026-11-20T10:00:00+08:00"}]},
        ],
        "definitions": "docs/scorecards.md",
    }  # fmt: skip


def report(lang: str = "zh", topics: dict[str, Any] | None = None) -> Report:
    return build(scorecards_answer(), trends_answer(), pyramid_answer(), topics or topics_answer(), lang, AT)


def cells(table: Any) -> list[list[str]]:
    return [[shown(c, strings()["zh"]["report"]) for c in row] for row in table.rows]


# ---- the model --------------------------------------------------------------------------------------


def test_the_figures_are_the_scorecards_total_and_own_unit_with_their_change() -> None:
    found = report()
    assert found.title == "浦江县信访工作月报"
    assert found.filename("pdf") == "月报-330726000000-2026-11.pdf"
    table = found.section("figures").tables[0]
    by_name = {row[0].value: row for row in table.rows}
    received = by_name["受理件数"]
    assert [c.value for c in received[1:]] == [46, 31, 15, 5, 4, 1]
    handling = by_name["按期办理率"]
    total = scorecards_answer()["total"]["figures"]["handling_on_time"]
    assert (handling[1].value, handling[2].value, handling[3].value) == (
        total["value"],
        total["previous"],
        total["change"],
    )
    assert handling[1].kind == "rate"
    assert handling[3].kind == "rate_change"
    assert shown(handling[3], found.texts) == f"{total['change'] * 100:+.1f} 个百分点"
    assert len(table.rows) == 11


def test_the_pyramid_is_the_months_resolutions_against_the_631_target() -> None:
    section = report().section("pyramid")
    bars = {b.level: b for b in section.bars}
    assert (bars["village"].count, bars["village"].share, bars["village"].target) == (25, 0.625, 0.6)
    assert (bars["township"].share, bars["township"].target) == (0.25, 0.3)
    assert (bars["county"].share, bars["county"].target) == (0.125, 0.1)
    assert cells(section.tables[0])[0] == ["村（社区）", "25", "62.5%", "60.0%", "+2.5 个百分点"]
    assert "40" in section.notes[0]


def test_the_rankings_are_the_peers_in_their_tiers_and_idle_units_are_named() -> None:
    section = report().section("rankings")
    places, departments = section.tables
    assert places.caption == "下级地区"
    assert departments.caption == "县级部门"
    rows = cells(places)
    assert [r[1] for r in rows] == ["仙华街道", "浦阳街道", "浦南街道"]  # tier 2 first, best first
    assert [r[2] for r in rows] == ["10–99 件", "10–99 件", "1–9 件"]
    assert [r[0] for r in rows] == ["1", "2", "1"]  # 仙华 handled all on time: best of its tier
    assert any("黄宅镇" in note for note in section.notes)


def test_the_trends_are_the_days_of_the_month_with_their_charts() -> None:
    section = report().section("trends")
    table = section.tables[0]
    assert len(table.rows) == 30
    assert table.rows[3][0].value == "2026-11-04"
    assert [c.key for c in section.charts] == ["received", "resolved", "overdue", "satisfaction"]
    received = section.charts[0]
    assert received.values == tuple(d % 4 for d in range(1, 31))
    assert [row[received.column].value for row in table.rows] == list(received.values)
    assert section.charts[3].values[10] == 0.75
    assert table.total is not None
    assert table.total[1].value == sum(d % 4 for d in range(1, 31))


def test_the_topics_come_from_the_topics_answer() -> None:
    section = report().section("topics")
    rows = cells(section.tables[0])
    assert rows[0][:4] == ["1", "邻里纠纷", "排水 · 围墙", "12"]
    assert rows[0][4] == "浦阳街道 9、仙华街道 3"
    assert "邻居的墙挡住了排水" in rows[0][5]
    assert rows[1][4] == f"{TOWN_C} 4"  # a place the answer does not name keeps its code
    empty = build(scorecards_answer(), trends_answer(), pyramid_answer(), {**topics_answer(), "topics": []}, "zh", AT)
    assert empty.section("topics").notes == ("本月没有反复出现的问题。",)
    untitled = topics_answer()
    untitled["topics"][1]["examples"][0]["title"] = None  # a title the read model no longer has
    found = build(scorecards_answer(), trends_answer(), pyramid_answer(), untitled, "zh", AT)
    assert cells(found.section("topics").tables[0])[1][5] == "c-3"


def test_english_is_one_word_away() -> None:
    found = report("en")
    assert found.title == "Monthly petitions report: Pujiang County"
    assert found.filename("xlsx") == "monthly-report-330726000000-2026-11.xlsx"
    assert found.section("rankings").tables[0].rows[0][1].value == "Xianhua"
    assert found.section("topics").tables[0].rows[0][1].value == "Neighbourhood dispute"
    assert "UTC+08:00" in found.generated


@pytest.mark.parametrize(
    ("month", "fmt", "lang", "fields"),
    [("2026-13", "pdf", "zh", {"month"}), ("2026-1", "doc", "fr", {"month", "format", "lang"}),
     ("0001-01", None, None, {"month"})],
)  # fmt: skip
def test_bad_parameters_are_one_refusal_naming_each(
    month: str, fmt: str | None, lang: str | None, fields: set[str]
) -> None:
    who = Principal(sub="s", role=Role.SUPERVISOR, division=COUNTY)
    with pytest.raises(Invalid) as refused:
        asked_report(who, None, month, fmt, lang, date(2026, 12, 2))
    assert {d["field"] for d in refused.value.details} == fields


def test_defaults_are_the_callers_division_this_month_pdf_chinese() -> None:
    who = Principal(sub="s", role=Role.SUPERVISOR, division=COUNTY)
    asked = asked_report(who, None, None, None, None, date(2026, 12, 2))
    assert (asked.division, asked.month.label, asked.format, asked.lang) == (COUNTY, "2026-12", "pdf", "zh")
    assert asked_report(who, TOWN_A, "2026-02", "xlsx", "en", date(2026, 12, 2)).month.end == date(2026, 2, 28)


# ---- the workbook -----------------------------------------------------------------------------------


def test_the_workbook_has_a_sheet_per_section_with_numbers_as_numbers_and_native_charts() -> None:
    content = render_xlsx(report())
    book = openpyxl.load_workbook(io.BytesIO(content))
    assert book.sheetnames == ["指标", "631", "排名", "趋势", "每月一题"]
    figures = book["指标"]
    assert figures["A1"].value == "浦江县信访工作月报"
    rows = {r[0]: r for r in figures.iter_rows(values_only=True) if r[0]}
    assert rows["受理件数"][1:7] == (46, 31, 15, 5, 4, 1)
    total = scorecards_answer()["total"]["figures"]["satisfaction"]
    assert rows["满意率"][1] == pytest.approx(total["value"])
    assert isinstance(rows["满意率"][1], float)
    pyramid = {r[0]: r for r in book["631"].iter_rows(values_only=True) if r[0]}
    assert pyramid["村（社区）"][1:4] == (25, 0.625, 0.6)
    ranking = [r for r in book["排名"].iter_rows(values_only=True) if r[1] in {"浦阳街道", "仙华街道", "浦南街道"}]
    assert [(r[0], r[2], r[4]) for r in ranking] == [(1, 2, 12), (2, 2, 24), (1, 1, 3)]  # rank, tier k, received
    trend = book["趋势"]
    days = [r for r in trend.iter_rows(values_only=True) if isinstance(r[0], str) and r[0].startswith("2026-11-")]
    assert len(days) == 30
    assert days[10][6] == 0.75
    charts = [c for c in native_charts(content) if "趋势!$A$" in c]  # the days are their categories
    assert len(charts) == 4
    assert any("趋势!$G$" in c and "<c:lineChart>" in c for c in charts)  # satisfaction, a line
    assert any("'631'!$C$5:$C$9" in c for c in native_charts(content))  # the pyramid's shares
    topics = [r for r in book["每月一题"].iter_rows(values_only=True) if r[2] == "排水 · 围墙"]
    assert topics[0][3] == 12


def test_a_title_that_looks_like_a_formula_stays_text() -> None:
    hostile = topics_answer()
    hostile["topics"][0]["examples"][0]["title"] = '=HYPERLINK("http://x","y")'
    hostile["topics"][0]["label"] = "=1+1"
    book = openpyxl.load_workbook(io.BytesIO(render_xlsx(report(topics=hostile))))
    labels = [r[2] for r in book["每月一题"].iter_rows(values_only=True)]
    assert "=1+1" in labels
    assert all(c.data_type != "f" for row in book["每月一题"].iter_rows() for c in row)


# ---- the PDF ---------------------------------------------------------------------------------------


# make deps installs fonts-noto-cjk (scripts/fonts.sh): without it these tests fail, never skip.


def test_the_pdf_holds_the_headings_figures_and_page_numbers_in_chinese() -> None:
    content = render_pdf(report(), FONT)
    pages, text = pdf_text(content)
    for heading in ("浦江县信访工作月报", *HEADINGS_ZH):
        assert heading in text, heading
    assert "统计月份：2026-11" in text
    assert "生成时间：2026-12-02 09:30" in text
    assert f"第 1 页 / 共 {pages} 页" in text
    assert f"第 {pages} 页 / 共 {pages} 页" in text
    assert "浦阳街道" in text
    assert "排水 · 围墙" in text
    assert "62.5%" in text
    assert "每日新增超期" in text
    fonts = embedded_fonts(content)
    assert len(fonts) == 1
    assert fonts[0][0].endswith("+NotoSansCJKSC")  # a subset (its tag) of the Simplified Chinese face
    assert fonts[0][1]  # embedded
    assert pypdf.PdfReader(io.BytesIO(content)).metadata.title == "浦江县信访工作月报"  # type: ignore[union-attr]
    assert len(content) < 400_000  # a subset of the glyphs, not the 19 MB collection
    assert save_pages(content, "monthly-zh")


def test_the_pdf_in_english() -> None:
    content = render_pdf(report("en"), FONT)
    pages, text = pdf_text(content)
    assert "Monthly petitions report: Pujiang County" in text
    assert "1. The month's figures" in text
    assert f"Page 1 of {pages}" in text
    assert save_pages(content, "monthly-en", pages=1)


def test_a_missing_font_is_a_clear_refusal(tmp_path: Path) -> None:
    with pytest.raises(FontMissing, match="PUJIANG_REPORT_FONT"):
        render_pdf(report(), Font(str(tmp_path / "absent.ttc"), 2))
    garbage = tmp_path / "garbage.ttf"
    garbage.write_bytes(b"not a font")
    with pytest.raises(FontMissing, match="cannot be read"):
        render_pdf(report(), Font(str(garbage)))


def test_a_cell_is_shown_as_the_pdf_writes_it() -> None:
    texts = strings()["en"]["report"]
    assert shown(Cell(None, "rate"), texts) == "-"
    assert shown(Cell(0.05, "rate_change"), texts) == "+5.0 pt"
    assert shown(Cell(-3, "count_change"), texts) == "-3"
    assert shown(Cell(3, "tier"), texts) == "100-999 cases"


# ---- the endpoint, on canned answers ---------------------------------------------------------------


class Canned(MonthlyReports):
    """The use case with the month's answers made by hand (no database)."""

    def today(self) -> date:
        return date(2026, 12, 2)

    async def report(self, who: Principal, asked: ReportAsked, progress: Any = None) -> Report:
        who.require_role(Role.SUPERVISOR, Role.ADMIN)
        return report(asked.lang)


def client_for(font: Font) -> TestClient:
    app = FastAPI()
    install_error_handlers(app)
    app.include_router(reports_entrypoint.router)
    app.state.tokens = TokenVerifier(DEV_JWT_SECRET)
    app.dependency_overrides[reports_entrypoint.reports_of] = lambda: Canned(cast(Any, None), font)
    return TestClient(app)


def bearer(role: Role, division: str = COUNTY) -> dict[str, str]:
    return {"Authorization": f"Bearer {issue_token(DEV_JWT_SECRET, 'tester', role, division)}"}


def test_the_endpoint_answers_the_file_with_its_utf8_name_or_a_refusal_in_the_contracts_shape() -> None:
    client = client_for(Font(str(Path("/nonexistent/font.ttc")), 2))
    workbook = client.get("/v1/reports/monthly", params={"month": "2026-11", "format": "xlsx"},
                          headers=bearer(Role.SUPERVISOR))  # fmt: skip
    assert workbook.status_code == 200
    assert workbook.headers["content-disposition"] == (
        'attachment; filename="monthly-report-330726000000-2026-11.xlsx"; '
        "filename*=UTF-8''%E6%9C%88%E6%8A%A5-330726000000-2026-11.xlsx"
    )
    assert workbook.headers["cache-control"] == "no-store"
    no_font = client.get("/v1/reports/monthly", params={"month": "2026-11"}, headers=bearer(Role.SUPERVISOR))
    assert no_font.status_code == 503
    assert no_font.json()["error"]["code"] == "unavailable"
    assert "/nonexistent/font.ttc" in no_font.json()["error"]["message"]
    bad = client.get("/v1/reports/monthly", params={"division": "33", "month": "11-2026", "format": "svg"},
                     headers=bearer(Role.SUPERVISOR))  # fmt: skip
    assert bad.status_code == 422
    assert {d["field"] for d in bad.json()["error"]["details"]} == {"division", "month", "format"}
    outside = client.get("/v1/reports/monthly", params={"division": "330100000000"}, headers=bearer(Role.SUPERVISOR))
    assert outside.status_code == 403
    official = client.get("/v1/reports/monthly", headers=bearer(Role.OFFICIAL))
    assert official.status_code == 403
