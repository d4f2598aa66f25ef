from __future__ import annotations

import pytest

from services.intake.domain import codes
from services.intake.domain.commands import NewCase, SealedPeople, SubmitPetition
from services.intake.domain.petition import (
    Petition,
    PetitionAlreadyExists,
    PetitionNotFound,
    decide_repeat,
    decide_submit,
    fold,
)
from shared.events import PetitionSubmitted, RepeatPetitionReceived
from shared.events.intake import Petitioner, SealedPetitioner
from shared.vocabulary import Channel

pytestmark = pytest.mark.unit


def a_command() -> SubmitPetition:
    return SubmitPetition(
        channel=Channel.HOTLINE,
        division_code="330726101203",
        category="labour_wages",
        title="欠薪",
        content="Three months unpaid.",
        petitioner=Petitioner(name="李明", phone="13900000000"),
    )


CASE = NewCase(case_id="c-1", tracking_code="MH0123456789", access_code_hash="h")
PEOPLE = SealedPeople(petitioner=SealedPetitioner(key_id="k-1", sealed="v1.ciphertext"))


def test_a_new_petition_records_petition_submitted_with_everything_given() -> None:
    (event,) = decide_submit(Petition(), a_command(), CASE, PEOPLE)
    assert isinstance(event, PetitionSubmitted)
    assert event.model_dump() == {**a_command().model_dump(), **CASE.model_dump(), **PEOPLE.model_dump()}
    assert "13900000000" not in event.model_dump_json()  # the command's plaintext is never recorded
    # Assembled without validating again, it is still exactly the event a reader decodes.
    assert PetitionSubmitted.model_validate(event.model_dump(mode="json")) == event


def test_a_petition_is_recorded_once() -> None:
    state = fold(decide_submit(Petition(), a_command(), CASE, PEOPLE))
    assert state.exists
    assert state.version == 1
    with pytest.raises(PetitionAlreadyExists):
        decide_submit(state, a_command(), CASE, PEOPLE)


def test_codes_are_readable_aloud_and_the_access_code_is_checked_by_hash() -> None:
    tracking, access = codes.new_tracking_code(), codes.new_access_code()
    assert tracking.startswith("MH")
    assert len(tracking) == 12
    assert not set(tracking + access) & set("ILOU")
    stored = codes.hash_access_code(tracking, access)
    assert access not in stored
    assert codes.access_code_matches(tracking, access.lower(), stored)
    assert not codes.access_code_matches(tracking, codes.new_access_code(), stored)


def test_a_repeat_is_recorded_on_the_existing_petition_without_its_petitioner_again() -> None:
    existing = fold(decide_submit(Petition(), a_command(), CASE, PEOPLE))
    again = a_command().model_copy(update={"channel": Channel.VISIT, "recorded_by": "cadre-li"})
    (event,) = decide_repeat(existing, again)
    assert event == RepeatPetitionReceived(
        case_id="c-1", channel=Channel.VISIT, title="欠薪", content="Three months unpaid.", recorded_by="cadre-li"
    )
    assert fold([*decide_submit(Petition(), a_command(), CASE, PEOPLE), event]).version == 2
    with pytest.raises(PetitionNotFound):
        decide_repeat(Petition(), again)


def test_a_tracking_code_read_back_in_lower_case_is_still_recognised() -> None:
    code = codes.new_tracking_code()
    assert codes.normalize_tracking_code(f" {code.lower()} ") == code
    assert codes.normalize_tracking_code("MH012345678I") is None  # I is not in the alphabet
    assert codes.normalize_tracking_code("../etc/passwd") is None
