"""The one rule on anonymous petitioners' identity that projections and intake both apply."""

from __future__ import annotations

import pytest

from shared.privacy import sees_identity
from shared.vocabulary import Role

pytestmark = pytest.mark.unit


@pytest.mark.parametrize("role", list(Role))
def test_everyone_may_see_who_did_not_ask_to_be_anonymous(role: Role) -> None:
    assert sees_identity(role, anonymous=False)


def test_only_auditors_see_an_anonymous_petitioner() -> None:
    assert [r for r in Role if sees_identity(r, anonymous=True)] == [Role.AUDITOR]


def test_the_unit_a_petition_complains_about_never_sees_who_complained() -> None:
    from shared.privacy import withheld_from

    unit = "330726101203"
    assert withheld_from(Role.OFFICIAL, unit, False, unit) == "complaint"
    assert withheld_from(Role.AUDITOR, unit, True, unit) == "complaint"
    assert withheld_from(Role.SUPERVISOR, "330726101000", False, unit) is None  # the level above may
    assert withheld_from(Role.OFFICIAL, "330726101000", True, unit) == "anonymous"
    assert withheld_from(Role.AUDITOR, "330726101000", True, None) is None
