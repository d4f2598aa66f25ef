"""Where a new petition goes: the lowest competent level that covers its location."""

from __future__ import annotations

from typing import Protocol

from services.routing.domain.case import Case
from shared.divisions import county_of, level_of, truncate_to
from shared.events import CaseAssigned, CaseNotAccepted, Event, PetitionSubmitted
from shared.vocabulary import Level


class Jurisdictions(Protocol):
    """What routing needs to know of the division tree and the category catalogue."""

    def starting_level(self, category: str) -> Level | None:
        """The level where handling of `category` starts; None when it is not accepted."""

    def redirect_for(self, category: str) -> str | None: ...

    def unit_name(self, division_code: str) -> str: ...


def starting_division(location: str, start: Level) -> str:
    """The division at the starting level that covers the location.

    A location named only at a higher level (a matter spanning several townships is filed at
    county level) cannot start lower than that level.
    """
    return truncate_to(location, start) if level_of(location).rank <= start.rank else location


def decide_assignment(state: Case, petition: PetitionSubmitted, where: Jurisdictions) -> list[Event]:
    if state.version > 0:
        return []  # already routed: a redelivered petition changes nothing
    start = where.starting_level(petition.category)
    if start is None:
        county = county_of(petition.division_code)
        return [
            CaseNotAccepted(
                case_id=petition.case_id,
                division_code=county,
                level=level_of(county),
                county_code=county,
                category=petition.category,
                channel=petition.channel,
                reason=f"category {petition.category} is not handled through petitions",
                redirect_to=where.redirect_for(petition.category),
            )
        ]
    division = starting_division(petition.division_code, start)
    return [
        CaseAssigned(
            case_id=petition.case_id,
            division_code=division,
            level=level_of(division),
            unit_id=division,
            unit_name=where.unit_name(division),
            county_code=county_of(petition.division_code),
            category=petition.category,
            channel=petition.channel,
            location_code=petition.division_code,
        )
    ]
