"""A case list's CSV rows: names in the reader's language beside their codes, local times, the soonest
running deadline, satisfaction as the rate counts it, formula cells escaped, the file's name."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import unquote
from zoneinfo import ZoneInfo

import pytest

from services.projections.domain.case import document
from services.projections.domain.case_export import (
    COLUMNS,
    content_disposition,
    due,
    file_name,
    guarded,
    header,
    lines,
    row,
)
from services.projections.domain.evolve import fold
from services.projections.reads import export_labels
from tests.unit.projections.assessed_cases import COUNTY, LABOUR, VILLAGE, Case, transferred_to_a_department

pytestmark = pytest.mark.unit
TZ = ZoneInfo("Asia/Shanghai")
START = datetime(2026, 11, 2, 1, 30, tzinfo=UTC)  # 09:30 in Shanghai
ZH, EN = export_labels("zh", TZ), export_labels("en", TZ)


def as_listed(case: Case) -> dict[str, Any]:
    """The case as the list serves it: its document without the timeline."""
    doc = document(fold(case.w.case_id, [e for _, e in case.events]))
    doc.pop("timeline")
    return doc


def cells(doc: dict[str, Any], labels: Any = ZH) -> dict[str, str]:
    return dict(zip(COLUMNS, row(doc, labels), strict=True))


def test_the_header_is_chinese_by_default_and_english_on_request() -> None:
    assert header(ZH)[:4] == ["查询码", "案件编号", "事项标题", "状态"]
    assert header(EN)[:4] == ["Tracking code", "Case ID", "Title", "Status"]
    assert len(header(ZH)) == len(header(EN)) == len(COLUMNS) == len(set(header(ZH)))


def test_a_closed_case_reads_with_names_codes_and_local_times() -> None:
    case = Case(START).assign(VILLAGE).clock("acceptance", VILLAGE, "met").accept(VILLAGE)
    case.clock("handling", VILLAGE, "met").resolve(VILLAGE).feedback(True).close("satisfied")
    found = cells(as_listed(case))
    assert found["case_id"] == case.w.case_id
    assert found["tracking_code"] == case.petition.tracking_code
    assert (found["status"], found["status_code"]) == ("已结案", "closed")
    assert (found["category"], found["category_code"]) == ("邻里纠纷", "neighbourhood_dispute")
    assert found["division_code"] == VILLAGE
    assert "村" in found["division"]
    assert found["unit_id"] == VILLAGE
    assert found["unit"] != ""
    assert (found["level"], found["level_code"], found["channel_code"]) == ("村（社区）", "village", "online")
    assert found["submitted_at"] == "2026-11-02 10:30:00"  # the first event an hour after START, in Shanghai
    assert found["accepted_at"] > found["submitted_at"]
    assert found["closed_at"] > found["accepted_at"]
    assert (found["due_at"], found["overdue"], found["at_risk"]) == ("", "否", "否")
    assert (found["satisfied"], found["unsatisfied"], found["satisfaction_source"]) == ("1", "0", "信访人评价")
    english = cells(as_listed(case), EN)
    assert (english["status"], english["status_code"], english["overdue"]) == ("closed", "closed", "no")
    assert english["category"] != found["category"]
    assert english["satisfaction_source"] == "the petitioner's feedback"


def test_a_department_is_named_and_an_open_case_shows_its_soonest_official_deadline() -> None:
    found = cells(as_listed(transferred_to_a_department(START)), EN)
    assert found["unit_id"] == LABOUR
    assert "Human Resources" in found["unit"]
    assert found["status_code"] == "resolved"
    assert found["closed_at"] == ""
    assert (found["satisfied"], found["unsatisfied"]) == ("0", "1")
    clocks = [
        {"kind": "handling", "due": "2026-11-20T02:00:00Z", "stopped": False},
        {"kind": "acceptance", "due": "2026-11-10T02:00:00Z", "stopped": True},
        {"kind": "review_request_window", "due": "2026-11-05T02:00:00Z", "stopped": False},
        {"kind": "review", "due": "2026-11-18T02:00:00+00:00", "stopped": False},
    ]
    assert due(clocks) == "2026-11-18T02:00:00+00:00"
    assert due([]) is None


def test_a_callback_counts_when_the_petitioner_said_nothing() -> None:
    case = Case(START).assign(VILLAGE).accept(VILLAGE).resolve(VILLAGE).callback("basically_satisfied").close()
    found = cells(as_listed(case))
    assert (found["satisfied"], found["unsatisfied"], found["satisfaction_source"]) == ("1", "0", "回访")
    untold = cells(as_listed(Case(START).assign(COUNTY)))
    assert (untold["satisfied"], untold["unsatisfied"], untold["satisfaction_source"]) == ("", "", "")
    assert untold["accepted_at"] == ""
    assert untold["status_code"] == "assigned"


@pytest.mark.parametrize("text", ['=HYPERLINK("http://x")', "+86 138", "-1+1", "@SUM(A1)", "\tx", "\rx"])
def test_a_cell_a_spreadsheet_would_run_gets_an_apostrophe(text: str) -> None:
    assert guarded(text) == "'" + text
    doc = as_listed(Case(START, title=text).assign(VILLAGE))
    assert cells(doc)["title"] == "'" + text


def test_plain_cells_are_left_alone_and_quoting_survives_a_round_trip() -> None:
    assert guarded("邻居的墙挡住排水") == "邻居的墙挡住排水"
    assert guarded("a=b") == "a=b"
    title = '墙，"很高"\n第二行'
    text = lines([header(ZH), row(as_listed(Case(START, title=title).assign(VILLAGE)), ZH)])
    assert text.endswith("\r\n")
    back = list(csv.reader(io.StringIO(text)))
    assert back[0] == header(ZH)
    assert back[1][COLUMNS.index("title")] == title


def test_the_row_reads_no_personal_data_even_when_a_document_carried_some() -> None:
    doc = as_listed(Case(START).assign(VILLAGE))
    doc |= {"petitioner": {"name": "王芳", "phone": "13800000000", "id_number": "330726199001011234"}}
    text = "".join(row(doc, ZH))
    assert not any(secret in text for secret in ("王芳", "13800000000", "330726199001011234"))


def test_the_file_is_named_by_division_and_day_with_an_ascii_fallback() -> None:
    name = file_name(ZH, "330726000000", date(2026, 12, 2))
    assert name == "案件-330726000000-2026-12-02.csv"
    assert file_name(EN, "330726000000", date(2026, 12, 2)) == "cases-330726000000-2026-12-02.csv"
    header_value = content_disposition(name)
    assert header_value.startswith('attachment; filename="__-330726000000-2026-12-02.csv"; ')
    encoded = header_value.split("filename*=UTF-8''", 1)[1]
    assert encoded.isascii()
    assert unquote(encoded) == name
