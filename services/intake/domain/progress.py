"""The case as its petitioner may see it, folded from every service's events. Pure: no I/O.

Events arrive over several topics in any order. Each stream is folded in its own version
order and the streams touch different facts (routing: where the case is; sla: deadlines;
intake: the petitioner's own steps), so the result depends on the set of events only.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from functools import singledispatch
from typing import NamedTuple

from pydantic import BaseModel, ConfigDict

from services.intake.domain.deadlines import Deadline, follow_clock
from services.intake.domain.timeline import describe
from shared.events import (
    CaseAssigned,
    CaseClosed,
    CaseMergedInto,
    CaseNotAccepted,
    CaseReopenedForReview,
    CaseResolved,
    CaseUnmerged,
    Event,
    FeedbackGiven,
    InformationAdded,
    PetitionSubmitted,
    RepeatPetitionReceived,
    ReviewRequested,
    WithdrawalRequested,
)
from shared.events.routing import Round
from shared.events.status import status_after
from shared.vocabulary import CaseStatus, Channel, Level

STREAMS = ("petition", "case", "clocks")  # intake's, routing's, sla's streams of one case


class Fact(NamedTuple):
    """One event of the case: from which stream, at which version, when."""

    stream: str
    version: int
    time: datetime
    event: Event


class Entry(BaseModel):
    """One step of the timeline: `kind` and `params` for a page to put in its own words, `text` in English.

    Views stored before kinds existed have none (refolded at start: `handlers.backfill`).
    """

    model_config = ConfigDict(frozen=True)

    time: datetime
    type: str
    text: str
    kind: str | None = None
    params: dict[str, str | int] = {}


class CaseProgress(BaseModel):
    model_config = ConfigDict(frozen=True)

    case_id: str | None = None
    tracking_code: str | None = None
    channel: Channel | None = None
    category: str | None = None
    title: str | None = None
    division_code: str | None = None
    submitted_at: datetime | None = None
    status: CaseStatus = CaseStatus.SUBMITTED
    level: Level | None = None
    unit_name: str | None = None
    handling_division: str | None = None  # the unit's division: scopes officials' searches, never shown
    round: Round = "first"
    reply: str | None = None
    replied_at: datetime | None = None
    closed_reason: str | None = None
    redirect_to: str | None = None
    feedback: dict[str, bool] = {}  # round -> satisfied
    reviews_requested: tuple[str, ...] = ()
    repeats: int = 0
    withdrawal_requested: bool = False
    information_added: int = 0
    headcount: int = 1  # people behind the petition (聯名 / 集體訪): a number, never their names
    # Merged into another petitioner's case (並案): the view then shows that case's handling.
    # Which case is never shown: it is another person's.
    merged: bool = False
    merged_at: datetime | None = None
    deadlines: dict[str, Deadline] = {}  # by clock id: internal, never shown
    timeline: tuple[Entry, ...] = ()


# What a merged petition's view takes from the case it is handled in: the handling, never the
# petition (title, place, channel, feedback stay the petitioner's own).
_HANDLING = (
    "status", "level", "unit_name", "round", "reply", "replied_at", "closed_reason", "redirect_to", "deadlines",
)  # fmt: skip


def fold_view(facts: Iterable[Fact], lead: Iterable[Fact] = ()) -> CaseProgress:
    """The petitioner's view: their own case's fold, or, while it is merged (並案), their petition
    with the handling of the lead case (`lead`: routing's and sla's facts of it) since the merge."""
    own = fold_progress(facts)
    handling = [f for f in lead if f.stream != "petition"]
    if not own.merged or not handling:
        return own
    lead_view = fold_progress(handling)
    since = own.merged_at
    steps = [e for e in lead_view.timeline if since is None or e.time >= since]
    timeline = tuple(sorted((*own.timeline, *steps), key=lambda e: e.time))
    return own.model_copy(update={**{f: getattr(lead_view, f) for f in _HANDLING}, "timeline": timeline})


def fold_progress(facts: Iterable[Fact]) -> CaseProgress:
    state = CaseProgress()
    entries: list[tuple[tuple[datetime, int, int], Entry]] = []
    for fact in sorted(facts, key=lambda f: (STREAMS.index(f.stream), f.version)):
        if fact.stream == "clocks":
            state = state.model_copy(update={"deadlines": follow_clock(fact.event, state.deadlines)})
        else:
            state = _apply(fact.event, state, fact.time)
            status = status_after(fact.event)  # decided once, in shared, for every service
            if status is not None and status != state.status:
                state = state.model_copy(update={"status": status})
        step = describe(fact.event)
        if step is not None:
            kind, params, text = step
            entry = Entry(time=fact.time, type=fact.event.type_name(), text=text, kind=kind, params=params)
            entries.append(((fact.time, STREAMS.index(fact.stream), fact.version), entry))
    return state.model_copy(update={"timeline": tuple(e for _, e in sorted(entries, key=lambda p: p[0]))})


@singledispatch
def _apply(_event: Event, state: CaseProgress, _at: datetime) -> CaseProgress:
    return state


@_apply.register
def _(e: PetitionSubmitted, s: CaseProgress, at: datetime) -> CaseProgress:
    fields = e.model_dump(
        include={"case_id", "tracking_code", "channel", "category", "title", "division_code", "headcount"}
    )
    return s.model_copy(update={**fields, "submitted_at": at})


@_apply.register
def _(_e: RepeatPetitionReceived, s: CaseProgress, _at: datetime) -> CaseProgress:
    return s.model_copy(update={"repeats": s.repeats + 1})


@_apply.register
def _(e: FeedbackGiven, s: CaseProgress, _at: datetime) -> CaseProgress:
    return s.model_copy(update={"feedback": {**s.feedback, e.round: e.satisfied}})


@_apply.register
def _(e: ReviewRequested, s: CaseProgress, _at: datetime) -> CaseProgress:
    return s.model_copy(update={"reviews_requested": (*s.reviews_requested, e.round)})


@_apply.register
def _(_e: WithdrawalRequested, s: CaseProgress, _at: datetime) -> CaseProgress:
    return s.model_copy(update={"withdrawal_requested": True})


@_apply.register
def _(_e: InformationAdded, s: CaseProgress, _at: datetime) -> CaseProgress:
    return s.model_copy(update={"information_added": s.information_added + 1})


# What each event adds besides the status (which `status_after` gives).
@_apply.register
def _(e: CaseAssigned, s: CaseProgress, _at: datetime) -> CaseProgress:
    return s.model_copy(update={"level": e.level, "unit_name": e.unit_name, "handling_division": e.division_code})


@_apply.register
def _(e: CaseNotAccepted, s: CaseProgress, _at: datetime) -> CaseProgress:
    return s.model_copy(update={"level": e.level, "redirect_to": e.redirect_to, "handling_division": e.division_code})


@_apply.register
def _(e: CaseResolved, s: CaseProgress, at: datetime) -> CaseProgress:
    return s.model_copy(update={"round": e.round, "reply": e.reply, "replied_at": at})


@_apply.register
def _(e: CaseReopenedForReview, s: CaseProgress, _at: datetime) -> CaseProgress:
    return s.model_copy(update={"round": e.round})


@_apply.register
def _(e: CaseClosed, s: CaseProgress, _at: datetime) -> CaseProgress:
    return s.model_copy(update={"closed_reason": e.reason})


@_apply.register
def _(_e: CaseMergedInto, s: CaseProgress, at: datetime) -> CaseProgress:
    return s.model_copy(update={"merged": True, "merged_at": at})


@_apply.register
def _(_e: CaseUnmerged, s: CaseProgress, _at: datetime) -> CaseProgress:
    return s.model_copy(update={"merged": False, "merged_at": None, "closed_reason": None})
