"""Feedback and review requests: allowed only on a resolved case, once per reply, within the window."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import timedelta

import pytest

from services.intake.domain.answers import allowed, decide_feedback, decide_review, review_deadline
from services.intake.domain.commands import GiveFeedback, RequestReview
from services.intake.domain.progress import CaseProgress, Fact, fold_progress
from shared.domain import NotAllowed
from shared.events import CaseReopenedForReview, ClockBreached, Event, FeedbackGiven, ReviewRequested
from shared.vocabulary import CaseStatus, Level
from tests.unit.intake.facts import CASE, T0, assigned, clock, facts, resolved, resolved_case

pytestmark = pytest.mark.unit

REPLIED = T0 + timedelta(hours=3)
SATISFIED, UNSATISFIED = GiveFeedback(satisfied=True), GiveFeedback(satisfied=False, comment="no")
WHY = RequestReview(reason="the wall is still there")


def with_status(status: CaseStatus) -> CaseProgress:
    return CaseProgress(case_id=CASE, status=status, replied_at=REPLIED)


def after(*petitioner_events: Event, extra: Iterable[Fact] = ()) -> CaseProgress:
    own = facts("petition", *petitioner_events, start=T0 + timedelta(days=1))
    return fold_progress([*resolved_case(), *[f._replace(version=f.version + 1) for f in own], *extra])


@pytest.mark.parametrize("status", [s for s in CaseStatus if s != CaseStatus.RESOLVED])
def test_nothing_is_answered_before_the_case_is_resolved_and_the_refusal_names_the_status(status: CaseStatus) -> None:
    attempts: list[Callable[[CaseProgress], list[Event]]] = [
        lambda p: decide_feedback(p, SATISFIED),
        lambda p: decide_review(p, WHY, REPLIED),
    ]
    for attempt in attempts:
        with pytest.raises(NotAllowed) as refused:
            attempt(with_status(status))
        assert refused.value.status_now == status
        assert refused.value.details == [{"current_status": status.value}]


def test_feedback_on_a_reply_records_its_round_once() -> None:
    (event,) = decide_feedback(fold_progress(resolved_case()), UNSATISFIED)
    assert event == FeedbackGiven(case_id=CASE, satisfied=False, comment="no", round="first")
    with pytest.raises(NotAllowed, match="already given"):
        decide_feedback(after(event), SATISFIED)


def test_no_feedback_once_a_review_of_the_reply_was_asked_for() -> None:
    with pytest.raises(NotAllowed, match="review of this reply"):
        decide_feedback(after(ReviewRequested(case_id=CASE, reason="r", round="review")), SATISFIED)


def test_the_first_reply_can_be_taken_to_review_and_the_review_answer_to_re_review() -> None:
    (review,) = decide_review(fold_progress(resolved_case()), WHY, REPLIED + timedelta(days=1))
    assert isinstance(review, ReviewRequested)
    assert (review.round, review.reason) == ("review", WHY.reason)
    review_answered = facts(
        "case",
        CaseReopenedForReview(case_id=CASE, round="review", reason=WHY.reason),
        assigned("review", "浦陽街道", Level.TOWNSHIP),
        resolved("review"),
        start=T0 + timedelta(days=3),
    )
    answered = after(review, extra=[f._replace(version=f.version + 3) for f in review_answered])
    assert (answered.status, answered.round) == (CaseStatus.RESOLVED, "review")
    assert answered.replied_at is not None
    (re_review,) = decide_review(answered, WHY, answered.replied_at)
    assert isinstance(re_review, ReviewRequested)
    assert re_review.round == "re_review"
    (feedback,) = decide_feedback(answered, SATISFIED)
    assert isinstance(feedback, FeedbackGiven)
    assert feedback.round == "review"


def test_after_re_review_the_matter_is_final() -> None:
    final = CaseProgress(case_id=CASE, status=CaseStatus.RESOLVED, round="re_review", replied_at=REPLIED)
    with pytest.raises(NotAllowed, match="final"):
        decide_review(final, WHY, REPLIED)


def test_a_satisfied_petitioner_cannot_then_ask_for_review_nor_ask_twice() -> None:
    with pytest.raises(NotAllowed, match="satisfied"):
        decide_review(after(FeedbackGiven(case_id=CASE, satisfied=True)), WHY, REPLIED)
    unhappy = after(FeedbackGiven(case_id=CASE, satisfied=False))
    assert decide_review(unhappy, WHY, REPLIED)
    with pytest.raises(NotAllowed, match="already requested"):
        decide_review(after(ReviewRequested(case_id=CASE, reason="r", round="review")), WHY, REPLIED)


def test_intake_invents_no_deadline_of_its_own_before_slas_window_arrives() -> None:
    progress = fold_progress(resolved_case())
    assert review_deadline(progress) is None
    assert decide_review(progress, WHY, REPLIED + timedelta(days=400))


def test_review_is_asked_for_within_slas_statutory_window() -> None:
    window = facts("clocks", clock("review_request_window", 1, REPLIED, 33))
    progress = fold_progress([*resolved_case(), *window])
    assert review_deadline(progress) == REPLIED + timedelta(days=33)
    assert decide_review(progress, WHY, REPLIED + timedelta(days=33))
    with pytest.raises(NotAllowed, match="passed"):
        decide_review(progress, WHY, REPLIED + timedelta(days=33, seconds=1))


def test_a_window_sla_declared_breached_is_over_whatever_the_clock_here_says() -> None:
    opened = clock("review_request_window", 1, REPLIED, 33)
    breached = ClockBreached(case_id=CASE, clock_id=opened.clock_id, kind=opened.kind, due_at=opened.due_at)
    progress = fold_progress([*resolved_case(), *facts("clocks", opened, breached)])
    with pytest.raises(NotAllowed, match="passed"):
        decide_review(progress, WHY, REPLIED)


def test_the_view_says_what_the_petitioner_may_do_next() -> None:
    assert allowed(fold_progress(resolved_case()), REPLIED) == {"give_feedback": True, "request_review": True}
    windowed = fold_progress([*resolved_case(), *facts("clocks", clock("review_request_window", 1, REPLIED, 30))])
    assert allowed(windowed, REPLIED + timedelta(days=31)) == {
        "give_feedback": True,
        "request_review": False,
    }
    assert allowed(with_status(CaseStatus.ACCEPTED), REPLIED) == {"give_feedback": False, "request_review": False}
