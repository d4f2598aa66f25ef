"""The dashboard in Debian's headless Chromium, driven over the DevTools protocol: it changes without a reload."""

from __future__ import annotations

import asyncio
import base64
import itertools
import subprocess
import time
from collections.abc import AsyncIterator, Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest
import websockets

from shared.vocabulary import Role
from tests.e2e.test_projections_live import submit
from tests.support.infra import ROOT
from tests.support.system import System, free_port

pytestmark = pytest.mark.e2e
CHROMIUM = Path("/usr/bin/chromium")
PUJIANG = "330726000000"
ARTIFACTS = ROOT / "test-artifacts"


class DevTools:
    """Just enough of the Chrome DevTools Protocol: commands and their answers over one websocket."""

    def __init__(self, socket: websockets.ClientConnection) -> None:
        self._socket = socket
        self._ids = itertools.count(1)

    async def send(self, method: str, **params: Any) -> dict[str, Any]:
        sent = next(self._ids)
        await self._socket.send(orjson.dumps({"id": sent, "method": method, "params": params}).decode())
        while True:  # events arrive in between; we only wait for our answer
            message = orjson.loads(await asyncio.wait_for(self._socket.recv(), 30))
            if message.get("id") == sent:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return dict(message.get("result", {}))

    async def evaluate(self, expression: str) -> Any:
        answer = await self.send("Runtime.evaluate", expression=expression, returnByValue=True)
        return answer.get("result", {}).get("value")

    async def wait_for(self, expression: str, within: float = 30) -> Any:
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            value = await self.evaluate(expression)
            if value not in (None, False, ""):
                return value
            await asyncio.sleep(0.2)
        raise AssertionError(f"never true in the page: {expression}")

    async def screenshot(self, path: Path, selector: str | None = None) -> None:
        """The whole page, or only the element the selector names."""
        clip: dict[str, Any] = {}
        if selector is not None:
            box = await self.evaluate(
                f"(r => ({{x: r.x + scrollX, y: r.y + scrollY, width: r.width, height: r.height, scale: 1}}))"
                f"(document.querySelector({orjson.dumps(selector).decode()}).getBoundingClientRect())"
            )
            clip = {"clip": box}
        shot = await self.send("Page.captureScreenshot", format="png", captureBeyondViewport=True, **clip)
        await asyncio.to_thread(_save, path, base64.b64decode(shot["data"]))


