"""The petitioner's view: folded from every service's events, in any order, without anyone's identity."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.intake.domain.document import petitioner_document
from services.intake.domain.progress import CaseProgress, Fact, fold_progress
from shared.events import (
    CaseAccepted,
    CaseClosed,
    CaseNotAccepted,
    CaseReopenedForReview,
    ClockExtended,
    ExtensionGranted,
    FeedbackGiven,
    LeaderAssigned,
    RepeatPetitionReceived,
    ReviewRequested,
    SupervisionIssued,
)
from shared.events.status import status_after
from shared.vocabulary import CaseStatus, Channel, Level
from tests.unit.intake.facts import CASE, T0, VILLAGE, assigned, clock, facts, resolved, stopped, submitted

pytestmark = pytest.mark.unit

TOWNSHIP_UNIT = "浦陽街道社會治理中心"


def whole_lifecycle() -> list[Fact]:
    """Two rounds, everything a case can go through, from all three streams."""
    return [
        *facts(
            "petition",
            submitted(),
            RepeatPetitionReceived(case_id=CASE, channel=Channel.VISIT, title="again", content="still blocked"),
            FeedbackGiven(case_id=CASE, satisfied=False, comment="not moved"),
            ReviewRequested(case_id=CASE, reason="nothing happened", round="review"),
            start=T0 - timedelta(hours=1),
            step=timedelta(days=1),
        ),
        *facts(
            "case",
            assigned(),
            CaseAccepted(case_id=CASE, unit_id=VILLAGE, level=Level.VILLAGE),
            LeaderAssigned(case_id=CASE, leader="leader-zhang-wei"),
            ExtensionGranted(case_id=CASE, days=10, reason="a hearing is needed"),
            SupervisionIssued(
                case_id=CASE,
                step="reminder",
                clock_id="handling-1",
                clock_kind="handling",
                by_division="330726101000",
                breach_count=1,
            ),
            resolved(),
            CaseReopenedForReview(case_id=CASE, round="review", reason="nothing happened"),
            assigned("review", TOWNSHIP_UNIT, Level.TOWNSHIP),
        ),
        *facts(
            "clocks",
            clock("acceptance", 1, T0, 15),
            stopped("acceptance", 1),
            clock("handling", 1, T0, 60),
            ClockExtended(case_id=CASE, clock_id="handling-1", days=10, due_at=T0 + timedelta(days=70)),
        ),
    ]


def test_before_routing_answers_the_case_is_submitted_with_no_unit() -> None:
    progress = fold_progress(facts("petition", submitted()))
    assert (progress.status, progress.level, progress.unit_name) == (CaseStatus.SUBMITTED, None, None)
    assert [e.text for e in progress.timeline] == ["petition received (online)"]


def test_the_lifecycle_reads_in_plain_words_and_ends_under_review_at_the_township() -> None:
    progress = fold_progress(whole_lifecycle())
    assert (progress.status, progress.level, progress.unit_name) == (
        CaseStatus.UNDER_REVIEW,
        Level.TOWNSHIP,
        TOWNSHIP_UNIT,
    )
    assert progress.round == "review"
    assert progress.repeats == 1
    texts = [e.text for e in progress.timeline]
    assert "assigned to 浦陽街道某村村委會" in texts
    assert "accepted" in texts
    assert "extended by 10 days: a hearing is needed" in texts
    assert "reply given: The wall will be moved." in texts
    assert f"sent for review to {TOWNSHIP_UNIT}" in texts
    assert "review requested: nothing happened" in texts
    assert [e.time for e in progress.timeline] == sorted(e.time for e in progress.timeline)


def test_every_step_has_a_stable_kind_and_the_params_its_sentence_needs() -> None:
    progress = fold_progress(whole_lifecycle())
    steps = {e.kind: e.params for e in progress.timeline}
    assert steps["submitted"] == {"channel": "online"}
    assert steps["repeat"] == {"channel": "visit"}
    assert steps["assigned.initial"] == {"unit": "浦陽街道某村村委會"}
    assert steps["assigned.review"] == {"unit": TOWNSHIP_UNIT}
    assert steps["extended"] == {"days": 10, "reason": "a hearing is needed"}
    assert steps["resolved.first"] == {"reply": "The wall will be moved."}
    assert steps["feedback.first.unsatisfied"] == {}
    assert steps["review_requested.review"] == {"reason": "nothing happened"}
    assert {"accepted", "leader_assigned", "supervision.reminder", "reopened.review"} <= steps.keys()
    # No official's identity in a step's params either (the leader's name stays out).
    assert "leader-zhang-wei" not in str(steps)
    shown = petitioner_document(progress, T0).timeline
    assert [(s.kind, s.text) for s in shown] == [(e.kind, e.text) for e in progress.timeline]


def test_a_view_stored_before_steps_had_kinds_still_loads() -> None:
    stored = fold_progress(facts("petition", submitted())).model_dump(mode="json")
    for entry in stored["timeline"]:
        del entry["kind"], entry["params"]
    old = CaseProgress.model_validate(stored)
    assert [(e.kind, e.params, e.text) for e in old.timeline] == [(None, {}, "petition received (online)")]


def test_the_handling_units_division_follows_every_move() -> None:
    assert fold_progress(facts("petition", submitted())).handling_division is None
    moved = assigned("transfer", TOWNSHIP_UNIT, Level.TOWNSHIP).model_copy(update={"division_code": "330726102000"})
    progress = fold_progress([*facts("petition", submitted()), *facts("case", assigned(), moved)])
    assert progress.handling_division == "330726102000"


@given(st.permutations(whole_lifecycle()))
def test_the_view_is_the_same_whatever_order_the_topics_delivered(shuffled: list[Fact]) -> None:
    assert fold_progress(shuffled) == fold_progress(whole_lifecycle())


def test_deadlines_follow_the_clocks_and_the_view_shows_no_clock_ids() -> None:
    document = petitioner_document(fold_progress(whole_lifecycle()), T0)
    assert document.model_dump()["deadlines"] == [
        {"kind": "acceptance", "due": (T0 + timedelta(days=15)).isoformat(), "state": "stopped"},
        {"kind": "handling", "due": (T0 + timedelta(days=70)).isoformat(), "state": "running"},
    ]
    assert "handling-1" not in document.model_dump_json()


def test_the_view_names_no_official_and_not_even_the_petitioner() -> None:
    progress = fold_progress([*whole_lifecycle(), *facts("petition", submitted(anonymous=True))])
    shown = petitioner_document(progress, T0).model_dump_json()
    for private in ("leader-zhang-wei", "王芳", "13800000000", "330726199001011234", "actor", "unit_id"):
        assert private not in shown


def test_a_change_to_a_clock_whose_start_has_not_arrived_waits_for_it() -> None:
    early = fold_progress(facts("clocks", clock("handling", 1, T0, 60), stopped("handling", 1))[1:])
    assert early.deadlines == {}


def test_not_accepted_and_closed_show_why() -> None:
    rejected = fold_progress(
        [
            *facts("petition", submitted()),
            *facts(
                "case",
                CaseNotAccepted(
                    case_id=CASE,
                    division_code="330726000000",
                    level=Level.COUNTY,
                    county_code="330726000000",
                    category="litigation",
                    channel=Channel.ONLINE,
                    reason="a matter for the courts",
                    redirect_to="浦江縣人民法院",
                ),
            ),
        ]
    )
    assert rejected.status == CaseStatus.NOT_ACCEPTED
    assert rejected.redirect_to == "浦江縣人民法院"
    assert rejected.timeline[-1].text == "not accepted: a matter for the courts (turn to: 浦江縣人民法院)"
    closed = fold_progress(
        [
            *facts("petition", submitted()),
            *facts("case", assigned(), resolved(), CaseClosed(case_id=CASE, reason="satisfied")),
        ]
    )
    assert (closed.status, closed.closed_reason) == (CaseStatus.CLOSED, "satisfied")


def test_the_view_survives_being_stored_as_json() -> None:
    progress = fold_progress(whole_lifecycle())
    assert CaseProgress.model_validate_json(progress.model_dump_json()) == progress


def test_the_status_shown_after_each_routing_event_is_the_shared_rule() -> None:
    reopened = CaseReopenedForReview(case_id=CASE, round="review", reason="nothing changed")
    case_events = [
        assigned(),
        CaseAccepted(case_id=CASE, unit_id=VILLAGE, level=Level.VILLAGE),
        resolved(),
        reopened,
        assigned("review", "浦陽街道", Level.TOWNSHIP),
        resolved("review"),
        CaseClosed(case_id=CASE, reason="final", satisfied=False),
    ]
    shown = []
    for n in range(1, len(case_events) + 1):
        progress = fold_progress([*facts("petition", submitted()), *facts("case", *case_events[:n])])
        shown.append(progress.status)
        assert progress.status == status_after(case_events[n - 1])
    assert CaseStatus.UNDER_REVIEW in shown  # routing reopened it: the petitioner sees that too
    assert fold_progress(facts("petition", submitted())).status == CaseStatus.SUBMITTED
