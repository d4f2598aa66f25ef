"""A petitioner answers their case: repeats are linked, feedback and review follow the reply."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from shared.vocabulary import Role
from tests.e2e.test_petitioner_follow import a_petitioner, follow, submit
from tests.support.petitions import PUJIANG_VILLAGE, a_petition, petitions_submitted
from tests.support.system import System

pytestmark = pytest.mark.e2e


def answer(system: System, client: httpx.Client, case: dict[str, Any], what: str, **body: Any) -> httpx.Response:
    url = f"{system.url('intake')}/v1/petitions/{case['tracking_code']}/{what}"
    return client.post(url, json={"access_code": case["access_code"], **body})


def resolved_case(system: System, client: httpx.Client) -> dict[str, Any]:
    """A case its village accepted and answered in writing, as its petitioner sees it."""
    case = submit(system, client)
    follow(system, client, case, lambda v: v["status"] == "assigned")
    village = system.auth(Role.OFFICIAL, PUJIANG_VILLAGE, "official-li")
    routing = f"{system.url('routing')}/v1/cases/{case['case_id']}"
    assert client.post(f"{routing}/accept", headers=village).status_code == 200
    reply = {"reply": "The wall will be moved by the 30th."}
    assert client.post(f"{routing}/resolve", json=reply, headers=village).status_code == 200
    return case


def test_a_repeat_of_an_open_matter_is_linked_and_opens_no_new_case(system: System, test_database_url: str) -> None:
    petitioner = a_petitioner(id_number="330726198808081234")
    body = a_petition(petitioner=petitioner)
    with httpx.Client(timeout=10) as client:
        first = client.post(f"{system.url('intake')}/v1/petitions", json=body).json()
        before = petitions_submitted(test_database_url)
        again = a_petition(
            petitioner={**petitioner, "phone": "13911112222"}, channel="hotline", content=body["content"]
        )
        repeat = client.post(f"{system.url('intake')}/v1/petitions", json=again)
        assert repeat.status_code == 200, repeat.text
        assert repeat.json() == {
            "case_id": first["case_id"],
            "tracking_code": first["tracking_code"],
            "duplicate_of": first["case_id"],
        }
        assert petitions_submitted(test_database_url) == before
        view = follow(system, client, first, lambda v: v["repeats"] == 1)
    linked = [e["text"] for e in view["timeline"] if e["type"] == "RepeatPetitionReceived"]
    assert linked == ["the matter was raised again (hotline) and linked to this case"]


def test_feedback_on_a_case_not_yet_resolved_is_a_409_naming_its_status(system: System) -> None:
    with httpx.Client(timeout=10) as client:
        case = submit(system, client)
        follow(system, client, case, lambda v: v["status"] == "assigned")
        refused = answer(system, client, case, "feedback", satisfied=True, comment="")
        assert refused.status_code == 409
        assert refused.json()["error"]["details"] == [{"current_status": "assigned"}]
        review = answer(system, client, case, "review", reason="no answer yet")
        assert review.status_code == 409


def test_a_satisfied_petitioner_closes_the_case(system: System) -> None:
    with httpx.Client(timeout=10) as client:
        case = resolved_case(system, client)
        view = follow(system, client, case, lambda v: v["status"] == "resolved")
        assert view["reply"]["text"] == "The wall will be moved by the 30th."
        assert view["may"] == {"give_feedback": True, "request_review": True, "withdraw": True, "add_information": True}
        given = answer(system, client, case, "feedback", satisfied=True, comment="thank you")
        assert given.status_code == 201, given.text
        assert given.json()["feedback"] == [{"round": "first", "satisfied": True}]
        assert answer(system, client, case, "feedback", satisfied=True).status_code == 409
        closed = follow(system, client, case, lambda v: v["status"] == "closed")
        assert closed["closed_reason"] == "satisfied"
        late = answer(system, client, case, "review", reason="changed my mind")
    assert (late.status_code, late.json()["error"]["details"]) == (409, [{"current_status": "closed"}])


def test_an_unsatisfied_petitioner_asks_for_review_by_the_level_above(system: System) -> None:
    with httpx.Client(timeout=10) as client:
        case = resolved_case(system, client)
        follow(system, client, case, lambda v: v["status"] == "resolved")
        assert answer(system, client, case, "feedback", satisfied=False, comment="not moved").status_code == 201
        asked = answer(system, client, case, "review", reason="the wall is still there")
        assert asked.status_code == 201, asked.text
        assert asked.json()["review_requests"] == ["review"]
        assert answer(system, client, case, "review", reason="again").status_code == 409
        view = follow(system, client, case, lambda v: v["status"] == "under_review")
    assert (view["level"], view["round"]) == ("township", "review")
    assert view["timeline"][-1]["text"] == f"sent for review to {view['handling_unit']}"
