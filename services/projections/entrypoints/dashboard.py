"""The live supervisor page: plain HTML, JS and CSS served from here (no build step, no CDN)."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse, JSONResponse

from shared.domain import NotFound
from shared.i18n import with_categories
from shared.jurisdiction.division_data import deployment_catalogue

router = APIRouter(tags=["dashboard"])
STATIC = Path(__file__).with_name("static")
_ASSETS = {"dashboard.js": "text/javascript", "dashboard.css": "text/css"}


@router.get("/dashboard", include_in_schema=False)
async def page() -> FileResponse:
    return FileResponse(STATIC / "dashboard.html", media_type="text/html", headers={"cache-control": "no-cache"})


@router.get("/dashboard/strings.json", include_in_schema=False)
async def strings() -> JSONResponse:
    """The pages' one catalogue of strings (shared/i18n), with this deployment's category names."""
    return JSONResponse(with_categories(deployment_catalogue()), headers={"cache-control": "no-cache"})


@router.get("/dashboard/{asset}", include_in_schema=False)
async def asset(asset: str) -> FileResponse:
    if asset not in _ASSETS:
        raise NotFound("asset")
    return FileResponse(STATIC / asset, media_type=_ASSETS[asset], headers={"cache-control": "no-cache"})
