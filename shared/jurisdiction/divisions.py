"""A division of the jurisdiction tree: its code, its names and the unit that handles cases there.

The code arithmetic itself (parent by truncation, levels) is shared vocabulary in
`shared.divisions`; it is re-exported here so routing code reads from one place.

`validate_code` is the one check of a division code's form, for every service: `DivisionCode`
puts it on a pydantic field or a query parameter (a 422 naming the field), `is_division_code`
answers yes or no (a token's claim). Whether the code is in this deployment's tree is a second
question, asked of the tree.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, model_validator

from shared.divisions import ancestors, county_of, is_valid_code, is_within, level_of, parent_of, truncate_to
from shared.vocabulary import Level

__all__ = [
    "Division",
    "DivisionCode",
    "InvalidDivisionCode",
    "Level",
    "ancestors",
    "county_of",
    "is_division_code",
    "is_valid_code",
    "is_within",
    "level_of",
    "make_division",
    "parent_of",
    "truncate_to",
    "unit_names",
    "validate_code",
]

# Valid codes only: each segment down to the code's level is non-zero, everything after it is
# zero. `is_valid_code` accepts 330726000123, whose parent by truncation would be a county.
# ASCII digits only, and no trailing newline (which `$` would let through).
_VALID = re.compile(r"(?!00)[0-9]{2}(?:(?!00)[0-9]{2}(?:(?!00)[0-9]{2}(?:(?!000)[0-9]{3}(?:(?!000)[0-9]{3})?)?)?)?0*")
# Where each level's segment ends: province 2, city 4, county 6, township 9, village 12 digits.
_ENDS = (2, 4, 6, 9, 12)
_LEVELS = (Level.PROVINCE, Level.CITY, Level.COUNTY, Level.TOWNSHIP, Level.VILLAGE)


class InvalidDivisionCode(ValueError):
    """A string that is not the 12-digit code of exactly one division."""


def validate_code(code: str) -> str:
    """The code itself when it names exactly one division, else InvalidDivisionCode."""
    _checked(code)
    return code


def is_division_code(code: str) -> bool:
    """`validate_code` as a yes or no."""
    return len(code) == 12 and _VALID.fullmatch(code) is not None


# A field or parameter holding a division code: anything else is refused where it is read.
DivisionCode = Annotated[str, AfterValidator(validate_code)]


def _checked(code: str) -> tuple[Level, str | None]:
    """The level and parent of a valid code (fast: loading 20,000 divisions goes through here)."""
    if len(code) != 12 or not _VALID.fullmatch(code):
        raise InvalidDivisionCode(
            f"{code!r} is not the 12-digit code of one division (each level's digits non-zero, then zeros)"
        )
    depth = bisect_left(_ENDS, len(code.rstrip("0")))
    parent = None if depth == 0 else code[: _ENDS[depth - 1]].ljust(12, "0")
    return _LEVELS[depth], parent


class Division(BaseModel):
    """One division of the tree, with the unit that handles cases filed there."""

    model_config = ConfigDict(frozen=True)

    code: str
    name_zh: str
    name_en: str
    level: Level
    parent: str | None
    unit_name_zh: str
    unit_name_en: str

    @model_validator(mode="after")
    def _level_and_parent_follow_from_the_code(self) -> Division:
        if _checked(self.code) != (self.level, self.parent):
            raise ValueError(f"{self.code} is a {level_of(self.code)} under {parent_of(self.code)}")
        return self

    @property
    def unit_id(self) -> str:
        """A division's own handling unit is identified by the division code itself."""
        return self.code


def unit_names(level: Level, name_zh: str, name_en: str) -> tuple[str, str]:
    """The handling unit the Pujiang way: village committees, township centres, petition bureaus."""
    if level is Level.VILLAGE:
        # An urban community (社区) has a residents' committee, a village a villagers' committee.
        if name_zh.endswith("社区"):
            return f"{name_zh}居民委员会", f"{name_en} Residents' Committee"
        return f"{name_zh}村民委员会", f"{name_en} Villagers' Committee"
    if level is Level.TOWNSHIP:
        return f"{name_zh}社会治理中心", f"{name_en} Social Governance Centre"
    return f"{name_zh}信访局", f"{name_en} Petition Bureau"


def make_division(
    code: str, name_zh: str, name_en: str, unit_name_zh: str | None = None, unit_name_en: str | None = None
) -> Division:
    """A division whose level and parent follow from its code, and whose unit is named by level unless given."""
    level, parent = _checked(code)
    default_zh, default_en = unit_names(level, name_zh, name_en)
    return Division(
        code=code,
        name_zh=name_zh,
        name_en=name_en,
        level=level,
        parent=parent,
        unit_name_zh=unit_name_zh or default_zh,
        unit_name_en=unit_name_en or default_en,
    )
