"""Which clocks each routing event starts and stops (docs/lifecycle.md), timed by the event."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from services.sla.adapters.policy_file import read_policies
from services.sla.domain.calendar import SHANGHAI, ChineseStatutoryCalendar
from services.sla.domain.clocks import CaseClocks
from services.sla.domain.rules import ClockRules
from shared.events import (
    CaseAccepted,
    CaseClosed,
    CaseNotAccepted,
    CaseReopenedForReview,
    CaseResolved,
    ClockExtended,
    ClockStarted,
    ClockStopped,
    ExtensionGranted,
)
from shared.vocabulary import Channel, Level
from tests.unit.sla.support import (
    ACCEPTANCE_DUE,
    CASE,
    NEXT_VILLAGE,
    RECEIVED,
    VILLAGE,
    assigned,
    clock_events,
    of,
    run,
    step,
)

pytestmark = pytest.mark.unit

DAY = timedelta(days=1)
ACCEPTED = RECEIVED + 3 * DAY
RESOLVED = ACCEPTED + 20 * DAY


def accepted(unit: str = VILLAGE) -> CaseAccepted:
    return CaseAccepted(case_id=CASE, unit_id=unit, level=Level.VILLAGE)


def resolved(round_: str = "first") -> CaseResolved:
    return CaseResolved(
        case_id=CASE, reply="done", unit_id=VILLAGE, division_code=VILLAGE, level=Level.VILLAGE, round=round_
    )


def kinds(state: CaseClocks) -> dict[str, str]:
    return {c.clock_id: c.status for c in state.clocks.values()}


def test_the_first_assignment_starts_acceptance_from_the_time_received() -> None:
    state, events = step(CaseClocks(), assigned(), RECEIVED)
    started, *others = of(ClockStarted, events)
    # The unit also signs for the case (1 working day) and may object within 5 working days.
    assert [(c.kind, c.due_at) for c in others] == [
        ("signoff", datetime(2026, 3, 3, 16, tzinfo=UTC)),
        ("forward_objection", datetime(2026, 3, 9, 16, tzinfo=UTC)),
    ]
    assert (started.clock_id, started.kind, started.policy, started.unit_id) == (
        "acceptance-1",
        "acceptance",
        "national",
        VILLAGE,
    )
    assert (started.started_at, started.due_at, started.amount, started.unit) == (
        RECEIVED,
        ACCEPTANCE_DUE,
        15,
        "calendar_days",
    )
    assert state.case_id == CASE
    assert state.version == 3


def test_a_hotline_petition_also_runs_the_hotlines_own_clocks_from_its_first_assignment() -> None:
    state, events = step(CaseClocks(), assigned(channel=Channel.HOTLINE), RECEIVED)
    kinds = [e.kind for e in of(ClockStarted, events)]
    assert kinds == ["acceptance", "signoff", "forward_objection", "first_contact"]
    signoff = state.clocks["signoff-1"]
    assert (signoff.policy, signoff.due_at) == ("national+channel:hotline", RECEIVED + timedelta(hours=4))
    moved, _ = step(state, assigned("transfer", NEXT_VILLAGE, channel=Channel.HOTLINE), RECEIVED + DAY)
    assert moved.clocks["first_contact-1"].running, "a transfer does not restart or stop the hotline's promise"
    assert "first_contact-2" not in moved.clocks
    # The sign-off is the receiving unit's: the next unit signs again, in the hotline's hours.
    assert not moved.clocks["signoff-1"].running
    assert moved.clocks["signoff-2"].due_at == RECEIVED + DAY + timedelta(hours=4)


def test_a_redelivered_assignment_starts_nothing_twice() -> None:
    state, _ = step(CaseClocks(), assigned(), RECEIVED)
    assert step(state, assigned(), RECEIVED)[1] == []


def test_a_transfer_stops_the_previous_units_clocks_and_starts_acceptance_and_objection_for_the_next() -> None:
    state, events = step(run((assigned(), RECEIVED)), assigned("transfer", NEXT_VILLAGE), RECEIVED + DAY)
    stopped = [e for e in events if isinstance(e, ClockStopped)]
    started = [e for e in events if isinstance(e, ClockStarted)]
    assert [(s.clock_id, s.reason, s.met_on_time) for s in stopped] == [
        ("acceptance-1", "moved", True),
        ("signoff-1", "moved", True),
        ("forward_objection-1", "moved", True),
    ]
    assert [(s.clock_id, s.unit_id) for s in started] == [
        ("acceptance-2", NEXT_VILLAGE),
        ("signoff-2", NEXT_VILLAGE),
        ("forward_objection-2", NEXT_VILLAGE),
    ]
    assert state.clocks["forward_objection-2"].due_at == datetime(2026, 3, 10, 16, tzinfo=UTC)  # 5 working days


@pytest.mark.parametrize("reason", ["escalation", "takeover"])
def test_escalation_and_takeover_move_handling_too_and_start_only_acceptance(reason: str) -> None:
    state = run((assigned(), RECEIVED), (accepted(), ACCEPTED))
    state, events = step(state, assigned(reason, "330726101000"), ACCEPTED + DAY)
    assert [(e.clock_id, type(e).__name__) for e in clock_events(events)] == [
        ("handling-1", "ClockStopped"),
        ("acceptance-2", "ClockStarted"),
        ("signoff-2", "ClockStarted"),
    ]


@pytest.mark.parametrize("reason", ["review", "re_review"])
def test_an_assignment_for_review_starts_only_the_reviewing_units_sign_off(reason: str) -> None:
    state = run((assigned(), RECEIVED), (accepted(), ACCEPTED))
    state, events = step(state, assigned(reason, "330726101000"), RESOLVED)
    assert [(e.kind, e.unit_id) for e in of(ClockStarted, events)] == [("signoff", "330726101000")]
    assert step(state, assigned(reason, "330726101000"), RESOLVED)[1] == [], "a redelivery starts nothing"


@pytest.mark.parametrize(
    ("at", "on_time"), [(ACCEPTED, True), (ACCEPTANCE_DUE - timedelta(seconds=1), True), (ACCEPTANCE_DUE, False)]
)
def test_acceptance_stops_met_on_time_when_accepted_before_the_due_and_handling_starts(
    at: datetime, on_time: bool
) -> None:
    state, (stop, *others, start) = step(run((assigned(), RECEIVED)), accepted(), at)
    assert isinstance(stop, ClockStopped)
    assert isinstance(start, ClockStarted)
    assert (stop.reason, stop.met_on_time) == ("accepted", on_time)
    assert [(e.clock_id, e.reason) for e in of(ClockStopped, others)] == [
        ("signoff-1", "accepted"),
        ("forward_objection-1", "accepted"),
    ]
    assert (start.kind, start.started_at, start.unit_id) == ("handling", at, VILLAGE)
    assert kinds(state) == {
        "acceptance-1": "stopped", "signoff-1": "stopped", "forward_objection-1": "stopped", "handling-1": "running",
    }  # fmt: skip


def test_acceptance_or_refusal_ends_the_objection_window_and_the_local_promises() -> None:
    hotline = run(
        (assigned(channel=Channel.HOTLINE), RECEIVED),
        (assigned("transfer", NEXT_VILLAGE, channel=Channel.HOTLINE), RECEIVED + DAY),
    )
    refused = CaseNotAccepted(
        case_id=CASE,
        division_code=NEXT_VILLAGE,
        level=Level.VILLAGE,
        county_code="330726000000",
        category="other",
        channel=Channel.HOTLINE,
        reason="not ours",
    )
    state, events = step(hotline, refused, RECEIVED + 2 * DAY)
    assert {e.clock_id for e in clock_events(events)} == {
        "acceptance-2",
        "forward_objection-2",
        "signoff-2",
        "first_contact-1",
    }
    assert not state.running()
    assert [e.met_on_time for e in of(ClockStopped, events) if e.clock_id == "signoff-2"] == [False]


def test_an_extension_moves_the_handling_due_counting_on_from_its_last_day() -> None:
    state = run((assigned(), RECEIVED), (accepted(), ACCEPTED))
    # 60 days end on 4 May, in the Labour Day holiday: the period runs to the end of 6 May.
    assert state.clocks["handling-1"].due_at == datetime(2026, 5, 6, 16, tzinfo=UTC)
    _, (extended,) = step(state, ExtensionGranted(case_id=CASE, days=30, reason="hearing"), ACCEPTED + 50 * DAY)
    assert isinstance(extended, ClockExtended)
    assert (extended.clock_id, extended.days, extended.due_at) == (
        "handling-1",
        30,
        datetime(2026, 6, 5, 16, tzinfo=UTC),
    )


def test_the_first_answer_opens_the_review_request_window_and_a_request_starts_the_review() -> None:
    state = run((assigned(), RECEIVED), (accepted(), ACCEPTED))
    state, events = step(state, resolved(), RESOLVED)
    assert [(e.clock_id, type(e).__name__) for e in clock_events(events)] == [
        ("handling-1", "ClockStopped"),
        ("review_request_window-1", "ClockStarted"),
    ]
    reopened = CaseReopenedForReview(case_id=CASE, round="review", reason="unfair")
    state, (stop, start) = step(state, reopened, RESOLVED + 10 * DAY)
    assert isinstance(stop, ClockStopped)
    assert isinstance(start, ClockStarted)
    assert (stop.clock_id, stop.reason, stop.met_on_time) == ("review_request_window-1", "review_requested", True)
    assert (start.kind, start.unit_id) == ("review", None)
    state, events = step(state, resolved("review"), RESOLVED + 20 * DAY)
    assert [e.clock_id for e in clock_events(events)] == ["review-1", "re_review_request_window-1"]
    state, _ = step(state, CaseReopenedForReview(case_id=CASE, round="re_review", reason="still"), RESOLVED + 21 * DAY)
    state, events = step(state, resolved("re_review"), RESOLVED + 30 * DAY)
    assert [(e.clock_id, e.reason) for e in of(ClockStopped, events)] == [("re_review-1", "resolved")]
    assert not state.running()


def test_closing_the_case_stops_every_running_clock() -> None:
    state = run((assigned(channel=Channel.HOTLINE), RECEIVED))
    state, events = step(state, CaseClosed(case_id=CASE, reason="withdrawn"), RECEIVED + DAY)
    assert len(events) == 4  # acceptance, sign-off, objection window, first contact
    assert all(e.reason == "closed" for e in of(ClockStopped, events))
    assert not state.running()


def test_the_deployments_policy_decides_the_limits() -> None:
    zhejiang = ClockRules(read_policies(), ChineseStatutoryCalendar(), SHANGHAI, "zhejiang")
    state = run((assigned(), RECEIVED), (accepted(), ACCEPTED), rules=zhejiang)
    assert state.clocks["acceptance-1"].due_at == datetime(2026, 3, 9, 16, tzinfo=UTC)  # 5 working days
    assert (state.clocks["handling-1"].policy, state.clocks["handling-1"].amount) == ("zhejiang", 30)
