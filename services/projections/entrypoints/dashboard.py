"""The live supervisor page: plain HTML, JS and CSS served from here (no build step, no CDN)."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse

from shared.domain import NotFound

router = APIRouter(tags=["dashboard"])
STATIC = Path(__file__).with_name("static")
_ASSETS = {"dashboard.js": "text/javascript", "dashboard.css": "text/css"}


@router.get("/dashboard", include_in_schema=False)
async def page() -> FileResponse:
    return FileResponse(STATIC / "dashboard.html", media_type="text/html", headers={"cache-control": "no-cache"})


@router.get("/dashboard/{asset}", include_in_schema=False)
async def asset(asset: str) -> FileResponse:
    if asset not in _ASSETS:
        raise NotFound("asset")
    return FileResponse(STATIC / asset, media_type=_ASSETS[asset], headers={"cache-control": "no-cache"})
