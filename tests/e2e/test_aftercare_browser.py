# ruff: noqa: F811 (tests take the imported `page` fixture by its name)
"""Notices, callbacks, withdrawal and added information in the portal and the workbench (headless Chromium).

Screenshots in test-artifacts/web/ (portal-notices-*, workbench-callback*, workbench-notices-*),
axe-core with no serious or critical violation on each.
"""

from __future__ import annotations

import httpx
import pytest

from shared.vocabulary import Role
from tests.e2e.test_dashboard_browser import DevTools, chromium, page  # noqa: F401 (the browser fixtures)
from tests.e2e.test_projections_live import a_new_petitioner
from tests.e2e.test_web_browser import (
    DESKTOP,
    HANGPING,
    PHONE,
    case_when,
    click,
    look,
    open_page,
    press,
    routing,
    signed_in,
    submitted,
    text_of,
    type_into,
    viewport,
)
from tests.support.system import System

pytestmark = pytest.mark.e2e


async def test_a_petitioner_reads_the_notices_adds_information_and_withdraws_on_a_phone(
    system: System, page: DevTools
) -> None:
    petition = await submitted(system, division_code=HANGPING, category="labour_wages")
    case_id = petition["case_id"]
    await case_when(system, case_id, lambda c: c["status"] == "assigned")
    assert (await routing(system, case_id, "accept", HANGPING)).status_code == 200
    await case_when(system, case_id, lambda c: any(n["state"] == "delivered" for n in c["notices"]))
    await viewport(page, PHONE)
    await open_page(page, f"{system.url('web')}/portal#/follow", "sessionStorage.clear()")
    await type_into(page, "#f-tracking", petition["tracking_code"])
    await type_into(page, "#f-access", petition["access_code"])
    await press(page, "Enter", 13)
    await page.wait_for("document.querySelector('#notices .notice-item')")
    notices = await text_of(page, "#notices")
    assert "受理告知" in notices
    assert "依法受理" in notices
    assert "已送达" in notices
    assert "短信" in notices
    await look(page, "portal-notices-phone")
    # Added information, from the keyboard: a blank one is refused at the field in intake's words.
    await type_into(page, "#in-text", "   ")
    await click(page, "#information-form button[type=submit]")
    assert "blank" in await page.wait_for("document.querySelector('#in-text-error')?.textContent")
    await page.evaluate("document.getElementById('in-text').value = ''")
    await type_into(page, "#in-text", "补充：工资条照片")
    await type_into(page, "#in-name", "工资条.jpg")
    await type_into(page, "#in-url", "https://files.example/pay.jpg")
    await click(page, "#information-form button[type=submit]")
    await page.wait_for("document.querySelector('#progress .success')?.textContent.includes('补充材料已提交')")
    await case_when(system, case_id, lambda c: c["information_added"] == 1)
    # Withdrawing needs the confirmation ticked.
    await click(page, "#withdraw-form button[type=submit]")
    assert "勾选" in await page.wait_for("document.querySelector('#withdraw-form .form-error')?.textContent")
    await look(page, "portal-withdraw-phone")
    await click(page, "#wd-confirm")
    await type_into(page, "#wd-reason", "已与老板和解")
    await click(page, "#withdraw-form button[type=submit]")
    await page.wait_for("document.querySelector('#progress .success')?.textContent.includes('已申请撤回')")
    assert await page.evaluate("document.getElementById('withdraw-form')") is None
    closed = await case_when(system, case_id, lambda c: c["status"] == "closed")
    assert closed["closed_reason"] == "withdrawn"
    await viewport(page, DESKTOP)
    await click(page, "#follow-form button[type=submit]")
    await page.wait_for("document.querySelector('#notices')?.textContent.includes('撤回告知')")
    await look(page, "portal-notices-desktop")
    await click(page, "#lang")
    assert "Withdrawal" in await text_of(page, "#notices")
    await look(page, "portal-notices-desktop-en")
    await click(page, "#lang")


async def test_a_cadre_records_a_callback_and_prints_a_letter(system: System, page: DevTools) -> None:
    petitioner = {**a_new_petitioner(), "address": "浦江县杭坪镇杭坪村12号"}
    petition = await submitted(system, petitioner, division_code=HANGPING, category="labour_wages", channel="letter")
    case_id = petition["case_id"]
    await case_when(system, case_id, lambda c: c["status"] == "assigned")
    assert (await routing(system, case_id, "accept", HANGPING)).status_code == 200
    reply = {"reply": "经调解，工地负责人同意分两期支付。"}
    assert (await routing(system, case_id, "resolve", HANGPING, reply)).status_code == 200
    await case_when(system, case_id, lambda c: c["status"] == "resolved" and len(c["notices"]) == 2)
    await viewport(page, DESKTOP)
    await signed_in(page, system, system.token(Role.OFFICIAL, HANGPING, "李明"), f"#/case/{case_id}")
    await page.wait_for("document.querySelector('#case-status')?.dataset.status === 'resolved'")
    assert "待打印" in await text_of(page, "#notices")
    await look(page, "workbench-notices-case")
    # The letters to print are on the list too.
    await open_page(page, f"{system.url('web')}/workbench#/")
    await click(page, "input[name=mode][value=notices]")
    await page.wait_for(f"document.querySelector('#attention')?.textContent.includes('{petition['tracking_code']}')")
    await look(page, "workbench-notices-attention")
    await open_page(page, f"{system.url('web')}/workbench#/case/{case_id}")
    await page.wait_for("document.querySelector('#notices .notice-item button.primary')")
    await click(page, "#notices .notice-item button.primary")  # record the first letter as printed
    await page.wait_for("document.querySelector('#notices .nb-delivered')")
    # A callback: reached, basically satisfied, with reasons; it closes the case as satisfied.
    await page.wait_for("document.querySelector('#action-callback input[name=reasons]')")
    await look(page, "workbench-callback")
    await click(page, "#action-callback input[value=basically_satisfied]")
    await click(page, "#action-callback input[value=resolved]")
    await click(page, "#action-callback input[value=too_slow]")
    await type_into(page, "#cb-comment", "基本满意，希望今后快一些")
    await click(page, "#action-callback button[type=submit]")
    await page.wait_for("document.querySelector('#case-status')?.dataset.status === 'closed'", within=60)
    assert "基本满意" in await text_of(page, "#callbacks")
    await look(page, "workbench-callback-recorded")
    closed = await case_when(system, case_id, lambda c: c["status"] == "closed")
    assert closed["callback_satisfaction"] == "basically_satisfied"
    assert closed["callbacks"][0]["reasons"] == ["resolved", "too_slow"]
    async with httpx.AsyncClient(timeout=10) as client:
        letters = await client.get(
            f"{system.url('intake')}/v1/cases/{case_id}/notices", headers=system.auth(Role.OFFICIAL, HANGPING)
        )
    assert [n["state"] for n in letters.json()["notices"]] == ["delivered", "awaiting_print"]
