"""Arithmetic on 12-digit statistical division codes (2 province, 2 city, 2 county, 3+3).

A shorter prefix padded with zeros names a higher level, so the parent of any division is
found by truncation. This is shared vocabulary, not a business rule: every service scopes and
validates with it.

`validate_code` is the one check of a division code's form, for every service
(`shared.jurisdiction.divisions.DivisionCode` puts it on a pydantic field or a query parameter);
`is_division_code` answers yes or no. Whether the code is in this deployment's tree is a second
question, asked of the tree.
"""

from __future__ import annotations

import re
from bisect import bisect_left

from shared.vocabulary import Level

_LEVELS = (Level.PROVINCE, Level.CITY, Level.COUNTY, Level.TOWNSHIP, Level.VILLAGE)
# Where each level's segment ends: province 2, city 4, county 6, township 9, village 12 digits.
_ENDS = (2, 4, 6, 9, 12)
_DIGITS = dict(zip(_LEVELS, _ENDS, strict=True))
# Valid codes only: each segment down to the code's level is non-zero, everything after it is
# zero. ASCII digits only, and no trailing newline (which `$` would let through).
_VALID = re.compile(r"(?!00)[0-9]{2}(?:(?!00)[0-9]{2}(?:(?!00)[0-9]{2}(?:(?!000)[0-9]{3}(?:(?!000)[0-9]{3})?)?)?)?0*")
_CODE = re.compile(r"^\d{12}$")


class InvalidDivisionCode(ValueError):
    """A string that is not the 12-digit code of exactly one division."""


def validate_code(code: str) -> str:
    """The code itself when it names exactly one division, else InvalidDivisionCode."""
    level_and_parent(code)
    return code


def is_division_code(code: str) -> bool:
    """`validate_code` as a yes or no."""
    return len(code) == 12 and _VALID.fullmatch(code) is not None


def level_and_parent(code: str) -> tuple[Level, str | None]:
    """The level and parent of a valid code (fast: loading 20,000 divisions goes through here)."""
    if len(code) != 12 or not _VALID.fullmatch(code):
        raise InvalidDivisionCode(
            f"{code!r} is not the 12-digit code of one division (each level's digits non-zero, then zeros)"
        )
    depth = _depth(code)
    parent = None if depth == 0 else code[: _ENDS[depth - 1]].ljust(12, "0")
    return _LEVELS[depth], parent


def is_valid_code(code: str) -> bool:
    """Looser than `is_division_code`: the zero padding names one level, inner segments may be zero.

    It accepts 330726000123, whose parent by truncation would be a county. Only projections still
    asks this; everything else checks with `validate_code` / `is_division_code`.
    """
    if not _CODE.match(code) or code[:2] == "00":
        return False
    level = level_of(code)
    return code[: _DIGITS[level]] + "0" * (12 - _DIGITS[level]) == code


def level_of(code: str) -> Level:
    """The level a code names: the shortest significant prefix that keeps it unchanged."""
    return _LEVELS[_depth(code)]


def _depth(code: str) -> int:
    """The index of the code's level: the first segment end after which only zeros follow."""
    return min(bisect_left(_ENDS, len(code.rstrip("0"))), len(_ENDS) - 1)


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


def significant_prefix(code: str) -> str:
    """The digits that name the division (every code below it starts with them): '330726' for 330726000000."""
    return code[: _DIGITS[level_of(code)]]
