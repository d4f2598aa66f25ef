"""What units plan for the steps of issue 10 that the other tests only see in aggregate: category
corrections, before and after acceptance, and the second send-back to the county petition bureau."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from shared.divisions import county_of, parent_of
from simulator.domain.arrivals import petition
from simulator.domain.draws import stream
from simulator.domain.model import Observed, Step, Track
from simulator.domain.plans import plan
from simulator.domain.world import World
from tests.unit.simulator.support import WorldOf

pytestmark = pytest.mark.unit


def _world(world_of: WorldOf, **units: Any) -> World:
    return world_of(seed=21, behaviour={"units": units})


def _case(world: World, **seen: Any) -> tuple[Track, Observed]:
    spec = petition(world, 1, 0)
    township = parent_of(spec.division_code) or ""
    where = {"level": "township", "division_code": township, "unit_id": township, "category": spec.category}
    return Track(petition=spec), Observed(**{"status": "assigned", **where, **seen})


def _plans(world: World, track: Track, seen: Observed, n: int = 200) -> list[tuple[Step, ...]]:
    return [plan(world, track, seen, 0, stream(world.config.seed, "stay", ref, 1)) for ref in range(n)]


def _actions(steps: tuple[Step, ...]) -> list[str]:
    return [s.action for s in steps if s.action not in {"sign", "assignee"}]


def test_a_receiving_unit_corrects_the_category_to_another_one_and_then_decides_afresh(world_of: WorldOf) -> None:
    world = _world(world_of, recategorise=1.0)
    track, seen = _case(world)
    for steps in _plans(world, track, seen):
        assert _actions(steps) == ["category"]  # nothing more this stay: the case may move
        body = steps[-1].body
        assert body["category"] != seen.category
        assert world.catalogue.get(body["category"]) is not None
        assert world.catalogue.starting_level(body["category"]) is not None
        assert body["reason"].strip()


def test_a_category_is_corrected_at_most_once_and_only_rarely_by_default(world_of: WorldOf) -> None:
    corrected_world = _world(world_of, recategorise=1.0, recategorise_later=1.0)
    track, seen = _case(corrected_world, category_corrections=1)
    assert not any("category" in _actions(p) for p in _plans(corrected_world, track, seen))
    world = world_of(seed=21)
    track, seen = _case(world)
    share = sum("category" in _actions(p) for p in _plans(world, track, seen, 2000)) / 2000
    assert 0 < share < 0.1


def test_a_handling_unit_sometimes_corrects_the_category_before_its_reply(world_of: WorldOf) -> None:
    world = _world(world_of, recategorise_later=1.0)
    track, seen = _case(world, status="accepted")
    plans = [p for p in _plans(world, track, seen) if p[-1].action == "resolve"]
    assert plans
    for steps in plans:
        corrections = [s for s in steps if s.action == "category"]
        assert len(corrections) == 1
        assert corrections[0].tick < steps[-1].tick


def test_a_unit_placed_by_an_upheld_send_back_may_send_it_back_again_without_a_ruling(world_of: WorldOf) -> None:
    world = _world(world_of, object_again=1.0, recategorise=0.0)
    track, seen = _case(world, objections=1)
    for steps in _plans(world, track, seen):
        # The second send-back goes to the bureau; the accept is only for a refused send-back.
        assert _actions(steps) == ["objections", "accept"]
        assert steps[-1].tick > steps[-2].tick
    moved_world = _world(world_of, object_again=1.0, recategorise=0.0)
    track, moved = _case(moved_world, objections=1, transfers=1)  # transferred since: the dispatcher rules
    assert not any(_actions(p) == ["objections", "accept"] for p in _plans(moved_world, track, moved))


def test_the_county_petition_bureau_keeps_or_places_a_case_sent_back_twice(world_of: WorldOf) -> None:
    world = world_of(seed=21, behaviour={"units": {"recategorise": 0.0}})
    spec = petition(world, 1, 0)
    county = county_of(spec.division_code)
    keys: tuple[str, ...] = world.catalogue.keys()
    category = next(k for k in keys if world.department(k, county))
    track = Track(petition=spec)
    seen = Observed(
        status="assigned", level="county", division_code=county, unit_id=county, objections=2, category=category
    )
    decided = Counter(_actions(p)[-1] for p in _plans(world, track, seen, 1000))
    assert set(decided) == {"accept", "transfer"}  # never refused, escalated or sent back
    assert decided["transfer"] / 1000 == pytest.approx(world.config.behaviour.units.bureau_places, abs=0.07)
    placed = [p[-1] for p in _plans(world, track, seen) if p[-1].action == "transfer"]
    assert all(s.body["division_code"] == world.department(category, county) for s in placed)
