"""Scorecard figures recounted straight from recorded events, without the read model's fold or facts.

A second, deliberately plain reading of docs/scorecards.md: each case's events in causal order
(as the event log or `GET /v1/cases/{id}/history` gives them), walked once per scope.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

Event = dict[str, Any]  # {"type", "time", "data"} as the history endpoint shows a recorded event
InScope = Callable[[str], bool]  # is this unit id in the scope?


def _day(event: Event, tz: ZoneInfo) -> date:
    time = event["time"]
    moment = time if isinstance(time, datetime) else datetime.fromisoformat(str(time).replace("Z", "+00:00"))
    return moment.astimezone(tz).date()


def recount(cases: Iterable[list[Event]], inside: InScope, start: date, end: date, tz: ZoneInfo) -> Counter[str]:
    """The scope's metric sums over [start, end] (the names `unit_facts` uses)."""
    total: Counter[str] = Counter()
    for events in cases:
        for metric, day in _case(events, inside, tz):
            if start <= day <= end:
                total[metric] += 1
    return total


def _case(events: list[Event], inside: InScope, tz: ZoneInfo) -> list[tuple[str, date]]:
    out: list[tuple[str, date]] = []
    unit: str | None = None
    clock_unit: dict[str, str | None] = {}
    judged: set[str] = set()
    stay: dict[str, Any] | None = None  # the case's current stay in the scope
    resolver: str | None = None
    first_resolution: tuple[str, date] | None = None
    feedback: list[tuple[str | None, date, bool]] = []
    callback: tuple[str | None, date, bool] | None = None
    ordered: dict[str, tuple[str, date]] = {}
    answered: set[str] = set()
    breached: set[str] = set()
    stopped: dict[str, bool] = {}
    negative = resolved = closed = satisfied_feedback = False
    kinds = {"signoff": "signoff", "acceptance": "acceptance", "handling": "handling", "review": "handling"}
    kinds["re_review"] = "handling"

    def end_stay(reason: str | None) -> None:
        assert stay is not None
        if reason in {"escalation", "takeover"}:
            out.append(("escalated", stay["day"]))
        for flag in ("repeated", "overdue"):
            if stay.get(flag):
                out.append((flag, stay[flag]))

    for e in events:
        t, d, day = e["type"], e["data"], _day(e, tz)
        if t == "CaseAssigned":
            new = str(d["unit_id"])
            if stay is not None and not inside(new):
                end_stay(d.get("reason"))
                stay = None
            if stay is None and inside(new):
                stay = {"day": day}
                out.append(("received", day))
            unit = new
        elif t == "RepeatPetitionReceived" and stay is not None and "repeated" not in stay:
            stay["repeated"] = stay["day"]
        elif t == "ClockStarted":
            clock_unit[d["clock_id"]] = d.get("unit_id") or unit
        elif t in {"ClockStopped", "ClockBreached"}:
            owner = clock_unit.get(d["clock_id"]) or unit
            late = t == "ClockBreached" and not d["kind"].endswith("_request_window")
            if late and stay is not None and "overdue" not in stay and owner in {None, unit} and inside(unit or ""):
                stay["overdue"] = day
            if d["kind"] in kinds and d["clock_id"] not in judged and owner is not None:
                judged.add(d["clock_id"])
                if inside(owner):
                    met = t == "ClockStopped" and d["met_on_time"]
                    out.append((f"{kinds[d['kind']]}.{'met' if met else 'missed'}", day))
            if d["clock_id"].startswith("supervision_response-"):
                sid = d["clock_id"].removeprefix("supervision_response-")
                if t == "ClockBreached":
                    breached.add(sid)
                else:
                    stopped[sid] = bool(d["met_on_time"])
        elif t == "CaseResolved":
            resolved, resolver = True, str(d.get("unit_id") or unit)
            if d.get("round", "first") == "first":
                first_resolution = (resolver, day)
        elif t == "FeedbackGiven":
            feedback.append((resolver or unit, day, bool(d["satisfied"])))
            negative |= not d["satisfied"]
            satisfied_feedback |= bool(d["satisfied"])
        elif t in {"ReviewRequested", "CaseReopenedForReview"}:
            negative = True
        elif t == "CaseClosed":
            closed = True
        elif t == "CallbackRecorded" and d.get("reached") and d.get("satisfaction"):
            callback = (resolver or unit, day, d["satisfaction"] != "dissatisfied")
        elif t == "SupervisionIssued" and unit is not None and inside(unit):
            out.append(("supervised", day))
        elif t == "SupervisionOrdered":
            ordered[d["supervision_id"]] = (d["unit_id"], day)
            if inside(d["unit_id"]):
                out.append(("supervised", day))
        elif t == "SupervisionAnswered":
            answered.add(d["supervision_id"])
    if stay is not None:
        end_stay(None)
    for sid, (owner, day) in ordered.items():
        if sid in answered and sid in stopped:
            verdict = "on_time" if stopped[sid] else "late"
        elif sid in answered:
            verdict = "late" if sid in breached else "on_time"
        else:
            verdict = "late" if sid in breached else "pending"
        if inside(owner):
            out.append((f"supervision.{verdict}", day))
    if first_resolution is not None and inside(first_resolution[0]):
        if negative:
            out.append(("first_time.no", first_resolution[1]))
        elif resolved and (satisfied_feedback or closed):
            out.append(("first_time.yes", first_resolution[1]))
    answers = feedback or ([callback] if callback else [])
    for owner, day, happy in answers:
        if owner is not None and inside(owner):
            out.append((f"satisfaction.{'yes' if happy else 'no'}", day))
    return out


def in_area(division: str) -> InScope:
    """Units of a place and of every place below it (a county's departments are `<county>:<kind>`)."""
    level_digits = {2: 2, 4: 4, 6: 6, 9: 9, 12: 12}
    stem = division.rstrip("0")
    digits = next(n for n in level_digits if n >= len(stem))
    prefix = division[:digits]
    return lambda unit: unit.partition(":")[0].startswith(prefix)


def is_unit(unit_id: str) -> InScope:
    return lambda unit: unit == unit_id


def recount_topic(
    cases: Iterable[list[Event]],
    category: str,
    terms: Iterable[str],
    inside: InScope,
    start: date,
    end: date,
    tz: ZoneInfo,
) -> Counter[str]:
    """Cases of the period and scope whose title holds every one of `terms`, by where the matter is.

    A plain reading of a topic: the category and place are the last ones the history names (an
    assignment's or correction's `category`, an assignment's `location_code`, over the
    petition's), the day the petition's. Equal to a topic's count when no earlier topic of the
    category took some of those cases.
    """
    wanted = tuple(terms)
    found: Counter[str] = Counter()
    for events in cases:
        petition = next((e for e in events if e["type"] == "PetitionSubmitted"), None)
        if petition is None or not start <= _day(petition, tz) <= end:
            continue
        kind, place = petition["data"]["category"], petition["data"]["division_code"]
        for e in events:
            if e["type"] in {"CaseAssigned", "CaseNotAccepted", "CategoryCorrected"}:
                kind = e["data"].get("category") or kind
            if e["type"] == "CaseAssigned":
                place = e["data"].get("location_code") or place
        title = str(petition["data"]["title"])
        if kind == category and inside(place) and all(term in title for term in wanted):
            found[place] += 1
    return found
