"""The simulator's merges of similar matters (並案): a unit merges a fresh case into its own open one. Pure."""

from __future__ import annotations

import pytest

from simulator.domain.merging import REASON, merges
from simulator.domain.model import Observed, PetitionSpec, Step, Track
from tests.unit.simulator.support import WorldOf

pytestmark = pytest.mark.unit

UNIT = "330726001001"


def track(ref: int, status: str = "assigned", unit: str = UNIT, category: str = "other", stays: int = 1) -> Track:
    spec = PetitionSpec(
        ref=ref, tick=0, channel="online", category=category, division_code=UNIT, title="t", content="c",
        name="王芳", anonymous=False,
    )  # fmt: skip
    seen = Observed(status=status, level="village", division_code=unit, unit_id=unit, category=category)
    return Track(petition=spec, observed=seen, stays=stays, steps=(Step(12, "accept"),))


def test_a_fresh_case_is_merged_into_the_units_older_open_case_of_its_category(world_of: WorldOf) -> None:
    world = world_of(behaviour={"units": {"merge": 1.0}})
    tracks = {1: track(1, "accepted", stays=2), 2: track(2)}
    changed = merges(world, tracks, [2], 10)
    assert list(changed) == [2]
    assert changed[2].steps == (Step(12, "merge", {"lead": 1, "reason": REASON}),)


@pytest.mark.parametrize(
    "older",
    [
        track(1, "resolved", stays=3),  # no longer handled: nothing to join
        track(1, unit="330726001002"),  # another unit's
        track(1, category="environment"),  # another matter
    ],
)
def test_no_merge_without_an_open_case_of_the_same_unit_and_category(world_of: WorldOf, older: Track) -> None:
    world = world_of(behaviour={"units": {"merge": 1.0}})
    assert merges(world, {1: older, 2: track(2)}, [2], 10) == {}


def test_only_a_case_just_received_at_its_first_unit_is_merged_and_never_into_a_younger_one(world_of: WorldOf) -> None:
    world = world_of(behaviour={"units": {"merge": 1.0}})
    assert merges(world, {1: track(1), 2: track(2, stays=2)}, [2], 10) == {}
    assert merges(world, {1: track(1), 2: track(2)}, [1], 10) == {}


def test_the_habit_decides_and_the_same_seed_decides_the_same(world_of: WorldOf) -> None:
    never = world_of(behaviour={"units": {"merge": 0.0}})
    assert merges(never, {1: track(1), 2: track(2)}, [2], 10) == {}
    world = world_of()
    pairs = [{1: track(1), n: track(n)} for n in range(2, 202)]
    first = [bool(merges(world, p, [n], 10)) for n, p in zip(range(2, 202), pairs, strict=True)]
    again = [bool(merges(world, p, [n], 10)) for n, p in zip(range(2, 202), pairs, strict=True)]
    assert first == again
    assert 50 < sum(first) < 150  # about half, by default
