"""Wiring of the sla service."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from functools import partial

from fastapi import FastAPI

from services.sla import handlers
from services.sla.entrypoints.http import router
from shared.events import CaseAssigned, RecordedEvent
from shared.messaging.consumer import Handler
from shared.messaging.topics import Topics
from shared.service import Context, ServiceSpec, create_app
from shared.settings import Settings


def _due(start: datetime, kind: str) -> tuple[datetime, int, str, str]:
    return start + timedelta(days=15), 15, "calendar_days", "national"


def _handlers(ctx: Context) -> Mapping[str, Handler]:
    return {CaseAssigned.type_name(): partial(handlers.on_case_assigned, ctx, _due)}


def _topic_for(topics: Topics, event: RecordedEvent) -> str:
    return topics.clock if event.stream_id == handlers.CLOCK_STREAM else topics.of("sla")


SPEC = ServiceSpec(name="sla", routers=[router], consumes=["routing"], handlers=_handlers, topic_for=_topic_for)


def build(settings: Settings | None = None) -> FastAPI:
    return create_app(SPEC, settings)
