"""The petitioner's side against a real PostgreSQL: the view fed by routing's and sla's events,
access by tracking code plus access code, throttling, feedback and review requests."""

from __future__ import annotations

import dataclasses
import random
from datetime import timedelta
from typing import Any

import asyncpg
import pytest

from services.intake import handlers
from services.intake.adapters import case_progress
from services.intake.app import SPEC
from services.intake.domain.commands import GiveFeedback, RequestReview
from services.intake.entrypoints.bodies import PetitionIn
from services.intake.handlers import Intake, Submitted
from services.intake.handlers.petitioner import MAX_WRONG_CODES
from shared.clock import FixedClock
from shared.domain import Refusal
from shared.events import CaseAccepted, CaseClosed, Event
from shared.eventstore.schema import migrate
from shared.eventstore.store import PostgresEventStore
from shared.messaging.consumer import Consumed
from tests.support.petitions import a_petition
from tests.unit.intake.facts import T0, VILLAGE, assigned, clock, recorded, resolved

pytestmark = pytest.mark.integration


@pytest.fixture
async def intake(pg_pool: asyncpg.Pool, schema: str) -> Intake:
    await migrate(pg_pool, schema, *(ddl.format(schema=schema) for ddl in SPEC.extra_ddl))
    clock_ = FixedClock(T0)
    return Intake(schema, pg_pool, PostgresEventStore(schema, "/pujiang/intake", clock_), clock_, lambda: None)


def advance(intake: Intake, by: timedelta) -> None:
    assert isinstance(intake.clock, FixedClock)  # the fixture's clock: moved only by the test
    intake.clock.advance(by)


async def submit(intake: Intake, **overrides: Any) -> dict[str, Any]:
    body = a_petition(**overrides)
    body["petitioner"]["phone"] = f"139{random.randrange(10**8):08d}"
    result = await handlers.submit_petition(intake, PetitionIn.model_validate(body).command(None), None)
    assert isinstance(result, Submitted)
    return dataclasses.asdict(result)


async def deliver(intake: Intake, case_id: str, stream: str, *numbered: tuple[int, Event]) -> None:
    """Routing's or sla's events reaching intake (an hour apart), one consumer transaction each."""
    for version, event in numbered:
        payload = event.model_copy(update={"case_id": case_id})
        fact = recorded(payload, stream, version, T0 + timedelta(hours=version), case_id)
        async with intake.pool.acquire() as conn, conn.transaction():
            await handlers.on_followed(intake, conn, [Consumed.of(fact)])


async def resolve(intake: Intake, case_id: str) -> None:
    await deliver(
        intake,
        case_id,
        "case",
        (1, assigned()),
        (2, CaseAccepted(case_id="", unit_id=VILLAGE, level="village")),
        (3, resolved()),
    )


async def petition_events(intake: Intake, case_id: str, notices: bool = False) -> list[str]:
    """The petition stream's event types; the notices on it only when asked (test_intake_notices)."""
    async with intake.pool.acquire() as conn:
        types = [e.type for e in await intake.store.load(conn, f"petition-{case_id}")]
    return types if notices else [t for t in types if not t.startswith("Notice")]


async def test_the_view_follows_routing_and_sla_in_whatever_order_they_arrive(intake: Intake) -> None:
    case = await submit(intake)
    first = await handlers.view_petition(intake, case["tracking_code"], case["access_code"])
    assert (first.status, first.handling_unit, first.deadlines) == ("submitted", None, [])
    accepted = CaseAccepted(case_id="", unit_id=VILLAGE, level="village")
    await deliver(intake, case["case_id"], "clocks", (1, clock("acceptance", 1, T0, 15)))
    await deliver(intake, case["case_id"], "case", (2, accepted), (1, assigned()), (2, accepted))  # late, twice
    view = await handlers.view_petition(intake, case["tracking_code"].lower(), case["access_code"])
    assert (view.status, view.level, view.handling_unit) == ("accepted", "village", "浦陽街道某村村委會")
    assert view.model_dump()["deadlines"] == [
        {"kind": "acceptance", "due": (T0 + timedelta(days=15)).isoformat(), "state": "running"}
    ]
    assert [e.text for e in view.timeline] == [
        "petition received (online)",
        "assigned to 浦陽街道某村村委會",
        "accepted",
    ]
    async with intake.pool.acquire() as conn:
        stored = await case_progress.load_view(conn, intake.schema, case["case_id"])
        status = await conn.fetchval(
            f"SELECT status FROM {intake.schema}.petition_index WHERE case_id = $1", case["case_id"]
        )
    assert stored is not None
    assert stored.status == status == "accepted"


