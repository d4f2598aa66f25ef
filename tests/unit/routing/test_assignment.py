"""Where a new petition goes: lowest competent level covering the location, redirects otherwise."""

from __future__ import annotations

import pytest

from services.routing.domain.assignment import Jurisdictions, Unit, decide_assignment, starting_division
from services.routing.domain.case import Case, fold
from shared.divisions import level_of
from shared.events import CaseAssigned, CaseNotAccepted, PetitionSubmitted
from shared.events.intake import SealedPetitioner
from shared.jurisdiction.catalogue import parse_catalogue
from shared.jurisdiction.collective import CollectivePolicy
from shared.vocabulary import CaseStatus, Channel, Level

pytestmark = pytest.mark.unit

VILLAGE = "330726101203"


CATEGORIES = parse_catalogue("""
categories:
  - {key: neighbourhood_dispute, name_zh: 邻里, name_en: Neighbours, starting_level: village}
  - {key: labour_wages, name_zh: 工资, name_en: Wages, starting_level: township}
  - {key: land_expropriation, name_zh: 征地, name_en: Land, starting_level: county}
  - {key: litigation, name_zh: 诉讼, name_en: Litigation, accepted: false, redirect_zh: 法院, redirect_en: the courts}
""")


class Catalogue(Jurisdictions):
    catalogue = CATEGORIES
    collective = CollectivePolicy()

    def unit(self, unit_id: str) -> Unit | None:
        return Unit(unit_id=unit_id, division_code=unit_id, level=level_of(unit_id), name=f"unit of {unit_id}")


def petition(category: str, where: str = VILLAGE) -> PetitionSubmitted:
    return PetitionSubmitted(
        case_id="c-1",
        tracking_code="MH1",
        access_code_hash="h",
        channel=Channel.ONLINE,
        division_code=where,
        category=category,
        title="t",
        content="c",
        petitioner=SealedPetitioner(),
    )


@pytest.mark.parametrize(
    ("category", "division", "level"),
    [
        ("neighbourhood_dispute", VILLAGE, Level.VILLAGE),
        ("labour_wages", "330726101000", Level.TOWNSHIP),
        ("land_expropriation", "330726000000", Level.COUNTY),
    ],
)
def test_each_category_starts_at_its_level_within_the_location(category: str, division: str, level: Level) -> None:
    (event,) = decide_assignment(Case(), petition(category), Catalogue())
    assert isinstance(event, CaseAssigned)
    assert (event.division_code, event.level, event.county_code) == (division, level, "330726000000")
    assert event.location_code == VILLAGE


def test_a_matter_filed_at_county_level_cannot_start_lower() -> None:
    assert starting_division("330726000000", Level.VILLAGE) == "330726000000"
    (event,) = decide_assignment(Case(), petition("neighbourhood_dispute", "330726000000"), Catalogue())
    assert isinstance(event, CaseAssigned)
    assert event.level == Level.COUNTY


def test_matters_for_the_courts_are_not_accepted_and_redirected() -> None:
    (event,) = decide_assignment(Case(), petition("litigation"), Catalogue())
    assert isinstance(event, CaseNotAccepted)
    assert event.redirect_to == "法院 / the courts"
    assert fold([event]).status == CaseStatus.NOT_ACCEPTED


def test_a_redelivered_petition_assigns_nothing_twice() -> None:
    state = fold(decide_assignment(Case(), petition("neighbourhood_dispute"), Catalogue()))
    assert state.status == CaseStatus.ASSIGNED
    assert decide_assignment(state, petition("neighbourhood_dispute"), Catalogue()) == []
