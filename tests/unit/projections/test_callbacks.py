"""Which answer the satisfaction rate counts: the petitioner's own feedback, else the latest callback."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest

from services.projections.domain.case import CaseState
from services.projections.domain.rollup import contribution

pytestmark = pytest.mark.unit
TZ = ZoneInfo("Asia/Shanghai")


def counted(**fields: object) -> tuple[int, int]:
    state = CaseState.model_validate({"case_id": "c", "location_code": "330726001001", **fields})
    counts = contribution(state, TZ)
    return counts.get(("feedback", "satisfied"), 0), counts.get(("feedback", "unsatisfied"), 0)


def test_the_petitioners_own_feedback_counts_over_a_callback() -> None:
    assert counted(feedback_unsatisfied=1, callback_satisfaction="satisfied") == (0, 1)


@pytest.mark.parametrize(
    ("grade", "answer"), [("satisfied", (1, 0)), ("basically_satisfied", (1, 0)), ("dissatisfied", (0, 1))]
)
def test_without_feedback_the_callbacks_grade_counts(grade: str, answer: tuple[int, int]) -> None:
    assert counted(callback_satisfaction=grade) == answer


def test_neither_counts_nothing() -> None:
    assert counted() == (0, 0)
