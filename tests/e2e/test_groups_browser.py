# ruff: noqa: F811 (tests take the imported `page` fixture by its name)
"""Collective petitions in the browser: a joint petition from the portal, the county bureau's feed."""

from __future__ import annotations

import time

import httpx
import pytest

from shared.http.auth import issue_token
from shared.settings import DEV_JWT_SECRET
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
    open_page,
    signed_in,
    submitted,
    text_of,
    type_into,
    viewport,
)
from tests.support.system import System

pytestmark = pytest.mark.e2e


async def test_a_joint_petition_from_a_phone_reaches_the_county_bureaus_feed(system: System, page: DevTools) -> None:
    await viewport(page, PHONE)
    await open_page(page, f"{system.url('web')}/portal#/submit")
    await page.wait_for("document.querySelector('#category').options.length > 5")
    await choose(page, "#category", "environment")
    await type_into(page, "#place-search", "杭坪")
    await page.wait_for("document.querySelector('#place-results .result')", within=60)
    await click(page, "#place-results .result")
    await page.wait_for(f"document.querySelector('#place .chosen').textContent.includes('{HANGPING}')")
    await type_into(page, "#title", "养殖场污水直排溪流")
    await type_into(page, "#content", "村口养殖场的污水直接排进溪里，全村的人都闻得到。")
    await type_into(page, "#name", "王芳")
    await type_into(page, "#phone", f"139{int(time.time() * 1000) % 10**8:08d}")
    await click(page, "#add-co")
    await type_into(page, "#co-name-0", "李强")
    await type_into(page, "#co-phone-0", "13900000011")
    await type_into(page, "#headcount", "1")  # fewer than the two named: the API says so at the field
    await click(page, "#send")
    await page.wait_for("document.querySelector('#headcount-error')")
    await look(page, "portal-collective-error-phone")
    await page.evaluate("document.getElementById('headcount').value = ''")
    await type_into(page, "#headcount", "23")
    await look(page, "portal-collective-submit-phone")
    await click(page, "#send")
    await page.wait_for("location.hash === '#/done'")
    tracking, access = await text_of(page, "#done-tracking"), await text_of(page, "#done-access")

    async with httpx.AsyncClient(timeout=10) as client:
        view = await client.get(f"{system.url('intake')}/v1/petitions/{tracking}", params={"access_code": access})
    case_id = view.json()["case_id"]
    await case_when(system, case_id, lambda c: c.get("collective") is True)

    await open_page(page, f"{system.url('web')}/portal#/follow", "sessionStorage.clear()")
    await type_into(page, "#f-tracking", tracking)
    await type_into(page, "#f-access", access)
    await click(page, "#follow-form button[type=submit]")
    await page.wait_for("!document.getElementById('progress').hidden")
    assert "共 23 人" in await text_of(page, "#progress")
    assert "李强" not in await text_of(page, "#progress")
    await look(page, "portal-collective-follow-phone")

    # The county's petition bureau sees it among the collective petitions reported to it.
    await viewport(page, DESKTOP)
    token = issue_token(DEV_JWT_SECRET, "bureau-chen", Role.OFFICIAL, PUJIANG)
    await signed_in(page, system, token)
    await page.wait_for("!document.getElementById('mode-collective').hidden")
    await click(page, "#mode-collective input")
    await page.wait_for(f"document.querySelector('tr[data-case=\"{case_id}\"] .b-collective')")
    row = await text_of(page, f"tr[data-case='{case_id}']")
    assert "23 人" in row
    assert "集体访" in row
    await look(page, "workbench-collective-desktop")


