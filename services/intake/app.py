"""Wiring of the intake service."""

from __future__ import annotations

from fastapi import FastAPI

from services.intake import handlers
from services.intake.adapters.access_failures import ACCESS_FAILURES_DDL
from services.intake.adapters.case_progress import CASE_PROGRESS_DDL
from services.intake.adapters.idempotency import IDEMPOTENCY_DDL
from services.intake.adapters.identity_reads import IDENTITY_READS_DDL
from services.intake.adapters.merged_petitions import MERGED_PETITIONS_DDL
from services.intake.adapters.notice_outbox import NOTICE_OUTBOX_DDL
from services.intake.adapters.personal_keys import PERSONAL_KEYS_DDL
from services.intake.adapters.petition_index import PETITION_INDEX_DDL
from services.intake.adapters.reception_index import RECEPTION_INDEX_DDL
from services.intake.entrypoints.http import router
from services.intake.entrypoints.notices_http import router as notices_router
from services.intake.entrypoints.open311 import router as open311_router
from services.intake.entrypoints.personal_data_http import router as personal_data_router
from services.intake.entrypoints.receptions_http import router as receptions_router
from services.intake.handlers import notices
from shared.jurisdiction.division_data import deployment_catalogue, deployment_tree
from shared.messaging.consumer import BatchHandler
from shared.messaging.inbox import INBOX_DDL, inbox_pruning
from shared.service import Context, ServiceSpec, create_app
from shared.settings import Settings


def _handlers(ctx: Context) -> BatchHandler:
    # Load the jurisdiction data now: a bad data file fails the start, not the first petition.
    deployment_tree(), deployment_catalogue()
    intake = handlers.Intake.of(ctx)
    ctx.extras["intake"] = intake
    return handlers.followed_handler(intake)


async def _notice_delivery(ctx: Context) -> None:
    await notices.delivery_loop(ctx.extras["intake"])


async def _on_start(ctx: Context) -> None:
    await handlers.backfill(ctx.extras["intake"])


SPEC = ServiceSpec(
    name="intake",
    routers=[router, receptions_router, notices_router, open311_router, personal_data_router],
    extra_ddl=[
        INBOX_DDL,
        IDEMPOTENCY_DDL,
        PETITION_INDEX_DDL,
        CASE_PROGRESS_DDL,
        ACCESS_FAILURES_DDL,
        RECEPTION_INDEX_DDL,
        NOTICE_OUTBOX_DDL,
        MERGED_PETITIONS_DDL,
        PERSONAL_KEYS_DDL,
        IDENTITY_READS_DDL,
    ],
    consumes=["routing", "sla"],
    handlers=_handlers,
    background=[inbox_pruning, _notice_delivery],
    on_start=_on_start,
    seals_personal_data=True,
)


def build(settings: Settings | None = None) -> FastAPI:
    return create_app(SPEC, settings)
