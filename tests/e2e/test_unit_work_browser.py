# ruff: noqa: F811 (tests take the imported `page` fixture by its name)
"""The workbench's steps of the work between units (issue 10, part A) in headless Chromium through
`web`: the unsigned highlight, sign-off, send-back and the bureau's ruling, an extension decision.
Screenshots in test-artifacts/web/, axe-core with 0 serious or critical violations."""

from __future__ import annotations

import pytest

from shared.vocabulary import Role
from tests.e2e.test_dashboard_browser import DevTools, chromium, page  # noqa: F401 (the browser fixtures)
from tests.e2e.test_web_browser import (
    DESKTOP,
    HANGPING,
    PHONE,
    PUJIANG,
    case_when,
    choose,
    click,
    look,
    routing,
    signed_in,
    submitted,
    text_of,
    type_into,
    viewport,
)
from tests.support.system import System

pytestmark = pytest.mark.e2e
LABOUR = "330726000000:labour"


async def test_an_unsigned_case_stands_out_is_signed_sent_back_and_the_bureau_upholds(
    system: System, page: DevTools
) -> None:
    petition = await submitted(system, division_code=HANGPING, category="labour_wages", title="工资拖欠（待签收）")
    case_id = petition["case_id"]
    await case_when(system, case_id, lambda c: c["status"] == "assigned")
    await viewport(page, DESKTOP)
    await signed_in(page, system, system.token(Role.OFFICIAL, HANGPING, "李明"))
    row = f"#cases tr[data-case='{case_id}']"
    await page.wait_for(f'!!document.querySelector("{row}.f-unsigned {".b-unsigned"}")')
    assert "待签收" in await text_of(page, f"{row} .b-unsigned")
    await type_into(page, "#search", petition["tracking_code"])
    await page.wait_for("document.querySelectorAll('#cases tbody tr[data-case]').length === 1")
    await look(page, "workbench-unsigned")
    await viewport(page, PHONE)
    await look(page, "workbench-unsigned-phone")
    await viewport(page, DESKTOP)

    await click(page, f"{row} a")
    await page.wait_for("document.querySelector('#case-signed')?.textContent === '未签收'")
    await page.evaluate("document.getElementById('action-sign').closest('details').open = true")
    await click(page, "#action-sign button[type=submit]")
    await page.wait_for("document.querySelector('#case-signed')?.textContent === '已签收'")
    assert "签收" in await text_of(page, ".timeline")
    await page.evaluate("document.getElementById('action-object').closest('details').open = true")
    await type_into(page, "#object-reason", "属劳动保障监察事项，应由县人社局办理。")
    await type_into(page, "#object-competent_unit", LABOUR)
    await click(page, "#action-object button[type=submit]")
    await page.wait_for("!!document.querySelector('#pending-objection')")
    await look(page, "workbench-objection-raised")

    # The county petition bureau rules (the case came from routing, not from a transfer).
    await signed_in(page, system, system.token(Role.OFFICIAL, PUJIANG, "县信访局张华"), f"#/case/{case_id}")
    await page.wait_for("!!document.querySelector('#pending-objection #action-rule')")
    await choose(page, "#rule-decision", "uphold")
    await type_into(page, "#rule-reason", "异议成立，改由县人力资源和社会保障局办理。")
    await look(page, "workbench-ruling")
    await click(page, "#action-rule button[type=submit]")
    # Shown once the read model has both events (the ruling and the move to the labour bureau).
    await page.wait_for("document.querySelector('.timeline')?.textContent.includes('异议改派')")
    moved = await case_when(system, case_id, lambda c: c["unit_id"] == LABOUR)
    assert (moved["objections_upheld"], moved["objection"], moved["unsigned"]) == (1, None, True)
    assert "异议成立" in await text_of(page, ".timeline")
    assert "人力资源和社会保障局" in await text_of(page, ".facts")
    await look(page, "workbench-ruled")
    await viewport(page, PHONE)
    await look(page, "workbench-ruled-phone")


async def test_the_level_above_approves_an_extension_on_the_case_page(system: System, page: DevTools) -> None:
    petition = await submitted(system, division_code=HANGPING, category="labour_wages", title="工资拖欠（延期）")
    case_id = petition["case_id"]
    await case_when(system, case_id, lambda c: c["status"] == "assigned")
    assert (await routing(system, case_id, "accept", HANGPING)).status_code == 200
    asked = await routing(system, case_id, "extension-requests", HANGPING, {"days": 20, "reason": "需组织听证"})
    assert asked.status_code == 200, asked.text
    await case_when(system, case_id, lambda c: c["extension_request"] is not None)
    await viewport(page, DESKTOP)
    await signed_in(page, system, system.token(Role.OFFICIAL, PUJIANG, "县信访局张华"), f"#/case/{case_id}")
    await page.wait_for("!!document.querySelector('#pending-extension #action-decide_extension')")
    assert "20" in await text_of(page, "#pending-extension")
    await choose(page, "#decide_extension-approve", "true")
    await look(page, "workbench-extension-request")
    await click(page, "#action-decide_extension button[type=submit]")
    await page.wait_for("!document.querySelector('#pending-extension')")
    extended = await case_when(system, case_id, lambda c: c["extensions"] == 1)
    assert extended["extension_request"] is None
    assert "批准延期" in await text_of(page, ".timeline")
    await look(page, "workbench-extension-approved")
