"""The monthly report over the running system: both files from the endpoint hold /v1/scorecards' figures
and the month's 631 recounted from the cases, in Chinese; only supervisors in scope get one; the
command writes the same report."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

import httpx
import pytest

from services.projections.reports.model import FIGURES
from shared.i18n import strings
from shared.jurisdiction.division_data import deployment_tree
from shared.vocabulary import Role
from tests.support.assessed import handled, quiet_county
from tests.support.infra import ROOT
from tests.support.polling import eventually
from tests.support.report_files import HEADINGS_ZH, pdf_text, save_pages, sheet_rows
from tests.support.system import System

pytestmark = pytest.mark.e2e
TZ = ZoneInfo("Asia/Shanghai")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
NAMES = strings()["zh"]["report"]["figure"]


@pytest.fixture(scope="module")
def seeded(system: System) -> dict[str, Any]:
    """Three petitions at a village: two resolved there (one answered satisfied), one escalated."""
    county, township, village = quiet_county(4)
    with httpx.Client(timeout=30) as client:
        for i in range(3):
            title = f"围墙挡住排水 {uuid.uuid4().hex[:4]}"
            handled(system, client, village, title, escalate=i == 2, satisfied=True if i == 0 else None)
    return {"county": county, "township": township, "village": village}


def fetch(system: System, client: httpx.Client, auth: dict[str, str], **params: str) -> httpx.Response:
    return client.get(f"{system.url('projections')}/v1/reports/monthly", params=params, headers=auth)


def served_figures(sc: dict[str, Any]) -> dict[str, tuple[Any, ...]]:
    """Each figure of /v1/scorecards as the report's first sheet lists it: area, own unit; value, previous, change."""
    total, own = sc["total"]["figures"], sc["own_unit"]["figures"]
    return {
        NAMES[f]: tuple(x for card in (total, own) for x in (card[f]["value"], card[f]["previous"], card[f]["change"]))
        for f in FIGURES
    }


def recounted_pyramid(system: System, client: httpx.Client, auth: dict[str, str], county: str, month: str) -> Any:
    """The month's resolutions by level, counted from the cases themselves."""
    listed = client.get(f"{system.url('projections')}/v1/cases", params={"division": county, "limit": 200},
                        headers=auth).json()["cases"]  # fmt: skip
    found: dict[str, int] = {}
    for case in listed:
        at = case.get("resolved_at")
        if at and datetime.fromisoformat(at).astimezone(TZ).strftime("%Y-%m") == month:
            found[case["resolved_level"]] = found.get(case["resolved_level"], 0) + 1
    return found


def test_both_files_hold_the_scorecards_figures_and_the_months_631(system: System, seeded: dict[str, Any]) -> None:
    county = seeded["county"]
    auth = system.auth(Role.SUPERVISOR, county)
    levels = strings()["zh"]["level"]
    with httpx.Client(timeout=60) as client:

        def agreeing() -> tuple[dict[str, Any], bytes, str] | None:
            sc = client.get(f"{system.url('projections')}/v1/scorecards", params={"division": county}, headers=auth)
            assert sc.status_code == 200, sc.text
            month = sc.json()["period"]["label"]
            answer = fetch(system, client, auth, division=county, month=month, format="xlsx")
            assert answer.status_code == 200, answer.text
            rows = sheet_rows(answer.content, "指标")
            shown = {name: rows[name][1:7] for name in served_figures(sc.json())}
            again = client.get(f"{system.url('projections')}/v1/scorecards", params={"division": county}, headers=auth)
            settled = again.json() == sc.json() and sc.json()["total"]["figures"]["received"]["value"] >= 3
            return (sc.json(), answer.content, month) if settled and shown == served_figures(sc.json()) else None

        found = eventually(
            agreeing, lambda r: r is not None, timeout=90, every=1, what="report and scorecards to agree"
        )
        assert found is not None
        sc, workbook, month = found
        assert sc["total"]["figures"]["satisfaction"]["part"] == 1
        pyramid = sheet_rows(workbook, "631")
        recounted = recounted_pyramid(system, client, auth, county, month)
        assert recounted.get("village", 0) >= 2
        assert {level: pyramid[name][1] for level, name in levels.items()} == {
            level: recounted.get(level, 0) for level in levels
        }
        township = deployment_tree().get(seeded["township"])
        assert township is not None
        ranked = next(r for r in sheet_rows(workbook, "排名").values() if r[1] == township.name_zh)
        place = next(c for c in sc["places"] if c["id"] == seeded["township"])
        assert (ranked[0], ranked[2], ranked[4]) == (
            place["rank"],
            place["tier"],
            place["figures"]["received"]["value"],
        )

        pdf = fetch(system, client, auth, division=county, month=month)  # format=pdf and lang=zh by default
        assert pdf.status_code == 200, pdf.text
        assert pdf.headers["content-type"] == "application/pdf"
        name = f"月报-{county}-{month}.pdf"
        assert pdf.headers["content-disposition"] == (
            f"attachment; filename=\"monthly-report-{county}-{month}.pdf\"; filename*=UTF-8''{quote(name)}"
        )
        pages, text = pdf_text(pdf.content)
        for heading in ("信访工作月报", *HEADINGS_ZH):
            assert heading in text, heading
        assert f"统计月份：{month}" in text
        assert f"第 1 页 / 共 {pages} 页" in text
        assert township.name_zh in text
        save_pages(pdf.content, "e2e-monthly")

        english = fetch(system, client, auth, division=county, month=month, format="xlsx", lang="en")
        assert english.status_code == 200
        assert "filename*=UTF-8''monthly-report-" in english.headers["content-disposition"]
        assert english.headers["content-type"] == XLSX
        assert (
            sheet_rows(english.content, "Figures")["Cases received"][1] == sc["total"]["figures"]["received"]["value"]
        )


