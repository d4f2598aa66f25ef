"""The work across units' clocks: a task's and a supervision's, from the policy or from a given last day."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from services.sla.domain.clocks import CaseClocks
from services.sla.domain.firing import schedule
from shared.events import ClockStarted, ClockStopped
from shared.events.routing import (
    SupervisionAnswered,
    SupervisionOrdered,
    TaskAssigned,
    TaskClosed,
    TaskReleaseDecided,
    TaskReported,
)
from tests.unit.sla.support import CASE, RECEIVED, RULES, VILLAGE, assigned, of, step

pytestmark = pytest.mark.unit

LABOUR = "330726000000:labour"


def task(task_id: str = "1", due: date | None = None) -> TaskAssigned:
    return TaskAssigned(
        case_id=CASE,
        task_id=task_id,
        unit_id=LABOUR,
        unit_name="勞動局",
        division_code="330726000000",
        lead_unit_id=VILLAGE,
        ask="check",
        due_date=due,
    )


def test_a_task_runs_the_policys_clock_for_its_unit_and_stops_when_reported() -> None:
    state, _ = step(step(fresh(), assigned(), RECEIVED)[0], task(), RECEIVED)
    clock = state.clocks["assist_task-1"]
    # 10 working days from Monday 2 March 2026: Monday 16 March, 24:00 local.
    assert (clock.kind, clock.unit_id, clock.due_at) == ("assist_task", LABOUR, datetime(2026, 3, 16, 16, tzinfo=UTC))
    assert clock.policy == "national"
    redelivered, again = step(state, task(), RECEIVED)
    assert again == []
    _, stopped = step(
        state,
        TaskReported(case_id=CASE, task_id="1", unit_id=LABOUR, kind="opinion", text="t"),
        RECEIVED + timedelta(days=1),
    )
    [stop] = of(ClockStopped, stopped)
    assert (stop.clock_id, stop.reason, stop.met_on_time) == ("assist_task-1", "reported", True)
    assert redelivered == state


def test_a_given_last_day_ends_the_clock_at_its_midnight_and_a_late_close_is_not_on_time() -> None:
    state, started = step(fresh(), task(due=date(2026, 3, 4)), RECEIVED)
    [clock] = of(ClockStarted, started)
    assert clock.due_at == datetime(2026, 3, 4, 16, tzinfo=UTC)  # 24:00 of 4 March in Shanghai
    assert (clock.amount, clock.unit) == (2, "calendar_days")
    assert schedule(state, RULES)  # its warnings and due are on the timer like every clock's
    _, stopped = step(state, TaskClosed(case_id=CASE, task_id="1", reason="r"), datetime(2026, 3, 5, tzinfo=UTC))
    [stop] = of(ClockStopped, stopped)
    assert stop.met_on_time is False


def test_a_refused_release_keeps_the_clock_running_a_granted_one_stops_it() -> None:
    state, _ = step(fresh(), task(), RECEIVED)
    refused = TaskReleaseDecided(case_id=CASE, task_id="1", granted=False, reason="no")
    assert step(state, refused, RECEIVED)[1] == []
    granted = TaskReleaseDecided(case_id=CASE, task_id="1", granted=True, reason="ok")
    assert [e.reason for e in of(ClockStopped, step(state, granted, RECEIVED)[1])] == ["released"]


def test_a_supervision_runs_its_response_clock_until_answered() -> None:
    ordered = SupervisionOrdered(
        case_id=CASE, supervision_id="1", by_division="330726000000", unit_id=VILLAGE, demand="report"
    )
    state, started = step(step(fresh(), assigned(), RECEIVED)[0], ordered, RECEIVED)
    [clock] = of(ClockStarted, started)
    # 3 working days from Monday 2 March: Thursday 5 March, 24:00 local.
    assert (clock.clock_id, clock.due_at) == ("supervision_response-1", datetime(2026, 3, 5, 16, tzinfo=UTC))
    answered = SupervisionAnswered(case_id=CASE, supervision_id="1", unit_id=VILLAGE, report="r")
    _, stopped = step(state, answered, datetime(2026, 3, 6, 1, tzinfo=UTC))
    [stop] = of(ClockStopped, stopped)
    assert (stop.reason, stop.met_on_time) == ("answered", False)  # a late answer is counted as late


def fresh() -> CaseClocks:
    return CaseClocks()
