"""Prometheus metrics of one service instance at `GET /metrics`.

HTTP requests are timed by route template (never by raw path: case ids would make a series per
case); the event pipeline's figures are read when scraped, from the objects that keep them.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from fastapi import APIRouter, FastAPI, Request, Response
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Gauge, Histogram, generate_latest
from starlette.types import ASGIApp, Message, Receive, Scope, Send

if TYPE_CHECKING:
    from shared.service import Context


class Metrics:
    """One registry per app, so several apps in one process (tests) never share series."""

    def __init__(self, service: str) -> None:
        self.registry = CollectorRegistry()
        self.requests = Histogram(
            "pujiang_http_request_seconds",
            "HTTP requests by route template and status",
            ["method", "route", "status"],
            registry=self.registry,
        )
        self.consumed = self._gauge("pujiang_events_consumed", "events applied by this instance's consumer")
        self.lag = self._gauge("pujiang_consumer_lag", "records on assigned partitions not yet consumed")
        self.dead = self._gauge("pujiang_dead_letters", "records sent to the dead-letter topic")
        self.published = self._gauge("pujiang_events_published", "events this instance's relay published")
        self.leader = self._gauge("pujiang_relay_leader", "1 when this instance's relay is the leader")
        self.offset = self._gauge("pujiang_clock_offset_seconds", "the simulated clock's offset (dev)")
        self._labels = {"service": service}

    def _gauge(self, name: str, documentation: str) -> Gauge:
        return Gauge(name, documentation, ["service"], registry=self.registry)

    async def scrape(self, ctx: Context | None) -> bytes:
        if ctx is not None:
            values = {
                self.lag: await ctx.consumer_lag(),
                self.consumed: ctx.consumer.processed if ctx.consumer else 0,
                self.dead: ctx.consumer.dead_lettered if ctx.consumer else 0,
                self.published: ctx.relay.published,
                self.leader: int(ctx.relay.is_leader),
                self.offset: ctx.clock.offset.total_seconds(),
            }
            for gauge, value in values.items():
                gauge.labels(**self._labels).set(value)
        return generate_latest(self.registry)


class TimeRequests:
    """ASGI middleware timing each HTTP request by method, route template and status.

    Plain ASGI rather than Starlette's BaseHTTPMiddleware, which runs every request in an extra
    task with its own streams: on intake's submit path that was a tenth of the CPU.
    """

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500  # what the client gets when the app raises before answering

        async def timed_send(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, timed_send)
        finally:
            # The router put the matched route into the scope; a raw path would make a series per case.
            route = getattr(scope.get("route"), "path", "unmatched")
            self.metrics.requests.labels(scope["method"], route, str(status)).observe(time.perf_counter() - started)


def install_metrics(app: FastAPI, service: str) -> None:
    metrics = Metrics(service)
    app.add_middleware(TimeRequests, metrics=metrics)

    router = APIRouter(tags=["health"])

    @router.get("/metrics", include_in_schema=False)
    async def scrape(request: Request) -> Response:
        content = await metrics.scrape(getattr(request.app.state, "ctx", None))
        return Response(content, media_type=CONTENT_TYPE_LATEST)

    app.include_router(router)
