"""Intake refuses places and categories the deployment does not have, naming the field."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from services.intake.domain.commands import SubmitPetition
from services.intake.entrypoints.bodies import PetitionIn
from shared.events.intake import Attachment, Petitioner
from tests.support.petitions import a_petition

pytestmark = pytest.mark.unit


def refused_fields(**overrides: Any) -> set[str]:
    with pytest.raises(ValidationError) as refused:
        PetitionIn.model_validate(a_petition(**overrides))
    return {".".join(map(str, error["loc"])) for error in refused.value.errors()}


def test_a_petition_of_the_default_province_is_accepted() -> None:
    assert PetitionIn.model_validate(a_petition(category="litigation")).category == "litigation"


@pytest.mark.parametrize("code", ["330726999999", "330726000123", "110101000000", "33072600100x"])
def test_a_place_outside_the_tree_is_refused(code: str) -> None:
    assert refused_fields(division_code=code) == {"division_code"}


def test_a_category_outside_the_catalogue_is_refused() -> None:
    assert refused_fields(category="astrology") == {"category"}


@pytest.mark.parametrize(
    ("code", "why"),
    [
        ("330726000123", "not the 12-digit code of one division"),  # a village under no township
        ("33072600100x", "not the 12-digit code of one division"),
        ("330726999999", "must be a division of this deployment"),  # well formed, not in the tree
    ],
)
def test_the_form_of_a_code_is_checked_by_the_shared_validator_then_the_tree(code: str, why: str) -> None:
    with pytest.raises(ValidationError, match=why):
        PetitionIn.model_validate(a_petition(division_code=code))


def test_the_command_is_the_checked_body_as_the_domain_types_it() -> None:
    body = PetitionIn.model_validate(a_petition(attachments=[{"name": "photo", "url": "https://x/1.jpg"}]))
    command = body.command(recorded_by="cadre-li")
    # One person's petition: a headcount of 1 (the body leaves it out).
    assert command == SubmitPetition.model_validate({**body.model_dump(), "recorded_by": "cadre-li", "headcount": 1})
    assert type(command.petitioner) is Petitioner
    assert [type(a) for a in command.attachments] == [Attachment]


def test_a_collective_petition_names_its_signers_and_counts_at_least_them() -> None:
    others = [{"name": "李强", "phone": "13900000001"}, {"name": "张伟", "phone": "13900000002", "anonymous": True}]
    named = PetitionIn.model_validate(a_petition(co_petitioners=others)).command(None)
    assert named.headcount == 3
    assert [type(p) for p in named.co_petitioners] == [Petitioner, Petitioner]
    assert named.co_petitioners[1].anonymous
    visit = PetitionIn.model_validate(a_petition(co_petitioners=others, headcount=40)).command(None)
    assert visit.headcount == 40
    for bad in (2, 0, -1, 100_001, "many"):
        with pytest.raises(ValidationError) as refused:
            PetitionIn.model_validate(a_petition(co_petitioners=others, headcount=bad))
        assert [e["loc"] for e in refused.value.errors()] == [("headcount",)], bad
    with pytest.raises(ValidationError) as refused:
        PetitionIn.model_validate(a_petition(co_petitioners=[{"name": "", "phone": "x"}]))
    assert {e["loc"][:2] for e in refused.value.errors()} == {("co_petitioners", 0)}
