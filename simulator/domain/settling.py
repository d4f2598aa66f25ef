"""When is a case settled enough to decide on? Pure rules over the supervisors' view of a case.

The simulator decides only on settled cases, so that what it sees does not depend on how fast
Kafka carried the events: every command it sent has shown its effect, every deadline that fell
due has been breached and answered by routing, and sla's clocks agree with the case's status
(docs/lifecycle.md, "Clocks"). A run then sees the same thing at the same tick every time.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from simulator.domain.model import TERMINAL, Observed

WINDOWS = ("review_request_window", "re_review_request_window")
# Breaches routing answers without an escalation step (lifecycle.md): a missed request window
# closes the case instead, a missed forward-objection window lets the assignment stand, a missed
# ruling lets the policy rule, and a missed sign-off or extension decision is on record only.
UNANSWERED = (*WINDOWS, "forward_objection", "signoff", "objection_ruling", "extension_decision")
# Which clocks run, and which must have stopped, in each open status (lifecycle.md, "Clocks").
_MUST_RUN = {
    "assigned": ("acceptance",),
    "accepted": ("handling",),
    "under_review": ("review",),
    "under_re_review": ("re_review",),
    ("resolved", "first"): ("review_request_window",),
    ("resolved", "review"): ("re_review_request_window",),
}
_STOPPED = {
    "assigned": ("handling",),
    "accepted": ("acceptance", "forward_objection"),
    "under_review": ("review_request_window",),
    "under_re_review": ("re_review_request_window",),
    ("resolved", "first"): ("handling",),
    ("resolved", "review"): ("review",),
}


@dataclass(frozen=True)
class Expectation:
    """What a case must show once a command the simulator sent has taken effect."""

    statuses: frozenset[str] = frozenset()
    fields: Mapping[str, Any] = field(default_factory=dict)
    at_least: Mapping[str, int] = field(default_factory=dict)
    petitioner: tuple[str, str] | None = None  # (status, round) the petitioner's own view must show

    def then(self, later: Expectation) -> Expectation:
        """Both commands' effects, the later one winning where they speak of the same thing."""
        return Expectation(
            statuses=later.statuses or self.statuses,
            fields={**self.fields, **later.fields},
            at_least={**self.at_least, **later.at_least},
            petitioner=later.petitioner if later.statuses else (later.petitioner or self.petitioner),
        )


def waiting_for(doc: Mapping[str, Any], now: datetime, expected: Expectation | None = None) -> list[str]:
    """What the case still waits for (empty: settled)."""
    reasons: list[str] = []
    status = doc.get("status")
    if expected is not None:
        if expected.statuses and status not in expected.statuses:
            reasons.append(f"status {status}, expected {sorted(expected.statuses)}")
        reasons += [f"{k} is {doc.get(k)!r}, expected {v!r}" for k, v in expected.fields.items() if doc.get(k) != v]
        reasons += [f"{k} below {n}" for k, n in expected.at_least.items() if int(doc.get(k) or 0) < n]
    if status == "submitted":
        return [*reasons, "not routed yet"]
    if status in TERMINAL:
        return reasons
    return reasons + _clock_reasons(doc, now) + _routing_reasons(doc)


