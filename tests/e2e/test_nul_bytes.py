"""NUL characters, which PostgreSQL cannot store, are a 422 naming the field in every service, never a 500.

The two requests an outside fuzzing run found answering 500 are here by name; the guard that
fixed them is shared (shared/http/text.py), so the other services' texts are checked too.
"""

from __future__ import annotations

import httpx
import pytest

from tests.support.petitions import a_petition, petitions_submitted, wait_for_case
from tests.support.system import System

pytestmark = pytest.mark.e2e


def refused_field(response: httpx.Response) -> list[str]:
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error["code"] == "invalid"
    return [d["field"] for d in error["details"]]


def test_a_nul_in_the_worklist_cursor_is_a_422(system: System) -> None:
    answer = httpx.get(f"{system.url('routing')}/v1/worklist?cursor=%00", headers=system.auth())
    assert refused_field(answer) == ["cursor"]


def test_a_nul_in_the_audit_case_id_is_a_422(system: System) -> None:
    verify = f"{system.url('projections')}/v1/audit/verify"
    answer = httpx.get(verify, params={"case_id": "a\x00b"}, headers=system.auth())
    assert refused_field(answer) == ["case_id"]


def test_a_nul_in_a_case_id_path_or_a_body_is_a_422(system: System, test_database_url: str) -> None:
    with httpx.Client(timeout=30) as client:
        case_id = client.post(f"{system.url('intake')}/v1/petitions", json=a_petition()).json()["case_id"]
        wait_for_case(client, system.url("projections"), case_id, system.auth())
        routing = system.url("routing")
        assert refused_field(client.post(f"{routing}/v1/cases/{case_id}/escalate", json={"reason": "\x00"},
                                         headers=system.auth())) == ["reason"]  # fmt: skip
        assert refused_field(client.get(f"{system.url('sla')}/v1/cases/a%00/clocks", headers=system.auth())) == [
            "case_id"
        ]
        before = petitions_submitted(test_database_url)
        answer = client.post(f"{system.url('intake')}/v1/petitions", json=a_petition(title="the wall\x00"))
        assert refused_field(answer) == ["title"]
        assert petitions_submitted(test_database_url) == before
