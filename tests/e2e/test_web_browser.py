# ruff: noqa: F811 (tests take the imported `page` fixture by its name)
"""The workbench and the portal in Debian's headless Chromium against the real system (through `web`).

Each main page is written to test-artifacts/web/ as a screenshot, on a desktop and a phone width,
and checked with axe-core (0 serious or critical violations).
"""

from __future__ import annotations

import asyncio
import json
import time
from datetime import timedelta
from typing import Any

import httpx
import pytest

from shared.http.auth import issue_token
from shared.settings import DEV_JWT_SECRET
from shared.vocabulary import Role
from tests.e2e.test_dashboard_browser import DevTools, chromium, page  # noqa: F401 (the browser fixtures)
from tests.e2e.test_projections_live import a_new_petitioner
from tests.support.infra import ROOT
from tests.support.petitions import a_petition
from tests.support.system import System

pytestmark = pytest.mark.e2e
ARTIFACTS = ROOT / "test-artifacts" / "web"
AXE = ROOT / "web" / "node_modules" / "axe-core" / "axe.min.js"
HANGPING = "330726105000"  # 杭坪镇, a township of Pujiang
PUJIANG = "330726000000"
PHONE = {"width": 390, "height": 844, "deviceScaleFactor": 2, "mobile": True}
DESKTOP = {"width": 1280, "height": 900, "deviceScaleFactor": 1, "mobile": False}


# ---- driving the page ------------------------------------------------------------------------
async def viewport(page: DevTools, size: dict[str, Any]) -> None:
    await page.send("Emulation.setDeviceMetricsOverride", **size)


async def type_into(page: DevTools, selector: str, text: str) -> None:
    """Focus the field and type, as a keyboard does (input events and all)."""
    assert await page.evaluate(f"(e => !!e && (e.focus(), true))(document.querySelector({json.dumps(selector)}))")
    await page.send("Input.insertText", text=text)


async def click(page: DevTools, selector: str) -> None:
    assert await page.evaluate(f"(e => !!e && (e.click(), true))(document.querySelector({json.dumps(selector)}))")


async def choose(page: DevTools, selector: str, value: str) -> None:
    script = f"(s => {{ s.value = {json.dumps(value)}; s.dispatchEvent(new Event('change')); }})"
    await page.evaluate(f"{script}(document.querySelector({json.dumps(selector)}))")


async def press(page: DevTools, key: str, code: int) -> None:
    text = {"Enter": "\r"}.get(key, "")
    await page.send("Input.dispatchKeyEvent", type="keyDown", key=key, code=key, windowsVirtualKeyCode=code, text=text)
    await page.send("Input.dispatchKeyEvent", type="keyUp", key=key, code=key, windowsVirtualKeyCode=code)


async def text_of(page: DevTools, selector: str) -> str:
    return str(await page.evaluate(f"document.querySelector({json.dumps(selector)})?.textContent ?? ''"))


