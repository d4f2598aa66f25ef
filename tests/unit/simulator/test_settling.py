"""When a case counts as settled: every effect shown, every due deadline answered (lifecycle.md)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from simulator.domain.settling import Expectation, next_due, observe, waiting_for

pytestmark = pytest.mark.unit

NOW = datetime(2030, 1, 7, 16, tzinfo=UTC)


def clock(kind: str, due: datetime, **state: Any) -> dict[str, Any]:
    return {"clock_id": f"{kind}-1", "kind": kind, "due": due.isoformat(), **state}


def case(status: str = "assigned", clocks: tuple[dict[str, Any], ...] = (), **fields: Any) -> dict[str, Any]:
    later = NOW + timedelta(days=10)
    default = {
        "assigned": (clock("acceptance", later),),
        "accepted": (clock("acceptance", later, stopped=True), clock("handling", later)),
        "resolved": (clock("handling", later, stopped=True), clock("review_request_window", later)),
        "under_review": (clock("review_request_window", later, stopped=True), clock("review", later)),
    }.get(status, ())
    doc = {"status": status, "round": "first", "breaches": 0, "transfers": 0, "escalations": 0, "timeline": []}
    return {**doc, "clocks": list(clocks or default), **fields}


def test_a_consistent_case_is_settled() -> None:
    for status in ("assigned", "accepted", "resolved", "under_review", "closed", "not_accepted"):
        assert waiting_for(case(status), NOW) == [], status


def test_a_petition_not_yet_routed_is_not_settled() -> None:
    assert waiting_for(case("submitted"), NOW) == ["not routed yet"]


def test_the_effect_of_a_command_must_show() -> None:
    accepted = Expectation(statuses=frozenset({"accepted"}), fields={"unit_id": "330726101203"})
    assert waiting_for(case("assigned", unit_id="330726101203"), NOW, accepted)
    assert waiting_for(case("accepted", unit_id="330726101203"), NOW, accepted) == []


def test_sla_must_have_reacted_to_routing() -> None:
    late = case("accepted", clocks=(clock("acceptance", NOW + timedelta(days=3)),))
    assert set(waiting_for(late, NOW)) == {"no running handling clock", "acceptance clock still running"}


def test_a_deadline_that_fell_due_must_be_breached_and_answered_by_routing() -> None:
    due = clock("acceptance", NOW)
    assert "not yet breached" in waiting_for(case(clocks=(due,)), NOW)[0]
    breached = clock("acceptance", NOW, breached=True)
    assert waiting_for(case(clocks=(breached,)), NOW) == ["1 deadlines missed, routing answered 0"]
    assert waiting_for(case(clocks=(breached,), breaches=1), NOW) == []


def test_a_missed_forward_objection_window_needs_no_answer_from_routing() -> None:
    moved = clock("acceptance", NOW - timedelta(days=9), stopped=True)
    clocks = (moved, clock("acceptance", NOW + timedelta(days=9)), clock("forward_objection", NOW, breached=True))
    assert waiting_for(case(clocks=clocks, transfers=1), NOW) == []


def test_a_missed_request_window_must_close_the_case() -> None:
    window = clock("review_request_window", NOW, breached=True)
    assert waiting_for(case("resolved", clocks=(window,)), NOW) == [
        "review_request_window breached, case not yet closed"
    ]


def test_every_move_starts_a_new_acceptance_clock() -> None:
    one = (clock("acceptance", NOW + timedelta(days=9)),)
    assert waiting_for(case(clocks=one, transfers=1), NOW) == ["1 acceptance clocks for 2 receipts"]
    # A move after a send-back counts as well: the read model's receipts, review rounds aside.
    returned = case(clocks=one, receipts=2, reviews=0)
    assert waiting_for(returned, NOW) == ["1 acceptance clocks for 2 receipts"]
    assert waiting_for(case(clocks=one, receipts=2, reviews=1), NOW) == []


def test_breaches_of_the_work_between_units_need_no_escalation_step() -> None:
    acceptance = clock("acceptance", NOW + timedelta(days=9))
    for kind in ("signoff", "objection_ruling", "extension_decision"):
        late = clock(kind, NOW, breached=True)
        assert waiting_for(case(clocks=(acceptance, late)), NOW) == [], kind


def test_routing_pairs_must_have_arrived_whole() -> None:
    reopened = [{"stream_id": "case-x", "version": 5, "type": "CaseReopenedForReview", "detail": {}}]
    assert waiting_for(case("under_review", timeline=reopened), NOW)
    takeover = [{"stream_id": "case-x", "version": 3, "type": "SupervisionIssued", "detail": {"step": "takeover"}}]
    breached = clock("acceptance", NOW, breached=True)
    assert waiting_for(case(clocks=(breached,), breaches=1, level="village", timeline=takeover), NOW)


def test_what_the_core_is_shown_counts_ticks_from_the_start() -> None:
    origin = NOW - timedelta(days=2)
    doc = case("accepted", unit_id="330726101203", level="village", division_code="330726101203")
    seen = observe(doc, origin, timedelta(hours=6))
    assert (seen.status, seen.unit_id, seen.handling_due_tick) == ("accepted", "330726101203", 8 + 40)
    assert next_due(doc) == NOW + timedelta(days=10)