async def test_a_leader_publishes_a_day_a_citizen_books_it_by_phone_and_the_reception_is_recorded(
    system: System, page: DevTools
) -> None:
    # A township clerk publishes the county head's reception day from the workbench.
    await viewport(page, DESKTOP)
    token = issue_token(DEV_JWT_SECRET, "clerk-wu", Role.OFFICIAL, HANGPING)
    await signed_in(page, system, token, "#/receptions")
    await page.wait_for("document.querySelector('#publish-form')")
    await type_into(page, "#rc-leader-name", "县长 张明")
    await page.evaluate("document.getElementById('rc-leader').value = ''")
    await type_into(page, "#rc-leader", "leader-zhang")
    await type_into(page, "#rc-place", "杭坪镇社会治理中心")
    await type_into(page, "#rc-topics", "征地拆迁、劳资纠纷")
    await page.evaluate("document.getElementById('rc-capacity').value = ''")
    await type_into(page, "#rc-capacity", "1")
    await look(page, "workbench-reception-publish-desktop")
    await click(page, "#publish-form button[type=submit]")
    await page.wait_for("location.hash.startsWith('#/reception/')")
    schedule_id = str(await page.evaluate("location.hash.split('/')[2]"))

    # A citizen books it on a phone as a new matter; the day is then full.
    await viewport(page, PHONE)
    await open_page(page, f"{system.url('web')}/portal#/receptions")
    await page.wait_for(f"document.querySelector('[data-schedule=\"{schedule_id}\"] button')")
    await look(page, "portal-receptions-phone")
    await click(page, f"[data-schedule='{schedule_id}'] button")
    await click(page, "#booking-form input[value=new]")
    await page.wait_for("!document.getElementById('bk-new').hidden")
    await type_into(page, "#bk-name", "李强")
    await type_into(page, "#bk-phone", f"137{int(time.time() * 1000) % 10**8:08d}")
    await type_into(page, "#bk-matter", "村里修路占了我家的承包地")
    await look(page, "portal-reception-booking-phone")
    await click(page, "#booking-form button[type=submit]")
    await page.wait_for("!document.getElementById('booking-done').hidden")
    assert "预约成功" in await text_of(page, "#booking-done")
    await page.wait_for(f"document.querySelector('[data-schedule=\"{schedule_id}\"] .notice')")
    assert "名额已满" in await text_of(page, f"[data-schedule='{schedule_id}']")
    await look(page, "portal-reception-booked-phone")

    # The clerk records the reception: the matter is opened, in the leader's charge.
    await viewport(page, DESKTOP)
    await signed_in(page, system, token, f"#/reception/{schedule_id}")
    await page.wait_for("document.querySelector('.bookings .record-form')")
    assert "李强" in await text_of(page, ".bookings")
    await choose(page, ".bookings .record-form select", "land_expropriation")
    await look(page, "workbench-reception-day-desktop")
    await click(page, ".bookings .record-form button[type=submit]")
    await page.wait_for("document.querySelector('#record-result .success')")
    assert "MH" in await text_of(page, "#record-result")
    assert "已到场" in await text_of(page, ".bookings")
    await look(page, "workbench-reception-recorded-desktop")


async def test_the_dispatcher_sees_a_neighbours_similar_matter_on_the_case_page(system: System, page: DevTools) -> None:
    village, sibling = "330726105201", "330726105202"
    text = "村口养殖场的污水直接排进溪里，全村都闻得到臭味。"
    first = await submitted(
        system, division_code=village, category="environment", title="养殖场污水直排溪流", content=text
    )
    second = await submitted(
        system, division_code=sibling, category="environment", title="养殖场污水排进溪流", content=text + "鱼都死了。"
    )
    await case_when(system, second["case_id"], lambda c: c["status"] == "assigned")
    await viewport(page, DESKTOP)
    token = issue_token(DEV_JWT_SECRET, "dispatcher-he", Role.OFFICIAL, HANGPING)
    await signed_in(page, system, token, f"#/case/{second['case_id']}")
    await page.wait_for("document.querySelector('#similar')")
    assert first["tracking_code"] in await text_of(page, "#similar")
    await look(page, "workbench-similar-desktop")


async def test_the_dispatcher_merges_a_similar_matter_from_the_case_page(system: System, page: DevTools) -> None:
    village, sibling = "330726105201", "330726105202"
    text = "新修的道路没有排水沟，下雨天积水漫进村民家里。"
    first = await submitted(
        system, division_code=village, category="environment", title="道路积水漫进家里", content=text
    )
    second = await submitted(
        system, division_code=sibling, category="environment", title="道路积水进了家", content=text + "已经三次了。"
    )
    for case in (first, second):
        await case_when(system, case["case_id"], lambda c: c["status"] == "assigned")
    await viewport(page, DESKTOP)
    token = issue_token(DEV_JWT_SECRET, "dispatcher-he", Role.OFFICIAL, HANGPING)
    await signed_in(page, system, token, f"#/case/{second['case_id']}")
    form = f"form[id='merge-{first['case_id']}']"
    await page.wait_for(f"document.querySelector({form!r})")
    await type_into(page, f"{form} input", "同一条道路的积水")
    await click(page, f"{form} button")
    merged = await case_when(system, first["case_id"], lambda c: c.get("merged_into") == second["case_id"])
    assert (merged["status"], merged["closed_reason"]) == ("closed", "merged")
    await page.wait_for(f"document.querySelector('#similar a[href=\"#/case/{first['case_id']}\"]') && "
                        "document.querySelector('#similar').textContent.includes('并入本案的事项')")  # fmt: skip
    # The merged matter is no longer offered for merging, without a reload.
    assert await page.wait_for(f"!document.querySelector({form!r}) && 'gone'") == "gone"
    await look(page, "workbench-merged-desktop")
