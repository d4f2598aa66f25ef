"""Wiring of the routing service."""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial

from fastapi import FastAPI

from services.routing import handlers
from services.routing.adapters.jurisdictions import load_jurisdictions
from shared.events import PetitionSubmitted
from shared.messaging.consumer import Handler
from shared.service import Context, ServiceSpec, create_app
from shared.settings import Settings


def _handlers(ctx: Context) -> Mapping[str, Handler]:
    where = load_jurisdictions()
    ctx.extras["jurisdictions"] = where
    return {PetitionSubmitted.type_name(): partial(handlers.on_petition_submitted, ctx, where)}


SPEC = ServiceSpec(name="routing", consumes=["intake"], handlers=_handlers)


def build(settings: Settings | None = None) -> FastAPI:
    return create_app(SPEC, settings)