async def settled(page: DevTools, expression: str, within: float = 30) -> Any:
    """Like wait_for, but a page that is still navigating is simply not ready yet."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            value = await page.evaluate(expression)
        except RuntimeError:  # the target navigated while we asked
            value = None
        if value not in (None, False, ""):
            return value
        await asyncio.sleep(0.2)
    raise AssertionError(f"never true in the page: {expression}")


async def open_page(page: DevTools, url: str, before: str = "") -> None:
    """Load `url` afresh (after running `before` in the page left behind) and wait until it is ready."""
    if before:
        await page.evaluate(before)
    await page.send("Page.navigate", url="about:blank")
    await settled(page, "location.href === 'about:blank'")
    await page.send("Page.navigate", url=url)
    await settled(page, "document.readyState === 'complete' && document.body?.dataset.ready === 'yes'")


async def signed_in(page: DevTools, system: System, token: str, hash_: str = "#/") -> None:
    """A token as the sign-in leaves it (sessionStorage), then the page as the official opens it."""
    await open_page(page, f"{system.url('web')}/workbench#/signin")
    await open_page(
        page, f"{system.url('web')}/workbench{hash_}", f"sessionStorage.setItem('pujiang.token', {json.dumps(token)})"
    )


async def look(page: DevTools, name: str) -> None:
    """A screenshot for people, and axe-core for machines: no serious or critical violation."""
    await page.screenshot(ARTIFACTS / f"{name}.png")
    if not AXE.exists():
        raise AssertionError(f"{AXE} is missing: run `make deps` (npm ci in web/)")
    await page.evaluate(AXE.read_text())
    answer = await page.send(
        "Runtime.evaluate",
        expression="axe.run(document, {resultTypes: ['violations']}).then(r => JSON.stringify(r.violations"
        ".filter(v => ['serious', 'critical'].includes(v.impact))"
        ".map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5)}))))",
        awaitPromise=True,
        returnByValue=True,
    )
    violations = json.loads(answer["result"]["value"])
    assert violations == [], f"{name}: {violations}"


# ---- the system behind -----------------------------------------------------------------------
async def submitted(system: System, petitioner: dict[str, Any] | None = None, **overrides: Any) -> dict[str, Any]:
    body = a_petition(petitioner=petitioner or a_new_petitioner(), **overrides)
    async with httpx.AsyncClient(timeout=10) as client:
        answer = await client.post(f"{system.url('intake')}/v1/petitions", json=body)
    assert answer.status_code == 201, answer.text
    return dict(answer.json())


async def case_when(system: System, case_id: str, until: Any) -> dict[str, Any]:
    deadline, last = time.monotonic() + 30, None
    async with httpx.AsyncClient(timeout=10) as client:
        while time.monotonic() < deadline:
            answer = await client.get(f"{system.url('projections')}/v1/cases/{case_id}", headers=system.auth())
            if answer.status_code == 200:
                last = answer.json()
                if until(last):
                    return dict(last)
            await asyncio.sleep(0.2)
    raise AssertionError(f"case {case_id} never reached the expected state; last: {last}")


async def routing(system: System, case_id: str, action: str, division: str, body: Any = None) -> httpx.Response:
    async with httpx.AsyncClient(timeout=10) as client:
        return await client.post(
            f"{system.url('routing')}/v1/cases/{case_id}/{action}",
            json=body,
            headers=system.auth(Role.OFFICIAL, division, "colleague"),
        )


# ---- the flows of issue 12 -------------------------------------------------------------------
async def test_a_township_cadre_signs_in_finds_a_case_accepts_and_resolves_it(system: System, page: DevTools) -> None:
    petition = await submitted(system, division_code=HANGPING, category="labour_wages", title="工资拖欠三个月")
    await case_when(system, petition["case_id"], lambda c: c["status"] == "assigned")
    await viewport(page, DESKTOP)
    await open_page(page, f"{system.url('web')}/workbench")
    await open_page(page, f"{system.url('web')}/workbench#/signin", "sessionStorage.clear()")
    await page.wait_for("!document.getElementById('dev-signin').hidden")
    await type_into(page, "#sub", "李明")
    await type_into(page, "#signin-place-search", "杭坪")  # the search finds the township by name
    await page.wait_for("document.querySelector('#signin-place-results .result')", within=60)
    await look(page, "workbench-signin")
    await click(page, "#signin-place-results .result")
    await page.wait_for(f"document.querySelector('#signin-place .chosen').textContent.includes('{HANGPING}')")
    await click(page, "#dev-signin button[type=submit]")

    await page.wait_for("document.body.dataset.view === 'list'")
    await type_into(page, "#search", petition["tracking_code"])
    row = f"#cases tr[data-case='{petition['case_id']}']"
    await page.wait_for(
        f"document.querySelectorAll('#cases tbody tr[data-case]').length === 1 && !!document.querySelector(\"{row}\")"
    )
    assert "杭坪镇" in await text_of(page, "#who")
    assert await text_of(page, f"{row} .countdown")  # the acceptance clock counts down
    await look(page, "workbench-worklist")
    await viewport(page, PHONE)
    await look(page, "workbench-worklist-phone")
    await viewport(page, DESKTOP)

    await click(page, f"{row} a")
    await page.wait_for("document.querySelector('#case-status')?.dataset.status === 'assigned'")
    # The petitioner is sealed in every event: intake opens them when the official asks, and records it.
    assert "王芳" not in await text_of(page, "#case-body")
    await click(page, "#show-identity")
    await page.wait_for("document.querySelector('.identity dl')?.textContent.includes('王芳')")
    await click(page, "#action-accept button[type=submit]")
    await page.wait_for("document.querySelector('#case-status')?.dataset.status === 'accepted'")
    # The cadre takes the case into personal charge (包案): it is then among the cases "on me".
    await page.evaluate("document.getElementById('action-assign_leader').closest('details').open = true")
    await type_into(page, "#assign_leader-leader", "李明")
    await click(page, "#action-assign_leader button[type=submit]")
    await page.wait_for("document.querySelector('#case-body .b-leader')")
    await click(page, "a[href='#/']")
    await page.wait_for("document.body.dataset.view === 'list'")
    await click(page, "input[name=mode][value=me]")
    await page.wait_for(
        f"!!document.querySelector(\"{row}\") && document.querySelectorAll('#cases tr[data-case]').length === 1"
    )
    await click(page, f"{row} a")
    await page.wait_for("document.querySelector('#case-status')?.dataset.status === 'accepted'")
    await page.evaluate("document.getElementById('action-resolve').closest('details').open = true")
    await type_into(page, "#resolve-reply", "已协调企业于本月十五日前补发全部工资。")
    await click(page, "#action-resolve button[type=submit]")
    await page.wait_for("document.querySelector('#case-status')?.dataset.status === 'resolved'")
    assert "已协调企业" in await text_of(page, ".timeline")
    await look(page, "workbench-case")
    await viewport(page, PHONE)
    await look(page, "workbench-case-phone")
    await viewport(page, DESKTOP)
    resolved = await case_when(system, petition["case_id"], lambda c: c["status"] == "resolved")
    assert resolved["resolved_level"] == "township"


async def test_a_cadre_finds_a_petitioners_cases_by_phone_within_scope(system: System, page: DevTools) -> None:
    someone = a_new_petitioner()
    phone = someone["phone"]
    wages = await submitted(system, someone, division_code=HANGPING, category="labour_wages", title="欠薪")
    noise = await submitted(system, someone, division_code=HANGPING, category="environment", title="夜间噪音")
    hidden = await submitted(
        system, {**someone, "anonymous": True}, division_code=HANGPING, category="urban_management", title="匿名"
    )
    elsewhere = await submitted(system, someone, category="village_affairs", title="别处的村务")  # not Hangping's
    await viewport(page, DESKTOP)
    await signed_in(page, system, system.token(Role.OFFICIAL, HANGPING, "李明"))
    await page.wait_for("document.body.dataset.view === 'list'")
    # Written as people write it: the number is found however it is spaced.
    await type_into(page, "#search", f"{phone[:3]} {phone[3:7]} {phone[7:]}")
    await page.wait_for("document.body.dataset.search === 'phone'")
    rows = await page.evaluate("[...document.querySelectorAll('#cases tr[data-case]')].map(r => r.dataset.case)")
    assert sorted(rows) == sorted([wages["case_id"], noise["case_id"]])  # not the anonymous one, not elsewhere's
    assert hidden["case_id"] not in rows
    assert elsewhere["case_id"] not in rows
    assert "辖区内 2 件" in await text_of(page, "#list-count")
    assert wages["tracking_code"] in await text_of(page, "#cases")
    await look(page, "workbench-phone-search")
    await click(page, f"#cases tr[data-case='{wages['case_id']}'] a")
    await page.wait_for("document.querySelector('#case-body h1')?.textContent.includes('欠薪')")
    await click(page, "a[href='#/']")
    await page.wait_for("document.body.dataset.view === 'list'")
    # Back to the worklist's own filter once the box no longer holds a phone number.
    await page.evaluate(
        "(s => { s.value = ''; s.dispatchEvent(new Event('input')); })(document.getElementById('search'))"
    )
    await page.wait_for("document.body.dataset.search === 'list'")
    await type_into(page, "#search", "13900000")
    await page.wait_for("document.body.dataset.search === 'phone'")
    assert "没有" in await text_of(page, "#list-count")


async def test_a_county_clerk_transfers_a_case_to_a_department(system: System, page: DevTools) -> None:
    petition = await submitted(system, division_code=HANGPING, category="land_expropriation", title="征地补偿未到位")
    await case_when(system, petition["case_id"], lambda c: c["status"] == "assigned" and c["level"] == "county")
    await viewport(page, DESKTOP)
    await signed_in(page, system, issue_token(DEV_JWT_SECRET, "县信访局张华", Role.OFFICIAL, PUJIANG))
    await page.wait_for(f"!!document.querySelector(\"#cases tr[data-case='{petition['case_id']}']\")")
    await click(page, f"#cases tr[data-case='{petition['case_id']}'] a")
    await page.wait_for("document.querySelector('#case-status')?.dataset.status === 'assigned'")
    await page.evaluate("document.getElementById('action-transfer').closest('details').open = true")
    assert await page.evaluate(
        "!!document.querySelector(\"#transfer-division_code-units option[value='330726000000:land']\")"
    )
    await type_into(page, "#transfer-division_code", "330726000000:land")
    await type_into(page, "#transfer-reason", "属征地补偿事项，转县自然资源和规划局办理。")
    await click(page, "#action-transfer button[type=submit]")
    await page.wait_for("document.querySelector('#case-body').textContent.includes('浦江县自然资源和规划局')")
    moved = await case_when(system, petition["case_id"], lambda c: c["unit_id"] == "330726000000:land")
    assert moved["transfers"] == 1
    await look(page, "workbench-case-transferred")


async def test_an_error_is_shown_at_its_field_in_the_apis_words(system: System, page: DevTools) -> None:
    petition = await submitted(system, division_code=HANGPING, category="labour_wages")
    await case_when(system, petition["case_id"], lambda c: c["status"] == "assigned")
    assert (await routing(system, petition["case_id"], "accept", HANGPING)).status_code == 200
    await case_when(system, petition["case_id"], lambda c: c["status"] == "accepted")
    await viewport(page, DESKTOP)
    await signed_in(page, system, system.token(Role.OFFICIAL, HANGPING), f"#/case/{petition['case_id']}")
    await page.wait_for("document.querySelector('#case-status')?.dataset.status === 'accepted'")
    await page.evaluate("document.getElementById('action-extend').closest('details').open = true")
    await type_into(page, "#extend-days", "400")
    await type_into(page, "#extend-reason", "需要补充调查")
    await click(page, "#action-extend button[type=submit]")
    message = await page.wait_for("document.querySelector('#extend-days-error')?.textContent")
    assert "365" in message  # pydantic's own words, as the API sent them
    assert await page.evaluate("document.getElementById('extend-days').getAttribute('aria-invalid')") == "true"
    assert await page.evaluate("document.activeElement.id") == "extend-days"
    await look(page, "workbench-field-error")


async def test_a_cadre_adds_a_note_from_the_keyboard_and_sees_it_in_the_timeline(
    system: System, page: DevTools
) -> None:
    petition = await submitted(system, division_code=HANGPING, category="labour_wages")
    await case_when(system, petition["case_id"], lambda c: c["status"] == "assigned")
    assert (
        await routing(system, petition["case_id"], "reject", HANGPING, {"reason": "属劳动仲裁事项"})
    ).status_code == 200
    await case_when(system, petition["case_id"], lambda c: c["status"] == "not_accepted")
    await viewport(page, DESKTOP)
    await signed_in(page, system, system.token(Role.OFFICIAL, HANGPING, "李明"), f"#/case/{petition['case_id']}")
    await page.wait_for("document.querySelector('#case-status')?.dataset.status === 'not_accepted'")
    assert "工作记录" in await text_of(page, "#notes h2")  # a settled case still takes notes, in its own card
    # A blank note: the API's refusal is shown at the field, which gets the focus.
    await type_into(page, "#note-text", "   ")
    assert await page.evaluate(
        "(b => (b.focus(), document.activeElement === b))(document.querySelector('#action-note button[type=submit]'))"
    )
    await press(page, "Enter", 13)
    message = await page.wait_for("document.querySelector('#note-text-error')?.textContent")
    assert "blank" in message  # routing's own words
    assert await page.evaluate("document.getElementById('note-text').getAttribute('aria-invalid')") == "true"
    assert await page.evaluate("document.activeElement.id") == "note-text"
    await page.evaluate("document.getElementById('note-text').value = ''")
    await type_into(page, "#note-text", "已电话告知信访人向劳动仲裁委申请。")
    await click(page, "#action-note button[type=submit]")
    await page.wait_for("document.querySelector('.timeline')?.textContent.includes('已电话告知信访人')")
    assert "备注" in await text_of(page, ".timeline")  # the event's name, from the catalogue
    assert await page.evaluate("document.getElementById('note-text-error')") is None
    noted = await case_when(
        system, petition["case_id"], lambda c: any(e["type"] == "CaseNoteAdded" for e in c["timeline"])
    )
    assert noted["status"] == "not_accepted"
    await look(page, "workbench-notes")


async def test_a_concurrent_change_is_a_clear_message_and_a_reload(system: System, page: DevTools) -> None:
    petition = await submitted(system, division_code=HANGPING, category="labour_wages")
    await case_when(system, petition["case_id"], lambda c: c["status"] == "assigned")
    await viewport(page, DESKTOP)
    await signed_in(page, system, system.token(Role.OFFICIAL, HANGPING), f"#/case/{petition['case_id']}")
    await page.wait_for("document.querySelector('#case-status')?.dataset.status === 'assigned'")
    # A colleague accepts while this page still shows the case as assigned.
    assert (await routing(system, petition["case_id"], "accept", HANGPING)).status_code == 200
    await page.evaluate("document.getElementById('action-accept').closest('details').open = true")
    await click(page, "#action-accept button[type=submit]")
    conflict = await page.wait_for("document.querySelector('#action-accept .conflict')?.textContent")
    assert "已被他人更改" in conflict
    assert "已受理" in conflict  # the status the case is in now
    await look(page, "workbench-conflict")
    await click(page, "#action-accept .conflict button.reload")
    await page.wait_for("document.querySelector('#case-status')?.dataset.status === 'accepted'")


async def test_an_expired_token_and_signing_out_return_to_the_sign_in(system: System, page: DevTools) -> None:
    expired = issue_token(DEV_JWT_SECRET, "李明", Role.OFFICIAL, HANGPING, ttl=timedelta(seconds=-5))
    await signed_in(page, system, expired)
    await page.wait_for("document.body.dataset.view === 'signin'")
    assert "登录已过期" in await text_of(page, "#flash")
    await signed_in(page, system, system.token(Role.OFFICIAL, HANGPING))
    await page.wait_for("document.body.dataset.view === 'list'")
    await click(page, "#sign-out")
    await page.wait_for("document.body.dataset.view === 'signin'")
    assert await page.evaluate("sessionStorage.getItem('pujiang.token')") is None
    assert "已退出" in await text_of(page, "#flash")


async def test_a_citizen_submits_on_a_phone_follows_gives_feedback_and_asks_for_review(
    system: System, page: DevTools
) -> None:
    await viewport(page, PHONE)
    await open_page(page, f"{system.url('web')}/portal")
    await look(page, "portal-home-phone")
    await click(page, "a[href='#/submit']")
    await page.wait_for("document.querySelector('#category').options.length > 5")
    await choose(page, "#category", "litigation")
    assert "人民法院" in await text_of(page, "#redirect-notice")  # the courts' matter is redirected
    await choose(page, "#category", "labour_wages")
    assert await page.evaluate("document.getElementById('redirect-notice').hidden")
    await type_into(page, "#place-search", "杭坪")
    await page.wait_for("document.querySelector('#place-results .result')", within=60)
    await click(page, "#place-results .result")
    await page.wait_for(f"document.querySelector('#place .chosen').textContent.includes('{HANGPING}')")
    await type_into(page, "#title", "工地拖欠农民工工资")
    await type_into(page, "#content", "在杭坪镇某工地干了三个月，工资一直没有发。")
    await type_into(page, "#name", "王芳")
    await type_into(page, "#phone", "12")  # too short: the API says so at the field
    await look(page, "portal-submit-phone")
    await click(page, "#send")
    await page.wait_for("document.querySelector('#phone-error')")
    assert "pattern" in await text_of(page, "#phone-error")
    await look(page, "portal-submit-error-phone")
    await page.evaluate("document.getElementById('phone').value = ''")
    await type_into(page, "#phone", f"139{int(time.time() * 1000) % 10**8:08d}")
    await click(page, "#send")
    await page.wait_for("location.hash === '#/done'")
    tracking, access = await text_of(page, "#done-tracking"), await text_of(page, "#done-access")
    assert tracking.startswith("MH")
    assert len(access) == 12
    await page.wait_for(
        "document.getElementById('done-qr').complete && document.getElementById('done-qr').naturalWidth > 0"
    )
    await look(page, "portal-codes-phone")

    # The township handles it meanwhile.
    async with httpx.AsyncClient(timeout=10) as client:
        view = await client.get(f"{system.url('intake')}/v1/petitions/{tracking}", params={"access_code": access})
    case_id = view.json()["case_id"]
    await case_when(system, case_id, lambda c: c["status"] == "assigned")
    assert (await routing(system, case_id, "accept", HANGPING)).status_code == 200
    await case_when(system, case_id, lambda c: c["status"] == "accepted")
    reply = {"reply": "经调解，工地负责人同意分两期支付。"}
    assert (await routing(system, case_id, "resolve", HANGPING, reply)).status_code == 200

    # Another day, another tab: the petitioner follows with the two codes, from the keyboard.
    await open_page(page, f"{system.url('web')}/portal#/follow", "sessionStorage.clear()")
    await type_into(page, "#f-tracking", tracking)
    await type_into(page, "#f-access", access)
    await press(page, "Enter", 13)
    await page.wait_for("!document.getElementById('progress').hidden")
    deadline = time.monotonic() + 30
    while "分两期" not in await text_of(page, "#progress") and time.monotonic() < deadline:
        await click(page, "#follow-form button[type=submit]")  # intake follows routing's events
        await asyncio.sleep(0.5)
    assert "杭坪镇" in await text_of(page, "#progress")
    # Each step in the page's language, from the step's kind (not intake's English).
    assert "已答复：经调解" in await text_of(page, "#progress .timeline")
    assert "交办至" in await text_of(page, "#progress .timeline")
    await page.wait_for("document.querySelector('#feedback-form')")
    await look(page, "portal-follow-phone")
    await click(page, "#feedback-form input[value=false]")
    await type_into(page, "#fb-comment", "只付了一半。")
    await click(page, "#feedback-form button[type=submit]")
    await page.wait_for("document.querySelector('#progress .success')")
    await page.wait_for("document.querySelector('#review-form')")
    await type_into(page, "#rv-reason", "工资仍未付清，请求复查。")
    await click(page, "#review-form button[type=submit]")
    await page.wait_for("document.querySelector('#progress .success') && !document.querySelector('#review-form')")
    await look(page, "portal-review-asked-phone")
    await case_when(system, case_id, lambda c: c["status"] == "under_review")
    await viewport(page, DESKTOP)
    await look(page, "portal-follow-desktop")
    await click(page, "#lang")
    steps = await text_of(page, "#progress .timeline")
    assert "Reply given: 经调解" in steps
    assert "Review requested: 工资仍未付清" in steps
    assert "已答复" not in steps
    await look(page, "portal-follow-desktop-en")
    await click(page, "#lang")


async def test_the_language_switch_is_one_click_and_stays(system: System, page: DevTools) -> None:
    await viewport(page, DESKTOP)
    await open_page(page, f"{system.url('web')}/portal#/submit")
    await page.wait_for("document.querySelector('#category').options.length > 5")
    assert await page.evaluate("document.documentElement.lang") == "zh-CN"
    assert await text_of(page, "label[for=category]") == "事项类别"
    await click(page, "#lang")
    assert await page.evaluate("document.documentElement.lang") == "en"
    assert await text_of(page, "label[for=category]") == "Kind of matter"
    assert "Unpaid wages" in await text_of(page, "#category")  # the catalogue's names too
    await look(page, "portal-submit-en")
    await open_page(page, f"{system.url('web')}/workbench#/signin")
    assert await text_of(page, "#view-signin h1") == "Sign in"
    await look(page, "workbench-signin-en")
    await click(page, "#lang")
    assert await text_of(page, "#view-signin h1") == "登录"


async def test_the_dashboard_through_web_links_a_case_to_the_workbench(system: System, page: DevTools) -> None:
    petition = await submitted(system, division_code=HANGPING, category="labour_wages", title="督查台链接测试")
    await case_when(system, petition["case_id"], lambda c: c["status"] == "assigned")
    await viewport(page, DESKTOP)
    await open_page(page, f"{system.url('web')}/portal", "localStorage.clear(); sessionStorage.clear()")
    token = system.token(Role.SUPERVISOR, HANGPING, "督查员")
    await page.send("Page.navigate", url=f"{system.url('web')}/dashboard?access_token={token}")
    await settled(page, "document.getElementById('live-dot')?.classList.contains('on')")  # the stream, relayed
    await settled(page, "document.getElementById('count-total')")
    await click(page, "#count-total")
    await settled(page, "document.querySelector('#drill-list tr a')")
    await click(page, "#drill-list tr a")
    href = await settled(page, "(a => !a.hidden && a.getAttribute('href'))(document.getElementById('case-workbench'))")
    assert href.startswith("/workbench#/case/")
    await look(page, "dashboard-through-web")
    await click(page, "#case-workbench")
    # The supervisor's token from the dashboard signs the workbench in on this origin.
    status = await settled(page, "document.querySelector('#case-status')?.dataset.status")
    assert status in {"assigned", "accepted"}
    assert "督查员" in await text_of(page, "#who")
