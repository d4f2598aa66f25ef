"""Erasure of a petition's personal data: recorded by one official, decided by another, once."""

from __future__ import annotations

import pytest

from services.intake.domain.erasure import DecideErasure, RequestErasure, decide_decision, decide_request
from services.intake.domain.petition import Petition, PetitionNotFound, fold
from shared.domain import Forbidden, Invalid, NotAllowed, NotFound
from shared.events import ErasureRefused, ErasureRequested, PersonalDataErased
from shared.vocabulary import ErasureBasis, ErasureRequester
from tests.unit.intake.facts import submitted

pytestmark = pytest.mark.unit

ASKED = RequestErasure(
    request_id="r-1",
    asked_by=ErasureRequester.PETITIONER,
    legal_basis=ErasureBasis.CONSENT_WITHDRAWN,
    reason="书面申请",
)


def requested() -> Petition:
    state = fold([submitted()])
    return fold([submitted(), *decide_request(state, ASKED, "official-li")])


def test_a_request_records_who_asked_why_and_who_recorded_it() -> None:
    [event] = decide_request(fold([submitted()]), ASKED, "official-li")
    assert event == ErasureRequested(
        case_id="c-1", request_id="r-1", asked_by=ErasureRequester.PETITIONER,
        legal_basis=ErasureBasis.CONSENT_WITHDRAWN, reason="书面申请", recorded_by="official-li",
    )  # fmt: skip
    with pytest.raises(NotAllowed, match="awaits its decision"):
        decide_request(requested(), ASKED.model_copy(update={"request_id": "r-2"}), "official-li")
    with pytest.raises(PetitionNotFound):
        decide_request(Petition(), ASKED, "official-li")


def test_another_person_approves_naming_the_keys_destroyed_and_then_it_is_erased_for_good() -> None:
    state = requested()
    with pytest.raises(Forbidden, match="someone other than"):
        decide_decision(state, DecideErasure(request_id="r-1", approve=True), "official-li", ())
    [erased] = decide_decision(state, DecideErasure(request_id="r-1", approve=True), "head-wang", ("k-1",))
    assert erased == PersonalDataErased(
        case_id="c-1", request_id="r-1", approved_by="head-wang", legal_basis=ErasureBasis.CONSENT_WITHDRAWN,
        key_ids=("k-1",),
    )  # fmt: skip
    after = fold([submitted(), *decide_request(fold([submitted()]), ASKED, "official-li"), erased])
    assert after.erased
    with pytest.raises(NotAllowed, match="approved already"):
        decide_decision(after, DecideErasure(request_id="r-1", approve=False, reason="x"), "head-wang", ())
    with pytest.raises(NotAllowed, match="erased already"):
        decide_request(after, ASKED.model_copy(update={"request_id": "r-3"}), "official-li")


def test_a_refusal_says_why_and_leaves_the_data_sealed() -> None:
    state = requested()
    with pytest.raises(Invalid):
        decide_decision(state, DecideErasure(request_id="r-1", approve=False), "head-wang", ())
    [refused] = decide_decision(
        state, DecideErasure(request_id="r-1", approve=False, reason="仍在办理"), "head-wang", ()
    )
    assert isinstance(refused, ErasureRefused)
    with pytest.raises(NotFound):
        decide_decision(state, DecideErasure(request_id="r-9", approve=True), "head-wang", ())
