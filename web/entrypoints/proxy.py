"""The same-origin proxy: `/api/<service>/v1/...` goes to that service's public API, unchanged.

The browser reaches all four services through the origin that served the page, so no service
needs CORS and a production deployment exposes one host. Only the public API is forwarded
(`v1/...`, and reading the system clock); admin moves of the clock and /metrics are not.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import structlog
from fastapi import APIRouter, Request
from fastapi.responses import StreamingResponse

from shared.http.errors import ApiError
from web.settings import UPSTREAMS, WebSettings

log = structlog.get_logger()
router = APIRouter(prefix="/api", include_in_schema=False)
FORWARDED_REQUEST_HEADERS = ("authorization", "content-type", "accept", "idempotency-key", "accept-language")
FORWARDED_RESPONSE_HEADERS = ("content-type", "retry-after", "cache-control", "content-disposition")


def forwardable(service: str, path: str, method: str) -> bool:
    """Whether the proxy passes this call on (the public API of api.md only)."""
    if service not in UPSTREAMS or ".." in path.split("/"):
        return False
    return path.startswith("v1/") or (service == "sla" and path == "admin/clock" and method == "GET")


def request_headers(request: Request, settings: WebSettings) -> dict[str, str]:
    headers = {k: v for k, v in request.headers.items() if k in FORWARDED_REQUEST_HEADERS}
    trusted = settings.pujiang_web_token_header
    # Behind a trusted reverse proxy (OIDC), the official's JWT arrives in its header.
    if trusted and "authorization" not in headers and request.headers.get(trusted):
        headers["authorization"] = f"Bearer {request.headers[trusted]}"
    return headers


@router.api_route("/{service}/{path:path}", methods=["GET", "POST"])
async def forward(service: str, path: str, request: Request) -> StreamingResponse:
    if not forwardable(service, path, request.method):
        raise ApiError(404, "not_found", f"no public route /{path} on {service}")
    settings: WebSettings = request.app.state.settings
    client: httpx.AsyncClient = request.app.state.client
    url = f"{settings.upstream(service)}/{path}"
    outgoing = client.build_request(
        request.method,
        url,
        params=request.url.query,
        headers=request_headers(request, settings),
        content=await request.body(),
    )
    return await streamed(client, outgoing, service)


async def streamed(client: httpx.AsyncClient, outgoing: httpx.Request, service: str) -> StreamingResponse:
    """The service's answer passed on as it comes (a live stream, a case list's CSV of every case):
    nothing held here; a service that does not answer is a 503."""
    try:
        upstream = await client.send(outgoing, stream=True)
    except httpx.HTTPError as error:
        log.warning("web.upstream_unavailable", service=service, error=repr(error))
        raise ApiError(503, "unavailable", f"{service} is unavailable; nothing was changed, try again") from error

    async def body() -> AsyncIterator[bytes]:
        try:
            async for chunk in upstream.aiter_bytes():
                yield chunk
        finally:  # also when the browser goes away mid-answer
            await upstream.aclose()

    headers = {k: v for k, v in upstream.headers.items() if k in FORWARDED_RESPONSE_HEADERS}
    return StreamingResponse(body(), upstream.status_code, headers)
