"""Generated townships and villages for counties whose real ones are not in the data set.

Codes follow the statistical scheme: within a county, subdistricts (街道) take 001-099, towns
(镇) 101-199 and townships (乡) 201-299; within a township, communities (社区) take 001-199 and
villages (村) 201-399. Each county draws from its own random stream seeded by (seed, county
code), so the same seed gives the same tree, and adding a county does not change the others.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from shared.jurisdiction.division_names import place_name
from shared.jurisdiction.divisions import Division, Level, make_division


@dataclass(frozen=True)
class _Kind:
    suffix_zh: str
    suffix_en: str
    first_number: int


_SUBDISTRICT = _Kind("街道", "Subdistrict", 1)
_TOWN = _Kind("镇", "Town", 101)
_TOWNSHIP = _Kind("乡", "Township", 201)
_COMMUNITY = _Kind("社区", "Community", 1)
_VILLAGE = _Kind("村", "Village", 201)


def generate_below_counties(divisions: Sequence[Division], seed: int) -> list[Division]:
    """Townships for counties that have none in `divisions`, and villages for townships that have none."""
    has_children = {d.parent for d in divisions if d.parent is not None}
    townships_given: dict[str, list[Division]] = {}
    for division in divisions:
        if division.level is Level.TOWNSHIP and division.parent is not None:
            townships_given.setdefault(division.parent, []).append(division)
    generated: list[Division] = []
    for county in sorted((d for d in divisions if d.level is Level.COUNTY), key=lambda d: d.code):
        rng = random.Random(f"{seed}:{county.code}")  # noqa: S311 - reproducible fake data, not a secret
        # By code, so the villages drawn do not depend on the order of the rows in the data file.
        given = sorted(townships_given.get(county.code, []), key=lambda d: d.code)
        names = {d.name_zh[:2] for d in given}  # generated names stay clear of the real ones
        townships = given or _townships(county, rng, names)
        if county.code not in townships_given:
            generated.extend(townships)
        for township in townships:
            if township.code not in has_children:
                generated.extend(_villages(township, rng, names))
    return generated


def _townships(county: Division, rng: random.Random, names: set[str]) -> list[Division]:
    total = rng.randint(8, 21)
    if county.name_zh.endswith("区"):
        # Urban districts are mostly subdistricts; rural counties mostly towns, with a few 乡.
        subdistricts, small = rng.randint(total // 2, total), 0
    else:
        subdistricts, small = rng.randint(1, 5), rng.randint(0, 4)
    towns = max(total - subdistricts - small, 0)
    plan = [(_SUBDISTRICT, subdistricts), (_TOWN, towns), (_TOWNSHIP, small)]
    return list(_named(county.code, 6, plan, rng, names))


def _villages(township: Division, rng: random.Random, names: set[str]) -> list[Division]:
    if township.name_zh.endswith("街道"):
        plan = [(_COMMUNITY, rng.randint(6, 14)), (_VILLAGE, rng.randint(0, 6))]
    elif township.name_zh.endswith("镇"):
        plan = [(_COMMUNITY, rng.randint(1, 3)), (_VILLAGE, rng.randint(9, 21))]
    else:
        plan = [(_COMMUNITY, rng.randint(0, 1)), (_VILLAGE, rng.randint(9, 18))]
    return list(_named(township.code, 9, plan, rng, names))


def _named(
    parent: str, digits: int, plan: Iterable[tuple[_Kind, int]], rng: random.Random, names: set[str]
) -> Iterable[Division]:
    """`count` children of each kind, numbered from the kind's first number after `digits` digits of the parent."""
    prefix, pad = parent[:digits], "0" * (12 - digits - 3)
    for kind, count in plan:
        for number in range(kind.first_number, kind.first_number + count):
            zh, en = place_name(rng, names)
            yield make_division(f"{prefix}{number:03d}{pad}", f"{zh}{kind.suffix_zh}", f"{en} {kind.suffix_en}")
