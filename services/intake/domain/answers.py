"""The petitioner's answers to a reply: feedback (回訪), review (復查), re-review (復核). Pure: no I/O."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Literal

from services.intake.domain.commands import GiveFeedback, RequestReview
from services.intake.domain.deadlines import Deadline
from services.intake.domain.progress import CaseProgress
from shared.domain import NotAllowed
from shared.events import Event, FeedbackGiven, ReviewRequested
from shared.vocabulary import CaseStatus

ReviewRound = Literal["review", "re_review"]
# The review a reply of each round can be followed by; after re-review the matter is final.
NEXT_REVIEW: dict[str, ReviewRound] = {"first": "review", "review": "re_review"}
# sla's clock for the petitioner's window to ask, after a reply of each round.
WINDOW_CLOCK = {"first": "review_request_window", "review": "re_review_request_window"}


def _require_answerable(progress: CaseProgress, what: str) -> str:
    if progress.merged:
        raise NotAllowed(f"{what} is not possible here: this petition is handled together with another case", "merged")
    if progress.status != CaseStatus.RESOLVED or progress.case_id is None:
        raise NotAllowed(f"{what} is possible only once the case is resolved", progress.status)
    return progress.case_id


def review_window(progress: CaseProgress) -> Deadline | None:
    """sla's clock for asking review of the current reply, once it has arrived.

    Deadlines are sla's alone: until its clock is here intake shows none and refuses nothing
    for lateness (routing, which owns the case, holds the window too).
    """
    windows = [d for d in progress.deadlines.values() if d.kind == WINDOW_CLOCK.get(progress.round) and not d.stopped]
    return max(windows, key=lambda d: d.started) if windows else None


def review_deadline(progress: CaseProgress) -> datetime | None:
    window = review_window(progress)
    return None if window is None else window.due


def decide_feedback(progress: CaseProgress, command: GiveFeedback) -> list[Event]:
    """One feedback per reply, and none once a review of that reply was asked for."""
    case_id = _require_answerable(progress, "feedback")
    if progress.round in progress.feedback:
        raise NotAllowed("feedback on this reply was already given", progress.status)
    if NEXT_REVIEW.get(progress.round) in progress.reviews_requested:
        raise NotAllowed("a review of this reply was already requested", progress.status)
    return [FeedbackGiven(case_id=case_id, satisfied=command.satisfied, comment=command.comment, round=progress.round)]


def decide_review(progress: CaseProgress, command: RequestReview, now: datetime) -> list[Event]:
    """Review after the first reply, re-review after the review answer, within the window, then final."""
    case_id = _require_answerable(progress, "asking for review")
    wanted = NEXT_REVIEW.get(progress.round)
    if wanted is None:
        raise NotAllowed("the matter is final after re-review", progress.status)
    if progress.feedback.get(progress.round) is True:
        raise NotAllowed("the petitioner said they are satisfied with this reply", progress.status)
    if wanted in progress.reviews_requested:
        raise NotAllowed(f"{wanted.replace('_', '-')} was already requested", progress.status)
    window = review_window(progress)
    if window is not None and (window.breached or now > window.due):
        raise NotAllowed("the time to ask for review has passed", progress.status)
    return [ReviewRequested(case_id=case_id, reason=command.reason, round=wanted)]


def _permitted(attempt: Callable[[], list[Event]]) -> bool:
    try:
        attempt()
    except NotAllowed:
        return False
    return True


def allowed(progress: CaseProgress, now: datetime) -> dict[str, bool]:
    """What the petitioner can do next, for the view."""
    return {
        "give_feedback": _permitted(lambda: decide_feedback(progress, GiveFeedback(satisfied=True))),
        "request_review": _permitted(lambda: decide_review(progress, RequestReview(reason="-"), now)),
    }
