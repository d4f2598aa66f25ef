# ruff: noqa: F811 (tests take the imported `page` fixture by its name)
"""The "导出 CSV" links in headless Chromium: the workbench's list of the jurisdiction and the dashboard's
drill-down save every case of the list as filtered, under the answer's own file name, from the mouse
and from the keyboard. Screenshots in test-artifacts/web/."""

from __future__ import annotations

import json
from typing import Any

import pytest

from shared.vocabulary import Role
from tests.e2e.test_case_export import system_today
from tests.e2e.test_dashboard_browser import DevTools, chromium, page  # noqa: F401 (the browser fixtures)
from tests.e2e.test_web_browser import (
    ARTIFACTS,
    DESKTOP,
    HANGPING,
    PHONE,
    case_when,
    click,
    look,
    press,
    settled,
    signed_in,
    submitted,
    viewport,
)
from tests.support.system import System

pytestmark = pytest.mark.e2e
# What the page saves, kept for the test: the blob handed to URL.createObjectURL and the name of the
# link that would save it (a headless browser has nowhere to download to).
CATCH_DOWNLOADS = """
window.__blob = null; window.__saved = null;
const create = URL.createObjectURL.bind(URL);
URL.createObjectURL = (blob) => { window.__blob = blob; return create(blob); };
const plainClick = HTMLElement.prototype.click;
HTMLAnchorElement.prototype.click = function () {
  if (this.href.startsWith("blob:")) window.__saved = this.download; else plainClick.call(this);
};
"""
SAVED = """window.__blob.arrayBuffer().then((b) => {
  const bytes = new Uint8Array(b);
  return JSON.stringify({ bom: [...bytes.slice(0, 3)], text: new TextDecoder().decode(bytes) });
})"""


async def saved_file(page: DevTools) -> dict[str, Any]:
    name = await settled(page, "window.__saved")
    answer = await page.send("Runtime.evaluate", expression=SAVED, awaitPromise=True, returnByValue=True)
    return {"name": name, **json.loads(answer["result"]["value"])}


async def pick(page: DevTools, selector: str, value: str) -> None:
    """Choose a filter's value as a person does (the list listens to `input`)."""
    script = f"(s => {{ s.value = {json.dumps(value)}; s.dispatchEvent(new Event('input')); }})"
    await page.evaluate(f"{script}(document.querySelector({json.dumps(selector)}))")


async def test_the_workbench_exports_the_jurisdictions_list_as_filtered(system: System, page: DevTools) -> None:
    wages = await submitted(system, division_code=HANGPING, category="labour_wages", title="导出：欠薪两个月")
    noise = await submitted(system, division_code=HANGPING, category="environment", title="导出：夜间施工噪音")
    await case_when(system, wages["case_id"], lambda c: c["status"] == "assigned")
    await case_when(system, noise["case_id"], lambda c: c["status"] == "assigned")
    await viewport(page, DESKTOP)
    await signed_in(page, system, system.token(Role.OFFICIAL, HANGPING, "李明"))
    await page.wait_for("document.body.dataset.view === 'list'")
    assert await page.evaluate("document.getElementById('export').hidden")  # not on the unit's own worklist
    await click(page, "input[name=mode][value=scope]")
    await page.wait_for(f"!!document.querySelector(\"#cases tr[data-case='{wages['case_id']}']\")")
    await page.wait_for("!document.getElementById('export').hidden")
    await pick(page, "#f-category", "labour_wages")
    href = await page.evaluate("document.getElementById('export-csv').href")
    assert href.endswith(f"/api/projections/v1/cases.csv?division={HANGPING}&status=open&category=labour_wages&lang=zh")
    await look(page, "workbench-export")

    await page.evaluate(CATCH_DOWNLOADS)
    await click(page, "#export-csv")
    found = await saved_file(page)
    today = system_today(system)
    assert found["name"] == f"案件-{HANGPING}-{today}.csv"
    assert found["bom"] == [0xEF, 0xBB, 0xBF]
    assert found["text"].startswith("查询码,案件编号,事项标题,状态,")
    assert wages["tracking_code"] in found["text"]
    assert noise["tracking_code"] not in found["text"]  # the category filter went with it
    assert "王芳" not in found["text"]  # the petitioner is never in the file

    # From the keyboard, in English: the link takes the focus and Enter saves the file.
    await page.evaluate("document.getElementById('lang').click()")
    await page.wait_for("document.getElementById('export-csv').textContent === 'Export CSV'")
    await page.evaluate("window.__saved = null; document.getElementById('export-csv').focus()")
    assert await page.evaluate("document.activeElement.id") == "export-csv"
    await press(page, "Enter", 13)
    english = await saved_file(page)
    assert english["name"] == f"cases-{HANGPING}-{today}.csv"
    assert english["text"].startswith("Tracking code,Case ID,Title,Status,")
    await viewport(page, PHONE)
    assert await page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    await look(page, "workbench-export-phone")
    await viewport(page, DESKTOP)
    await page.evaluate("document.getElementById('lang').click()")  # back to Chinese for the tests after


async def test_the_dashboards_drill_down_exports_its_cases(system: System, page: DevTools) -> None:
    wages = await submitted(system, division_code=HANGPING, category="labour_wages", title="导出：监督台")
    await case_when(system, wages["case_id"], lambda c: c["status"] == "assigned")
    await viewport(page, DESKTOP)
    token = system.token(Role.SUPERVISOR, HANGPING)
    await page.send("Page.navigate", url=f"{system.url('web')}/dashboard?access_token={token}")
    await page.wait_for("document.querySelector('#count-open')?.dataset.value")
    await page.evaluate("document.getElementById('count-open').click()")
    await page.wait_for(
        "document.querySelectorAll('#drill-list tr').length > 1 && !document.getElementById('drill').hidden"
    )
    href = await page.evaluate("document.getElementById('drill-export').href")
    assert href.endswith(f"/v1/cases.csv?division={HANGPING}&status=open&lang=zh")
    await page.evaluate(CATCH_DOWNLOADS)
    await page.evaluate("document.getElementById('drill-export').click()")
    found = await saved_file(page)
    assert found["name"] == f"案件-{HANGPING}-{system_today(system)}.csv"
    assert found["bom"] == [0xEF, 0xBB, 0xBF]
    assert wages["tracking_code"] in found["text"]
    await page.screenshot(ARTIFACTS / "dashboard-export.png", "#drill")
