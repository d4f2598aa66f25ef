"""Repeats (重複信訪) against a real PostgreSQL: linked to the open matter in the same transaction."""

from __future__ import annotations

import asyncio
import dataclasses
import random
import uuid
from typing import Any

import asyncpg
import pytest

from services.intake import handlers
from services.intake.adapters import case_progress, petition_index
from services.intake.app import SPEC
from services.intake.domain.repeats import matter
from services.intake.entrypoints.bodies import PetitionIn
from services.intake.handlers import Intake, Linked, Submitted
from shared.clock import FixedClock
from shared.events import CaseClosed
from shared.events.intake import Petitioner
from shared.eventstore.schema import migrate
from shared.eventstore.store import PostgresEventStore
from shared.messaging.consumer import Consumed
from shared.vocabulary import CaseStatus
from tests.support.petitions import a_petition
from tests.unit.intake.facts import T0, recorded

pytestmark = pytest.mark.integration

TITLE, CONTENT = "鄰居的牆擋住了排水", "The neighbour's new wall blocks the drain behind my house."


@pytest.fixture
async def intake(pg_pool: asyncpg.Pool, schema: str) -> Intake:
    await migrate(pg_pool, schema, *(ddl.format(schema=schema) for ddl in SPEC.extra_ddl))
    clock = FixedClock(T0)
    return Intake(schema, pg_pool, PostgresEventStore(schema, "/pujiang/intake", clock), clock, lambda: None)


def someone() -> dict[str, Any]:
    return {"name": "王芳", "phone": f"138{random.randrange(10**8):08d}", "anonymous": False}


def the_matter(petitioner: dict[str, Any], **overrides: Any) -> dict[str, Any]:
    return a_petition(**{"title": TITLE, "content": CONTENT, "petitioner": dict(petitioner), **overrides})


async def submit(intake: Intake, body: dict[str, Any], key: str | None = None) -> tuple[type, dict[str, Any]]:
    """What the handler answered: Submitted or Linked, and its fields."""
    result = await handlers.submit_petition(intake, PetitionIn.model_validate(body).command(None), key)
    return type(result), dataclasses.asdict(result)


async def stream_types(intake: Intake, case_id: str) -> list[str]:
    async with intake.pool.acquire() as conn:
        return [e.type for e in await intake.store.load(conn, f"petition-{case_id}")]


async def count_submitted(intake: Intake) -> int:
    sql = f"SELECT count(*) FROM {intake.schema}.events WHERE type = 'PetitionSubmitted'"
    return int(await intake.pool.fetchval(sql))


async def test_the_index_finds_open_matters_by_person_category_and_neighbourhood(
    pg_pool: asyncpg.Pool, intake: Intake
) -> None:
    wang = Petitioner(name="王芳", phone="13800000000")
    old = matter("c-old", wang, "neighbourhood_dispute", "330726101203", TITLE, CONTENT, blind=intake.sealer.blind)
    async with pg_pool.acquire() as conn:
        await petition_index.add(conn, intake.schema, old, "MH0000000001", "hash", T0)
        same_town = old.model_copy(update={"case_id": "c-new", "division_code": "330726101000"})
        assert [m.case_id for m in await petition_index.open_matters(conn, intake.schema, same_town)] == ["c-old"]
        other_category = same_town.model_copy(update={"category": "environment"})
        assert await petition_index.open_matters(conn, intake.schema, other_category) == []
        assert await petition_index.credentials(conn, intake.schema, "MH0000000001") == ("c-old", "hash")
        await petition_index.set_status(conn, intake.schema, "c-old", CaseStatus.CLOSED)
        assert await petition_index.open_matters(conn, intake.schema, same_town) == []


