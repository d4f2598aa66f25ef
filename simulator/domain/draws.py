"""Seeded random draws: every decision comes from its own named stream, so decisions never
depend on the order in which other decisions were taken (or on how fast the system answered)."""

from __future__ import annotations

import math
import random
from collections.abc import Sequence

# Above this mean, Knuth's product of uniforms underflows and costs one draw per arrival.
_KNUTH_LIMIT = 30.0


def stream(seed: int, *parts: object) -> random.Random:
    """The random stream named by the seed and `parts`: the same name gives the same draws.

    A string seed is hashed with SHA-512 by `random`, so it does not depend on PYTHONHASHSEED.
    """
    return random.Random(":".join(str(p) for p in (seed, *parts)))  # noqa: S311 - reproducible behaviour, not secrets


def poisson(rng: random.Random, mean: float) -> int:
    """How many arrivals a Poisson process with this mean brings."""
    if mean <= 0:
        return 0
    if mean > _KNUTH_LIMIT:
        return max(0, round(rng.normalvariate(mean, math.sqrt(mean))))
    limit, count, product = math.exp(-mean), 0, rng.random()
    while product > limit:
        count += 1
        product *= rng.random()
    return count


def lognormal(rng: random.Random, median: float, sigma: float) -> float:
    """A positive duration around `median`, skewed the way waiting times are (a long right tail)."""
    return median * math.exp(sigma * rng.normalvariate(0.0, 1.0))


def weighted(rng: random.Random, shares: Sequence[tuple[str, float]]) -> str:
    """One key drawn by its share (shares need not sum to one)."""
    total = sum(share for _, share in shares)
    point = rng.random() * total
    for key, share in shares:
        point -= share
        if point < 0:
            return key
    return shares[-1][0]


def chance(rng: random.Random, probability: float) -> bool:
    return rng.random() < probability
