"""The fixed world a run plays in: its configuration, the places matters come from, the catalogue."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property

from shared.divisions import county_of, level_of, parent_of
from shared.jurisdiction.catalogue import Catalogue
from shared.vocabulary import Level
from simulator.domain.config import Mix, SimConfig, catalogue_mix


@dataclass(frozen=True)
class Geography:
    """The villages matters arise in, and the neighbours a case can be transferred to."""

    villages: tuple[str, ...]
    names: Mapping[str, str]
    children: Mapping[str, tuple[str, ...]]

    def name(self, code: str) -> str:
        return self.names.get(code, code)

    def siblings(self, code: str) -> tuple[str, ...]:
        """Other divisions under the same parent (a neighbouring village or township)."""
        parent = parent_of(code)
        return tuple(c for c in self.children.get(parent, ()) if c != code) if parent else ()


def geography(places: Iterable[tuple[str, str]], counties: Sequence[str] = ()) -> Geography:
    """The villages of the chosen counties (every county when none is chosen), from (code, name) pairs."""
    names = dict(places)
    children: dict[str, list[str]] = {}
    for code in sorted(names):
        parent = parent_of(code)
        if parent is not None:
            children.setdefault(parent, []).append(code)
    known = {code for code in names if level_of(code) is Level.COUNTY}
    unknown = set(counties) - known
    if unknown:
        raise ValueError(f"not counties of the division tree: {sorted(unknown)}")
    chosen = sorted(set(counties) or known)
    villages = [v for county in chosen for t in children.get(county, ()) for v in children.get(t, ())]
    if not villages:
        raise ValueError("the chosen counties have no villages")
    return Geography(villages=tuple(villages), names=names, children={k: tuple(v) for k, v in children.items()})


@dataclass(frozen=True)
class World:
    config: SimConfig
    geography: Geography
    catalogue: Catalogue

    @cached_property
    def categories(self) -> Mix:
        mix = self.config.categories or catalogue_mix(self.catalogue.keys())
        unknown = set(mix.keys()) - set(self.catalogue.keys())
        if unknown:
            raise ValueError(f"categories not in the catalogue: {sorted(unknown)}")
        return mix

    def department(self, category: str, division_code: str) -> str | None:
        """The county department a case of this category is transferred to (`<county>:<kind>`)."""
        category_entry = self.catalogue.get(category)
        kind = category_entry.department if category_entry else None
        return f"{county_of(division_code)}:{kind}" if kind else None
