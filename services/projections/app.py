"""Wiring of the projections service."""

from __future__ import annotations

from collections.abc import Mapping

from fastapi import FastAPI

from services.projections.adapters.case_view import CASE_VIEW_DDL, CaseViewWriter
from services.projections.entrypoints.http import router
from shared.events import CaseAssigned, CaseNotAccepted, ClockStarted, PetitionSubmitted
from shared.messaging.consumer import Handler
from shared.service import Context, ServiceSpec, create_app
from shared.settings import Settings


def _handlers(ctx: Context) -> Mapping[str, Handler]:
    view = CaseViewWriter(ctx.name)
    return {
        PetitionSubmitted.type_name(): view.petition_submitted,
        CaseAssigned.type_name(): view.routed,
        CaseNotAccepted.type_name(): view.routed,
        ClockStarted.type_name(): view.clock_started,
    }


SPEC = ServiceSpec(
    name="projections",
    routers=[router],
    extra_ddl=[CASE_VIEW_DDL],
    consumes=["intake", "routing", "sla"],
    handlers=_handlers,
)


def build(settings: Settings | None = None) -> FastAPI:
    return create_app(SPEC, settings)
