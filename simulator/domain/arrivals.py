"""New petitions: how many arrive in a tick, and what each one is about. Pure: no I/O."""

from __future__ import annotations

import random

from shared.divisions import county_of, truncate_to
from shared.vocabulary import Channel, Level
from simulator.domain import texts
from simulator.domain.draws import chance, poisson, stream, weighted
from simulator.domain.model import PetitionSpec
from simulator.domain.world import World

# Cadres record these themselves (intake wants their JWT); a leader's reception day is recorded
# by the county's office; a walk-in visit by nobody in particular.
_CADRE_CHANNELS = {Channel.PROXY.value, Channel.DOOR_TO_DOOR.value}
_VISITS = {Channel.VISIT.value, Channel.LEADER_RECEPTION.value}


def arrival_count(world: World, tick: int) -> int:
    """How many petitions arrive in this tick (a Poisson process at the configured rate)."""
    mean = world.config.rate_per_hour * world.config.tick_hours
    return poisson(stream(world.config.seed, "arrivals", tick), mean)


def next_arrival_tick(world: World, after: int, sent: int = 0, horizon: int = 100_000) -> int | None:
    """The first tick after `after` in which any petition arrives (None when none ever will)."""
    cap = world.config.petitions
    if world.config.rate_per_hour <= 0 or (cap is not None and sent >= cap):
        return None
    for tick in range(after + 1, after + 1 + horizon):
        if arrival_count(world, tick):
            return tick
    return None


def arrivals(world: World, tick: int, first_ref: int) -> tuple[PetitionSpec, ...]:
    count = arrival_count(world, tick)
    if world.config.petitions is not None:
        count = max(0, min(count, world.config.petitions - (first_ref - 1)))
    return tuple(petition(world, ref, tick) for ref in range(first_ref, first_ref + count))


def petition(world: World, ref: int, tick: int) -> PetitionSpec:
    """Petition #ref: each draws from its own stream, so it does not depend on the others."""
    config, geo, habits = world.config, world.geography, world.config.behaviour.petitioners
    rng = stream(config.seed, "petition", ref)
    channel = weighted(rng, config.channels.shares)
    category = weighted(rng, world.categories.shares)
    village = rng.choice(geo.villages)
    places = config.behaviour.places
    spans = weighted(rng, (("village", places.village), ("township", places.township), ("county", places.county)))
    where = truncate_to(village, Level(spans))
    title, content = texts.matter(rng, category, geo.name(village))
    photos = rng.randint(1, 3) if chance(rng, habits.attachment) else 0
    recorded_by = None
    if channel in _CADRE_CHANNELS:
        recorded_by = where
    elif channel == Channel.LEADER_RECEPTION.value:
        recorded_by = county_of(where)
    co_signers, headcount = _group(rng, channel, habits.collective, habits.group_visit_size)
    return PetitionSpec(
        ref=ref,
        tick=tick,
        channel=channel,
        category=category,
        division_code=where,
        title=title,
        content=content,
        name=texts.person(rng),
        anonymous=chance(rng, habits.anonymous),
        attachments=tuple(f"现场照片{i + 1}.jpg" for i in range(photos)),
        recorded_by=recorded_by,
        co_signers=co_signers,
        headcount=headcount,
    )


def _group(rng: random.Random, channel: str, share: float, visit_size: tuple[int, int]) -> tuple[tuple[str, ...], int]:
    """Drawn last, so the draws before it stay what they were: most petitions are one person's.

    A group that walks in (集體訪) sends up to five representatives for many; a joint letter or
    online petition (聯名) is signed by a few, each named."""
    if not chance(rng, share):
        return (), 1
    if channel in _VISITS:
        headcount = rng.randint(*visit_size)
        return tuple(texts.person(rng) for _ in range(rng.randint(1, 4))), headcount
    signers = tuple(texts.person(rng) for _ in range(rng.randint(1, 7)))
    return signers, 1 + len(signers)
