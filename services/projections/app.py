"""Wiring of the projections service: consume all three topics, serve queries, stream, dashboard."""

from __future__ import annotations

import asyncio

import structlog
from fastapi import FastAPI

from services.projections.adapters import segmenter
from services.projections.adapters.schema import POINTER_DDL, ensure_read_model, upgrade_layout
from services.projections.domain.evolve import CONSUMED
from services.projections.entrypoints import assessments, audit, cases, dashboard, reports, stats, stream
from services.projections.handlers import projections_of
from services.projections.replica import StalenessHeaders, sample_replica_lag
from shared.eventstore.roles import service_url
from shared.messaging.consumer import BatchHandler
from shared.messaging.inbox import INBOX_DDL, inbox_pruning
from shared.service import Context, ServiceSpec, create_app
from shared.settings import Settings

log = structlog.get_logger()


def _handlers(ctx: Context) -> BatchHandler:
    return BatchHandler(CONSUMED, projections_of(ctx).on_events)


async def _prepare(ctx: Context) -> None:
    await asyncio.to_thread(segmenter.warm)  # the dictionary, before the first petition's title needs it
    schema = await ensure_read_model(ctx.pool, ctx.name)
    async with ctx.pool.acquire() as conn:
        if await upgrade_layout(conn, schema):
            log.warning("projections.layout_upgraded", schema=schema, hint="run python -m services.projections.rebuild")
    empty = not await ctx.pool.fetchval(f"SELECT EXISTS (SELECT 1 FROM {schema}.event_log)")
    if empty and await ctx.pool.fetchval(f"SELECT EXISTS (SELECT 1 FROM {ctx.name}.inbox)"):
        log.warning("projections.empty_read_model", hint="run python -m services.projections.rebuild once")
    log.info("projections.serving", schema=schema)


async def _listen(ctx: Context) -> None:
    await projections_of(ctx).hub.listen(service_url(ctx.settings, ctx.name), ctx.name)


SPEC = ServiceSpec(
    name="projections",
    routers=[
        cases.router,
        stats.router,
        assessments.router,
        reports.router,
        audit.router,
        stream.router,
        dashboard.router,
    ],
    consumes=["intake", "routing", "sla"],
    handlers=_handlers,
    extra_ddl=[INBOX_DDL, POINTER_DDL],
    background=[_listen, inbox_pruning, sample_replica_lag],
    on_start=_prepare,
    consumer_appends=False,  # it keeps views only
    reads_from_replica=True,
    makes_schemas=True,  # read-model generations, made while serving by a rebuild (README "Database roles")
)


def build(settings: Settings | None = None) -> FastAPI:
    app = create_app(SPEC, settings)
    app.add_middleware(StalenessHeaders)
    return app
