"""Wiring of the routing service."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from fastapi import FastAPI

from services.routing.adapters.case_index import CASE_INDEX_DDL
from services.routing.adapters.jurisdictions import load_jurisdictions
from services.routing.adapters.objection_windows import OBJECTION_WINDOWS_DDL
from services.routing.adapters.work_index import WORK_INDEX_DDL
from services.routing.entrypoints import aftercare_http, jurisdiction_http, merge_http, unit_work_http, work_http
from services.routing.entrypoints.http import router
from services.routing.handlers import CONSUMED, Routing
from services.routing.settings import RoutingSettings
from services.routing.work_settings import WorkSettings
from shared.messaging.consumer import BatchHandler
from shared.messaging.inbox import INBOX_DDL, inbox_pruning
from shared.service import Context, ServiceSpec, create_app
from shared.settings import Settings


def _handlers(ctx: Context) -> BatchHandler:
    tz = ZoneInfo(ctx.settings.pujiang_timezone)
    routing = Routing(ctx, load_jurisdictions(), RoutingSettings().rules(), WorkSettings().rules(), tz)
    ctx.extras["routing"] = routing
    return BatchHandler(CONSUMED, routing.on_events)


SPEC = ServiceSpec(
    name="routing",
    routers=[
        router,
        unit_work_http.router,
        jurisdiction_http.router,
        aftercare_http.router,
        work_http.router,
        merge_http.router,
    ],
    extra_ddl=[INBOX_DDL, CASE_INDEX_DDL, WORK_INDEX_DDL, OBJECTION_WINDOWS_DDL],
    consumes=["intake", "sla"],
    handlers=_handlers,
    background=[inbox_pruning],
)


def build(settings: Settings | None = None) -> FastAPI:
    return create_app(SPEC, settings)
