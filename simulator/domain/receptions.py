"""Leader reception days (领导接访, issue 11): which counties' leaders receive on a day, who books
and who comes. Pure: no I/O; each day and county draws from its own stream
(`seed:reception:<day>:<county>`), so the cases' own plans are unchanged by it.

A leader of the county receives at one of its townships' social-governance centres. Petitioners
with an open matter in the county book with their codes (`book`), others come as a new matter by
phone (`new_matters`, Poisson); more bookings than seats are refused by intake as full. A booked
petitioner comes with probability `attend`: the reception is recorded attended or not, and the
leader takes the booked case into personal charge (包案). A new matter heard there is recorded as
what was raised; the petitions the leader's office records from such days are the run's
`leader_reception` arrivals, which the case plans follow like any other.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from shared.divisions import county_of, truncate_to
from shared.vocabulary import Level
from simulator.domain import texts
from simulator.domain.draws import chance, poisson, stream
from simulator.domain.world import World


@dataclass(frozen=True)
class Booking:
    """One appointment asked for: with the codes of petition `ref`, or as a new matter by phone."""

    key: str
    attends: bool
    ref: int | None = None
    name: str | None = None
    matter: str | None = None


@dataclass(frozen=True)
class ReceptionDay:
    key: str  # "<day>:<county>", stable across runs of the seed
    county: str
    township: str  # where: its social-governance centre
    leader: str
    leader_name: str
    capacity: int
    bookings: tuple[Booking, ...]


def reception_days(world: World, day: int, open_matters: Mapping[int, str]) -> tuple[ReceptionDay, ...]:
    """The reception days held on simulated day `day`, given each open petition's place by ref."""
    habits = world.config.behaviour.receptions
    townships: dict[str, list[str]] = {}
    for village in world.geography.villages:
        township = truncate_to(village, Level.TOWNSHIP)
        townships.setdefault(county_of(village), [])
        if township not in townships[county_of(village)]:
            townships[county_of(village)].append(township)
    days = []
    for county in sorted(townships):
        rng = stream(world.config.seed, "reception", day, county)
        if not chance(rng, habits.hold):
            continue
        township = rng.choice(sorted(townships[county]))
        leader = texts.person(rng)
        bookings = [
            Booking(key=f"{day}:{county}:case-{ref}", attends=chance(rng, habits.attend), ref=ref)
            for ref in sorted(open_matters)
            if county_of(open_matters[ref]) == county and chance(rng, habits.book)
        ]
        for n in range(poisson(rng, habits.new_matters)):
            name = texts.person(rng)
            matter = f"想当面向领导反映{world.geography.name(township)}的问题"
            bookings.append(Booking(key=f"{day}:{county}:new-{n}", attends=chance(rng, habits.attend), name=name,
                                    matter=matter))  # fmt: skip
        rng.shuffle(bookings)  # who calls first gets a seat
        days.append(
            ReceptionDay(
                key=f"{day}:{county}",
                county=county,
                township=township,
                leader=f"sim-leader-{county}",
                leader_name=f"县领导 {leader}",
                capacity=rng.randint(*habits.capacity),
                bookings=tuple(bookings),
            )
        )
    return tuple(days)