def _clock_reasons(doc: Mapping[str, Any], now: datetime) -> list[str]:
    status, clocks = doc.get("status"), list(doc.get("clocks") or [])
    rule: Any = (status, doc.get("round")) if status == "resolved" else status
    running = {c["kind"] for c in clocks if not c.get("stopped")}
    reasons = [f"no running {k} clock" for k in _MUST_RUN.get(rule, ()) if k not in running]
    reasons += [f"{k} clock still running" for k in _STOPPED.get(rule, ()) if k in running]
    for c in clocks:
        due = _time(c.get("due"))
        if not (c.get("stopped") or c.get("breached") or c.get("paused")) and due is not None and due <= now:
            reasons.append(f"{c['kind']} due {c['due']} not yet breached")
        if c.get("breached") and c["kind"] in WINDOWS and not c.get("stopped"):
            reasons.append(f"{c['kind']} breached, case not yet closed")
    breached = sum(1 for c in clocks if c.get("breached") and c["kind"] not in UNANSWERED)
    if int(doc.get("breaches") or 0) != breached:
        reasons.append(f"{breached} deadlines missed, routing answered {doc.get('breaches')}")
    kinds = [c["kind"] for c in clocks]
    # Every receipt by a unit outside the review rounds starts an acceptance clock: the first
    # assignment, transfers, escalations and takeovers, and moves after a send-back or a correction.
    receipts = doc.get("receipts")
    if receipts is not None:
        moves = int(receipts) - int(doc.get("reviews") or 0)
    else:  # a read model from before receipts were counted
        moves = 1 + int(doc.get("transfers") or 0) + int(doc.get("escalations") or 0)
    if "acceptance" in kinds and kinds.count("acceptance") != moves:
        reasons.append(f"{kinds.count('acceptance')} acceptance clocks for {moves} receipts")
    return reasons


def _routing_reasons(doc: Mapping[str, Any]) -> list[str]:
    """Routing records some steps as pairs; the read model may have seen only the first one."""
    own = [e for e in doc.get("timeline") or [] if str(e.get("stream_id", "")).startswith("case-")]
    if not own:
        return []
    last = max(own, key=lambda e: int(e.get("version") or 0))
    if last.get("type") == "CaseReopenedForReview":
        return ["reopened, not yet assigned to the reviewing unit"]
    detail = last.get("detail") or {}
    moving = (
        (last.get("type") == "ObjectionRuled" and detail.get("decision") == "upheld" and detail.get("unit_id"))
        or (last.get("type") == "ObjectionRaised" and detail.get("to_bureau"))
        or (last.get("type") == "CategoryCorrected" and detail.get("moves"))
    )
    if moving:
        return [f"{last.get('type')}, not yet assigned to the next unit"]
    takeover = last.get("type") == "SupervisionIssued" and (last.get("detail") or {}).get("step") == "takeover"
    if takeover and doc.get("status") in {"assigned", "accepted"} and doc.get("level") != "province":
        return ["taken over, not yet assigned to the next level"]
    return []


def observe(doc: Mapping[str, Any], origin: datetime, tick: timedelta) -> Observed:
    """The facts of a settled case the simulator decides on (ticks counted from `origin`)."""
    handling = [
        _time(c.get("due")) for c in doc.get("clocks") or [] if c.get("kind") == "handling" and not c.get("stopped")
    ]
    due = max((d for d in handling if d is not None), default=None)
    return Observed(
        status=str(doc.get("status")),
        level=doc.get("level"),
        division_code=doc.get("division_code"),
        unit_id=doc.get("unit_id"),
        round=str(doc.get("round") or "first"),
        transfers=int(doc.get("transfers") or 0),
        escalations=int(doc.get("escalations") or 0),
        breaches=int(doc.get("breaches") or 0),
        extensions=int(doc.get("extensions") or 0),
        leader=doc.get("leader"),
        handling_due_tick=None if due is None else math.ceil((due - origin) / tick),
        objections=int(doc.get("objections_upheld") or 0)
        + int(doc.get("objections_dismissed") or 0)
        + (doc.get("objection") is not None),
        signed=bool(doc.get("signed")),
        category=doc.get("category"),
        category_corrections=int(doc.get("category_corrections") or 0),
    )


def next_due(doc: Mapping[str, Any]) -> datetime | None:
    """The earliest deadline of the case that has not yet fallen due (warnings aside)."""
    dues = [
        _time(c.get("due"))
        for c in doc.get("clocks") or []
        if not (c.get("stopped") or c.get("breached") or c.get("paused"))
    ]
    return min((d for d in dues if d is not None), default=None)


def _time(value: Any) -> datetime | None:
    return datetime.fromisoformat(value) if isinstance(value, str) else None
