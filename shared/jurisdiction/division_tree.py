"""The jurisdiction tree of a deployment: every division by code, its children, its county's departments."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Sequence

from shared.jurisdiction.departments import (
    DEFAULT_DEPARTMENT_KINDS,
    Department,
    DepartmentKind,
    department_of,
    split_department_id,
)
from shared.jurisdiction.divisions import Division, Level, truncate_to


class InvalidTree(ValueError):
    """The divisions given do not form one tree (a duplicate code, or a parent that is missing)."""


class UnknownDivision(KeyError):
    """No division with that code in this tree."""


class DivisionTree:
    """Read-only lookups over a complete set of divisions; built once when a service starts."""

    def __init__(
        self, divisions: Iterable[Division], department_kinds: Sequence[DepartmentKind] = DEFAULT_DEPARTMENT_KINDS
    ) -> None:
        self._by_code: dict[str, Division] = {}
        for division in divisions:
            if division.code in self._by_code:
                raise InvalidTree(f"division {division.code} appears twice")
            self._by_code[division.code] = division
        children: dict[str, list[Division]] = {}
        for division in self._by_code.values():
            if division.parent is None:
                continue
            if division.parent not in self._by_code:
                raise InvalidTree(f"the parent {division.parent} of {division.code} is missing")
            children.setdefault(division.parent, []).append(division)
        # Sorted by code so listings are stable whatever order the data came in.
        self._children = {code: tuple(sorted(found, key=lambda d: d.code)) for code, found in children.items()}
        self._kinds = {kind.key: kind for kind in department_kinds}

    def __len__(self) -> int:
        return len(self._by_code)

    def __contains__(self, code: object) -> bool:
        return code in self._by_code

    def __iter__(self) -> Iterator[Division]:
        return iter(self._by_code.values())

    def get(self, code: str) -> Division | None:
        return self._by_code.get(code)

    def require(self, code: str) -> Division:
        """The division with this code, or UnknownDivision."""
        try:
            return self._by_code[code]
        except KeyError:
            raise UnknownDivision(code) from None

    def children(self, code: str) -> tuple[Division, ...]:
        """The divisions directly below `code`, by code; UnknownDivision if `code` is not in the tree."""
        self.require(code)
        return self._children.get(code, ())

    def roots(self) -> tuple[Division, ...]:
        return tuple(sorted((d for d in self._by_code.values() if d.parent is None), key=lambda d: d.code))

    def count(self, level: Level) -> int:
        return self.counts()[level]

    def counts(self) -> Counter[Level]:
        return Counter(d.level for d in self._by_code.values())

    def county_of(self, code: str) -> Division:
        """The county a division lies in; ValueError for a city or province, which lie in none."""
        division = self.require(code)
        if division.level.rank > Level.COUNTY.rank:
            raise ValueError(f"{code} is a {division.level}, above county level")
        return self.require(truncate_to(code, Level.COUNTY))

    def departments(self, county: str) -> tuple[Department, ...]:
        """The functional departments of a county, in the order of the department kinds."""
        return tuple(self._department(county, kind) for kind in self._kinds.values())

    def department(self, unit_id: str) -> Department | None:
        """The department an id `<county>:<kind>` names, if that county and kind exist."""
        parts = split_department_id(unit_id)
        if parts is None or parts[1] not in self._kinds:
            return None
        county = self.get(parts[0])
        if county is None or county.level is not Level.COUNTY:
            return None
        return self._department(county.code, self._kinds[parts[1]])

    def _department(self, county: str, kind: DepartmentKind) -> Department:
        division = self.require(county)
        if division.level is not Level.COUNTY:
            raise ValueError(f"{county} is a {division.level}: only counties have departments")
        city = self.get(division.parent) if division.parent else None
        return department_of(division, city, kind)
