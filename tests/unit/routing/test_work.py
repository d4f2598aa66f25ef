"""The work across units (issue 10, part B): joint handling, consultation, supervision, instructions."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from services.routing.domain.case import Case, fold
from services.routing.domain.commands import Accept, Command, Resolve
from services.routing.domain.lifecycle import decide
from services.routing.domain.reactions import on_breach
from services.routing.domain.work import decide_work
from services.routing.domain.work_commands import (
    Actor,
    AddTask,
    AnswerSupervision,
    CloseTask,
    DecideRelease,
    GiveInstruction,
    OrderSupervision,
    RecordConsultation,
    ReportTask,
    RequestRelease,
    SignTask,
    WorkCommand,
    WorkRules,
)
from services.routing.domain.work_state import OPEN_TASK_STATUSES, TaskStatus
from shared.domain import Forbidden, Invalid, NotAllowed, NotFound
from shared.events import CaseResolved, ClockBreached, Event, SupervisionIssued, status_after
from shared.events.routing import (
    SupervisionAnswered,
    SupervisionOrdered,
    TaskAssigned,
    TaskClosed,
    TaskReleaseDecided,
    TaskReported,
    TaskSigned,
)
from shared.vocabulary import CaseStatus, Role
from tests.unit.routing.test_case_properties import RULES, TREE, VILLAGE
from tests.unit.routing.test_notes import routed

pytestmark = pytest.mark.unit

TODAY = date(2026, 3, 2)
WORK = WorkRules()
LABOUR = "330726000000:labour"  # a department of the county: its division is the county's
TOWNSHIP_B = "330726102000"  # another township of the county
LEAD = Actor(sub="li", role=Role.OFFICIAL, division=VILLAGE)
COUNTY_OFFICIAL = Actor(sub="wang", role=Role.OFFICIAL, division="330726000000")
TOWNSHIP_B_OFFICIAL = Actor(sub="zhao", role=Role.OFFICIAL, division=TOWNSHIP_B)
SUPERVISOR = Actor(sub="chen", role=Role.SUPERVISOR, division="330726000000")


def accepted() -> Case:
    state = routed()
    return fold(decide(state, Accept(), TREE, RULES), state)


def work(state: Case, command: WorkCommand, actor: Actor = LEAD) -> Case:
    return fold(decide_work(state, command, actor, TREE, WORK, TODAY), state)


def lifecycle(state: Case, command: Command) -> list[Event]:
    return decide(state, command, TREE, RULES)


def with_task(unit: str = TOWNSHIP_B) -> Case:
    return work(accepted(), AddTask(unit_id=unit, ask="Check the drain's permit", due_date=TODAY + timedelta(days=5)))


def test_a_joint_case_runs_from_task_to_report_to_resolution() -> None:
    state = with_task()
    [task] = state.tasks
    assert (task.task_id, task.unit_id, task.status, task.due_date) == ("1", TOWNSHIP_B, "requested", date(2026, 3, 7))
    with pytest.raises(NotAllowed) as blocked:
        lifecycle(state, Resolve(reply="done"))
    assert "task 1" in blocked.value.message
    assert blocked.value.details == [{"current_status": "accepted"}]
    state = work(state, SignTask(task_id="1"), TOWNSHIP_B_OFFICIAL)
    state = work(
        state, ReportTask(task_id="1", kind="action", text="Permit checked: none was given"), TOWNSHIP_B_OFFICIAL
    )
    assert state.tasks[0].status == TaskStatus.REPORTED
    [resolved] = lifecycle(state, Resolve(reply="The wall goes"))
    assert isinstance(resolved, CaseResolved)


def test_the_lead_resolves_after_closing_an_open_task_with_a_reason() -> None:
    state = with_task(LABOUR)
    with pytest.raises(Invalid) as blank:
        work(state, CloseTask(task_id="1", reason="  "))
    assert blank.value.field == "reason"
    state = work(state, CloseTask(task_id="1", reason="settled without the department"))
    assert state.tasks[0].status == TaskStatus.CLOSED
    assert isinstance(lifecycle(state, Resolve(reply="r"))[0], CaseResolved)
    with pytest.raises(NotAllowed) as again:
        work(state, CloseTask(task_id="1", reason="twice"))
    assert again.value.details == [{"current_status": "accepted"}, {"task_status": "closed"}]


def test_a_release_is_asked_for_and_decided_by_the_lead() -> None:
    state = work(with_task(), SignTask(task_id="1"), TOWNSHIP_B_OFFICIAL)
    state = work(state, RequestRelease(task_id="1", reason="not our township"), TOWNSHIP_B_OFFICIAL)
    assert state.tasks[0].status == TaskStatus.RELEASE_REQUESTED
    with pytest.raises(Forbidden):
        work(state, DecideRelease(task_id="1", granted=True, reason="ok"), TOWNSHIP_B_OFFICIAL)  # not theirs to decide
    state = work(state, DecideRelease(task_id="1", granted=False, reason="the drain crosses your land"))
    assert state.tasks[0].status == TaskStatus.SIGNED  # refused: the unit still owes its part
    state = work(state, RequestRelease(task_id="1", reason="we checked: it does not"), TOWNSHIP_B_OFFICIAL)
    state = work(state, DecideRelease(task_id="1", granted=True, reason="agreed"))
    assert state.tasks[0].status == TaskStatus.RELEASED
    assert not state.tasks[0].open


def test_each_side_acts_only_on_its_own_steps() -> None:
    state = with_task()
    with pytest.raises(Forbidden):
        work(state, SignTask(task_id="1"), LEAD)  # the lead cannot sign for the assisting unit
    with pytest.raises(Forbidden):
        work(state, AddTask(unit_id=LABOUR, ask="x"), TOWNSHIP_B_OFFICIAL)  # nor the assisting unit add tasks
    with pytest.raises(Forbidden):
        work(state, SignTask(task_id="1"), Actor(sub="a", role=Role.AUDITOR, division="330726000000"))
    work(state, SignTask(task_id="1"), COUNTY_OFFICIAL)  # the level above both may act for either
    with pytest.raises(NotFound):
        work(state, SignTask(task_id="9"), TOWNSHIP_B_OFFICIAL)
    with pytest.raises(NotAllowed) as unsigned:
        work(state, ReportTask(task_id="1", kind="opinion", text="x"), TOWNSHIP_B_OFFICIAL)
    assert unsigned.value.details[-1] == {"task_status": "requested"}


@pytest.mark.parametrize(
    ("command", "field"),
    [
        (AddTask(unit_id="330782001000", ask="x"), "unit_id"),  # another county's township
        (AddTask(unit_id="nowhere", ask="x"), "unit_id"),
        (AddTask(unit_id=VILLAGE, ask="x"), "unit_id"),  # the lead itself
        (AddTask(unit_id=LABOUR, ask=" "), "ask"),
        (AddTask(unit_id=LABOUR, ask="x", due_date=TODAY - timedelta(days=1)), "due_date"),
        (AddTask(unit_id=LABOUR, ask="x", due_date=TODAY + timedelta(days=400)), "due_date"),
        (
            RecordConsultation(
                held_on=TODAY + timedelta(days=1), units=("a",), participants=("b",), minutes="m", conclusions="c"
            ),
            "held_on",
        ),
        (RecordConsultation(held_on=TODAY, units=(), participants=("b",), minutes="m", conclusions="c"), "units"),
        (
            RecordConsultation(held_on=TODAY, units=("a",), participants=(" ",), minutes="m", conclusions="c"),
            "participants",
        ),
        (RecordConsultation(held_on=TODAY, units=("a",), participants=("b",), minutes="", conclusions="c"), "minutes"),
        (GiveInstruction(leader="", text="t"), "leader"),
        (GiveInstruction(leader="Secretary Zhang", text=" "), "text"),
    ],
)
def test_invalid_fields_are_named(command: WorkCommand, field: str) -> None:
    with pytest.raises(Invalid) as refused:
        work(accepted(), command)
    assert refused.value.field == field


def test_tasks_are_added_only_while_the_case_is_handled_and_once_per_unit() -> None:
    with pytest.raises(NotAllowed) as early:
        work(routed(), AddTask(unit_id=LABOUR, ask="x"))
    assert early.value.details == [{"current_status": "assigned"}]
    state = with_task(LABOUR)
    with pytest.raises(Invalid):
        work(state, AddTask(unit_id=LABOUR, ask="again"))
    state = work(state, AddTask(unit_id=TOWNSHIP_B, ask="another"))
    assert [t.task_id for t in state.tasks] == ["1", "2"]


def test_supervision_comes_from_above_and_the_handling_unit_answers_once() -> None:
    state = accepted()
    for actor in (LEAD, Actor(sub="s", role=Role.SUPERVISOR, division=VILLAGE)):
        with pytest.raises(Forbidden):
            work(state, OrderSupervision(demand="Report by Friday"), actor)
    with pytest.raises(Forbidden):  # outside the supervisor's scope
        work(state, OrderSupervision(demand="x"), Actor(sub="s", role=Role.SUPERVISOR, division="330782000000"))
    events = decide_work(state, OrderSupervision(demand="Report", respond_by=TODAY), SUPERVISOR, TREE, WORK, TODAY)
    assert events == [
        SupervisionOrdered(
            case_id="c",
            supervision_id="1",
            by_division="330726000000",
            unit_id=VILLAGE,
            demand="Report",
            respond_by=TODAY,
        )
    ]
    state = fold(events, state)
    with pytest.raises(Forbidden):
        work(state, AnswerSupervision(supervision_id="1", report="x"), SUPERVISOR)  # not the handling unit
    with pytest.raises(Invalid):
        work(state, AnswerSupervision(supervision_id="1", report=" "))
    state = work(state, AnswerSupervision(supervision_id="1", report="Met both families on Tuesday"))
    assert state.supervisions[0].answered
    with pytest.raises(NotAllowed):
        work(state, AnswerSupervision(supervision_id="1", report="again"))
    with pytest.raises(NotFound):
        work(state, AnswerSupervision(supervision_id="2", report="x"))


def test_a_late_supervision_answer_escalates_and_a_late_task_does_not() -> None:
    state = accepted()
    due = TODAY
    late_answer = ClockBreached(case_id="c", clock_id="supervision_response-1", kind="supervision_response", due_at=due)
    [issued] = on_breach(state, late_answer, TREE, RULES)
    assert isinstance(issued, SupervisionIssued)
    assert (issued.step, issued.clock_kind, issued.breach_count) == ("reminder", "supervision_response", 1)
    late_task = ClockBreached(case_id="c", clock_id="assist_task-1", kind="assist_task", due_at=due)
    assert on_breach(state, late_task, TREE, RULES) == []


def test_consultations_and_instructions_are_recorded_and_move_nothing() -> None:
    state = accepted()
    held = RecordConsultation(
        held_on=TODAY, units=(VILLAGE, LABOUR), participants=("li", "wang"), minutes="m", conclusions="c"
    )
    after = work(work(state, held), GiveInstruction(leader="Secretary Zhang", text="Settle it this month"))
    assert (after.consultations, after.instructions, after.status) == (1, 1, CaseStatus.ACCEPTED)
    for event in decide_work(state, held, LEAD, TREE, WORK, TODAY):
        assert status_after(event) is None


# ---- properties ------------------------------------------------------------------------------

ACTORS = st.sampled_from([LEAD, TOWNSHIP_B_OFFICIAL, COUNTY_OFFICIAL, SUPERVISOR])
TASK_IDS = st.sampled_from(["1", "2", "3"])
steps = st.one_of(
    st.builds(AddTask, unit_id=st.sampled_from([LABOUR, TOWNSHIP_B]), ask=st.just("help")),
    st.builds(SignTask, task_id=TASK_IDS),
    st.builds(ReportTask, task_id=TASK_IDS, kind=st.sampled_from(["opinion", "action"]), text=st.just("done")),
    st.builds(RequestRelease, task_id=TASK_IDS, reason=st.just("not ours")),
    st.builds(DecideRelease, task_id=TASK_IDS, granted=st.booleans(), reason=st.just("r")),
    st.builds(CloseTask, task_id=TASK_IDS, reason=st.just("r")),
    st.builds(OrderSupervision, demand=st.just("report")),
    st.builds(AnswerSupervision, supervision_id=st.sampled_from(["1", "2"]), report=st.just("progress")),
    st.just(Resolve(reply="r")),
)
CLOSED_FOR_GOOD = frozenset(TaskStatus) - OPEN_TASK_STATUSES


@settings(max_examples=300, deadline=None)
@given(actions=st.lists(st.tuples(steps, ACTORS), max_size=30))
def test_tasks_never_reopen_and_the_lead_never_resolves_with_an_open_task(
    actions: list[tuple[WorkCommand | Command, Actor]],
) -> None:
    state = accepted()
    log: list[Event] = []
    for command, actor in actions:
        before = state
        try:
            if isinstance(command, WorkCommand):
                events = decide_work(state, command, actor, TREE, WORK, TODAY)
            else:
                events = lifecycle(state, command)
        except (NotAllowed, Invalid, Forbidden, NotFound):
            events = []
        if any(isinstance(e, CaseResolved) for e in events):
            assert not any(t.open for t in before.tasks), "resolved with an open task"
        state = fold(events, state)
        log += events
        for was, now in zip(before.tasks, state.tasks, strict=False):
            assert now.open != (now.status in CLOSED_FOR_GOOD)  # open or closed, never both
            if was.status in CLOSED_FOR_GOOD:
                assert now == was  # a closed task stays as it was
        assert [t.task_id for t in state.tasks] == [str(n) for n in range(1, len(state.tasks) + 1)]
        assert sum(s.answered for s in state.supervisions) <= len(state.supervisions)
    kinds = {type(e) for e in log}
    assert kinds <= {
        TaskAssigned,
        TaskSigned,
        TaskReported,
        TaskReleaseDecided,
        TaskClosed,
        SupervisionOrdered,
        SupervisionAnswered,
        CaseResolved,
        *(type(e) for e in log if type(e).__name__ == "TaskReleaseRequested"),
    }
    assert fold(log, accepted()) == state  # replaying the events gives the same state
