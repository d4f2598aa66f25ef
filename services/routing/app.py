"""Wiring of the routing service."""

from __future__ import annotations

from collections.abc import Mapping

from fastapi import FastAPI

from services.routing.adapters.case_index import CASE_INDEX_DDL
from services.routing.adapters.jurisdictions import load_jurisdictions
from services.routing.entrypoints import jurisdiction_http
from services.routing.entrypoints.http import router
from services.routing.handlers import Routing
from services.routing.settings import RoutingSettings
from shared.events import ClockBreached, FeedbackGiven, PetitionSubmitted, ReviewRequested
from shared.messaging.consumer import Handler
from shared.service import Context, ServiceSpec, create_app
from shared.settings import Settings


def _handlers(ctx: Context) -> Mapping[str, Handler]:
    routing = Routing(ctx, load_jurisdictions(), RoutingSettings().rules())
    ctx.extras["routing"] = routing
    return {
        PetitionSubmitted.type_name(): routing.on_petition_submitted,
        FeedbackGiven.type_name(): routing.on_feedback,
        ReviewRequested.type_name(): routing.on_review_requested,
        ClockBreached.type_name(): routing.on_clock_breached,
    }


SPEC = ServiceSpec(
    name="routing",
    routers=[router, jurisdiction_http.router],
    extra_ddl=[CASE_INDEX_DDL],
    consumes=["intake", "sla"],
    handlers=_handlers,
)


def build(settings: Settings | None = None) -> FastAPI:
    return create_app(SPEC, settings)
