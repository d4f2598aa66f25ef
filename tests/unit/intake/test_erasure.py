"""Erasure of a petition's personal data: recorded by one official, decided by another, once; for every
person of the petition, or for some signers of a collective petition, the others left readable."""

from __future__ import annotations

import pytest

from services.intake.domain.erasure import DecideErasure, RequestErasure, decide_decision, decide_request
from services.intake.domain.petition import Petition, PetitionNotFound, fold
from shared.domain import Forbidden, Invalid, NotAllowed, NotFound
from shared.events import ErasureRefused, ErasureRequested, Event, PersonalDataErased, PetitionSubmitted
from shared.events.intake import Petitioner, SealedPetitioner
from shared.vocabulary import ErasureBasis, ErasureRequester
from tests.unit.intake.facts import CASE, sealed, submitted

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
        decide_decision(state, DecideErasure(request_id="r-1", approve=True), "official-li")
    [erased] = decide_decision(state, DecideErasure(request_id="r-1", approve=True), "head-wang")
    key_id = submitted().petitioner.key_id
    assert key_id is not None
    assert erased == PersonalDataErased(
        case_id="c-1", request_id="r-1", approved_by="head-wang", legal_basis=ErasureBasis.CONSENT_WITHDRAWN,
        key_ids=(key_id,), signers=(0,),
    )  # fmt: skip
    after = fold([submitted(), *decide_request(fold([submitted()]), ASKED, "official-li"), erased])
    assert after.erased
    with pytest.raises(NotAllowed, match="approved already"):
        decide_decision(after, DecideErasure(request_id="r-1", approve=False, reason="x"), "head-wang")
    with pytest.raises(NotAllowed, match="erased already"):
        decide_request(after, ASKED.model_copy(update={"request_id": "r-3"}), "official-li")


def test_a_refusal_says_why_and_leaves_the_data_sealed() -> None:
    state = requested()
    with pytest.raises(Invalid):
        decide_decision(state, DecideErasure(request_id="r-1", approve=False), "head-wang")
    [refused] = decide_decision(state, DecideErasure(request_id="r-1", approve=False, reason="仍在办理"), "head-wang")
    assert isinstance(refused, ErasureRefused)
    with pytest.raises(NotFound):
        decide_decision(state, DecideErasure(request_id="r-9", approve=True), "head-wang")


# --- one signer of a collective petition asks alone ---------------------------------------------


def collective(*unsealed: int) -> PetitionSubmitted:
    """A petition of three named people (the petitioner and two co-petitioners), each under their own key;
    the signers in `unsealed` as recorded before sealing (no key)."""
    people = [Petitioner(name=f"签{i}", phone=f"1390000000{i}") for i in range(3)]
    sealed_people = [SealedPetitioner() if i in unsealed else sealed(CASE, i, p) for i, p in enumerate(people)]
    return submitted().model_copy(update={"petitioner": sealed_people[0], "co_petitioners": tuple(sealed_people[1:])})


def asked(request_id: str, signers: tuple[int, ...] | None) -> RequestErasure:
    return ASKED.model_copy(update={"request_id": request_id, "signers": signers})


def after(events: list[Event], *steps: tuple[str, RequestErasure | DecideErasure]) -> list[Event]:
    """The events after recording (by official-li) or deciding (by head-wang) each step in turn."""
    for who, step in steps:
        state = fold(events)
        if isinstance(step, RequestErasure):
            events = [*events, *decide_request(state, step, who)]
        else:
            events = [*events, *decide_decision(state, step, who)]
    return events


def approve(request_id: str) -> tuple[str, DecideErasure]:
    return ("head-wang", DecideErasure(request_id=request_id, approve=True))


def test_a_request_names_the_signers_it_covers_and_approval_destroys_only_their_keys() -> None:
    petition = collective()
    events = after([petition], ("official-li", asked("r-1", (2, 1, 2))), approve("r-1"))
    requested_, erased = events[1:]
    assert isinstance(requested_, ErasureRequested)
    assert requested_.signers == (1, 2)  # each once, in order
    assert isinstance(erased, PersonalDataErased)
    assert erased.signers == (1, 2)
    assert erased.key_ids == tuple(p.key_id for p in petition.co_petitioners)
    assert petition.petitioner.key_id not in erased.key_ids
    state = fold(events)
    assert state.erased_signers == {1, 2}
    assert not state.erased  # the petitioner's data is there still
    # The petitioner asks too: now the whole petition is erased.
    state = fold(after(events, ("official-li", asked("r-2", (0,))), approve("r-2")))
    assert state.erased
    assert state.erased_signers == {0, 1, 2}


