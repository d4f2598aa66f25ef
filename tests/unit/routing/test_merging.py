"""Merging similar matters of different petitioners (並案) and undoing it, as routing decides them. Pure."""

from __future__ import annotations

import pytest

from services.routing.domain.assignment import decide_assignment
from services.routing.domain.case import Case, fold
from services.routing.domain.commands import Accept, Merge, Unmerge
from services.routing.domain.lifecycle import decide
from services.routing.domain.merging import Decided, decide_merge, decide_unmerge
from shared.domain import Invalid, NotAllowed
from shared.events import (
    CaseAssigned,
    CaseClosed,
    CaseMergedInto,
    CaseMergeUndone,
    CasesMergedIn,
    CaseUnmerged,
    PetitionSubmitted,
)
from shared.events.intake import SealedPetitioner
from shared.vocabulary import CaseStatus, Channel
from tests.unit.routing.test_aftercare import RULES
from tests.unit.routing.test_case_properties import TREE

pytestmark = pytest.mark.unit

VILLAGE = "330726101203"
OTHER_COUNTY = "330782001001"


def routed(case_id: str, place: str = VILLAGE) -> Case:
    petition = PetitionSubmitted(
        case_id=case_id,
        tracking_code=f"MH{case_id}",
        access_code_hash="h",
        channel=Channel.ONLINE,
        division_code=place,
        category="other",
        title="墙挡住了排水",
        content="c",
        petitioner=SealedPetitioner(),
    )
    return fold(decide_assignment(Case(), petition, TREE))


def applied(states: dict[str, Case], decided: Decided) -> dict[str, Case]:
    return {c: fold(decided.get(c, []), s) for c, s in states.items()}


def merged(lead: Case, *others: Case) -> dict[str, Case]:
    states = {s.case_id or "": s for s in (lead, *others)}
    command = Merge(case_ids=tuple(s.case_id or "" for s in others), reason="同一堵墙")
    return applied(states, decide_merge(lead, states, command))


def test_a_merge_records_both_sides_and_closes_the_merged_in_case_as_merged() -> None:
    lead, other = routed("a"), routed("b")
    decided = decide_merge(lead, {"a": lead, "b": other}, Merge(case_ids=("b",), reason="同一堵墙"))
    assert decided["a"] == [CasesMergedIn(case_id="a", merged_case_ids=("b",), reason="同一堵墙")]
    assert decided["b"] == [
        CaseMergedInto(case_id="b", lead_case_id="a", reason="同一堵墙"),
        CaseClosed(case_id="b", reason="merged"),
    ]
    after = applied({"a": lead, "b": other}, decided)
    assert after["a"].merged_cases == ("b",)
    assert after["a"].status == CaseStatus.ASSIGNED
    assert (after["b"].merged_into, after["b"].status) == ("a", CaseStatus.CLOSED)


def test_asking_for_the_same_merge_again_records_nothing() -> None:
    states = merged(routed("a"), routed("b"))
    assert decide_merge(states["a"], states, Merge(case_ids=("b",), reason="again")) == {}


def test_a_lead_already_accepted_may_take_a_newcomer() -> None:
    lead = fold(decide(routed("a"), Accept(), TREE, RULES), routed("a"))
    states = merged(lead, routed("b"))
    assert states["a"].merged_cases == ("b",)


@pytest.mark.parametrize(
    ("case_ids", "field_message"),
    [(("b", "b"), "names a case twice"), (("a",), "cannot be merged into itself")],
)
def test_bad_lists_of_cases_are_invalid(case_ids: tuple[str, ...], field_message: str) -> None:
    states = {"a": routed("a"), "b": routed("b")}
    with pytest.raises(Invalid) as refused:
        decide_merge(states["a"], states, Merge(case_ids=case_ids, reason="r"))
    assert refused.value.field == "case_ids"
    assert field_message in refused.value.reason


def test_a_case_in_another_county_cannot_be_merged() -> None:
    states = {"a": routed("a"), "b": routed("b", OTHER_COUNTY)}
    with pytest.raises(Invalid, match="some fields"):
        decide_merge(states["a"], states, Merge(case_ids=("b",), reason="r"))


def test_an_accepted_case_cannot_be_merged_into_another() -> None:
    other = fold(decide(routed("b"), Accept(), TREE, RULES), routed("b"))
    states = {"a": routed("a"), "b": other}
    with pytest.raises(NotAllowed) as refused:
        decide_merge(states["a"], states, Merge(case_ids=("b",), reason="r"))
    assert refused.value.details == [{"current_status": "accepted"}]


def test_no_chains_a_merged_case_is_no_lead_and_a_lead_is_not_merged_away() -> None:
    states = merged(routed("a"), routed("b"))
    states["c"] = routed("c")
    with pytest.raises(NotAllowed, match="merged into another case"):
        decide_merge(states["b"], states, Merge(case_ids=("c",), reason="r"))
    with pytest.raises(NotAllowed, match="carries merged cases"):
        decide_merge(states["c"], states, Merge(case_ids=("a",), reason="r"))


def test_undoing_a_merge_gives_the_case_back_to_its_unit() -> None:
    states = merged(routed("a"), routed("b"))
    decided = decide_unmerge(states["b"], states["a"], Unmerge(reason="不是同一事项"), TREE)
    unmerged, back = decided["b"]
    assert unmerged == CaseUnmerged(case_id="b", lead_case_id="a", reason="不是同一事项")
    assert isinstance(back, CaseAssigned)
    assert (back.reason, back.unit_id) == ("unmerged", states["b"].unit_id)
    assert decided["a"] == [CaseMergeUndone(case_id="a", merged_case_id="b", reason="不是同一事项")]
    after = applied(states, decided)
    assert after["a"].merged_cases == ()
    assert (after["b"].merged_into, after["b"].status) == (None, CaseStatus.ASSIGNED)
    assert decide_unmerge(after["b"], after["a"], Unmerge(reason="again"), TREE) == {}


def test_a_merge_cannot_be_undone_once_the_lead_is_accepted() -> None:
    states = merged(routed("a"), routed("b"))
    accepted = fold(decide(states["a"], Accept(), TREE, RULES), states["a"])
    with pytest.raises(NotAllowed) as refused:
        decide_unmerge(states["b"], accepted, Unmerge(reason="r"), TREE)
    assert refused.value.details == [{"current_status": "accepted"}]


def test_a_case_never_merged_cannot_be_unmerged() -> None:
    with pytest.raises(NotAllowed, match="not merged"):
        decide_unmerge(routed("b"), None, Unmerge(reason="r"), TREE)
