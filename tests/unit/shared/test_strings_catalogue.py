"""The pages' one catalogue of strings: both languages say everything, every timeline step has words."""

from __future__ import annotations

from typing import Any, get_args

import pytest

from services.intake.domain.timeline import describe
from shared.events import (
    CaseAccepted,
    CaseClosed,
    CaseMergedInto,
    CaseNotAccepted,
    CaseReopenedForReview,
    CaseResolved,
    CaseUnmerged,
    ExtensionGranted,
    FeedbackGiven,
    InformationAdded,
    LeaderAssigned,
    RepeatPetitionReceived,
    ReviewRequested,
    SupervisionIssued,
    WithdrawalRecorded,
    WithdrawalRequested,
)
from shared.events.routing import AssignmentReason, ClosingReason, EscalationStep, Round
from shared.i18n import LANGUAGES, strings, with_categories
from shared.jurisdiction.division_data import deployment_catalogue
from shared.vocabulary import Channel
from tests.unit.intake.facts import assigned, submitted

pytestmark = pytest.mark.unit
CASE = "c-1"


def keys(table: dict[str, Any], prefix: str = "") -> set[str]:
    found: set[str] = set()
    for key, value in table.items():
        found |= {prefix + key} if isinstance(value, str) else keys(value, f"{prefix}{key}.")
    return found


def lookup(lang: str, key: str) -> Any:
    node: Any = strings()[lang]
    for part in key.split("."):
        node = node.get(part) if isinstance(node, dict) else None
    return node


def test_both_languages_have_every_key() -> None:
    assert keys(strings()["zh"]) == keys(strings()["en"])


def every_step() -> list[Any]:
    rounds: tuple[Round, ...] = get_args(Round)
    return [
        submitted(),
        RepeatPetitionReceived(case_id=CASE, channel=Channel.VISIT, title="t", content="c"),
        *(assigned(reason) for reason in get_args(AssignmentReason)),
        CaseAccepted(case_id=CASE, unit_id="u", level="village"),
        *(
            CaseNotAccepted(
                case_id=CASE,
                division_code="330726000000",
                level="county",
                county_code="330726000000",
                category="litigation",
                channel=Channel.ONLINE,
                reason="r",
                redirect_to=to,
            )
            for to in (None, "court")
        ),
        ExtensionGranted(case_id=CASE, days=3, reason="r"),
        LeaderAssigned(case_id=CASE, leader="l"),
        *(
            CaseResolved(case_id=CASE, reply="r", unit_id="u", division_code="330726000000", level="county", round=r)
            for r in rounds
        ),
        *(CaseReopenedForReview(case_id=CASE, round=r, reason="r") for r in rounds if r != "first"),
        # Closing as merged is no step of its own: the CaseMergedInto before it says so.
        *(CaseClosed(case_id=CASE, reason=r) for r in get_args(ClosingReason) if r != "merged"),
        CaseMergedInto(case_id=CASE, lead_case_id="lead", reason="r"),
        CaseUnmerged(case_id=CASE, lead_case_id="lead", reason="r"),
        *(
            SupervisionIssued(
                case_id=CASE, step=s, clock_id="k", clock_kind="handling", by_division="330726000000", breach_count=1
            )
            for s in get_args(EscalationStep)
        ),
        *(FeedbackGiven(case_id=CASE, satisfied=s, round=r) for r in rounds for s in (True, False)),
        *(ReviewRequested(case_id=CASE, reason="r", round=r) for r in rounds if r != "first"),
        WithdrawalRequested(case_id=CASE, reason="r"),
        *(WithdrawalRecorded(case_id=CASE, by=b) for b in ("petitioner", "cadre")),
        InformationAdded(case_id=CASE, text="t"),
    ]


def test_closing_as_merged_is_no_step_for_the_petitioner() -> None:
    assert describe(CaseClosed(case_id=CASE, reason="merged")) is None


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_step_intake_names_has_a_sentence_with_exactly_its_params(lang: str) -> None:
    for event in every_step():
        step = describe(event)
        assert step is not None, event
        sentence = lookup(lang, f"timeline.{step.kind}")
        assert isinstance(sentence, str), (lang, step.kind)
        assert {p for p in step.params if f"{{{p}}}" in sentence} == set(step.params), (lang, step.kind)


def test_the_dashboard_gets_the_deployments_category_names_beside_the_strings() -> None:
    served = with_categories(deployment_catalogue())
    assert served["zh"]["category"]["labour_wages"] == "劳资欠薪"
    assert served["en"]["category"]["labour_wages"] == "Unpaid wages and labour disputes"
    assert served["zh"]["dashboard"] == strings()["zh"]["dashboard"]