def test_every_person_is_the_default_and_then_only_those_not_erased_yet() -> None:
    petition = collective()
    events = after([petition], ("official-li", asked("r-1", (1,))), approve("r-1"))
    events = after(events, ("official-li", asked("r-2", None)), approve("r-2"))
    everyone = events[-1]
    assert isinstance(everyone, PersonalDataErased)
    assert everyone.signers == (0, 2)
    assert everyone.key_ids == (petition.petitioner.key_id, petition.co_petitioners[1].key_id)
    assert fold(events).erased
    with pytest.raises(NotAllowed, match="erased already"):
        decide_request(fold(events), asked("r-3", None), "official-li")


def test_an_erased_signer_cannot_be_asked_for_again_nor_an_unknown_one() -> None:
    events = after([collective()], ("official-li", asked("r-1", (1,))), approve("r-1"))
    state = fold(events)
    with pytest.raises(NotAllowed, match="signer 1 is erased already") as refused:
        decide_request(state, asked("r-2", (0, 1)), "official-li")
    assert refused.value.status_now == "erased"
    with pytest.raises(Invalid) as unknown:
        decide_request(state, asked("r-2", (3,)), "official-li")
    assert unknown.value.field == "signers"
    assert "0 to 2" in unknown.value.reason
    with pytest.raises(Invalid):
        decide_request(state, asked("r-2", ()), "official-li")
    [ok] = decide_request(state, asked("r-2", (0, 2)), "official-li")
    assert isinstance(ok, ErasureRequested)


def test_a_pending_request_holds_back_only_requests_that_cover_one_of_its_signers() -> None:
    state = fold(after([collective()], ("official-li", asked("r-1", (1,)))))
    with pytest.raises(NotAllowed, match="covering signer 1 awaits") as pending:
        decide_request(state, asked("r-2", (1, 2)), "official-li")
    assert pending.value.status_now == "erasure_pending"
    with pytest.raises(NotAllowed, match="awaits"):
        decide_request(state, asked("r-2", None), "official-li")  # every person overlaps
    everyone_pending = fold(after([collective()], ("official-li", asked("r-1", None))))
    with pytest.raises(NotAllowed, match="awaits"):
        decide_request(everyone_pending, asked("r-2", (0,)), "official-li")
    # Side by side: refusing one leaves the other to be approved on its own.
    events = after([collective()], ("official-li", asked("r-1", (1,))), ("official-li", asked("r-2", (2,))))
    events = after(events, ("head-wang", DecideErasure(request_id="r-1", approve=False, reason="仍需联系")))
    events = after(events, approve("r-2"))
    state = fold(events)
    assert state.erased_signers == {2}
    assert [r.status for r in state.erasure_requests] == ["refused", "approved"]
    [again] = decide_request(state, asked("r-3", (1,)), "official-li")  # a refusal holds nothing back
    assert isinstance(again, ErasureRequested)


def test_a_signer_recorded_before_sealing_is_erased_with_no_key_to_destroy() -> None:
    petition = collective(1)
    events = after([petition], ("official-li", asked("r-1", (1, 2))), approve("r-1"))
    erased = events[-1]
    assert isinstance(erased, PersonalDataErased)
    assert (erased.signers, erased.key_ids) == ((1, 2), (petition.co_petitioners[1].key_id,))
    assert fold(events).erased_signers == {1, 2}


def test_an_approval_recorded_before_signers_were_named_erased_everyone() -> None:
    """Events already stored have no `signers`: they read as covering every person of the petition."""
    old_request = ErasureRequested.model_validate(
        {"case_id": "c-1", "request_id": "r-1", "asked_by": "petitioner", "legal_basis": "consent_withdrawn",
         "reason": "书面申请", "recorded_by": "official-li"}
    )  # fmt: skip
    old_approval = PersonalDataErased.model_validate(
        {"case_id": "c-1", "request_id": "r-1", "approved_by": "head-wang", "legal_basis": "consent_withdrawn",
         "key_ids": ["k"]}
    )  # fmt: skip
    assert (old_request.signers, old_approval.signers) == (None, None)
    state = fold([collective(), old_request, old_approval])
    assert state.erased
    assert state.erased_signers == {0, 1, 2}
