"""The petitioner's view as the API shows it: no clock ids, no officials, no one else's data."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from services.intake.domain.answers import allowed, review_deadline
from services.intake.domain.deadlines import Deadline
from services.intake.domain.progress import CaseProgress
from shared.vocabulary import CaseStatus


def _state(deadline: Deadline) -> str:
    if deadline.stopped:
        return "stopped"
    if deadline.breached:
        return "overdue"
    return "paused" if deadline.paused else "running"


def petitioner_document(progress: CaseProgress, now: datetime) -> dict[str, Any]:
    deadlines = sorted(progress.deadlines.values(), key=lambda d: (d.started, d.kind))
    resolved = progress.status == CaseStatus.RESOLVED
    review_until = review_deadline(progress) if resolved else None
    return {
        "case_id": progress.case_id,
        "tracking_code": progress.tracking_code,
        "status": progress.status.value,
        "round": progress.round,
        "level": progress.level.value if progress.level else None,
        "handling_unit": progress.unit_name,
        "channel": progress.channel.value if progress.channel else None,
        "category": progress.category,
        "title": progress.title,
        "division_code": progress.division_code,
        "submitted_at": _iso(progress.submitted_at),
        "reply": {"text": progress.reply, "given_at": _iso(progress.replied_at)} if progress.reply else None,
        "redirect_to": progress.redirect_to,
        "closed_reason": progress.closed_reason,
        "deadlines": [{"kind": d.kind, "due": _iso(d.due), "state": _state(d)} for d in deadlines],
        "feedback": [{"round": r, "satisfied": s} for r, s in progress.feedback.items()],
        "review_requests": list(progress.reviews_requested),
        "review_until": _iso(review_until),
        "repeats": progress.repeats,
        "may": allowed(progress, now),
        "timeline": [{"time": _iso(e.time), "type": e.type, "text": e.text} for e in progress.timeline],
    }


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()
