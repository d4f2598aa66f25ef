"""Channels, categories and places come out in the shares configured (over many draws)."""

from __future__ import annotations

from collections import Counter

import pytest

from shared.divisions import level_of
from shared.jurisdiction.catalogue import Catalogue
from shared.vocabulary import Channel
from simulator.domain.arrivals import arrival_count, petition
from simulator.domain.config import DEFAULT_CHANNELS, Mix, SimConfig
from simulator.domain.timeline import rate_per_hour
from simulator.domain.world import Geography
from tests.unit.simulator.support import WorldOf

pytestmark = pytest.mark.unit

DRAWS = 10_000
# Four standard deviations of a share near one half over DRAWS draws: the tests do not flake.
TOLERANCE = 4 * (0.25 / DRAWS) ** 0.5


def shares(counts: Counter[str]) -> dict[str, float]:
    total = sum(counts.values())
    return {key: n / total for key, n in counts.items()}


def test_the_default_channel_mix_is_85_percent_online_and_uses_all_seven_channels(world_of: WorldOf) -> None:
    world = world_of(seed=11)
    seen = shares(Counter(petition(world, ref, 0).channel for ref in range(1, DRAWS + 1)))
    assert set(seen) == {c.value for c in Channel}
    for channel in Channel:
        assert seen[channel.value] == pytest.approx(DEFAULT_CHANNELS.share_of(channel.value), abs=TOLERANCE)


def test_a_configured_channel_mix_is_followed(world_of: WorldOf) -> None:
    mix = Mix.parse("online=0.5,hotline=0.3,letter=0.2")
    world = world_of(seed=12, channels=mix)
    seen = shares(Counter(petition(world, ref, 0).channel for ref in range(1, DRAWS + 1)))
    assert seen == pytest.approx({"online": 0.5, "hotline": 0.3, "letter": 0.2}, abs=TOLERANCE)


def test_categories_follow_the_default_weights_over_the_catalogue(world_of: WorldOf, catalogue: Catalogue) -> None:
    world = world_of(seed=13)
    seen = shares(Counter(petition(world, ref, 0).category for ref in range(1, DRAWS + 1)))
    keys = catalogue.keys()  # a Catalogue, not a dict
    assert set(seen) == set(keys)
    for key in keys:
        assert seen[key] == pytest.approx(world.categories.share_of(key), abs=TOLERANCE)


def test_matters_arise_in_every_county_mostly_in_one_village(world_of: WorldOf, places: Geography) -> None:
    world = world_of(seed=14)
    where = [petition(world, ref, 0).division_code for ref in range(1, DRAWS + 1)]
    levels = shares(Counter(level_of(code).value for code in where))
    assert levels["village"] == pytest.approx(0.92, abs=TOLERANCE)
    counties = {code[:6] for code in places.villages}
    assert {code[:6] for code in where} == counties  # 90 counties, 10,000 draws: every one is hit


def test_cadre_channels_name_the_cadre_who_records_the_petition(world_of: WorldOf) -> None:
    world = world_of(seed=15, channels=Mix.parse("proxy=1,door_to_door=1,visit=1"))
    for ref in range(1, 200):
        spec = petition(world, ref, 0)
        assert (spec.recorded_by == spec.division_code) == (spec.channel != "visit")


def test_arrivals_per_tick_average_the_configured_rate(world_of: WorldOf) -> None:
    world = world_of(seed=16, rate_per_hour=3.0)
    total = sum(arrival_count(world, tick) for tick in range(DRAWS))
    assert total / DRAWS == pytest.approx(3.0, rel=0.03)


def test_rates_are_given_per_simulated_hour_day_or_wall_second() -> None:
    assert rate_per_hour("12/h", None) == 12
    assert rate_per_hour("48/d", None) == 2
    assert rate_per_hour("5", None) == 5
    assert rate_per_hour("2/s", speed=3600) == 2  # one wall second is one simulated hour
    with pytest.raises(ValueError, match="speed"):
        rate_per_hour("2/s", speed=None)


def test_a_mix_refuses_unknown_channels_and_negative_shares() -> None:
    with pytest.raises(ValueError, match="unknown channels"):
        SimConfig(channels=Mix.parse("online=1,fax=1"))
    with pytest.raises(ValueError, match="non-negative"):
        Mix.parse("online=-1")
