"""Intake refuses places and categories the deployment does not have, naming the field."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from services.intake.entrypoints.bodies import PetitionIn
from tests.support.petitions import a_petition

pytestmark = pytest.mark.unit


def refused_fields(**overrides: Any) -> set[str]:
    with pytest.raises(ValidationError) as refused:
        PetitionIn.model_validate(a_petition(**overrides))
    return {".".join(map(str, error["loc"])) for error in refused.value.errors()}


def test_a_petition_of_the_default_province_is_accepted():
    assert PetitionIn.model_validate(a_petition(category="litigation")).category == "litigation"


@pytest.mark.parametrize("code", ["330726999999", "330726000123", "110101000000", "33072600100x"])
def test_a_place_outside_the_tree_is_refused(code):
    assert refused_fields(division_code=code) == {"division_code"}


def test_a_category_outside_the_catalogue_is_refused():
    assert refused_fields(category="astrology") == {"category"}