def test_reports_are_for_supervisors_in_scope_and_bad_asks_are_422(system: System, seeded: dict[str, Any]) -> None:
    county, township = seeded["county"], seeded["township"]
    with httpx.Client(timeout=60) as client:
        inside = fetch(system, client, system.auth(Role.SUPERVISOR, county), division=township, format="xlsx")
        assert inside.status_code == 200
        above = fetch(system, client, system.auth(Role.SUPERVISOR, township), division=county)
        assert above.status_code == 403
        assert above.json()["error"]["code"] == "forbidden"
        official = fetch(system, client, system.auth(Role.OFFICIAL, county), division=county)
        assert official.status_code == 403
        bad = fetch(system, client, system.auth(Role.SUPERVISOR, county), division=county, month="2026-13",
                    format="docx", lang="fr")  # fmt: skip
        assert bad.status_code == 422
        assert {d["field"] for d in bad.json()["error"]["details"]} == {"month", "format", "lang"}
        unsigned = client.get(f"{system.url('projections')}/v1/reports/monthly")
        assert unsigned.status_code == 401


def test_the_command_writes_the_endpoints_report(
    system: System, seeded: dict[str, Any], test_database_url: str, tmp_path: Path
) -> None:
    county = seeded["county"]
    auth = system.auth(Role.SUPERVISOR, county)
    with httpx.Client(timeout=60) as client:
        month = client.get(f"{system.url('projections')}/v1/scorecards", params={"division": county},
                           headers=auth).json()["period"]["label"]  # fmt: skip
        served = fetch(system, client, auth, division=county, month=month, format="xlsx")
    out = tmp_path / "report.xlsx"
    env = {**os.environ, "DATABASE_URL": test_database_url}
    done = subprocess.run(
        [sys.executable, "-m", "services.projections.report", "--division", county, "--month", month,
         "--format", "xlsx", "--out", str(out)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "[report] scorecards…" in done.stderr
    assert f"wrote {out}" in done.stderr
    written, answered = sheet_rows(out.read_bytes(), "指标"), sheet_rows(served.content, "指标")
    assert [k for k in written if k.startswith("生成时间：")]  # when it was made: the one line that differs
    assert {k: v for k, v in written.items() if not k.startswith("生成时间：")} == {
        k: v for k, v in answered.items() if not k.startswith("生成时间：")
    }
    missing_font = subprocess.run(
        [sys.executable, "-m", "services.projections.report", "--division", county, "--month", month,
         "--format", "pdf", "--out", str(tmp_path / "r.pdf")],
        cwd=ROOT, env={**env, "PUJIANG_REPORT_FONT": str(tmp_path / "no-font.ttc")}, capture_output=True,
        text=True, timeout=120, check=False,
    )  # fmt: skip
    assert missing_font.returncode == 78
    assert "PUJIANG_REPORT_FONT" in missing_font.stderr
    assert "Traceback" not in missing_font.stderr
    assert not (tmp_path / "r.pdf").exists()
