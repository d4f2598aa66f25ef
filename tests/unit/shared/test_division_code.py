"""The one check of a division code's form: as a yes/no, as an exception, as a pydantic field, in a token."""

from __future__ import annotations

import pytest
from pydantic import BaseModel, ValidationError

from shared.http.errors import ApiError
from shared.http.tokens import TokenVerifier, issue_token
from shared.jurisdiction.divisions import DivisionCode, InvalidDivisionCode, is_division_code, validate_code
from shared.vocabulary import Role

pytestmark = pytest.mark.unit

GOOD = ["330000000000", "330700000000", "330726000000", "330726101000", "330726101203"]
# Malformed, non-ASCII digits, a trailing newline, zero segments above a non-zero one.
BAD = ["", "33072610120", "3307261012031", "33072610120x", "000000000000", "３３0726101203",
       "330726101203\n", "330726000123", "330026101000", "000726000000"]  # fmt: skip


class Form(BaseModel):
    division: DivisionCode


@pytest.mark.parametrize("code", GOOD)
def test_a_code_naming_one_division_passes_every_form_of_the_check(code: str) -> None:
    assert is_division_code(code)
    assert validate_code(code) == code
    assert Form(division=code).division == code


@pytest.mark.parametrize("code", BAD)
def test_anything_else_fails_every_form_of_the_check(code: str) -> None:
    assert not is_division_code(code)
    with pytest.raises(InvalidDivisionCode):
        validate_code(code)
    with pytest.raises(ValidationError, match="not the 12-digit code of one division"):
        Form(division=code)


def test_a_token_claiming_a_malformed_division_is_refused() -> None:
    secret = "s" * 40
    verifier = TokenVerifier(secret)
    assert verifier.verify(issue_token(secret, "li", Role.OFFICIAL, "330726101000")).division == "330726101000"
    with pytest.raises(ApiError) as refused:
        verifier.verify(issue_token(secret, "li", Role.OFFICIAL, "330726000123"))
    assert refused.value.status == 401