async def test_a_repeat_is_linked_to_the_open_case_and_does_not_reveal_its_access_code(intake: Intake) -> None:
    petitioner = someone()
    status, first = await submit(intake, the_matter(petitioner))
    assert status is Submitted
    before = await count_submitted(intake)
    again = the_matter(petitioner, channel="visit", content=CONTENT + " Still!")
    status, answer = await submit(intake, again)
    assert status is Linked
    assert answer == {
        "case_id": first["case_id"],
        "tracking_code": first["tracking_code"],
        "duplicate_of": first["case_id"],
    }
    assert await count_submitted(intake) == before
    assert await stream_types(intake, first["case_id"]) == ["PetitionSubmitted", "RepeatPetitionReceived"]
    view = await handlers.view_petition(intake, first["tracking_code"], first["access_code"])
    assert view.repeats == 1
    assert view.timeline[-1].text == "the matter was raised again (visit) and linked to this case"


async def test_another_person_another_matter_or_a_closed_case_opens_a_new_case(intake: Intake) -> None:
    petitioner = someone()
    _, first = await submit(intake, the_matter(petitioner))
    assert (await submit(intake, the_matter(someone())))[0] is Submitted
    assert (await submit(intake, the_matter(petitioner, title="路燈壞了", content="The lamp is broken.")))[
        0
    ] is Submitted
    closed = CaseClosed(case_id=first["case_id"], reason="satisfied", satisfied=True)
    event = recorded(closed, "case", 1, T0, first["case_id"])
    async with intake.pool.acquire() as conn, conn.transaction():
        await handlers.on_followed(intake, conn, [Consumed.of(event)])
    status, answer = await submit(intake, the_matter(petitioner))
    assert status is Submitted
    assert answer["case_id"] != first["case_id"]


async def test_racing_copies_of_one_matter_open_one_case(intake: Intake) -> None:
    petitioner = someone()
    answers = await asyncio.gather(*(submit(intake, the_matter(petitioner)) for _ in range(8)))
    assert sorted(status.__name__ for status, _ in answers) == ["Linked"] * 7 + ["Submitted"]
    assert len({answer["case_id"] for _, answer in answers}) == 1


async def test_a_retried_repeat_with_its_key_gets_the_same_answer_and_records_nothing_more(intake: Intake) -> None:
    petitioner = someone()
    _, first = await submit(intake, the_matter(petitioner))
    key, body = str(uuid.uuid4()), the_matter(petitioner)
    assert await submit(intake, body, key) == await submit(intake, body, key)
    assert await stream_types(intake, first["case_id"]) == ["PetitionSubmitted", "RepeatPetitionReceived"]


async def test_petitions_recorded_before_the_index_existed_are_indexed_on_start(intake: Intake) -> None:
    petitioner = someone()
    _, first = await submit(intake, the_matter(petitioner))
    async with intake.pool.acquire() as conn:
        await conn.execute(f"DELETE FROM {intake.schema}.petition_index")
        await conn.execute(f"DELETE FROM {intake.schema}.petitioner_view")
    assert await handlers.backfill(intake) >= 1
    assert (await handlers.view_petition(intake, first["tracking_code"], first["access_code"])).status
    assert (await submit(intake, the_matter(petitioner)))[0] is Linked
    async with intake.pool.acquire() as conn:
        assert await case_progress.load_view(conn, intake.schema, first["case_id"]) is not None
    assert await handlers.backfill(intake) == 0


async def test_racing_retries_with_one_key_record_one_petition_and_get_one_answer(intake: Intake) -> None:
    key, body = str(uuid.uuid4()), the_matter(someone())
    before = await count_submitted(intake)
    answers = await asyncio.gather(*(submit(intake, body, key) for _ in range(6)))
    assert {(kind, answer["case_id"]) for kind, answer in answers} == {(Submitted, answers[0][1]["case_id"])}
    assert len({answer["access_code"] for _, answer in answers}) == 1
    assert await count_submitted(intake) == before + 1


async def test_a_key_reused_for_another_body_is_refused_within_a_group_too(intake: Intake) -> None:
    key = str(uuid.uuid4())
    first, other = the_matter(someone()), the_matter(someone())
    answers = await asyncio.gather(submit(intake, first, key), submit(intake, other, key), return_exceptions=True)
    assert sorted(type(a).__name__ for a in answers) == ["IdempotencyKeyReused", "tuple"]
