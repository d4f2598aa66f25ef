"""The simulator's callbacks (回访) and withdrawals (撤回): planned from habits, shaped as the API takes them."""

from __future__ import annotations

import pytest

from simulator.domain.draws import stream
from simulator.domain.model import Observed, PetitionSpec, Track
from simulator.domain.plans import plan
from tests.unit.simulator.support import WorldOf

pytestmark = pytest.mark.unit

SPEC = PetitionSpec(
    ref=1, tick=0, channel="online", category="other", division_code="330726001001", title="t", content="c",
    name="王芳", anonymous=False,
)  # fmt: skip
RESOLVED = Observed(status="resolved", level="village", division_code="330726001001", unit_id="330726001001")
ACCEPTED = Observed(status="accepted", level="village", division_code="330726001001", unit_id="330726001001")


def habits(**petitioners: object) -> dict[str, object]:
    return {"behaviour": {"petitioners": {"feedback": 0.0, "review_when_unsatisfied": 0.0, **petitioners}}}


def test_a_silent_petitioner_is_called_back_until_reached(world_of: WorldOf) -> None:
    world = world_of(**habits(reached=0.0))
    steps = plan(world, Track(petition=SPEC), RESOLVED, 10, stream(1, "stay", 1, 1))
    assert [s.action for s in steps] == ["callbacks"] * 3
    assert all(s.body == {"method": s.body["method"], "reached": False} for s in steps)
    assert [s.tick for s in steps] == sorted({s.tick for s in steps})  # tries on different days


def test_a_reached_petitioner_gives_a_grade_with_reasons_from_routings_list(world_of: WorldOf) -> None:
    world = world_of(**habits(reached=1.0, satisfied=1.0, basically=0.0))
    (step,) = plan(world, Track(petition=SPEC), RESOLVED, 10, stream(1, "stay", 1, 1))
    assert step.body["satisfaction"] == "satisfied"
    assert step.body["reasons"][0] in {"resolved", "timely", "good_attitude", "reply_clear"}


def test_a_petitioner_who_answers_themselves_is_not_called_back(world_of: WorldOf) -> None:
    world = world_of(behaviour={"petitioners": {"feedback": 1.0}})
    steps = plan(world, Track(petition=SPEC), RESOLVED, 10, stream(1, "stay", 1, 1))
    assert "callbacks" not in [s.action for s in steps]


def test_a_withdrawal_ends_the_plan_before_the_reply(world_of: WorldOf) -> None:
    world = world_of(behaviour={"petitioners": {"withdraw": 1.0}})
    steps = plan(world, Track(petition=SPEC), ACCEPTED, 10, stream(1, "stay", 1, 1))
    assert steps[-1].action == "withdraw"
    assert "resolve" not in [s.action for s in steps]
    assert steps[-1].body["reason"]


def test_by_default_few_withdraw(world_of: WorldOf) -> None:
    world = world_of()
    plans = [plan(world, Track(petition=SPEC), ACCEPTED, 10, stream(1, "stay", n, 1)) for n in range(400)]
    withdrawn = sum(p[-1].action == "withdraw" for p in plans)
    assert 0 < withdrawn < 30  # about 2%
