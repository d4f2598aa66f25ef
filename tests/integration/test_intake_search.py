"""Officials find petitions by the petitioner's phone, within their scope, against a real PostgreSQL."""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any

import asyncpg
import pytest

from services.intake import handlers
from services.intake.adapters import case_progress, petition_index
from services.intake.app import SPEC
from services.intake.entrypoints.bodies import PetitionIn
from services.intake.handlers import Intake, Submitted
from shared.clock import FixedClock
from shared.domain import Forbidden
from shared.eventstore.schema import migrate
from shared.eventstore.store import PostgresEventStore
from shared.http.auth import Principal
from shared.vocabulary import CaseStatus, Role
from tests.support.petitions import PUJIANG_VILLAGE, a_petition
from tests.unit.intake.facts import T0

pytestmark = pytest.mark.integration

ITS_TOWNSHIP, OTHER_TOWNSHIP, COUNTY = "330726001000", "330726105000", "330726000000"


@pytest.fixture
async def intake(pg_pool: asyncpg.Pool, schema: str) -> Intake:
    await migrate(pg_pool, schema, *(ddl.format(schema=schema) for ddl in SPEC.extra_ddl))
    clock = FixedClock(T0)
    return Intake(schema, pg_pool, PostgresEventStore(schema, "/pujiang/intake", clock), clock, lambda: None)


def a_phone() -> str:
    return f"135{random.randrange(10**8):08d}"


async def submit(intake: Intake, phone: str, **overrides: Any) -> Submitted:
    body = a_petition(petitioner={"name": "王芳", "phone": phone, "anonymous": False}, **overrides)
    result = await handlers.submit_petition(intake, PetitionIn.model_validate(body).command(None), None)
    assert isinstance(result, Submitted)
    return result


def official(division: str, role: Role = Role.OFFICIAL) -> Principal:
    return Principal(sub="李明", role=role, division=division)


async def found(intake: Intake, who: Principal, phone: str) -> list[str]:
    return [p.case_id for p in (await handlers.petitions_by_phone(intake, who, phone)).petitions]


async def test_the_phone_finds_the_petitions_in_scope_newest_first_with_codes_titles_and_statuses(
    intake: Intake,
) -> None:
    phone = a_phone()
    first = await submit(intake, phone, title="排水沟堵了")
    assert isinstance(intake.clock, FixedClock)
    intake.clock.advance(timedelta(minutes=5))
    second = await submit(intake, phone, category="environment", title="工厂夜间噪音")
    await submit(intake, a_phone())  # someone else's
    answer = await handlers.petitions_by_phone(intake, official(ITS_TOWNSHIP), phone)
    assert [p.case_id for p in answer.petitions] == [second.case_id, first.case_id]
    shown = answer.petitions[1]
    assert (shown.tracking_code, shown.title, shown.status) == (first.tracking_code, "排水沟堵了", "submitted")
    assert (shown.division_code, shown.category, answer.truncated) == (PUJIANG_VILLAGE, "neighbourhood_dispute", False)
    assert phone not in answer.model_dump_json()
    # However the official types the number.
    spaced = f"+86 {phone[:3]}-{phone[3:7]}-{phone[7:]}"
    assert await found(intake, official(COUNTY, Role.SUPERVISOR), spaced) == [second.case_id, first.case_id]


async def test_outside_the_callers_division_nothing_is_found_until_the_case_is_handled_there(intake: Intake) -> None:
    phone = a_phone()
    case = await submit(intake, phone)
    assert await found(intake, official(OTHER_TOWNSHIP), phone) == []
    # Transferred to the other township (routing's CaseAssigned, as the consumer applies it).
    async with intake.pool.acquire() as conn:
        await petition_index.set_status(conn, intake.schema, case.case_id, CaseStatus.ASSIGNED, OTHER_TOWNSHIP)
    assert await found(intake, official(OTHER_TOWNSHIP), phone) == [case.case_id]
    assert await found(intake, official(ITS_TOWNSHIP), phone) == [case.case_id]  # still the place of the matter
    assert (await handlers.petitions_by_phone(intake, official(COUNTY), phone)).petitions[0].status == "assigned"


async def test_an_anonymous_petitioner_is_never_found_by_their_phone(intake: Intake) -> None:
    phone = a_phone()
    body = a_petition(petitioner={"name": "王芳", "phone": phone, "anonymous": True})
    await handlers.submit_petition(intake, PetitionIn.model_validate(body).command(None), None)
    named = await submit(intake, phone, category="environment")
    for role in (Role.OFFICIAL, Role.SUPERVISOR, Role.ADMIN):
        assert await found(intake, official(COUNTY, role), phone) == [named.case_id]


async def test_auditors_and_unknown_numbers(intake: Intake) -> None:
    phone = a_phone()
    await submit(intake, phone)
    with pytest.raises(Forbidden):
        await handlers.petitions_by_phone(intake, official(COUNTY, Role.AUDITOR), phone)
    assert await found(intake, official(COUNTY), a_phone()) == []


async def test_rows_indexed_before_phones_were_are_completed_on_start_and_their_steps_get_kinds(intake: Intake) -> None:
    phone = a_phone()
    case = await submit(intake, phone)
    async with intake.pool.acquire() as conn:
        # As an older intake left them: no phone key, no anonymity flag, steps without kinds.
        await conn.execute(f"UPDATE {intake.schema}.petition_index SET phone_key = NULL, anonymous = NULL")
        await conn.execute(
            f"""UPDATE {intake.schema}.petitioner_view SET progress = jsonb_set(progress, '{{timeline}}',
                (SELECT jsonb_agg(e - 'kind' - 'params') FROM jsonb_array_elements(progress->'timeline') e))"""
        )
        old = await case_progress.load_view(conn, intake.schema, case.case_id)
    assert old is not None
    assert old.timeline[0].kind is None
    assert await found(intake, official(COUNTY), phone) == []  # unknown anonymity counts as anonymous
    assert await handlers.backfill(intake) >= 1
    assert await found(intake, official(COUNTY), phone) == [case.case_id]
    view = await handlers.view_petition(intake, case.tracking_code, case.access_code)
    assert [s.kind for s in view.timeline] == ["submitted"]
    assert await handlers.backfill(intake) == 0
