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
