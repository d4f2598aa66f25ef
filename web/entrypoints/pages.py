"""The pages and their assets, served as they are (no build step, no CDN)."""

from __future__ import annotations

from pathlib import Path

import httpx
from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, JSONResponse, RedirectResponse, Response

from shared.http.errors import ApiError, not_found
from web.qr import TRACKING_CODE, follow_url, qr_svg
from web.settings import UPSTREAMS, WebSettings

router = APIRouter(include_in_schema=False)
STATIC = Path(__file__).parent.parent / "static"
_TYPES = {
    ".js": "text/javascript",
    ".css": "text/css",
    ".svg": "image/svg+xml",
    ".html": "text/html",
    ".json": "application/json",  # strings.json: the one translation catalogue (shared/i18n)
}
ASSETS = {p.name: _TYPES[p.suffix] for p in STATIC.iterdir() if p.suffix in _TYPES and p.suffix != ".html"}
_FRESH = {"cache-control": "no-cache"}


@router.get("/")
async def home() -> RedirectResponse:
    return RedirectResponse("/portal")


@router.get("/portal")
async def portal() -> FileResponse:
    return FileResponse(STATIC / "portal.html", media_type="text/html", headers=_FRESH)


@router.get("/workbench")
async def workbench() -> FileResponse:
    return FileResponse(STATIC / "workbench.html", media_type="text/html", headers=_FRESH)


@router.get("/static/{asset}")
async def asset(asset: str) -> FileResponse:
    if asset not in ASSETS:
        raise not_found("asset")
    return FileResponse(STATIC / asset, media_type=ASSETS[asset], headers=_FRESH)


@router.get("/qr/{tracking_code}.svg")
async def qr(tracking_code: str, request: Request) -> Response:
    if not TRACKING_CODE.match(tracking_code):
        detail = {"field": "tracking_code", "message": "not a tracking code"}
        raise ApiError(422, "invalid", "some fields are invalid", [detail])
    svg = qr_svg(follow_url(str(request.base_url), tracking_code))
    return Response(svg, media_type="image/svg+xml", headers={"cache-control": "public, max-age=86400"})


@router.get("/healthz")
async def healthz() -> dict[str, str]:
    return {"status": "alive"}


@router.get("/readyz")
async def readyz(request: Request) -> Response:
    """Ready when every service it fronts answers /healthz (it has no state of its own)."""
    settings: WebSettings = request.app.state.settings
    client: httpx.AsyncClient = request.app.state.client
    checks: dict[str, dict[str, bool]] = {}
    for service in UPSTREAMS:
        try:
            ok = (await client.get(f"{settings.upstream(service)}/healthz", timeout=2)).status_code == 200
        except httpx.HTTPError:
            ok = False
        checks[service] = {"ok": ok}
    ready = all(c["ok"] for c in checks.values())
    return JSONResponse({"ready": ready, "checks": checks}, status_code=200 if ready else 503)
