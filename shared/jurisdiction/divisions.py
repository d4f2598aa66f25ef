"""A division of the jurisdiction tree: its code, its names and the unit that handles cases there.

The code arithmetic and the one check of a code's form are shared vocabulary in
`shared.divisions`; they are re-exported here so routing code reads from one place.
`DivisionCode` puts that check on a pydantic field or a query parameter (a 422 naming the field).
"""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, model_validator

from shared.divisions import (
    InvalidDivisionCode,
    ancestors,
    county_of,
    is_division_code,
    is_valid_code,
    is_within,
    level_and_parent,
    level_of,
    parent_of,
    truncate_to,
    validate_code,
)
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

# A field or parameter holding a division code: anything else is refused where it is read.
DivisionCode = Annotated[str, AfterValidator(validate_code)]


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
        if level_and_parent(self.code) != (self.level, self.parent):
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
    level, parent = level_and_parent(code)
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
