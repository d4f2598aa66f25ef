"""Wiring of the sla service."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import structlog
from fastapi import FastAPI

from services.sla.adapters.holiday_file import supplemented
from services.sla.adapters.policy_file import read_policies
from services.sla.adapters.timers import TIMERS_DDL, TimerStore
from services.sla.domain.calendar import ChineseStatutoryCalendar
from services.sla.domain.rules import ClockRules
from services.sla.entrypoints.http import router
from services.sla.entrypoints.timer_loop import fire_timers
from services.sla.handlers import CLOCK_STREAM, Sla
from services.sla.settings import SlaSettings
from shared.events import (
    CaseAccepted,
    CaseAssigned,
    CaseClosed,
    CaseNotAccepted,
    CaseReopenedForReview,
    CaseResolved,
    ExtensionGranted,
    RecordedEvent,
)
from shared.events.routing import CaseSigned, ExtensionDenied, ExtensionRequested, ObjectionRaised, ObjectionRuled
from shared.messaging.consumer import BatchHandler
from shared.messaging.inbox import INBOX_DDL, inbox_pruning
from shared.messaging.topics import Topics
from shared.service import Context, ServiceSpec, create_app
from shared.settings import Settings

log = structlog.get_logger()

ROUTING_EVENTS = (
    CaseAssigned,
    CaseAccepted,
    CaseNotAccepted,
    ExtensionGranted,
    CaseResolved,
    CaseReopenedForReview,
    CaseClosed,
    # the work between units (issue 10): sign-off, send-back ruling, extension decision clocks
    CaseSigned,
    ObjectionRaised,
    ObjectionRuled,
    ExtensionRequested,
    ExtensionDenied,
)


def clock_rules(settings: Settings, sla: SlaSettings) -> ClockRules:
    """The deployment's policies, applied on the statutory holiday calendar in its time zone."""
    policies = read_policies(sla.policies_file)
    base = sla.policy or policies.default
    if base not in policies.policies:
        raise ValueError(f"PUJIANG_SLA_POLICY={base!r} names no policy; known: {sorted(policies.policies)}")
    calendar = supplemented(ChineseStatutoryCalendar(), sla.holidays_file)
    next_year = datetime.now(UTC).year + 1
    if not calendar.covers(next_year):
        # Not fatal: the count falls back to weekends only, which a supervisor should know.
        log.warning("sla.holidays_unknown", year=next_year, hint="list them in PUJIANG_SLA_HOLIDAYS_FILE")
    return ClockRules(policies, calendar, ZoneInfo(settings.pujiang_timezone), base)


def _handlers(ctx: Context) -> BatchHandler:
    rules = clock_rules(ctx.settings, SlaSettings())
    sla = Sla(ctx.store, TimerStore(ctx.name), rules, ctx.pool, ctx.clock, ctx.relay.poke, ctx.settings.dev)
    ctx.extras["sla"] = sla
    return BatchHandler(frozenset(event.type_name() for event in ROUTING_EVENTS), sla.on_events)


def _topic_for(topics: Topics, event: RecordedEvent) -> str:
    return topics.clock if event.stream_id == CLOCK_STREAM else topics.of("sla")


SPEC = ServiceSpec(
    name="sla",
    routers=[router],
    extra_ddl=[INBOX_DDL, TIMERS_DDL],
    consumes=["routing"],
    handlers=_handlers,
    topic_for=_topic_for,
    background=[fire_timers, inbox_pruning],
)


def build(settings: Settings | None = None) -> FastAPI:
    return create_app(SPEC, settings)
