"""The clocks' JSON shape, and whose jurisdiction a clock falls in."""

from __future__ import annotations

from datetime import timedelta

import pytest

from services.sla.domain.commands import pause
from services.sla.entrypoints.views import case_clocks_view
from shared.events import CaseAccepted, CaseReopenedForReview, CaseResolved
from shared.jurisdiction.petition_bureau import division_of_unit as division_of
from shared.vocabulary import Level
from tests.unit.sla.support import ACCEPTANCE_DUE, CASE, RECEIVED, RULES, VILLAGE, assigned, record, run

pytestmark = pytest.mark.unit

DAY = timedelta(days=1)


def test_a_paused_clock_shows_its_pause_the_time_paused_and_no_timer() -> None:
    state = run((assigned(), RECEIVED))
    state = record(state, pause(state, "acceptance-1", "hearing", RECEIVED + DAY), RECEIVED + DAY)
    (clock,) = [c for c in case_clocks_view(state, RULES, RECEIVED + 3 * DAY)["clocks"] if c["kind"] == "acceptance"]
    assert clock["status"] == "paused"
    assert clock["paused"] == {"reason": "hearing", "since": RECEIVED + DAY}
    assert clock["paused_seconds"] == (2 * DAY).total_seconds()
    assert (clock["due"], clock["next_timer"], clock["breached"], clock["stopped"]) == (
        ACCEPTANCE_DUE,
        None,
        None,
        None,
    )
    assert clock["limit"] == {"amount": 15, "unit": "calendar_days"}
    assert clock["warned"] == []


def test_a_review_clock_falls_in_the_jurisdiction_of_the_case_until_its_unit_is_known() -> None:
    state = run(
        (assigned(), RECEIVED),
        (CaseAccepted(case_id=CASE, unit_id=VILLAGE, level=Level.VILLAGE), RECEIVED + DAY),
        (
            CaseResolved(case_id=CASE, reply="ok", unit_id=VILLAGE, division_code=VILLAGE, level=Level.VILLAGE),
            RECEIVED + 9 * DAY,
        ),
        (CaseReopenedForReview(case_id=CASE, round="review", reason="no"), RECEIVED + 10 * DAY),
    )
    assert state.clocks["review-1"].unit_id is None
    assert state.unit_of("review-1") == VILLAGE  # the review_request_window's, the resolving unit
    assert division_of("330726000000:land") == "330726000000"
