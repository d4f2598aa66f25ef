"""Officials' search by phone over HTTP: the token, the role, the scope, the contract's errors."""

from __future__ import annotations

import random

import httpx
import pytest

from shared.vocabulary import Role
from tests.support.petitions import a_petition
from tests.support.system import System

pytestmark = pytest.mark.e2e
TOWNSHIP, OTHER_TOWNSHIP = "330726001000", "330726105000"


def test_officials_find_a_petitioners_cases_by_phone_within_their_scope(system: System) -> None:
    phone = f"136{random.randrange(10**8):08d}"
    url = f"{system.url('intake')}/v1/petitions"
    with httpx.Client(timeout=10) as client:
        body = a_petition(petitioner={"name": "王芳", "phone": phone, "anonymous": False}, title="排水沟堵了")
        case = client.post(url, json=body).json()
        hidden = a_petition(petitioner={"name": "王芳", "phone": phone, "anonymous": True}, category="environment")
        assert client.post(url, json=hidden).status_code == 201

        def search(role: Role, division: str, number: str = phone) -> httpx.Response:
            return client.get(url, params={"phone": number}, headers=system.auth(role, division))

        answer = search(Role.OFFICIAL, TOWNSHIP)
        assert answer.status_code == 200, answer.text
        assert answer.json() == {
            "petitions": [
                {
                    "case_id": case["case_id"],
                    "tracking_code": case["tracking_code"],
                    "title": "排水沟堵了",
                    "status": answer.json()["petitions"][0]["status"],
                    "category": "neighbourhood_dispute",
                    "division_code": body["division_code"],
                    "submitted_at": answer.json()["petitions"][0]["submitted_at"],
                }
            ],
            "truncated": False,
        }  # the anonymous petition is not among them
        assert (
            search(Role.SUPERVISOR, "330700000000", f"+86 {phone}").json()["petitions"][0]["case_id"]
            == (case["case_id"])
        )
        assert search(Role.OFFICIAL, OTHER_TOWNSHIP).json() == {"petitions": [], "truncated": False}

        assert client.get(url, params={"phone": phone}).status_code == 401
        forbidden = search(Role.AUDITOR, TOWNSHIP)
        assert forbidden.status_code == 403
        assert forbidden.json()["error"]["code"] == "forbidden"
        for bad in ("12", "call me", ""):
            invalid = search(Role.OFFICIAL, TOWNSHIP, bad)
            assert invalid.status_code == 422, bad
            assert [d["field"] for d in invalid.json()["error"]["details"]] == ["phone"]
        missing = client.get(url, headers=system.auth(Role.OFFICIAL, TOWNSHIP))
        assert missing.status_code == 422
        assert missing.json()["error"]["details"][0]["field"] == "phone"
