"""並案 suggestions, pure: neighbouring places, same category, similar text, other people only."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.intake.domain.repeats import PersonKeys, tokens
from services.intake.domain.similar import Candidate, neighbouring, suggest
from shared.vocabulary import CaseStatus

pytestmark = pytest.mark.unit

VILLAGE, SIBLING, TOWNSHIP = "330726105201", "330726105202", "330726105000"
OTHER_TOWNSHIP_VILLAGE = "330726106201"


def matter(
    case_id: str, title: str, content: str = "", where: str = VILLAGE, who: str = "a", **changes: object
) -> Candidate:
    fields: dict[str, object] = {
        "case_id": case_id, "tracking_code": f"MH{case_id}", "person": PersonKeys(id_key=None, contact_key=who),
        "category": "environment", "division_code": where, "status": CaseStatus.ASSIGNED, "title": title,
        "text_tokens": tokens(f"{title}\n{content}"),
    }  # fmt: skip
    return Candidate.model_validate({**fields, **changes})


NEW = matter("new", "养殖场污水直排溪流", "村口养殖场的污水直接排进溪里，全村都闻得到臭味。")


def test_neighbours_are_the_same_place_siblings_and_the_place_directly_above() -> None:
    assert neighbouring(VILLAGE, VILLAGE)
    assert neighbouring(VILLAGE, SIBLING)
    assert neighbouring(VILLAGE, TOWNSHIP)
    assert neighbouring(TOWNSHIP, VILLAGE)
    assert neighbouring(TOWNSHIP, "330726106000")  # two townships of one county
    assert not neighbouring(VILLAGE, OTHER_TOWNSHIP_VILLAGE)
    assert not neighbouring(VILLAGE, "330726000000")  # the county is two levels up


def test_another_persons_open_similar_matter_nearby_is_suggested_most_similar_first() -> None:
    close = matter("b", "养殖场污水排进溪流", "养殖场的污水直接排进溪里，臭味很大。", where=SIBLING, who="b")
    looser = matter("c", "溪流被污染", "溪水发黑，怀疑是养殖场排污。", where=TOWNSHIP, who="c")
    found = suggest(NEW, [looser, close])
    assert [s.case_id for s in found][:1] == ["b"]
    assert found[0].score >= 0.6
    assert "person" not in found[0].model_dump()


@pytest.mark.parametrize(
    "other",
    [
        matter("same-person", "养殖场污水直排溪流", who="a"),  # the same person's: a repeat, not 並案
        matter("closed", "养殖场污水直排溪流", who="b", status=CaseStatus.CLOSED),
        matter("category", "养殖场污水直排溪流", who="b", category="labour_wages"),
        matter("far", "养殖场污水直排溪流", who="b", where=OTHER_TOWNSHIP_VILLAGE),
        matter("unlike", "拖欠工资三个月", "工地老板拖欠农民工工资。", who="b"),
    ],
)
def test_what_is_not_suggested(other: Candidate) -> None:
    assert suggest(NEW, [other]) == []


PLACES = st.sampled_from([VILLAGE, SIBLING, OTHER_TOWNSHIP_VILLAGE])


@given(st.lists(st.tuples(PLACES, st.text(min_size=1, max_size=30))))
def test_suggestions_are_other_peoples_open_nearby_matters_ordered_by_score(entries: list[tuple[str, str]]) -> None:
    others = [matter(str(i), title, where=where, who=f"p{i}") for i, (where, title) in enumerate(entries)]
    found = suggest(NEW, others)
    assert len(found) <= 10
    assert [s.score for s in found] == sorted((s.score for s in found), reverse=True)
    for s in found:
        assert s.score >= 0.6
        assert neighbouring(s.division_code, NEW.division_code)
