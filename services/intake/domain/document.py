"""The petitioner's view as the API shows it: no clock ids, no officials, no one else's data."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict

from services.intake.domain.answers import allowed, review_deadline
from services.intake.domain.deadlines import Deadline
from services.intake.domain.further import allowed_further
from services.intake.domain.progress import CaseProgress
from shared.vocabulary import CaseStatus


class Shown(BaseModel):
    model_config = ConfigDict(frozen=True)


class Reply(Shown):
    text: str
    given_at: str | None


class DeadlineShown(Shown):
    kind: str
    due: str | None
    state: Literal["running", "paused", "overdue", "stopped"]


class Feedback(Shown):
    round: str
    satisfied: bool


class May(Shown):
    give_feedback: bool
    request_review: bool
    withdraw: bool = False
    add_information: bool = False


class Step(Shown):
    """`kind` and `params` name the step for a page to translate; `text` says it in English."""

    time: str | None
    type: str
    text: str
    kind: str | None
    params: dict[str, str | int]


class PetitionerDocument(Shown):
    """Times are ISO 8601 strings with their offset, as the API has always sent them."""

    case_id: str | None
    tracking_code: str | None
    status: str
    round: str
    level: str | None
    handling_unit: str | None
    channel: str | None
    category: str | None
    title: str | None
    division_code: str | None
    submitted_at: str | None
    reply: Reply | None
    redirect_to: str | None
    closed_reason: str | None
    deadlines: list[DeadlineShown]
    feedback: list[Feedback]
    review_requests: list[str]
    review_until: str | None  # sla's window for asking review, once it has arrived
    repeats: int
    information_added: int = 0
    headcount: int
    # Handled together with similar matters of other petitioners (並案): status, unit, deadlines,
    # reply and steps since are the merged case's; which case, and whose, is never shown.
    merged: bool = False
    may: May
    timeline: list[Step]


def _state(deadline: Deadline) -> Literal["running", "paused", "overdue", "stopped"]:
    if deadline.stopped:
        return "stopped"
    if deadline.breached:
        return "overdue"
    return "paused" if deadline.paused else "running"


def petitioner_document(progress: CaseProgress, now: datetime) -> PetitionerDocument:
    deadlines = sorted((d for d in progress.deadlines.values() if d.shown), key=lambda d: (d.started, d.kind))
    resolved = progress.status == CaseStatus.RESOLVED
    return PetitionerDocument(
        case_id=progress.case_id,
        tracking_code=progress.tracking_code,
        status=progress.status.value,
        round=progress.round,
        level=progress.level.value if progress.level else None,
        handling_unit=progress.unit_name,
        channel=progress.channel.value if progress.channel else None,
        category=progress.category,
        title=progress.title,
        division_code=progress.division_code,
        submitted_at=_iso(progress.submitted_at),
        reply=Reply(text=progress.reply, given_at=_iso(progress.replied_at)) if progress.reply else None,
        redirect_to=progress.redirect_to,
        closed_reason=progress.closed_reason,
        deadlines=[DeadlineShown(kind=d.kind, due=_iso(d.due), state=_state(d)) for d in deadlines],
        feedback=[Feedback(round=r, satisfied=s) for r, s in progress.feedback.items()],
        review_requests=list(progress.reviews_requested),
        review_until=_iso(review_deadline(progress)) if resolved else None,
        repeats=progress.repeats,
        information_added=progress.information_added,
        headcount=progress.headcount,
        merged=progress.merged,
        may=May(**allowed(progress, now), **allowed_further(progress)),
        timeline=[
            Step(time=_iso(e.time), type=e.type, text=e.text, kind=e.kind, params=e.params) for e in progress.timeline
        ],
    )


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()
