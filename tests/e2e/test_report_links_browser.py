# ruff: noqa: F811 (tests take the imported `page` fixture by its name)
"""The dashboard's "下载月报 PDF / XLSX" links in headless Chromium: the division and month shown, downloaded
with the page's token under the server's file name, by mouse or keyboard."""

from __future__ import annotations

import httpx
import pytest

from shared.vocabulary import Role
from tests.e2e.test_dashboard_browser import (  # noqa: F401 (the browser fixtures)
    ARTIFACTS,
    PUJIANG,
    DevTools,
    chromium,
    open_dashboard_in_chinese,
    page,
)
from tests.support.system import System

pytestmark = pytest.mark.e2e
# Downloads are caught where the page hands them to the browser: an <a download> clicked.
CATCH = """window.__downloads = []; window.__errors = []; HTMLAnchorElement.prototype.click = function () {
  if (this.download) window.__downloads.push(this.download); };
  console.error = (...args) => window.__errors.push(args.map(String).join(' ')); true"""
CLICK = "new MouseEvent('click', {bubbles: true, cancelable: true})"  # as a mouse's: the page may cancel it
LINKS_SHOWN = "document.getElementById('report-links') && !document.getElementById('report-links').hidden"


async def test_the_report_links_download_the_months_files(system: System, page: DevTools) -> None:
    await open_dashboard_in_chinese(system, page, LINKS_SHOWN)
    async with httpx.AsyncClient(timeout=10) as client:
        answer = await client.get(f"{system.url('projections')}/v1/scorecards", params={"division": PUJIANG},
                                  headers=system.auth(Role.SUPERVISOR, PUJIANG))  # fmt: skip
    month = answer.json()["period"]["label"]
    text = await page.evaluate("document.getElementById('report-links').textContent.replace(/\\s+/g, ' ').trim()")
    assert text.startswith("下载月报 PDF / XLSX")
    href = await page.evaluate("document.getElementById('report-xlsx').href")
    assert f"division={PUJIANG}" in href
    assert f"month={month}" in href
    assert "format=xlsx" in href
    assert "lang=zh" in href

    await page.evaluate(CATCH)
    await page.evaluate(f"document.getElementById('report-xlsx').dispatchEvent({CLICK})")
    done = await page.wait_for(
        "window.__downloads[0] || window.__errors[0] || document.getElementById('report-error').textContent"
    )
    assert done == f"月报-{PUJIANG}-{month}.xlsx"
    await page.evaluate("document.getElementById('report-pdf').focus()")
    for kind in ("keyDown", "keyUp"):
        await page.send("Input.dispatchKeyEvent", type=kind, key="Enter", code="Enter", windowsVirtualKeyCode=13)
    assert await page.wait_for("window.__downloads[1]", within=60) == f"月报-{PUJIANG}-{month}.pdf"
    assert await page.evaluate("document.getElementById('report-error').textContent") == ""
    await page.screenshot(ARTIFACTS / "dashboard-report-links.png", "#score-card")
    await page.send("Emulation.setDeviceMetricsOverride", width=390, height=844, deviceScaleFactor=2, mobile=True)
    await page.screenshot(ARTIFACTS / "dashboard-report-links-phone.png", "#score-card")
    await page.send("Emulation.clearDeviceMetricsOverride")
