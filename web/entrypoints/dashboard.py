"""The supervisors' dashboard on this origin too, so its cases link to the workbench's case page.

Projections serves the page and the API it reads; here both are relayed as they are, streamed
(the live updates are Server-Sent Events), read-only.
"""

from __future__ import annotations

import httpx
from fastapi import APIRouter, Request
from fastapi.responses import StreamingResponse

from web.entrypoints.proxy import streamed
from web.settings import WebSettings

router = APIRouter(include_in_schema=False)


async def relay(request: Request, path: str) -> StreamingResponse:
    settings: WebSettings = request.app.state.settings
    client: httpx.AsyncClient = request.app.state.client
    headers = {k: v for k, v in request.headers.items() if k in ("authorization", "accept", "last-event-id")}
    # No read timeout: the live stream stays open for as long as the page does.
    timeout = httpx.Timeout(settings.pujiang_web_upstream_timeout_s, read=None)
    url = f"{settings.upstream('projections')}/{path}"
    upstream_request = client.build_request("GET", url, params=request.url.query, headers=headers, timeout=timeout)
    return await streamed(client, upstream_request, "projections")


@router.get("/dashboard")
async def page(request: Request) -> StreamingResponse:
    return await relay(request, "dashboard")


@router.get("/dashboard/{asset}")
async def asset(request: Request, asset: str) -> StreamingResponse:
    return await relay(request, f"dashboard/{asset}")


@router.get("/v1/{path:path}")
async def read(request: Request, path: str) -> StreamingResponse:
    """The dashboard's own reads (`/v1/stats`, `/v1/cases`, `/v1/stream`, ...): projections' API."""
    return await relay(request, f"v1/{path}")
