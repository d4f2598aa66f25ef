"""Officials pause a clock for a hearing and resume it; extensions count on the unpaused period."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.sla.domain.calendar import warning_times
from services.sla.domain.clocks import CaseClocks
from services.sla.domain.commands import pause, resume
from services.sla.domain.rules import pushed, unpaused_due
from shared.domain import NotAllowed, NotFound
from shared.events import (
    CaseAccepted,
    CaseClosed,
    ClockExtended,
    ClockPaused,
    ClockResumed,
    ClockStopped,
    ExtensionGranted,
)
from shared.vocabulary import Level
from tests.unit.sla.support import ACCEPTANCE_DUE, CASE, RECEIVED, RULES, VILLAGE, assigned, of, record, run, step

pytestmark = pytest.mark.unit

DAY = timedelta(days=1)


def paused(at: datetime = RECEIVED + DAY, reason: str = "hearing") -> CaseClocks:
    state = run((assigned(), RECEIVED))
    return record(state, pause(state, "acceptance-1", reason, at), at)


def test_a_pause_records_its_reason_and_moment_and_the_clock_stands_still() -> None:
    state = run((assigned(), RECEIVED))
    (event,) = pause(state, "acceptance-1", "hearing", RECEIVED + DAY)
    assert isinstance(event, ClockPaused)
    assert (event.case_id, event.clock_id, event.reason, event.paused_at) == (
        CASE,
        "acceptance-1",
        "hearing",
        RECEIVED + DAY,
    )
    clock = record(state, [event], RECEIVED + DAY).clocks["acceptance-1"]
    assert clock.status == "paused"
    assert clock.open_pause is not None
    assert clock.open_pause.reason == "hearing"
    assert clock.paused_for(RECEIVED + 3 * DAY) == 2 * DAY


def test_resuming_moves_the_due_out_by_the_paused_time() -> None:
    state = paused()
    (event,) = resume(state, "acceptance-1", RECEIVED + 3 * DAY)
    assert isinstance(event, ClockResumed)
    assert event.due_at == ACCEPTANCE_DUE + 2 * DAY
    clock = record(state, [event], RECEIVED + 3 * DAY).clocks["acceptance-1"]
    assert (clock.status, clock.due_at, clock.paused_for(RECEIVED + 9 * DAY)) == (
        "running",
        ACCEPTANCE_DUE + 2 * DAY,
        2 * DAY,
    )
    assert unpaused_due(clock) == ACCEPTANCE_DUE


def test_a_pause_after_the_due_does_not_undo_the_delay() -> None:
    state = paused(ACCEPTANCE_DUE + DAY)
    (event,) = of(ClockResumed, resume(state, "acceptance-1", ACCEPTANCE_DUE + 3 * DAY))
    assert event.due_at == ACCEPTANCE_DUE


def test_a_case_accepted_while_paused_before_its_due_is_on_time() -> None:
    state = paused(ACCEPTANCE_DUE - DAY)
    accepted = CaseAccepted(case_id=CASE, unit_id=VILLAGE, level=Level.VILLAGE)
    _, (stop, *_others) = step(state, accepted, ACCEPTANCE_DUE + 5 * DAY)
    assert isinstance(stop, ClockStopped)
    assert stop.met_on_time


def test_pausing_a_paused_clock_or_resuming_a_running_one_is_not_allowed() -> None:
    with pytest.raises(NotAllowed) as refused:
        pause(paused(), "acceptance-1", "again", RECEIVED + 2 * DAY)
    assert refused.value.status_now == "paused"
    with pytest.raises(NotAllowed) as refused:
        resume(run((assigned(), RECEIVED)), "acceptance-1", RECEIVED + 2 * DAY)
    assert refused.value.status_now == "running"


def test_a_stopped_clock_can_neither_pause_nor_resume_and_an_unknown_one_is_unknown() -> None:
    state, _ = step(run((assigned(), RECEIVED)), CaseClosed(case_id=CASE, reason="withdrawn"), RECEIVED + DAY)
    with pytest.raises(NotAllowed, match="stopped"):
        pause(state, "acceptance-1", "hearing", RECEIVED + 2 * DAY)
    with pytest.raises(NotAllowed, match="stopped"):
        resume(state, "acceptance-1", RECEIVED + 2 * DAY)
    with pytest.raises(NotFound):
        pause(state, "handling-9", "hearing", RECEIVED)


def test_an_extension_adds_its_days_to_the_unpaused_period_and_keeps_the_paused_time() -> None:
    accepted_at = datetime(2026, 3, 5, 1, tzinfo=UTC)
    state = run((assigned(), RECEIVED), (CaseAccepted(case_id=CASE, unit_id=VILLAGE, level=Level.VILLAGE), accepted_at))
    hearing = accepted_at + 10 * DAY
    state = record(state, pause(state, "handling-1", "hearing", hearing), hearing)
    state = record(state, resume(state, "handling-1", hearing + timedelta(hours=30)), hearing + timedelta(hours=30))
    assert state.clocks["handling-1"].due_at == datetime(2026, 5, 6, 16, tzinfo=UTC) + timedelta(hours=30)
    _, events = step(state, ExtensionGranted(case_id=CASE, days=30, reason="survey"), accepted_at + 40 * DAY)
    (extended,) = of(ClockExtended, events)
    # 30 days on from 6 May is 5 June (a Friday); the 30 paused hours still count on top.
    assert extended.due_at == datetime(2026, 6, 5, 16, tzinfo=UTC) + timedelta(hours=30)


def test_an_instant_moves_out_by_each_pause_that_began_before_it() -> None:
    due = ACCEPTANCE_DUE
    assert pushed(due, []) == due
    assert pushed(due, [(due - 5 * DAY, due - 3 * DAY)]) == due + 2 * DAY
    assert pushed(due, [(due, due + DAY)]) == due  # a pause from the due on changes nothing
    # A pause after the original instant but before the pushed one still counts.
    chained = [(due - 2 * DAY, due - DAY), (due + timedelta(hours=1), due + timedelta(hours=3))]
    assert pushed(due, chained) == due + DAY + timedelta(hours=2)


def test_warnings_move_out_by_the_pauses_before_them_as_the_due_does() -> None:
    state = paused(RECEIVED + timedelta(hours=1))
    state = record(state, resume(state, "acceptance-1", RECEIVED + 2 * DAY), RECEIVED + 2 * DAY)
    clock = state.clocks["acceptance-1"]
    unpaused = warning_times(clock.started_at, unpaused_due(clock), RULES.warn_points(clock))
    assert unpaused  # the policy warns before the acceptance deadline
    paused_for = 2 * DAY - timedelta(hours=1)
    assert RULES.warnings(clock) == [(label, at + paused_for) for label, at in unpaused]
    assert clock.due_at == ACCEPTANCE_DUE + paused_for


@given(gaps=st.lists(st.tuples(st.integers(0, 20), st.integers(0, 10)), max_size=5))
def test_a_pushed_instant_is_where_the_same_running_time_has_passed(gaps: list[tuple[int, int]]) -> None:
    hour, origin = timedelta(hours=1), ACCEPTANCE_DUE - timedelta(hours=40)
    pauses, end = [], origin
    for gap, length in gaps:  # in order and apart, as a clock records them
        start = end + gap * hour
        end = start + length * hour
        pauses.append((start, end))
    # Brute force on whole hours: from 40 h before the due, walk until 40 running hours have passed.
    at, running = origin, 0
    while running < 40:
        running += not any(start <= at < stop for start, stop in pauses)
        at += hour
    assert pushed(ACCEPTANCE_DUE, pauses) == at