async def test_one_batch_over_many_cases_gives_the_views_of_one_event_at_a_time(intake: Intake) -> None:
    """A consumed batch is applied set-based; each view is what the same events one by one would give."""
    batched, single = [await submit(intake) for _ in range(3)], [await submit(intake) for _ in range(3)]
    accepted = CaseAccepted(case_id="", unit_id=VILLAGE, level="village")
    plan: list[tuple[str, int, Event]] = [("case", 1, assigned()), ("clocks", 1, clock("acceptance", 1, T0, 15))]
    plan_of = {0: plan, 1: [*plan, ("case", 2, accepted)], 2: [("case", 2, accepted), *plan]}  # one out of order

    def facts(case_id: str, i: int) -> list[Consumed]:
        return [
            Consumed.of(recorded(e.model_copy(update={"case_id": case_id}), s, v, T0 + timedelta(hours=v), case_id))
            for s, v, e in plan_of[i]
        ]

    batch = [c for i, case in enumerate(batched) for c in facts(case["case_id"], i)]
    batch += facts("not-indexed-here", 0)  # a case intake does not know (yet) changes nothing
    async with intake.pool.acquire() as conn, conn.transaction():
        await handlers.on_followed(intake, conn, [*batch, *batch[:2]])  # a repeat in the same batch
    for i, case in enumerate(single):
        for one in facts(case["case_id"], i):
            async with intake.pool.acquire() as conn, conn.transaction():
                await handlers.on_followed(intake, conn, [one])
    for i in range(3):
        a = await handlers.view_petition(intake, batched[i]["tracking_code"], batched[i]["access_code"])
        b = await handlers.view_petition(intake, single[i]["tracking_code"], single[i]["access_code"])
        assert (a.status, a.handling_unit, a.model_dump()["deadlines"]) == (
            b.status,
            b.handling_unit,
            b.model_dump()["deadlines"],
        )
        assert [e.text for e in a.timeline] == [e.text for e in b.timeline]
    statuses = await intake.pool.fetch(
        f"SELECT status, count(*) AS n FROM {intake.schema}.petition_index GROUP BY status ORDER BY status"
    )
    assert {r["status"]: r["n"] for r in statuses} == {"assigned": 2, "accepted": 4}


async def test_a_wrong_missing_or_foreign_code_looks_like_no_petition_at_all(intake: Intake) -> None:
    mine, theirs = await submit(intake), await submit(intake)
    attempts = [
        (mine["tracking_code"], "WRONGWRONG00"),
        (mine["tracking_code"], ""),
        (mine["tracking_code"], theirs["access_code"]),
        ("MH0000000000", mine["access_code"]),
        ("not-a-code", mine["access_code"]),
    ]
    for tracking_code, access_code in attempts:
        with pytest.raises(Refusal) as refused:
            await handlers.view_petition(intake, tracking_code, access_code)
        assert (refused.value.status, refused.value.message) == (404, "petition not found")


async def test_wrong_codes_for_one_tracking_code_are_throttled_even_for_the_right_code(intake: Intake) -> None:
    case, other = await submit(intake), await submit(intake)
    for _ in range(MAX_WRONG_CODES):
        with pytest.raises(Refusal, match="not found"):
            await handlers.view_petition(intake, case["tracking_code"], "WRONGWRONG00")
    with pytest.raises(Refusal) as throttled:
        await handlers.view_petition(intake, case["tracking_code"], case["access_code"])
    assert throttled.value.status == 429
    with pytest.raises(Refusal) as also:
        await handlers.give_feedback(intake, case["tracking_code"], case["access_code"], GiveFeedback(satisfied=True))
    assert also.value.status == 429
    assert (await handlers.view_petition(intake, other["tracking_code"], other["access_code"])).status


async def test_feedback_before_resolution_is_a_409_naming_the_status_and_records_nothing(intake: Intake) -> None:
    case = await submit(intake)
    await deliver(intake, case["case_id"], "case", (1, assigned()))
    with pytest.raises(Refusal) as refused:
        await handlers.give_feedback(intake, case["tracking_code"], case["access_code"], GiveFeedback(satisfied=True))
    assert (refused.value.status, refused.value.details) == (409, [{"current_status": "assigned"}])
    assert await petition_events(intake, case["case_id"]) == ["PetitionSubmitted"]


async def test_feedback_after_the_reply_is_recorded_once(intake: Intake) -> None:
    case = await submit(intake)
    await resolve(intake, case["case_id"])
    feedback = GiveFeedback(satisfied=False, comment="the wall is still there")
    view = await handlers.give_feedback(intake, case["tracking_code"], case["access_code"], feedback)
    assert view.model_dump()["feedback"] == [{"round": "first", "satisfied": False}]
    assert view.model_dump()["may"] == {
        "give_feedback": False,
        "request_review": True,
        "withdraw": True,
        "add_information": True,
    }
    with pytest.raises(Refusal) as again:
        await handlers.give_feedback(intake, case["tracking_code"], case["access_code"], feedback)
    assert (again.value.status, again.value.details) == (409, [{"current_status": "resolved"}])
    assert await petition_events(intake, case["case_id"]) == ["PetitionSubmitted", "FeedbackGiven"]


async def test_review_is_asked_within_slas_window_once(intake: Intake) -> None:
    late, timely = await submit(intake), await submit(intake)
    for case in (late, timely):
        await resolve(intake, case["case_id"])
        await deliver(intake, case["case_id"], "clocks", (1, clock("review_request_window", 1, T0, 30)))
    why = RequestReview(reason="nothing changed")
    advance(intake, timedelta(days=1))
    view = await handlers.request_review(intake, timely["tracking_code"], timely["access_code"], why)
    assert view.review_requests == ["review"]
    assert view.timeline[-1].text == "review requested: nothing changed"
    with pytest.raises(Refusal, match="already requested"):
        await handlers.request_review(intake, timely["tracking_code"], timely["access_code"], why)
    advance(intake, timedelta(days=30))  # past sla's due (T0 + 30 days)
    with pytest.raises(Refusal, match="passed") as refused:
        await handlers.request_review(intake, late["tracking_code"], late["access_code"], why)
    assert refused.value.details == [{"current_status": "resolved"}]
    assert await petition_events(intake, late["case_id"]) == ["PetitionSubmitted"]


async def test_nothing_is_answered_once_the_case_is_closed(intake: Intake) -> None:
    case = await submit(intake)
    await resolve(intake, case["case_id"])
    await deliver(intake, case["case_id"], "case", (4, CaseClosed(case_id="", reason="satisfied", satisfied=True)))
    with pytest.raises(Refusal) as refused:
        await handlers.request_review(intake, case["tracking_code"], case["access_code"], RequestReview(reason="r"))
    assert refused.value.details == [{"current_status": "closed"}]
