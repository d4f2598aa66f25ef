"""A petition merged into another petitioner's case (並案), as its own petitioner sees it. Pure."""

from __future__ import annotations

from datetime import timedelta
from importlib.resources import files

import pytest

from services.intake.domain.answers import decide_feedback
from services.intake.domain.commands import GiveFeedback
from services.intake.domain.document import petitioner_document
from services.intake.domain.further import Withdraw, decide_withdraw
from services.intake.domain.notices import decision_of, issue, load_templates
from services.intake.domain.progress import Fact, fold_progress, fold_view
from services.intake.handlers.notices import addressees
from shared.domain import NotAllowed
from shared.events import CaseAccepted, CaseClosed, CaseMergedInto, CaseUnmerged, PetitionSubmitted
from shared.events.intake import Petitioner
from shared.vocabulary import CaseStatus, Level
from tests.unit.intake.facts import CASE, T0, VILLAGE, assigned, facts, recipient_of, resolved, sealed, submitted

pytestmark = pytest.mark.unit

LEAD = "c-lead"
TEMPLATES = load_templates(files("services.intake").joinpath("data/notices.yaml").read_text(encoding="utf-8"))


def merged_petition() -> list[Fact]:
    """Our petition, assigned, then merged into LEAD at T0 + 2h."""
    return [
        *facts("petition", submitted(), start=T0 - timedelta(hours=1)),
        *facts(
            "case",
            assigned(),
            CaseMergedInto(case_id=CASE, lead_case_id=LEAD, reason="同一堵墙"),
            CaseClosed(case_id=CASE, reason="merged"),
        ),
    ]


def lead_handling() -> list[Fact]:
    """The lead case as routing handles it: assigned to the township before the merge, accepted and answered after."""
    lead_unit = assigned(unit_name="浦阳街道社会治理中心", level=Level.TOWNSHIP)
    accepted = CaseAccepted(case_id=LEAD, unit_id="330726001000", level=Level.TOWNSHIP)
    return [
        *facts("petition", submitted().model_copy(update={"case_id": LEAD, "title": "别人的标题"})),
        *facts("case", lead_unit, start=T0 - timedelta(days=1)),
        Fact("case", 2, T0 + timedelta(hours=5), accepted),
        Fact("case", 3, T0 + timedelta(hours=6), resolved(reply="墙已拆除")),
    ]


def test_a_merged_petition_shows_the_lead_cases_handling_and_keeps_its_own_petition() -> None:
    view = fold_view(merged_petition(), lead_handling())
    assert view.merged
    assert (view.status, view.unit_name, view.reply) == (CaseStatus.RESOLVED, "浦阳街道社会治理中心", "墙已拆除")
    assert (view.case_id, view.tracking_code, view.title) == (CASE, "MH0123456789", "牆擋住了排水")
    kinds = [e.kind for e in view.timeline]
    # Its own steps, the merge, then only what the lead case did since (not its assignment the day before).
    assert kinds == ["submitted", "assigned.initial", "merged", "accepted", "resolved.first"]
    document = petitioner_document(view, T0 + timedelta(days=1))
    assert document.merged
    assert "别人的标题" not in document.model_dump_json()


def test_without_the_lead_cases_facts_yet_the_petition_stays_as_it_was_told() -> None:
    view = fold_view(merged_petition())
    assert view.merged
    assert view.status == CaseStatus.CLOSED
    assert "closed.other" not in [e.kind for e in view.timeline]  # closing as merged is no step of its own


def test_after_an_unmerge_the_petition_is_its_own_again() -> None:
    petition = [
        *facts("petition", submitted(), start=T0 - timedelta(hours=1)),
        *facts(
            "case",
            assigned(),
            CaseMergedInto(case_id=CASE, lead_case_id=LEAD, reason="同一堵墙"),
            CaseClosed(case_id=CASE, reason="merged"),
            CaseUnmerged(case_id=CASE, lead_case_id=LEAD, reason="不同事项"),
            assigned(reason="unmerged"),
        ),
    ]
    view = fold_view(petition, lead_handling())
    assert not view.merged
    assert view.status == CaseStatus.ASSIGNED
    assert view.reply is None
    assert [e.kind for e in view.timeline][-2:] == ["unmerged", "assigned.unmerged"]


def test_a_merged_petitioner_answers_nothing_of_the_lead_cases_own() -> None:
    view = fold_view(merged_petition(), lead_handling())
    with pytest.raises(NotAllowed) as refused:
        decide_feedback(view, GiveFeedback(satisfied=True, comment=""))
    assert refused.value.details == [{"current_status": "merged"}]
    with pytest.raises(NotAllowed):
        decide_withdraw(view, Withdraw())
    assert not any(petitioner_document(view, T0).may.model_dump().values())


def test_the_merged_petitioner_is_told_of_the_merge_under_their_own_code_and_nothing_of_anyone_else() -> None:
    lead_petitioner = Petitioner(name="李四", phone="13900000000")
    lead_submitted = PetitionSubmitted.model_validate(
        {**submitted().model_dump(), "case_id": LEAD, "petitioner": sealed(LEAD, 0, lead_petitioner),
         "tracking_code": "MH999"}
    )  # fmt: skip
    (addressee,) = addressees(merged_petition())
    ours = recipient_of(addressee)
    assert ours.tracking_code == "MH0123456789"
    merged = decision_of(CaseMergedInto(case_id=CASE, lead_case_id=LEAD, reason="同一堵墙"), None)
    assert merged is not None
    notice, _route = issue(TEMPLATES, merged, ours, CASE, "event-1")
    assert "MH0123456789" in notice.text
    assert notice.kind == "merged"
    for theirs in ("李四", "13900000000", "MH999", LEAD, lead_submitted.title):
        assert theirs not in notice.model_dump_json()
    assert decision_of(CaseClosed(case_id=CASE, reason="merged"), None) is None


def test_the_own_fold_keeps_the_case_closed_for_the_index() -> None:
    assert fold_progress(merged_petition()).status == CaseStatus.CLOSED
    assert VILLAGE in (fold_progress(merged_petition()).handling_division or "")
