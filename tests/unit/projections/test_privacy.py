"""An anonymous petitioner stays anonymous in the history officials and supervisors read."""

from __future__ import annotations

import pytest

from services.projections.domain.privacy import as_seen_by
from shared.vocabulary import Role

pytestmark = pytest.mark.unit


def submitted(anonymous: bool) -> dict[str, object]:
    who = {"name": "李四", "phone": "13911112222", "id_number": None, "anonymous": anonymous}
    return {"type": "PetitionSubmitted", "hash": "h", "data": {"title": "噪音", "petitioner": who}}


@pytest.mark.parametrize("role", [Role.OFFICIAL, Role.SUPERVISOR, Role.ADMIN])
def test_officials_and_supervisors_do_not_see_who_an_anonymous_petitioner_is(role: Role) -> None:
    seen = as_seen_by(role, submitted(anonymous=True))
    assert seen["data"]["petitioner"] == {"name": None, "phone": None, "id_number": None, "anonymous": True}
    assert seen["data"]["title"] == "噪音"
    assert seen["redacted"] is True


def test_auditors_see_the_event_as_recorded_to_check_its_hash() -> None:
    event = submitted(anonymous=True)
    assert as_seen_by(Role.AUDITOR, event) == event


def test_a_petitioner_who_gave_their_name_is_shown_to_the_handling_unit() -> None:
    event = submitted(anonymous=False)
    assert as_seen_by(Role.OFFICIAL, event) == event


def test_each_signer_of_a_collective_petition_is_anonymous_or_not_on_their_own() -> None:
    event = submitted(anonymous=False)
    hidden = {"name": "王五", "phone": "13922223333", "id_number": None, "anonymous": True}
    shown = {"name": "赵六", "phone": "13933334444", "id_number": None, "anonymous": False}
    event["data"] = {**event["data"], "co_petitioners": [hidden, shown]}  # type: ignore[dict-item]
    seen = as_seen_by(Role.OFFICIAL, event)
    assert seen["data"]["petitioner"]["name"] == "李四"
    assert seen["data"]["co_petitioners"] == [{**hidden, "name": None, "phone": None}, shown]
    assert seen["redacted"] is True
    assert as_seen_by(Role.AUDITOR, event) == event


def sealed_submitted(anonymous: bool) -> dict[str, object]:
    who = {"key_id": "k-1", "sealed": "v1.abc", "anonymous": anonymous, "notify_by": None}
    return {"type": "PetitionSubmitted", "hash": "h", "data": {"title": "噪音", "petitioner": who}}


def test_an_anonymous_petitioners_ciphertext_is_taken_out_too() -> None:
    seen = as_seen_by(Role.OFFICIAL, sealed_submitted(anonymous=True))
    assert seen["data"]["petitioner"] == {"key_id": "k-1", "sealed": None, "anonymous": True, "notify_by": None}
    assert as_seen_by(Role.OFFICIAL, sealed_submitted(anonymous=False)) == sealed_submitted(anonymous=False)


def test_an_erased_petitioner_reads_as_erased_for_everyone_but_auditors_who_check_the_hashes() -> None:
    seen = as_seen_by(Role.SUPERVISOR, sealed_submitted(anonymous=False), erased=True)
    assert seen["data"]["petitioner"]["erased"] is True
    assert seen["data"]["petitioner"]["sealed"] is None
    assert seen["redacted"] is True
    legacy = as_seen_by(Role.OFFICIAL, submitted(anonymous=False), erased=True)  # recorded before sealing
    assert legacy["data"]["petitioner"]["name"] is None
    assert as_seen_by(Role.AUDITOR, sealed_submitted(anonymous=False), erased=True) == sealed_submitted(False)


def test_an_erased_signer_of_a_collective_petition_reads_as_erased_the_others_as_recorded() -> None:
    event = sealed_submitted(anonymous=False)
    signer = {"key_id": "k-2", "sealed": "v1.def", "anonymous": False, "notify_by": None}
    hidden = {"key_id": "k-3", "sealed": "v1.ghi", "anonymous": True, "notify_by": None}
    event["data"] = {**event["data"], "co_petitioners": [signer, hidden]}  # type: ignore[dict-item]
    seen = as_seen_by(Role.SUPERVISOR, event, erased=frozenset({1}))
    assert seen["data"]["petitioner"] == sealed_submitted(anonymous=False)["data"]["petitioner"]  # type: ignore[index]
    assert seen["data"]["co_petitioners"] == [
        {**signer, "sealed": None, "erased": True},
        {**hidden, "sealed": None},  # anonymous, not erased
    ]
    petitioner_gone = as_seen_by(Role.OFFICIAL, event, erased=frozenset({0}))
    assert petitioner_gone["data"]["petitioner"]["erased"] is True
    assert petitioner_gone["data"]["co_petitioners"][0] == signer
    assert as_seen_by(Role.OFFICIAL, event, erased=frozenset({0, 1, 2})) == as_seen_by(Role.OFFICIAL, event, True)
    assert as_seen_by(Role.AUDITOR, event, erased=frozenset({1})) == event
