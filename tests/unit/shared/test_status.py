"""One home for case statuses: which are open or terminal, which event leads where, whose jurisdiction."""

from __future__ import annotations

import pytest

from shared.domain import Forbidden
from shared.events import CaseClosed, CaseReopenedForReview, ClockStarted, ExtensionGranted, status_after
from shared.http.auth import Principal
from shared.vocabulary import AWAITING_UNIT, OPEN_STATUSES, TERMINAL_STATUSES, CaseStatus, Role
from tests.unit.intake.facts import T0, assigned, resolved, submitted

pytestmark = pytest.mark.unit


def test_every_status_is_open_or_terminal_and_a_unit_waits_only_on_open_ones() -> None:
    assert set(CaseStatus) == OPEN_STATUSES | TERMINAL_STATUSES
    assert not OPEN_STATUSES & TERMINAL_STATUSES
    assert AWAITING_UNIT < OPEN_STATUSES
    assert CaseStatus.RESOLVED.open
    assert CaseStatus.NOT_ACCEPTED.terminal
    assert not CaseStatus.SUBMITTED.terminal


def test_each_routing_event_leads_to_one_status_and_the_others_to_none() -> None:
    assert status_after(submitted()) is CaseStatus.SUBMITTED
    assert status_after(assigned()) is CaseStatus.ASSIGNED
    assert status_after(assigned(reason="transfer")) is CaseStatus.ASSIGNED
    assert status_after(assigned(reason="review")) is CaseStatus.UNDER_REVIEW
    assert status_after(assigned(reason="re_review")) is CaseStatus.UNDER_RE_REVIEW
    assert status_after(CaseReopenedForReview(case_id="c", round="re_review", reason="r")) is CaseStatus.UNDER_RE_REVIEW
    assert status_after(resolved()) is CaseStatus.RESOLVED
    assert status_after(CaseClosed(case_id="c", reason="final")) is CaseStatus.CLOSED
    assert status_after(ExtensionGranted(case_id="c", days=3, reason="r")) is None
    started = ClockStarted(
        case_id="c", clock_id="a-1", kind="a", policy="p", started_at=T0, due_at=T0, amount=1, unit="hours"
    )
    assert status_after(started) is None


def test_the_jurisdiction_check_passes_when_any_division_given_is_within_the_principals() -> None:
    county = Principal(sub="li", role=Role.OFFICIAL, division="330726000000")
    county.require_jurisdiction("330726101203")
    county.require_jurisdiction("330782000000", None, "330726101000")
    for outside in (("330782000000",), (None,), ()):
        with pytest.raises(Forbidden):
            county.require_jurisdiction(*outside)
    with pytest.raises(Forbidden):
        county.require_role(Role.AUDITOR)