def _save(path: Path, png: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(png)


@pytest.fixture(scope="module")
def chromium(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    """Headless Chromium with a DevTools port; Debian's package installed first when missing."""
    if not CHROMIUM.exists():
        subprocess.run([str(ROOT / "scripts" / "browser.sh")], check=True, timeout=900)
    port = free_port()
    flags = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--window-size=1400,1600",
    ]
    profile = tmp_path_factory.mktemp("chromium")
    browser = subprocess.Popen(
        [str(CHROMIUM), *flags, f"--user-data-dir={profile}", f"--remote-debugging-port={port}", "about:blank"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        yield port
    finally:
        browser.terminate()
        try:
            browser.wait(timeout=10)
        except subprocess.TimeoutExpired:
            browser.kill()


@pytest.fixture
async def page(chromium: int) -> AsyncIterator[DevTools]:
    deadline = time.monotonic() + 30
    targets: list[dict[str, Any]] = []
    async with httpx.AsyncClient(timeout=5) as client:
        while not targets and time.monotonic() < deadline:
            try:
                found = (await client.get(f"http://127.0.0.1:{chromium}/json/list")).json()
                targets = [t for t in found if t["type"] == "page"]
            except httpx.HTTPError:
                await asyncio.sleep(0.2)
    assert targets, "Chromium did not open its DevTools port"
    async with websockets.connect(targets[0]["webSocketDebuggerUrl"], max_size=None) as socket:
        tools = DevTools(socket)
        await tools.send("Page.enable")
        await tools.send("Runtime.enable")
        yield tools


async def test_the_dashboard_counts_a_new_petition_without_a_reload(system: System, page: DevTools) -> None:
    token = system.token(Role.SUPERVISOR, PUJIANG)
    await page.send("Page.navigate", url=f"{system.url('projections')}/dashboard?access_token={token}")
    before = int(await page.wait_for("document.querySelector('#count-total')?.dataset.value"))
    await page.wait_for("document.getElementById('live-dot').classList.contains('on')")
    await page.evaluate("window.__sameDocument = 'yes'")  # gone if the page ever reloads

    with httpx.Client(timeout=10) as client:
        submit(system, client)
    after = await page.wait_for(
        f"(v => v > {before} && v)(Number(document.querySelector('#count-total').dataset.value))"
    )
    assert after == before + 1
    assert await page.evaluate("window.__sameDocument") == "yes"
    # The level's word comes from the pages' one catalogue, as in the workbench.
    assert await page.evaluate("document.getElementById('scope-name').textContent") == f"浦江县 ({PUJIANG}) · 县（区）"
    assert await page.wait_for("document.getElementById('last-event').textContent !== '—'")
    await page.screenshot(ARTIFACTS / "dashboard.png")

    await page.evaluate("document.getElementById('lang').click()")
    assert await page.evaluate("document.querySelector('h1 [data-i18n=title]').textContent") == "Petition supervision"
    assert await page.evaluate("document.title") == "Pujiang · Petition supervision"
    await page.evaluate("document.getElementById('count-total').click()")
    rows = await page.wait_for("document.querySelectorAll('#drill-list tr').length > 1 && 1")
    assert rows == 1
    await page.screenshot(ARTIFACTS / "dashboard-en.png")


async def test_the_work_between_units_shows_the_stats_figures(system: System, page: DevTools) -> None:
    token = system.token(Role.SUPERVISOR, PUJIANG)
    url = f"{system.url('projections')}/dashboard?access_token={token}"
    await page.send("Page.navigate", url=url)
    await page.wait_for("document.getElementById('work-unsigned')?.textContent")
    await page.evaluate("localStorage.setItem('pujiang.lang', 'zh')")  # the test before may have left English
    await page.send("Page.navigate", url=url)
    await page.wait_for(
        "document.documentElement.lang.startsWith('zh') && document.getElementById('work-unsigned')?.textContent"
    )
    shown = "[...document.querySelectorAll('#work-rates .bar-row, #work div')].map(n => n.textContent)"
    deadline = time.monotonic() + 30
    with httpx.Client(timeout=10) as client:
        submit(system, client)  # at least one case a unit received in the county
    async with httpx.AsyncClient(timeout=10) as client:
        while True:  # the page follows the live stream: compare once both have settled on one state
            answer = await client.get(
                f"{system.url('projections')}/v1/stats", params={"division": PUJIANG}, headers=system.auth()
            )
            stats = answer.json()
            signed, answered, collective = stats["sign_off"], stats["supervision_response"], stats["collective"]
            expected = [
                f"({signed['signed']}/{signed['received']})",
                f"({answered['on_time']}/{answered['on_time'] + answered['late']})",
                f"未签收{stats['unsigned']}",
                f"{stats['objections']['upheld']} 支持 · {stats['objections']['dismissed']} 驳回",
                f"集体访{collective['cases']} (其中在办 {collective['open']}) · {collective['people']} 人",
            ]
            texts: list[str] = await page.evaluate(shown)
            missing = [e for e in expected if not any(e in text for text in texts)]
            if (not missing and signed["received"]) or time.monotonic() > deadline:
                break
            await asyncio.sleep(0.5)
    assert signed["received"] > 0, "the session's petitions were received by units"
    assert not missing, f"{missing} not on the page: {texts}"
    # On a phone's width the card stacks (bars above their figures); kept as an artifact to look at.
    await page.send("Emulation.setDeviceMetricsOverride", width=390, height=844, deviceScaleFactor=2, mobile=True)
    await page.screenshot(ARTIFACTS / "dashboard-phone.png")
    await page.send("Emulation.clearDeviceMetricsOverride")


async def open_dashboard_in_chinese(system: System, page: DevTools, ready: str) -> None:
    url = f"{system.url('projections')}/dashboard?access_token={system.token(Role.SUPERVISOR, PUJIANG)}"
    await page.send("Page.navigate", url=url)
    await page.wait_for(ready)
    await page.evaluate("localStorage.setItem('pujiang.lang', 'zh')")  # an earlier test may have left English
    await page.send("Page.navigate", url=url)
    await page.wait_for(f"document.documentElement.lang.startsWith('zh') && ({ready})")


TREND_TOTALS = """Object.fromEntries([...document.querySelectorAll('#trends figure')].map(f => [f.dataset.series,
  {total: f.dataset.total, sum: [...f.querySelectorAll('table tr td:last-child')]
     .reduce((n, td) => n + (f.dataset.series === 'satisfaction' ? 0 : Number(td.textContent)), 0),
   days: f.querySelectorAll('table tr td:first-child').length,
   title: f.querySelector('svg title')?.textContent, shown: f.querySelector('figcaption b').textContent}]))"""


async def test_the_trend_charts_show_the_totals_of_the_trends(system: System, page: DevTools) -> None:
    await open_dashboard_in_chinese(system, page, "document.querySelector('#trend-received')?.dataset.total")
    with httpx.Client(timeout=10) as client:
        submit(system, client)  # at least one case received in the county today
    deadline = time.monotonic() + 30
    async with httpx.AsyncClient(timeout=10) as client:
        while True:  # the page follows the live stream: compare once both have settled on one state
            today = (await client.get(f"{system.url('projections')}/v1/stats", params={"division": PUJIANG},
                                      headers=system.auth())).json()["today"]  # fmt: skip
            first = (date.fromisoformat(today) - timedelta(days=29)).isoformat()
            answer = await client.get(
                f"{system.url('projections')}/v1/trends",
                params={"division": PUJIANG, "from": first, "to": today},
                headers=system.auth(Role.SUPERVISOR, PUJIANG),
            )
            totals = answer.json()["totals"]
            expected = {
                "received": str(totals["received"]),
                "resolved": str(totals["resolved"]),
                "overdue": str(totals["overdue"]),
                "satisfaction": f"{totals['satisfied']}/{totals['answers']}",
            }
            charts: dict[str, dict[str, Any]] = await page.evaluate(TREND_TOTALS)
            drawn = {series: chart["total"] for series, chart in charts.items()}
            if (drawn == expected and totals["received"]) or time.monotonic() > deadline:
                break
            await asyncio.sleep(0.5)
    assert totals["received"] > 0, "the session's petitions were received in the county"
    assert drawn == expected
    for series in ("received", "resolved", "overdue"):  # the days drawn add up to the total
        assert charts[series]["sum"] == totals[series], charts[series]
    assert all(chart["days"] == 30 for chart in charts.values())
    assert charts["received"]["shown"] == f"合计 {totals['received']}"
    assert charts["received"]["title"].startswith(f"每日受理，{first} 至 {today}：合计 {totals['received']}")
    await page.screenshot(ARTIFACTS / "dashboard-trends.png", "#trend-card")

    # By keyboard: the chart takes the focus, the arrows pick a day and its figure is read out.
    await page.send("Emulation.setFocusEmulationEnabled", enabled=True)  # a headless page is never focused
    await page.evaluate("document.getElementById('trend-received').focus()")
    day_shown = "document.getElementById('trend-received-day').textContent"
    assert str(await page.evaluate(day_shown)).startswith(today)
    await page.send("Input.dispatchKeyEvent", type="keyDown", key="ArrowLeft", code="ArrowLeft",
                    windowsVirtualKeyCode=37)  # fmt: skip
    yesterday = (date.fromisoformat(today) - timedelta(days=1)).isoformat()
    assert str(await page.evaluate(day_shown)).startswith(yesterday)

    await page.send("Emulation.setDeviceMetricsOverride", width=390, height=844, deviceScaleFactor=2, mobile=True)
    assert await page.wait_for("document.getElementById('trend-received').getBoundingClientRect().right <= 390 && 1")
    await page.screenshot(ARTIFACTS / "dashboard-trends-phone.png", "#trend-card")
    await page.send("Emulation.clearDeviceMetricsOverride")

    await page.evaluate("document.getElementById('lang').click()")
    caption = "document.querySelector('#trend-received figcaption').textContent"
    assert await page.evaluate(caption) == f"Received per day{'Total'} {totals['received']}"


SCORE_ROWS = """(n => [...document.querySelectorAll('#scores tr[data-id]')].map(r => ({
  id: r.dataset.id, rank: n(r.dataset.rank), tier: n(r.dataset.tier),
  received: Number(r.querySelector('[data-figure=received]').textContent),
  figures: Object.fromEntries([...r.querySelectorAll('td[data-change]')].map(td => [td.dataset.figure,
    [n(td.dataset.value), n(td.dataset.change)]])),
  text: [...r.cells].map(c => c.textContent)})))(v => v === '' ? null : Number(v))"""
HEADLINE = ("handling_on_time", "first_time_resolution", "satisfaction")


def score_rows(answer: dict[str, Any]) -> list[dict[str, Any]]:
    """The rows the card should show: the ranked places below, then departments, in the endpoint's order."""
    return [
        {
            "id": card["id"],
            "rank": card["rank"],
            "tier": card["tier"],
            "received": card["figures"]["received"]["value"],
            "figures": {n: [card["figures"][n]["value"], card["figures"][n]["change"]] for n in HEADLINE},
        }
        for card in [*answer["places"], *answer["departments"]]
        if card["tier"] is not None
    ]


async def test_the_scorecard_card_shows_the_peers_ranking_of_the_month(system: System, page: DevTools) -> None:
    await open_dashboard_in_chinese(system, page, "document.querySelector('#scores tr[data-id]')")
    with httpx.Client(timeout=10) as client:
        submit(system, client)  # a township of the county received a case this month
    deadline = time.monotonic() + 30
    async with httpx.AsyncClient(timeout=10) as client:
        while True:  # the page follows the live stream: compare once both have settled on one state
            answer = (await client.get(
                f"{system.url('projections')}/v1/scorecards",
                params={"division": PUJIANG, "period": "month"},
                headers=system.auth(Role.SUPERVISOR, PUJIANG),
            )).json()  # fmt: skip
            expected = score_rows(answer)
            shown: list[dict[str, Any]] = await page.evaluate(SCORE_ROWS)
            drawn = [{k: v for k, v in row.items() if k != "text"} for row in shown]
            ranked = [row for row in expected if row["rank"] is not None]
            if (drawn == expected and ranked) or time.monotonic() > deadline:
                break
            await asyncio.sleep(0.5)
    assert ranked, "a unit below the county was ranked this month"
    assert drawn == expected
    idle = [c for c in [*answer["places"], *answer["departments"]] if c["tier"] is None]
    said = await page.evaluate("[...document.querySelectorAll('#scores p.idle')].map(r => r.textContent).join('')")
    assert all(card["name"]["zh"] in said for card in idle), said  # the peers that received nothing, named
    first = next(card for card in [*answer["places"], *answer["departments"]] if card["rank"] is not None)
    row = next(r for r in shown if r["id"] == first["id"])
    assert row["text"][0] == f"{first['rank']}/{first['peers_in_tier']}"
    assert row["text"][1] == first["name"]["zh"]
    label = "document.querySelector('#score-card h2').textContent"
    assert await page.evaluate(label) == "本月排名"
    period = await page.evaluate("document.getElementById('score-period').textContent")
    assert period.startswith(f"{answer['period']['label']}，与上期 {answer['previous']['label']} 相比")
    await page.screenshot(ARTIFACTS / "dashboard-scorecards.png", "#score-card")

    await page.send("Emulation.setDeviceMetricsOverride", width=390, height=844, deviceScaleFactor=2, mobile=True)
    # On a phone the table scrolls inside its card (a focusable region), the page itself does not widen.
    assert await page.wait_for("document.documentElement.scrollWidth <= 390 && 1")
    await page.screenshot(ARTIFACTS / "dashboard-scorecards-phone.png", "#score-card")
    await page.send("Emulation.clearDeviceMetricsOverride")

    await page.evaluate("document.getElementById('lang').click()")
    assert await page.evaluate(label) == "This month's ranking"
    assert await page.evaluate("document.querySelector('#scores th').textContent") == "Rank"


TOPIC_ITEMS = """[...document.querySelectorAll('#topics li.topic')].map(li => ({
  label: li.querySelector('.topic-label').textContent, count: Number(li.dataset.count),
  category: li.dataset.category, places: li.querySelector('.topic-places').textContent,
  examples: [...li.querySelectorAll('.topic-examples button')].map(b => b.dataset.case)}))"""


def topic_items(answer: dict[str, Any]) -> list[dict[str, Any]]:
    """What the card should list: each topic's label, count, places (named, with counts) and examples."""
    return [
        {
            "label": topic["label"],
            "count": topic["count"],
            "category": topic["category"],
            "places": "来自 " + "、".join(f"{p['name']['zh']} {p['count']}" for p in topic["places"]),
            "examples": [e["case_id"] for e in topic["examples"]],
        }
        for topic in answer["topics"]
    ]


async def test_the_topics_card_lists_the_months_recurring_problems(system: System, page: DevTools) -> None:
    await open_dashboard_in_chinese(system, page, "document.getElementById('topic-period')?.textContent")
    with httpx.Client(timeout=10) as client:  # one problem raised in two townships of the county
        for village in ("330726101203", "330726102201", "330726101203"):
            submit(system, client, division_code=village, category="environment", title="菜市场油烟扰民严重")
    deadline = time.monotonic() + 30
    async with httpx.AsyncClient(timeout=10) as client:
        while True:  # the page follows the live stream: compare once both have settled on one state
            answer = (await client.get(
                f"{system.url('projections')}/v1/topics", params={"division": PUJIANG, "period": "month"},
                headers=system.auth(Role.SUPERVISOR, PUJIANG),
            )).json()  # fmt: skip
            expected = topic_items(answer)
            shown: list[dict[str, Any]] = await page.evaluate(TOPIC_ITEMS)
            ours = [t for t in expected if "油烟" in t["label"]]
            if (shown == expected and ours) or time.monotonic() > deadline:
                break
            await asyncio.sleep(0.5)
    assert ours, "the three petitions made a topic"
    assert shown == expected
    assert ours[0]["count"] >= 3
    assert "黄宅镇" in ours[0]["places"]
    assert await page.evaluate("document.querySelector('#topic-card h2').textContent") == "每月一题"
    period = await page.evaluate("document.getElementById('topic-period').textContent")
    assert period.startswith(answer["period"]["label"])
    await page.screenshot(ARTIFACTS / "dashboard-topics.png", "#topic-card")

    # By keyboard: an example is a button; Enter opens its case.
    await page.send("Emulation.setFocusEmulationEnabled", enabled=True)
    example = ours[0]["examples"][0]
    await page.evaluate(f"document.querySelector('#topics button[data-case=\"{example}\"]').focus()")
    assert await page.evaluate("document.activeElement.dataset.case") == example
    enter = {"key": "Enter", "code": "Enter", "windowsVirtualKeyCode": 13}
    await page.send("Input.dispatchKeyEvent", type="keyDown", text="\r", **enter)
    await page.send("Input.dispatchKeyEvent", type="keyUp", **enter)
    opened = "!document.getElementById('case').hidden && document.getElementById('case-id').textContent"
    assert await page.wait_for(opened)

    await page.send("Emulation.setDeviceMetricsOverride", width=390, height=844, deviceScaleFactor=2, mobile=True)
    assert await page.wait_for("document.documentElement.scrollWidth <= 390 && 1")
    assert await page.evaluate("document.querySelector('#topics li.topic').getBoundingClientRect().right <= 390")
    await page.screenshot(ARTIFACTS / "dashboard-topics-phone.png", "#topic-card")
    await page.send("Emulation.clearDeviceMetricsOverride")

    await page.evaluate("document.getElementById('lang').click()")
    assert await page.evaluate("document.querySelector('#topic-card h2').textContent") == "Topics of the month"
    places = await page.evaluate("document.querySelector('#topics .topic-places').textContent")
    assert places.startswith("From ")
    await page.screenshot(ARTIFACTS / "dashboard-topics-en.png", "#topic-card")
