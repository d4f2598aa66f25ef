"""並案 in intake against real PostgreSQL: who is merged into which lead, the merged petitioner's view
and notices under their own code, told once however often routing's events arrive."""

from __future__ import annotations

from datetime import timedelta

import asyncpg
import pytest

from services.intake import handlers
from services.intake.adapters import notice_outbox
from services.intake.handlers import Intake
from services.intake.handlers.notices import open_addresses
from services.intake.handlers.sealing import open_people, people_of
from shared.events import (
    REGISTRY,
    CaseAccepted,
    CaseClosed,
    CaseMergedInto,
    CaseMergeUndone,
    CasesMergedIn,
    CaseUnmerged,
    PetitionSubmitted,
)
from shared.messaging.consumer import Consumed
from tests.integration.test_intake_petitioner import deliver, intake, submit
from tests.unit.intake.facts import T0, VILLAGE, assigned, recorded, resolved

pytestmark = pytest.mark.integration
__all__ = ["intake"]  # the fixture, shared with the petitioner's tests


async def told(intake: Intake, case_id: str) -> list[tuple[str, str, str | None]]:
    """(kind, tracking code, address opened) of the case's notices; the outbox keeps each address sealed."""
    async with intake.pool.acquire() as conn:
        rows = await conn.fetch(
            f"""SELECT notice_id FROM {intake.schema}.notice_outbox WHERE case_id = $1
                ORDER BY issued_at, kind""",
            case_id,
        )
        found = [await notice_outbox.outgoing(conn, intake.schema, r["notice_id"]) for r in rows]
        notices = [n for n in found if n is not None]
        assert all(n.address.startswith("v1.") for n in notices)  # sealed, never the phone itself
        addresses = await open_addresses(intake, conn, notices)
    return [(n.kind, n.tracking_code, a) for n, a in zip(notices, addresses, strict=True)]


async def phone_of(intake: Intake, case_id: str) -> str:
    """The petitioner's phone, opened from the sealed event with intake's keys."""
    async with intake.pool.acquire() as conn:
        first = (await intake.store.load(conn, f"petition-{case_id}"))[0]
        submitted = REGISTRY.decode(first)
        assert isinstance(submitted, PetitionSubmitted)
        [opened] = await open_people(intake, conn, people_of(submitted)[:1])
    assert opened.person is not None
    return opened.person.phone


async def merged_rows(pool: asyncpg.Pool, schema: str) -> list[tuple[str, str]]:
    rows = await pool.fetch(f"SELECT case_id, lead_case_id FROM {schema}.merged_petition ORDER BY case_id")
    return [(r["case_id"], r["lead_case_id"]) for r in rows]


async def test_a_merged_petitioner_follows_the_lead_under_their_own_code_until_the_merge_is_undone(
    intake: Intake,
) -> None:
    lead, other = await submit(intake), await submit(intake)
    lead_id, other_id = lead["case_id"], other["case_id"]
    await deliver(intake, lead_id, "case", (1, assigned()))
    await deliver(intake, other_id, "case", (1, assigned()))
    joined = CasesMergedIn(case_id=lead_id, merged_case_ids=(other_id,), reason="同一堵墙")
    await deliver(intake, lead_id, "case", (2, joined))
    into = CaseMergedInto(case_id=other_id, lead_case_id=lead_id, reason="同一堵墙")
    await deliver(intake, other_id, "case", (2, into), (3, CaseClosed(case_id=other_id, reason="merged")))
    assert await merged_rows(intake.pool, intake.schema) == [(other_id, lead_id)]
    index = await intake.pool.fetchval(
        f"SELECT status FROM {intake.schema}.petition_index WHERE case_id = $1", other_id
    )
    assert index == "closed"  # no repeat check or suggestion finds a merged case

    accepted = CaseAccepted(case_id="", unit_id=VILLAGE, level="village")
    await deliver(intake, lead_id, "case", (3, accepted), (3, accepted))  # and once more: told once
    view = await handlers.view_petition(intake, other["tracking_code"], other["access_code"])
    assert (view.merged, view.status, view.tracking_code) == (True, "accepted", other["tracking_code"])
    phone = await phone_of(intake, other_id)
    assert await told(intake, other_id) == [  # the test's clock stands still: by kind
        ("accepted", other["tracking_code"], phone),
        ("merged", other["tracking_code"], phone),
    ]
    assert [k for k, *_ in await told(intake, lead_id)] == ["accepted"]

    undone = CaseMergeUndone(case_id=lead_id, merged_case_id=other_id, reason="不同事项")
    await deliver(intake, lead_id, "case", (4, undone))
    unmerged = CaseUnmerged(case_id=other_id, lead_case_id=lead_id, reason="不同事项")
    await deliver(intake, other_id, "case", (4, unmerged), (5, assigned(reason="unmerged")))
    assert await merged_rows(intake.pool, intake.schema) == []
    view = await handlers.view_petition(intake, other["tracking_code"], other["access_code"])
    assert (view.merged, view.status) == (False, "assigned")
    await deliver(intake, lead_id, "case", (5, resolved()))  # the lead's reply is no longer theirs
    assert [k for k, *_ in await told(intake, other_id)] == ["accepted", "merged", "unmerged"]


async def test_an_undo_from_one_lead_leaves_a_later_merge_into_another_alone(intake: Intake) -> None:
    first, second, other = await submit(intake), await submit(intake), await submit(intake)
    first_id, second_id, other_id = first["case_id"], second["case_id"], other["case_id"]
    for case in (first, second, other):
        await deliver(intake, case["case_id"], "case", (1, assigned()))
    await deliver(
        intake, first_id, "case", (2, CasesMergedIn(case_id=first_id, merged_case_ids=(other_id,), reason="r"))
    )
    # Undone from the first lead and merged into the second: the second lead's topic partition ran
    # ahead, so its merge arrives before the first lead's undo.
    await deliver(
        intake, second_id, "case", (2, CasesMergedIn(case_id=second_id, merged_case_ids=(other_id,), reason="r"))
    )
    await deliver(intake, first_id, "case", (3, CaseMergeUndone(case_id=first_id, merged_case_id=other_id, reason="r")))
    assert await merged_rows(intake.pool, intake.schema) == [(other_id, second_id)]


async def test_a_lead_decision_taken_before_the_merge_is_not_told_to_the_merged_petitioner(intake: Intake) -> None:
    lead, other = await submit(intake), await submit(intake)
    lead_id, other_id = lead["case_id"], other["case_id"]
    await deliver(intake, other_id, "case", (1, assigned()))
    # One consumer batch: the lead's transfer, then the merge (the lead's own order).
    moved = assigned(reason="transfer", unit_name="浦阳街道社会治理中心").model_copy(update={"case_id": lead_id})
    joined = CasesMergedIn(case_id=lead_id, merged_case_ids=(other_id,), reason="同一堵墙")
    first = assigned().model_copy(update={"case_id": lead_id})
    batch = [recorded(e, "case", v, T0 + timedelta(hours=v), lead_id) for v, e in ((1, first), (2, moved), (3, joined))]
    async with intake.pool.acquire() as conn, conn.transaction():
        await handlers.on_followed(intake, conn, [Consumed.of(r) for r in batch])
    assert [k for k, *_ in await told(intake, lead_id)] == ["transferred"]
    assert await told(intake, other_id) == []  # told of the merge by its own event, later
