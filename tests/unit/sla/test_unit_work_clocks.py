"""The clocks of the work between units (issue 10, part A): sign-off, ruling, extension decision."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from shared.events import (
    CaseAccepted,
    CaseSigned,
    ClockExtended,
    ClockStarted,
    ClockStopped,
    ExtensionDenied,
    ExtensionGranted,
    ExtensionRequested,
    ObjectionRaised,
    ObjectionRuled,
)
from shared.vocabulary import Channel, Level
from tests.unit.sla.support import CASE, RECEIVED, VILLAGE, assigned, of, run, step

pytestmark = pytest.mark.unit

DAY = timedelta(days=1)


def test_signing_stops_the_sign_off_clock_on_time_and_a_hotline_counts_it_in_hours() -> None:
    state = run((assigned(channel=Channel.HOTLINE), RECEIVED))
    assert state.clocks["signoff-1"].due_at == RECEIVED + timedelta(hours=4)
    _, events = step(
        state, CaseSigned(case_id=CASE, unit_id=VILLAGE, level=Level.VILLAGE), RECEIVED + timedelta(hours=5)
    )
    (stopped,) = of(ClockStopped, events)
    assert (stopped.clock_id, stopped.reason, stopped.met_on_time) == ("signoff-1", "signed", False)
    online = run((assigned(), RECEIVED))
    assert online.clocks["signoff-1"].due_at == datetime(2026, 3, 3, 16, tzinfo=UTC), "1 working day"


def objection(to_bureau: bool = False) -> ObjectionRaised:
    return ObjectionRaised(
        case_id=CASE,
        objection_id="objection-1",
        unit_id=VILLAGE,
        reason="not ours",
        ruling_unit_id="330726000000",
        ruling_division="330726000000",
        to_bureau=to_bureau,
    )


def test_a_send_back_runs_the_ruling_clock_until_the_ruling() -> None:
    state, events = step(run((assigned(), RECEIVED)), objection(), RECEIVED + DAY)
    (started,) = of(ClockStarted, events)
    assert (started.kind, started.amount, started.unit) == ("objection_ruling", 3, "working_days")
    ruled = ObjectionRuled(case_id=CASE, objection_id="objection-1", decision="dismissed", reason="yours")
    _, events = step(state, ruled, RECEIVED + 2 * DAY)
    assert [(e.clock_id, e.reason, e.met_on_time) for e in of(ClockStopped, events)] == [
        ("objection_ruling-1", "ruled", True)
    ]
    assert step(run((assigned(), RECEIVED)), objection(to_bureau=True), RECEIVED + DAY)[1] == [], "no ruling"


def test_an_extension_request_runs_the_decision_clock_and_only_an_approval_extends_handling() -> None:
    accepted = CaseAccepted(case_id=CASE, unit_id=VILLAGE, level=Level.VILLAGE)
    state = run((assigned(), RECEIVED), (accepted, RECEIVED + DAY))
    request = ExtensionRequested(
        case_id=CASE,
        request_id="extension-1",
        unit_id=VILLAGE,
        days=20,
        reason="hearing",
        approver_division="330726101000",
    )
    state, events = step(state, request, RECEIVED + 10 * DAY)
    assert [(e.kind, e.amount) for e in of(ClockStarted, events)] == [("extension_decision", 3)]
    due = state.clocks["handling-1"].due_at
    denied, events = step(
        state, ExtensionDenied(case_id=CASE, request_id="extension-1", reason="no"), RECEIVED + 11 * DAY
    )
    assert [e.reason for e in of(ClockStopped, events)] == ["denied"]
    assert denied.clocks["handling-1"].due_at == due
    granted = ExtensionGranted(case_id=CASE, days=20, reason="hearing", request_id="extension-1")
    after, events = step(state, granted, RECEIVED + 11 * DAY)
    assert [type(e) for e in events] == [ClockStopped, ClockExtended]
    assert after.clocks["handling-1"].due_at > due
