"""Wiring of the sla service."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from functools import partial
from zoneinfo import ZoneInfo

from fastapi import FastAPI

from services.sla import handlers
from services.sla.adapters.policy_file import read_policies
from services.sla.domain.calendar import ChineseStatutoryCalendar, WorkingCalendar
from services.sla.domain.clocks import DueFn
from services.sla.domain.policies import PolicySet
from services.sla.entrypoints.http import router
from shared.events import CaseAssigned, RecordedEvent
from shared.messaging.consumer import Handler
from shared.messaging.topics import Topics
from shared.service import Context, ServiceSpec, create_app
from shared.settings import Settings


def statutory_due(policies: PolicySet, calendar: WorkingCalendar, tz: ZoneInfo) -> DueFn:
    """The deployment's policies, applied on its holiday calendar in its time zone."""

    def due(start: datetime, kind: str, category: str, channel: str) -> tuple[datetime, int, str, str]:
        policy = policies.resolve(category=category, channel=channel)
        spec = policy.clock(kind)
        return spec.due(start, calendar, tz), spec.amount, spec.unit, policy.name

    return due


def _handlers(ctx: Context) -> Mapping[str, Handler]:
    due = statutory_due(read_policies(), ChineseStatutoryCalendar(), ZoneInfo(ctx.settings.pujiang_timezone))
    return {CaseAssigned.type_name(): partial(handlers.on_case_assigned, ctx, due)}


def _topic_for(topics: Topics, event: RecordedEvent) -> str:
    return topics.clock if event.stream_id == handlers.CLOCK_STREAM else topics.of("sla")


SPEC = ServiceSpec(name="sla", routers=[router], consumes=["routing"], handlers=_handlers, topic_for=_topic_for)


def build(settings: Settings | None = None) -> FastAPI:
    return create_app(SPEC, settings)
