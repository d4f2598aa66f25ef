"""Wiring of the web front end: the pages, a same-origin proxy to the four services, sign-in.

It holds no state and speaks only the services' public HTTP APIs, so it needs neither Kafka
nor PostgreSQL and any number of instances can run side by side.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

import httpx
from fastapi import FastAPI

from shared.guards import refuse_unsafe_production
from shared.http.errors import install_error_handlers
from shared.http.limits import BodySizeLimit
from shared.http.tokens import TokenVerifier
from shared.logs import configure_logging
from web.entrypoints import dashboard, pages, proxy, session
from web.settings import WebSettings


def build(settings: WebSettings | None = None, transport: httpx.AsyncBaseTransport | None = None) -> FastAPI:
    """The app; `transport` lets unit tests stand in for the services (httpx.MockTransport)."""
    settings = settings or WebSettings()
    configure_logging("web")
    refuse_unsafe_production("web", settings, signs_checkpoints=False)  # web signs no checkpoints

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        timeout = httpx.Timeout(settings.pujiang_web_upstream_timeout_s)
        async with httpx.AsyncClient(timeout=timeout, transport=transport) as client:
            app.state.client = client
            yield

    app = FastAPI(title="Pujiang web", lifespan=lifespan, docs_url=None, redoc_url=None)
    app.state.settings = settings
    app.state.tokens = TokenVerifier.from_settings(settings)
    app.add_middleware(BodySizeLimit, max_bytes=settings.pujiang_max_body_bytes)
    install_error_handlers(app)
    for router in (pages.router, session.router, proxy.router, dashboard.router):
        app.include_router(router)
    return app
