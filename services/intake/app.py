"""Wiring of the intake service."""

from __future__ import annotations

from fastapi import FastAPI

from services.intake.adapters.idempotency import IDEMPOTENCY_DDL
from services.intake.entrypoints.http import router
from shared.service import ServiceSpec, create_app
from shared.settings import Settings

SPEC = ServiceSpec(name="intake", routers=[router], extra_ddl=[IDEMPOTENCY_DDL])


def build(settings: Settings | None = None) -> FastAPI:
    return create_app(SPEC, settings)
