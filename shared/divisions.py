"""Arithmetic on 12-digit statistical division codes (2 province, 2 city, 2 county, 3+3).

A shorter prefix padded with zeros names a higher level, so the parent of any division is
found by truncation. This is shared vocabulary, not a business rule: every service scopes and
validates with it.
"""

from __future__ import annotations

import re

from shared.vocabulary import Level

_CODE = re.compile(r"^\d{12}$")
# How many leading digits are significant at each level.
_DIGITS = {
    Level.PROVINCE: 2,
    Level.CITY: 4,
    Level.COUNTY: 6,
    Level.TOWNSHIP: 9,
    Level.VILLAGE: 12,
}


def is_valid_code(code: str) -> bool:
    """True for a well-formed code whose zero padding names exactly one level."""
    if not _CODE.match(code) or code[:2] == "00":
        return False
    level = level_of(code)
    return code[: _DIGITS[level]] + "0" * (12 - _DIGITS[level]) == code


def level_of(code: str) -> Level:
    """The level a code names: the shortest significant prefix that keeps it unchanged."""
    for level in (Level.PROVINCE, Level.CITY, Level.COUNTY, Level.TOWNSHIP):
        if code[_DIGITS[level] :].strip("0") == "":
            return level
    return Level.VILLAGE


def truncate_to(code: str, level: Level) -> str:
    """The division at `level` that contains `code` (itself when it is at that level or above)."""
    digits = min(_DIGITS[level], _DIGITS[level_of(code)])
    return code[:digits] + "0" * (12 - digits)


def parent_of(code: str) -> str | None:
    """The division directly above, or None for a province."""
    up = level_of(code).up()
    return None if up is None else truncate_to(code, up)


def ancestors(code: str) -> list[str]:
    """Every division above `code`, nearest first."""
    found: list[str] = []
    parent = parent_of(code)
    while parent is not None:
        found.append(parent)
        parent = parent_of(parent)
    return found


def is_within(code: str, ancestor: str) -> bool:
    """True when `code` is `ancestor` or lies below it."""
    return code == ancestor or ancestor in ancestors(code)


def county_of(code: str) -> str:
    """The county a division belongs to (the county is the unit of partitioning and access)."""
    return truncate_to(code, Level.COUNTY)
