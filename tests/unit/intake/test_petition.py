from __future__ import annotations

import pytest

from services.intake.domain import codes
from services.intake.domain.commands import SubmitPetition
from services.intake.domain.petition import Petition, PetitionAlreadyExists, decide_submit, fold
from shared.events import PetitionSubmitted
from shared.events.intake import Petitioner
from shared.vocabulary import Channel

pytestmark = pytest.mark.unit


def a_command() -> SubmitPetition:
    return SubmitPetition(
        case_id="c-1", tracking_code="MH0123456789", access_code_hash="h", channel=Channel.HOTLINE,
        division_code="330726101203", category="labour_wages", title="欠薪", content="Three months unpaid.",
        petitioner=Petitioner(name="李明", phone="13900000000"),
    )


def test_a_new_petition_records_petition_submitted_with_everything_given():
    (event,) = decide_submit(Petition(), a_command())
    assert isinstance(event, PetitionSubmitted)
    assert event.model_dump() == a_command().model_dump()


def test_a_petition_is_recorded_once():
    state = fold(decide_submit(Petition(), a_command()))
    assert state.exists and state.version == 1
    with pytest.raises(PetitionAlreadyExists):
        decide_submit(state, a_command())


def test_codes_are_readable_aloud_and_the_access_code_is_checked_by_hash():
    tracking, access = codes.new_tracking_code(), codes.new_access_code()
    assert tracking.startswith("MH") and len(tracking) == 12
    assert not set(tracking + access) & set("ILOU")
    stored = codes.hash_access_code(tracking, access)
    assert access not in stored
    assert codes.access_code_matches(tracking, access.lower(), stored)
    assert not codes.access_code_matches(tracking, codes.new_access_code(), stored)
