"""Officials' notes over HTTP: recorded in any status, in officials' case document, never the petitioner's."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from shared.vocabulary import Role
from tests.e2e.test_petitioner_follow import follow, submit
from tests.e2e.test_routing_lifecycle import YIWU, act, worklist
from tests.support.petitions import PUJIANG_VILLAGE
from tests.support.polling import eventually
from tests.support.system import System

pytestmark = pytest.mark.e2e

NOTE = "Phoned the petitioner: the wall is on the neighbour's land."


def routed(system: System, client: httpx.Client) -> dict[str, Any]:
    case = submit(system, client)
    eventually(
        lambda: worklist(system, client, PUJIANG_VILLAGE),
        lambda ids: case["case_id"] in ids,
        what="the case on the village's worklist",
    )
    return case


def note(system: System, client: httpx.Client, case_id: str, body: dict[str, Any], **who: Any) -> httpx.Response:
    return act(system, client, case_id, "notes", body=body, **who)


def officials_case(system: System, client: httpx.Client, case_id: str, event_id: str) -> dict[str, Any]:
    """Projections' case document once it holds the event."""
    url = f"{system.url('projections')}/v1/cases/{case_id}"

    def doc() -> dict[str, Any]:
        response = client.get(url, headers=system.auth())
        return dict(response.json()) if response.status_code == 200 else {}

    return eventually(
        doc,
        lambda d: any(e["event_id"] == event_id for e in d.get("timeline", [])),
        timeout=30,
        what="projections showing the note",
    )


def test_a_note_is_recorded_shown_to_officials_and_never_to_the_petitioner(system: System) -> None:
    with httpx.Client(timeout=10) as client:
        case = routed(system, client)
        case_id = case["case_id"]
        added = note(system, client, case_id, {"text": NOTE})
        assert added.status_code == 200, added.text
        answer = added.json()
        assert (answer["case_id"], answer["status"], answer["division_code"]) == (case_id, "assigned", PUJIANG_VILLAGE)
        assert [e["type"] for e in answer["events"]] == ["CaseNoteAdded"]
        doc = officials_case(system, client, case_id, answer["events"][0]["id"])
        [entry] = [e for e in doc["timeline"] if e["type"] == "CaseNoteAdded"]
        assert entry["detail"]["text"] == NOTE
        assert entry["actor"] == "li"
        assert doc["status"] == "assigned"  # a note moves nothing
        # Accepted after the note: once the petitioner sees that, intake has passed the note by.
        assert act(system, client, case_id, "accept").json()["status"] == "accepted"
        view = follow(system, client, case, lambda v: v["status"] == "accepted")
        assert "CaseNoteAdded" not in {step["type"] for step in view["timeline"]}
        assert NOTE not in str(view)


def test_a_settled_case_still_takes_a_note(system: System) -> None:
    with httpx.Client(timeout=10) as client:
        case_id = routed(system, client)["case_id"]
        assert act(system, client, case_id, "reject").json()["status"] == "not_accepted"
        assert act(system, client, case_id, "accept").status_code == 409
        added = note(system, client, case_id, {"text": "Told them to go to the court."}, role=Role.SUPERVISOR)
        assert added.status_code == 200, added.text
        assert added.json()["status"] == "not_accepted"


def test_notes_are_refused_outside_the_jurisdiction_for_an_unknown_case_and_when_blank(system: System) -> None:
    with httpx.Client(timeout=10) as client:
        case_id = routed(system, client)["case_id"]
        body = {"text": NOTE}
        assert note(system, client, case_id, body, division=YIWU).status_code == 403
        assert note(system, client, case_id, body, division="330726001002").status_code == 403  # a sibling village
        assert note(system, client, case_id, body, role=Role.AUDITOR).status_code == 403
        assert client.post(f"{system.url('routing')}/v1/cases/{case_id}/notes", json=body).status_code == 401
        assert note(system, client, "no-such-case", body).status_code == 404
        for bad in ({"text": ""}, {"text": "   "}, {"text": "x" * 2001}, {}, {"text": 7}):
            refused = note(system, client, case_id, bad)
            assert refused.status_code == 422, bad
            assert [d["field"] for d in refused.json()["error"]["details"]] == ["text"], bad
        assert note(system, client, case_id, {"text": "x" * 2000}).status_code == 200
