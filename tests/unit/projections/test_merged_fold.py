"""Similar matters merged (並案) in the read model: a lead lists its merged cases, a merged-in case its lead."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from services.projections.domain.case import document
from services.projections.domain.evolve import PROJECTED, fold
from services.projections.synthetic import CaseWriter
from shared.events import (
    CaseAssigned,
    CaseClosed,
    CaseMergedInto,
    CaseMergeUndone,
    CasesMergedIn,
    CaseUnmerged,
    RecordedEvent,
)
from shared.vocabulary import CaseStatus, Channel, Level

pytestmark = pytest.mark.unit
START = datetime(2026, 3, 3, 9, tzinfo=UTC)
VILLAGE = "330726101203"


def assigned(case_id: str, reason: str = "initial") -> CaseAssigned:
    return CaseAssigned(
        case_id=case_id, division_code=VILLAGE, level=Level.VILLAGE, unit_id=VILLAGE, unit_name="某村村委会",
        county_code="330726000000", category="other", channel=Channel.ONLINE, location_code=VILLAGE, reason=reason,
    )  # fmt: skip


def merged_in(*, undone: bool) -> list[RecordedEvent]:
    w = CaseWriter("b", START)
    first = w.record("case", assigned("b"), None)
    into = w.record("case", CaseMergedInto(case_id="b", lead_case_id="a", reason="同一堵墙"), first)
    closed = w.record("case", CaseClosed(case_id="b", reason="merged"), into)
    if undone:
        back = w.record("case", CaseUnmerged(case_id="b", lead_case_id="a", reason="不同事项"), closed)
        w.record("case", assigned("b", "unmerged"), back)
    return [event for _, event in w.recorded]


def test_the_merge_events_are_all_projected() -> None:
    names = {cls.type_name() for cls in (CasesMergedIn, CaseMergedInto, CaseMergeUndone, CaseUnmerged)}
    assert names <= PROJECTED


def test_the_lead_lists_its_merged_cases_until_a_merge_is_undone() -> None:
    w = CaseWriter("a", START)
    first = w.record("case", assigned("a"), None)
    joined = w.record("case", CasesMergedIn(case_id="a", merged_case_ids=("b", "c"), reason="同一堵墙"), first)
    lead = fold("a", [e for _, e in w.recorded])
    assert lead.merged_cases == ("b", "c")
    assert lead.status == CaseStatus.ASSIGNED
    w.record("case", CaseMergeUndone(case_id="a", merged_case_id="b", reason="不同事项"), joined)
    after = fold("a", [e for _, e in w.recorded])
    assert after.merged_cases == ("c",)
    assert [entry.type for entry in after.timeline][-2:] == ["CasesMergedIn", "CaseMergeUndone"]


def test_a_merged_in_case_is_closed_as_merged_into_its_lead() -> None:
    case = fold("b", merged_in(undone=False))
    assert (case.status, case.closed_reason, case.merged_into) == (CaseStatus.CLOSED, "merged", "a")
    assert not case.open


def test_an_unmerged_case_is_open_at_its_unit_again() -> None:
    case = fold("b", merged_in(undone=True))
    assert (case.status, case.closed_reason, case.merged_into) == (CaseStatus.ASSIGNED, None, None)
    shown = document(case)
    assert (shown["merged_into"], shown["merged_cases"], shown["status"]) == (None, [], "assigned")
