"""A leader who receives a matter at a reception day takes personal charge of it (包案)."""

from __future__ import annotations

import pytest

from services.routing.domain.case import Case
from services.routing.domain.reactions import on_received_by_leader
from shared.events import LeaderAssigned, ReceivedByLeader
from shared.vocabulary import CaseStatus

pytestmark = pytest.mark.unit

RECEIVED = ReceivedByLeader(case_id="c-1", leader="leader-zhang", leader_name="县长 张明", schedule_id="s-1")


@pytest.mark.parametrize("status", [CaseStatus.ASSIGNED, CaseStatus.ACCEPTED, CaseStatus.UNDER_REVIEW])
def test_an_open_case_goes_into_the_leaders_charge(status: CaseStatus) -> None:
    assert on_received_by_leader(Case(case_id="c-1", status=status), RECEIVED) == [
        LeaderAssigned(case_id="c-1", leader="leader-zhang")
    ]


@pytest.mark.parametrize("status", [CaseStatus.CLOSED, CaseStatus.NOT_ACCEPTED, CaseStatus.SUBMITTED])
def test_a_settled_or_unrouted_case_changes_nothing(status: CaseStatus) -> None:
    assert on_received_by_leader(Case(case_id="c-1", status=status), RECEIVED) == []


def test_the_same_leader_again_records_nothing_twice() -> None:
    case = Case(case_id="c-1", status=CaseStatus.ACCEPTED, leader="leader-zhang")
    assert on_received_by_leader(case, RECEIVED) == []
    assert on_received_by_leader(Case(), RECEIVED) == []
