"""Where a case goes: the lowest competent level that covers its location, and unit lookups."""

from __future__ import annotations

from typing import Protocol

from pydantic import BaseModel, ConfigDict

from services.routing.domain.case import Case
from shared.divisions import county_of, level_of, truncate_to
from shared.events import CaseAssigned, CaseNotAccepted, CollectivePetitionReported, Event, PetitionSubmitted
from shared.events.routing import AssignmentReason
from shared.jurisdiction.catalogue import Catalogue
from shared.jurisdiction.collective import CollectivePolicy
from shared.vocabulary import Level


class Unit(BaseModel):
    """A handling unit: a division's own unit, or a county's functional department."""

    model_config = ConfigDict(frozen=True)

    unit_id: str
    division_code: str
    level: Level
    name: str


class Jurisdictions(Protocol):
    """What routing needs to know of the division tree and the category catalogue."""

    @property
    def catalogue(self) -> Catalogue: ...

    @property
    def collective(self) -> CollectivePolicy: ...

    def unit(self, unit_id: str) -> Unit | None:
        """A division's unit (by its 12-digit code) or a department (`<county>:<dept>`), if it exists."""


def starting_division(location: str, start: Level) -> str:
    """The division at the starting level that covers the location.

    A location named only at a higher level (a matter spanning several townships is filed at
    county level) cannot start lower than that level.
    """
    return truncate_to(location, start) if level_of(location).rank <= start.rank else location


def assigned_to(state: Case, unit: Unit, reason: AssignmentReason, note: str = "") -> CaseAssigned:
    return CaseAssigned(
        **state.model_dump(include={"case_id", "category", "channel", "location_code"}),
        division_code=unit.division_code,
        level=unit.level,
        unit_id=unit.unit_id,
        unit_name=unit.name,
        county_code=county_of(state.location_code or unit.division_code),
        reason=reason,
        previous_unit_id=state.unit_id,
        note=note,
    )


def starting_unit(category_key: str, location: str, where: Jurisdictions, headcount: int = 0) -> Unit:
    """Where a case of this category at this place starts: the catalogue's level over the place
    (the one rule for a first assignment and for a category corrected before acceptance).

    Intake refuses unknown categories; one recorded before a catalogue change starts lowest.
    """
    category = where.catalogue.get(category_key)
    start = category.starting_level if category is not None and category.starting_level else Level.VILLAGE
    # A collective petition starts at least where the policy says, whatever its category.
    start = where.collective.starting_level(start, headcount)
    division = starting_division(location, start)
    return where.unit(division) or Unit(
        unit_id=division, division_code=division, level=level_of(division), name=division
    )


def decide_assignment(state: Case, petition: PetitionSubmitted, where: Jurisdictions) -> list[Event]:
    if state.version > 0:
        return []  # already routed: a redelivered petition changes nothing
    category = where.catalogue.get(petition.category)
    county = county_of(petition.division_code)
    if category is not None and not category.accepted:
        return [
            CaseNotAccepted(
                case_id=petition.case_id,
                division_code=county,
                level=level_of(county),
                county_code=county,
                category=petition.category,
                channel=petition.channel,
                reason=f"category {petition.category} is not handled through petitions",
                redirect_to=f"{category.redirect_zh} / {category.redirect_en}",
            )
        ]
    unit = starting_unit(petition.category, petition.division_code, where, petition.headcount)
    initial = Case(
        case_id=petition.case_id,
        category=petition.category,
        channel=petition.channel,
        location_code=petition.division_code,
    )
    assigned = assigned_to(initial, unit, "initial")
    if not where.collective.is_collective(petition.headcount):
        return [assigned]
    reported = CollectivePetitionReported(
        case_id=petition.case_id,
        informed_unit_id=where.collective.informed_unit(petition.division_code),
        county_code=assigned.county_code,
        division_code=unit.division_code,
        level=unit.level,
        category=petition.category,
        headcount=petition.headcount,
    )
    return [assigned, reported]
