# ruff: noqa: F811 (tests take the imported `page` fixture by its name)
"""The work across units in the workbench, in headless Chromium against the real system.

The lead township adds an assisting township from its case page; the assisting township finds
the case on its worklist marked as such, signs and reports; a leader's instruction stands at the
top of the case; the lead answers a county supervisor's supervision. Screenshots of each in
test-artifacts/web/, axe-core with no serious or critical violation.
"""

from __future__ import annotations

import httpx
import pytest

from shared.vocabulary import Role
from tests.e2e.test_dashboard_browser import DevTools, chromium, page  # noqa: F401 (the browser fixtures)
from tests.e2e.test_web_browser import (
    DESKTOP,
    HANGPING,
    PHONE,
    PUJIANG,
    case_when,
    click,
    look,
    signed_in,
    submitted,
    text_of,
    type_into,
    viewport,
)
from tests.support.system import System

pytestmark = pytest.mark.e2e
XIANHUA = "330726002000"  # 仙华街道, another township of Pujiang


async def post(system: System, case_id: str, path: str, body: object, role: Role, division: str) -> None:
    async with httpx.AsyncClient(timeout=10) as client:
        answer = await client.post(
            f"{system.url('routing')}/v1/cases/{case_id}/{path}", json=body,
            headers=system.auth(role, division, "县督查室 陈"),
        )  # fmt: skip
    assert answer.status_code == 200, answer.text


async def test_joint_handling_supervision_and_instructions_in_the_workbench(system: System, page: DevTools) -> None:
    petition = await submitted(system, division_code=HANGPING, category="labour_wages", title="工地欠薪涉及两个乡镇")
    case_id = petition["case_id"]
    await case_when(system, case_id, lambda c: c["status"] == "assigned")
    await post(system, case_id, "accept", None, Role.OFFICIAL, HANGPING)
    await case_when(system, case_id, lambda c: c["status"] == "accepted")

    # The lead township adds an assisting township from the case page.
    await viewport(page, DESKTOP)
    await signed_in(page, system, system.token(Role.OFFICIAL, HANGPING, "李明"), f"#/case/{case_id}")
    await page.wait_for("document.querySelector('#case-status')?.dataset.status === 'accepted'")
    await page.evaluate("document.getElementById('task-add').closest('details').open = true")
    await click(page, "#task-add button[type=submit]")  # empty: routing names the fields
    await page.wait_for("document.querySelector('#task-add-unit_id-error')")
    await type_into(page, "#task-add-unit_id", XIANHUA)
    await type_into(page, "#task-add-ask", "请核实施工方在仙华街道的另一处工地是否同样欠薪。")
    await click(page, "#task-add button[type=submit]")
    await page.wait_for("document.querySelector('#task-1')?.dataset.status === 'requested'")
    assert "仙华" in await text_of(page, "#task-1")

    # A county leader's instruction and a supervisor's supervision arrive from above.
    given = {"leader": "县委书记 张", "text": "务必在春节前兑付农民工工资。"}
    await post(system, case_id, "instructions", given, Role.SUPERVISOR, PUJIANG)
    await post(system, case_id, "supervisions", {"demand": "三日内报告进展。"}, Role.SUPERVISOR, PUJIANG)
    await case_when(system, case_id, lambda c: bool(c["instructions"]) and bool(c["supervisions"]))
    await signed_in(page, system, system.token(Role.OFFICIAL, HANGPING, "李明"), f"#/case/{case_id}")
    await page.wait_for("document.querySelector('#instructions') && document.querySelector('#supervision-1')")
    first_card = "document.querySelector('#case-body h1').nextElementSibling.id"
    assert await page.evaluate(first_card) == "instructions"  # at the top of the case
    assert "春节前" in await text_of(page, "#instructions")
    await look(page, "workbench-joint-lead")
    await type_into(page, "#supervision-1-answer-report", "已约谈施工方，承诺本周内补发。")
    await click(page, "#supervision-1-answer button[type=submit]")
    await page.wait_for("document.querySelector('#supervision-1 .s-answered')")
    await look(page, "workbench-supervision-answered")

    # The assisting township finds the case on its worklist, marked, and does its part.
    await signed_in(page, system, system.token(Role.OFFICIAL, XIANHUA, "赵强"), "#/")
    row = f"#cases tr[data-case='{case_id}']"
    await page.wait_for(f'document.querySelector("{row} .b-assisting")', within=60)
    await look(page, "workbench-worklist-assisting")
    await click(page, f"{row} a")
    await page.wait_for("document.querySelector('#task-1-sign')")
    await click(page, "#task-1-sign button[type=submit]")
    await page.wait_for("document.querySelector('#task-1')?.dataset.status === 'signed'")
    await page.evaluate("document.getElementById('task-1-report').closest('details').open = true")
    await type_into(page, "#task-1-report-text", "已核实：另一处工地欠薪12人，已督促一并兑付。")
    await click(page, "#task-1-report button[type=submit]")
    await page.wait_for("document.querySelector('#task-1')?.dataset.status === 'reported'")
    assert "已核实" in await text_of(page, "#task-1")
    await look(page, "workbench-task-reported")
    await viewport(page, PHONE)
    await look(page, "workbench-task-reported-phone")
    done = await case_when(system, case_id, lambda c: c["tasks"][0]["status"] == "reported")
    assert done["tasks"][0]["signed_by"] == "赵强"
