"""The simulator's work across units: joint cases, their tasks' steps in order, supervision of slow units."""

from __future__ import annotations

from collections import Counter

import pytest

from simulator.domain.draws import stream
from simulator.domain.model import Observed, PetitionSpec, Step, Track
from simulator.domain.plans import pace, plan
from tests.unit.simulator.support import WorldOf

pytestmark = pytest.mark.unit

TOWNSHIP = "330726001000"
DRAWS = 3000


def handling(ref: int, unit: str = TOWNSHIP, **seen: object) -> tuple[Track, Observed]:
    spec = PetitionSpec(ref=ref, tick=0, channel="online", category="labour_wages", division_code=TOWNSHIP + "",
                        title="t", content="c", name="n", anonymous=False)  # fmt: skip
    observed = Observed(status="accepted", level="township", division_code=unit, unit_id=unit, **seen)  # type: ignore[arg-type]
    return Track(petition=spec), observed


def steps_of(world_of: WorldOf, ref: int, unit: str = TOWNSHIP, **seen: object) -> tuple[Step, ...]:
    world = world_of(seed=5)
    track, observed = handling(ref, unit, **seen)
    return plan(world, track, observed, 10, stream(5, "stay", ref, 1))


def test_some_cases_are_joint_and_each_task_is_signed_then_reported_released_or_closed_before_the_reply(
    world_of: WorldOf,
) -> None:
    joint = 0
    actions: Counter[str] = Counter()
    for ref in range(1, DRAWS + 1):
        steps = steps_of(world_of, ref)
        actions.update(s.action for s in steps)
        if steps[-1].action == "withdraw":  # the petitioner withdrew: whatever was planned stops there
            continue
        if steps[-1].action != "resolve":
            assert not any(s.action == "add-task" for s in steps)  # tasks only when the lead replies itself
            continue
        reply = steps[-1].tick
        tasks = [s for s in steps if s.action == "add-task"]
        joint += bool(tasks)
        for n, _ in enumerate(tasks, start=1):
            mine = [s for s in steps if (s.path or "").startswith(f"tasks/{n}/")]
            order = [s.action for s in mine]
            assert order[0] in {"sign-task", "close-task"}
            assert order[-1] in {"report-task", "close-task", "decide-release"}, order
            assert all(s.tick <= reply for s in mine)
            assert [s.tick for s in mine] == sorted(s.tick for s in mine)
            # Whoever acts: the assisting unit signs and reports, the lead decides and closes.
            assert all(s.division is not None for s in mine if s.action in {"sign-task", "report-task", "release-task"})
            assert all(s.division is None for s in mine if s.action in {"decide-release", "close-task"})
    # The township's habit (6% joint): believable, not exact.
    assert 0.03 < joint / DRAWS < 0.09
    assert actions["consult"] > 0
    assert actions["release-task"] > 0
    assert actions["note"] > 0


def test_supervisors_step_in_on_slow_units_far_more_than_on_others(world_of: WorldOf) -> None:
    world = world_of(seed=5)
    slow = [f"330726{n:03d}000" for n in range(1, 100)]  # about one unit in eight is slow
    supervised: Counter[bool] = Counter()
    cases: Counter[bool] = Counter()
    for ref in range(1, DRAWS + 1):
        unit = slow[ref % len(slow)]
        is_slow = pace(world, unit) > 1
        steps = steps_of(world_of, ref, unit=unit)
        if steps[-1].action == "withdraw":  # the petitioner withdrew: whatever was planned stops there
            continue
        cases[is_slow] += 1
        orders = [s for s in steps if s.action == "supervise"]
        supervised[is_slow] += bool(orders)
        for order in orders:
            assert order.division == "330726000000"  # the level above orders it
            answers = [s for s in steps if s.action == "answer-supervision"]
            assert answers
            assert all(a.tick >= order.tick for a in answers)
    assert cases[True] > 100
    assert supervised[True] / cases[True] > 3 * supervised[False] / max(1, cases[False])


def test_a_taken_over_case_closes_tasks_left_open_and_answers_pending_supervision(world_of: WorldOf) -> None:
    steps = steps_of(world_of, 7, tasks=2, open_tasks=("2",), supervisions=1, pending_supervisions=("1",))
    if steps[-1].action == "resolve":
        assert any(s.action == "close-task" and s.path == "tasks/2/close" for s in steps)
    assert any(s.action == "answer-supervision" and s.path == "supervisions/1/response" for s in steps)
