"""Collective petitions (聯名 / 集體訪): the policy raises the starting level and informs the county bureau."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.routing.domain.assignment import decide_assignment
from services.routing.domain.case import Case, fold
from shared.events import CaseAssigned, CaseNotAccepted, CollectivePetitionReported
from shared.events.intake import SealedPetitioner
from shared.jurisdiction.collective import CollectivePolicy, parse_policy
from shared.vocabulary import Level
from tests.unit.routing.test_assignment import VILLAGE, Catalogue, petition

pytestmark = pytest.mark.unit


def collective(category: str, headcount: int, where: str = VILLAGE) -> list[object]:
    signers = (SealedPetitioner(),)
    submitted = petition(category, where).model_copy(update={"headcount": headcount, "co_petitioners": signers})
    return list(decide_assignment(Case(), submitted, Catalogue()))


def test_a_village_matter_of_many_starts_at_the_township_and_the_county_bureau_is_told() -> None:
    assigned, reported = collective("neighbourhood_dispute", 12)
    assert isinstance(assigned, CaseAssigned)
    assert isinstance(reported, CollectivePetitionReported)
    assert (assigned.level, assigned.division_code) == (Level.TOWNSHIP, "330726101000")
    assert reported.informed_unit_id == "330726000000"  # 浦江县信访局
    assert (reported.headcount, reported.level, reported.division_code) == (12, Level.TOWNSHIP, "330726101000")
    assert fold([assigned, reported]).collective


def test_one_persons_petition_is_routed_as_before() -> None:
    (assigned,) = collective("neighbourhood_dispute", 1)
    assert isinstance(assigned, CaseAssigned)
    assert assigned.level is Level.VILLAGE
    assert not fold([assigned]).collective


def test_a_category_that_starts_higher_keeps_its_level() -> None:
    assigned, _ = collective("land_expropriation", 30)
    assert isinstance(assigned, CaseAssigned)
    assert assigned.level is Level.COUNTY


def test_a_redirected_category_is_redirected_whatever_the_headcount() -> None:
    (refused,) = collective("litigation", 30)
    assert isinstance(refused, CaseNotAccepted)


def test_the_policy_is_data() -> None:
    policy = parse_policy("min_headcount: 5\nstart_at_least: county\ninform: city\n")
    assert not policy.is_collective(4)
    assert policy.is_collective(5)
    assert policy.starting_level(Level.VILLAGE, 5) is Level.COUNTY
    assert policy.starting_level(Level.VILLAGE, 4) is Level.VILLAGE
    assert policy.informed_unit(VILLAGE) == "330700000000"
    with pytest.raises(ValueError, match="min_headcount"):
        parse_policy("min_headcount: 1\n")


@given(
    headcount=st.integers(min_value=1, max_value=100_000),
    category=st.sampled_from(["neighbourhood_dispute", "labour_wages", "land_expropriation"]),
)
def test_a_collective_petition_never_starts_below_the_policy_and_is_always_reported(
    headcount: int, category: str
) -> None:
    policy = CollectivePolicy()
    events = collective(category, headcount)
    assigned = events[0]
    assert isinstance(assigned, CaseAssigned)
    alone = decide_assignment(Case(), petition(category), Catalogue())[0]
    assert isinstance(alone, CaseAssigned)
    if policy.is_collective(headcount):
        assert assigned.level.rank >= max(policy.start_at_least.rank, alone.level.rank)
        assert [type(e) for e in events] == [CaseAssigned, CollectivePetitionReported]
    else:
        assert events == [alone]
