"""The simulator's leader reception days (领导接访): who holds one, who books with codes or a phone, who comes. Pure."""

from __future__ import annotations

import pytest

from shared.divisions import county_of
from simulator.domain.receptions import reception_days
from tests.unit.simulator.support import WorldOf

pytestmark = pytest.mark.unit

PUJIANG, YIWU = "330726000000", "330782000000"
OPEN = {1: "330726101203", 2: "330726102201", 3: "330782001001", 4: "330726001001"}


def test_every_leader_receives_when_told_to_and_petitioners_of_that_county_book_with_their_codes(
    world_of: WorldOf,
) -> None:
    habits = {"hold": 1.0, "book": 1.0, "new_matters": 0.0, "attend": 1.0, "capacity": [2, 2]}
    world = world_of(behaviour={"receptions": habits})  # the whole province's places
    days = {d.county: d for d in reception_days(world, 3, OPEN)}
    assert {PUJIANG, YIWU} <= set(days)
    assert all(not d.bookings for c, d in days.items() if c not in {PUJIANG, YIWU}), "no open matter there"
    pujiang = days[PUJIANG]
    assert county_of(pujiang.township) == PUJIANG
    assert pujiang.township.endswith("000"), "a township's centre"
    assert not pujiang.township.endswith("000000")
    assert sorted(b.ref for b in pujiang.bookings if b.ref is not None) == [1, 2, 4]
    assert [b.ref for b in days[YIWU].bookings] == [3]
    assert pujiang.capacity == 2, "three bookings for two seats: intake refuses one as full"
    assert all(b.attends for b in pujiang.bookings)


def test_nobody_receives_nobody_books_and_the_draws_depend_on_the_seed_and_day_only(world_of: WorldOf) -> None:
    assert reception_days(world_of(behaviour={"receptions": {"hold": 0.0}}), 1, OPEN) == ()
    habits = {"hold": 1.0, "book": 0.0, "new_matters": 3.0, "attend": 0.5}
    world = world_of(behaviour={"receptions": habits})
    once, again = reception_days(world, 5, OPEN), reception_days(world, 5, dict(reversed(OPEN.items())))
    assert once == again
    phones = [b for day in range(2) for d in reception_days(world, day, OPEN) for b in d.bookings]
    assert phones
    assert all(b.ref is None and b.name and b.matter for b in phones), "new matters by phone only"
    attended = sum(b.attends for b in phones) / len(phones)
    assert 0.3 < attended < 0.7, "about half come, as configured"
    assert len({b.key for b in phones}) == len(phones)
