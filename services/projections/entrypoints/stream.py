"""Server-Sent Events: every change in the caller's division, as it commits, plus freshness beats."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from dataclasses import asdict
from typing import Any

import orjson
from fastapi import APIRouter, Request
from sse_starlette import EventSourceResponse, ServerSentEvent

from services.projections.entrypoints.common import ReadsDep, context, principal, scoped_division
from shared.divisions import is_within

router = APIRouter(prefix="/v1", tags=["stream"])
BEAT_S = 5.0


def _inside(division: str) -> Callable[[dict[str, Any]], bool]:
    def wants(notice: dict[str, Any]) -> bool:
        places = (notice.get("division"), notice.get("division_code"))
        return any(code and is_within(code, division) for code in places)

    return wants


@router.get("/stream")
async def stream(
    request: Request, reads: ReadsDep, division: str | None = None, access_token: str | None = None
) -> EventSourceResponse:
    """`change` per case that changed, `freshness` every few seconds, `rebuilt` after a switch-over."""
    who = principal(request, access_token)
    place = scoped_division(who, division)
    _, projections = context(request)
    subscription = projections.hub.subscribe(_inside(place))

    async def events() -> AsyncIterator[ServerSentEvent]:
        loop = asyncio.get_running_loop()
        next_beat = loop.time()
        try:
            yield ServerSentEvent(event="hello", data=orjson.dumps({"division": place}).decode())
            while True:
                with contextlib.suppress(TimeoutError):
                    notice = await asyncio.wait_for(subscription.queue.get(), max(0.0, next_beat - loop.time()))
                    kind = "rebuilt" if notice.get("type") == "rebuilt" else "change"
                    yield ServerSentEvent(event=kind, data=orjson.dumps(notice).decode())
                if subscription.missed:  # this client fell behind: it reloads rather than trusting deltas
                    subscription.missed = 0
                    yield ServerSentEvent(event="rebuilt", data='{"reason":"missed changes"}')
                if loop.time() >= next_beat:
                    next_beat = loop.time() + BEAT_S
                    yield ServerSentEvent(
                        event="freshness", data=orjson.dumps(asdict(await reads.freshness())).decode()
                    )
        finally:
            projections.hub.unsubscribe(subscription)

    return EventSourceResponse(events(), ping=15)
