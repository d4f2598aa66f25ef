"""Same seed, same commands: the core decides only from the seed and what it was shown."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

import pytest

from simulator.domain.model import Command, Observed, SimState
from simulator.domain.simulation import next_tick, step
from simulator.domain.world import World
from tests.unit.simulator.province import FakeProvince
from tests.unit.simulator.support import WorldOf

pytestmark = pytest.mark.unit

TICKS = 24 * 30  # thirty days of one-hour ticks


def drive(world: World, ticks: int = TICKS, skip: bool = False) -> list[dict[str, Any]]:
    """Run the core against the stand-in province; every command, as the command log shows it."""
    state, province = SimState(), FakeProvince(world)
    seen: dict[int, Observed] = {}
    sent: list[Command] = []
    tick: int | None = 0
    while tick is not None and tick < ticks:
        decision = step(world, state, tick, seen)
        state, commands = decision.state, [*decision.act, *decision.arrive]
        sent += commands
        seen = province.apply(commands, tick)
        # Like the runner: the tick after commands is always visited (their effect is seen there).
        tick = tick + 1 if (commands or not skip) else next_tick(world, state)
    return [logged(c) for c in sent]


def logged(command: Command) -> dict[str, Any]:
    return command.model_dump(mode="json", exclude={"division"})


@pytest.fixture(scope="module")
def month(world_of: WorldOf) -> list[dict[str, Any]]:
    return drive(world_of(seed=7, rate_per_hour=3))


def test_the_same_seed_sends_the_same_commands_in_the_same_order(
    world_of: WorldOf, month: list[dict[str, Any]]
) -> None:
    assert len(month) > 2000
    assert drive(world_of(seed=7, rate_per_hour=3)) == month


def test_another_seed_sends_other_commands(world_of: WorldOf) -> None:
    week = 24 * 7
    assert drive(world_of(seed=8, rate_per_hour=3), ticks=week) != drive(world_of(seed=7, rate_per_hour=3), ticks=week)


def test_a_run_has_every_kind_of_action(month: list[dict[str, Any]]) -> None:
    actions = Counter(c["action"] for c in month)
    expected = {"submit", "accept", "reject", "transfer", "escalate", "extend", "resolve", "assign-leader", "feedback"}
    expected |= {"review", "repeat"}
    expected |= {"sign", "assignee", "objections", "ruling", "extension-decision", "category"}  # between units
    assert expected <= set(actions), actions
    # Most matters settle where they start: far more acceptances than moves.
    assert actions["accept"] > 5 * (actions["transfer"] + actions["escalate"])


def test_skipping_quiet_ticks_changes_no_decision(world_of: WorldOf) -> None:
    world = world_of(seed=3, rate_per_hour=0.2)
    assert drive(world, skip=True) == drive(world, skip=False)


def test_commands_name_petitions_by_local_reference_only(world_of: WorldOf) -> None:
    commands = drive(world_of(seed=2, rate_per_hour=2), ticks=24 * 5)
    assert [c["seq"] for c in commands] == list(range(1, len(commands) + 1))
    submitted = [c["petition"] for c in commands if c["action"] == "submit"]
    assert submitted == list(range(1, len(submitted) + 1))
    assert all("case_id" not in str(c["body"]) and "access_code" not in c["body"] for c in commands)


class Stubborn(FakeProvince):
    """Leaves every case but petition #1 where it was: their officials' commands come to nothing."""

    def apply(self, commands: Iterable[Command], tick: int) -> dict[int, Observed]:
        commands = list(commands)
        kept = [c for c in commands if c.petition == 1 or c.action == "submit"]
        seen = super().apply(kept, tick)
        for c in commands:
            if c not in kept and c.petition in self.cases:
                seen[c.petition] = self.cases[c.petition]  # shown unchanged: they will try again
        return seen


def test_one_petition_is_handled_alike_whatever_happens_to_the_others(
    world_of: WorldOf, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each petition and each stay draws from its own stream: what happens elsewhere changes nothing."""
    world = world_of(seed=4, rate_per_hour=1)
    usual = drive(world, ticks=24 * 20)
    monkeypatch.setattr("tests.unit.simulator.test_determinism.FakeProvince", Stubborn)
    stubborn = drive(world, ticks=24 * 20)
    assert len(stubborn) > len(usual)  # the others' officials kept trying
    alone, among = ([{**c, "seq": 0} for c in run if c["petition"] == 1] for run in (usual, stubborn))
    assert alone == among
    assert [c["action"] for c in alone if c["action"] not in {"sign", "assignee"}][:2] == ["submit", "accept"]


def test_a_run_of_n_petitions_ends_once_every_case_is_settled(world_of: WorldOf) -> None:
    world = world_of(seed=5, rate_per_hour=2, petitions=40)
    commands = drive(world, ticks=24 * 400, skip=True)
    assert sum(c["action"] == "submit" for c in commands) == 40
