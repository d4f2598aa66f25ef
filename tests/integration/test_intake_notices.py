"""Notices in intake against real PostgreSQL: issued once with the decision, delivered, retried, given up."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import asyncpg
import pytest

from services.intake.adapters.delivery.port import DeliveryFailed
from services.intake.adapters.notice_outbox import Outgoing
from services.intake.handlers import Intake, notices
from services.intake.handlers.notices import NoticeDesk
from shared.domain import Forbidden
from shared.http.auth import Principal
from shared.vocabulary import Role
from tests.integration.test_intake_petitioner import deliver, intake, petition_events, resolve, submit
from tests.unit.intake.facts import VILLAGE, assigned

pytestmark = pytest.mark.integration
__all__ = ["intake"]  # the fixture, shared with the petitioner's tests


class Flaky:
    """A channel that refuses the first `refusals` sends, then takes each notice once by its id."""

    def __init__(self, refusals: int) -> None:
        self.refusals = refusals
        self.taken: dict[str, int] = {}

    async def send(self, notice: Outgoing) -> str:
        if self.refusals > 0:
            self.refusals -= 1
            raise DeliveryFailed("gateway answered 503")
        self.taken[notice.notice_id] = self.taken.get(notice.notice_id, 0) + 1
        return f"msg-{notice.notice_id[:8]}"


def with_channel(intake: Intake, channel: Flaky, attempts: int) -> Intake:
    desk = NoticeDesk.configured()
    retry = desk.retry.model_copy(update={"max_attempts": attempts, "first_delay": timedelta(0)})
    return dataclasses.replace(intake, notices=dataclasses.replace(desk, retry=retry, channels={"sms": channel}))


async def states(pool: asyncpg.Pool, schema: str, case_id: str) -> list[tuple[str, str, int]]:
    rows = await pool.fetch(
        f"SELECT kind, state, attempts FROM {schema}.notice_outbox WHERE case_id = $1 ORDER BY issued_at, kind",
        case_id,
    )
    return [(r["kind"], r["state"], r["attempts"]) for r in rows]


async def test_each_decision_is_issued_once_even_when_its_event_arrives_again(intake: Intake) -> None:
    case = await submit(intake)
    await resolve(intake, case["case_id"])
    await deliver(intake, case["case_id"], "case", (1, assigned()))  # a redelivery: kept once, told once
    assert await states(intake.pool, intake.schema, case["case_id"]) == [
        ("accepted", "pending", 0),
        ("replied", "pending", 0),
    ]
    assert (await petition_events(intake, case["case_id"], notices=True)).count("NoticeIssued") == 2


async def deliver_until_settled(intake: Intake) -> int:
    """Delivery passes until nothing is due any more; answers how many sends were claimed in all."""
    claimed = 0
    while passed := await notices.deliver_due(intake):
        claimed += passed
    return claimed


async def test_a_failed_send_is_retried_and_then_recorded_delivered_once(intake: Intake) -> None:
    case = await submit(intake)
    await resolve(intake, case["case_id"])
    channel = Flaky(refusals=1)
    flaky = with_channel(intake, channel, attempts=3)
    assert await deliver_until_settled(flaky) == 3  # two sends, and one retry of the refused one
    assert await states(intake.pool, intake.schema, case["case_id"]) in (
        [("accepted", "delivered", 2), ("replied", "delivered", 1)],
        [("accepted", "delivered", 1), ("replied", "delivered", 2)],
    )
    assert set(channel.taken.values()) == {1}
    events = await petition_events(intake, case["case_id"], notices=True)
    assert (events.count("NoticeDeliveryFailed"), events.count("NoticeDelivered")) == (1, 2)


async def test_attempts_used_up_leave_the_notice_failed_for_officials_in_scope(intake: Intake) -> None:
    case = await submit(intake)
    await resolve(intake, case["case_id"])
    down = with_channel(intake, Flaky(refusals=100), attempts=2)
    assert await deliver_until_settled(down) == 4  # each of the two notices tried twice
    assert [s for _, s, _ in await states(intake.pool, intake.schema, case["case_id"])] == ["failed", "failed"]
    village = Principal(sub="li", role=Role.OFFICIAL, division=VILLAGE)
    failed = await notices.notices_in_state(intake, village, "failed")
    assert {n.case_id for n in failed} == {case["case_id"]}
    assert all(n.last_error == "gateway answered 503" for n in failed)
    elsewhere = Principal(sub="wu", role=Role.OFFICIAL, division="330782000000")
    assert await notices.notices_in_state(intake, elsewhere, "failed") == []
    with pytest.raises(Forbidden):
        await notices.notices_of_case(intake, elsewhere, case["case_id"])
    retried = await notices.retry_failed(intake, village, failed[0].notice_id)
    assert retried.state == "pending"
