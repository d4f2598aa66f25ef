"""Officials work cases through routing's API: every transition, 409s, and jurisdiction (403)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from shared.vocabulary import Role
from tests.support.petitions import PUJIANG_VILLAGE, a_petition, worklist_rows
from tests.support.polling import eventually
from tests.support.system import System

pytestmark = pytest.mark.e2e

PUJIANG = "330726000000"
PUJIANG_TOWN = "330726001000"
YIWU = "330782000000"
ACTIONS: dict[str, dict[str, Any]] = {
    "accept": {},
    "reject": {"reason": "not a petition matter"},
    "extend": {"days": 10, "reason": "a hearing is needed"},
    "transfer": {"division_code": "330726001002", "reason": "it is the next village's wall"},
    "escalate": {"reason": "needs the township"},
    "resolve": {"reply": "The wall will be moved by the 30th."},
    "assign-leader": {"leader": "leader-zhang"},
}


def routed_case(system: System, client: httpx.Client, unit: str = PUJIANG_VILLAGE, **overrides: Any) -> str:
    case_id = client.post(f"{system.url('intake')}/v1/petitions", json=a_petition(**overrides)).json()["case_id"]
    eventually(
        lambda: worklist(system, client, unit), lambda ids: case_id in ids, what=f"{case_id} in the worklist of {unit}"
    )
    return str(case_id)


def worklist(system: System, client: httpx.Client, unit: str) -> set[str]:
    return set(worklist_rows(system.url("routing"), client, system.auth(Role.OFFICIAL, unit)))


def act(
    system: System,
    client: httpx.Client,
    case_id: str,
    action: str,
    division: str = PUJIANG_VILLAGE,
    role: Role = Role.OFFICIAL,
    body: dict[str, Any] | None = None,
) -> httpx.Response:
    return client.post(
        f"{system.url('routing')}/v1/cases/{case_id}/{action}",
        json=ACTIONS[action] if body is None else body,
        headers=system.auth(role, division, "li"),
    )


def test_a_case_is_accepted_extended_escalated_and_resolved_at_the_level_above(system: System) -> None:
    with httpx.Client(timeout=10) as client:
        case_id = routed_case(system, client)
        assert act(system, client, case_id, "accept").json()["status"] == "accepted"
        assert act(system, client, case_id, "assign-leader").status_code == 200
        assert act(system, client, case_id, "extend").status_code == 200
        again = act(system, client, case_id, "extend")
        assert again.status_code == 409
        assert again.json()["error"]["details"] == [{"current_status": "accepted"}]
        escalated = act(system, client, case_id, "escalate").json()
        assert (escalated["status"], escalated["level"], escalated["division_code"]) == (
            "assigned",
            "township",
            PUJIANG_TOWN,
        )
        # The village no longer holds it; the township does.
        assert act(system, client, case_id, "accept").status_code == 403
        assert act(system, client, case_id, "accept", division=PUJIANG_TOWN).status_code == 200
        resolved = act(system, client, case_id, "resolve", division=PUJIANG_TOWN).json()
        assert resolved["status"] == "resolved"
        assert [e["type"] for e in resolved["events"]] == ["CaseResolved"]
        conflict = act(system, client, case_id, "accept", division=PUJIANG_TOWN)
        assert conflict.status_code == 409
        assert conflict.json()["error"]["details"] == [{"current_status": "resolved"}]


def test_a_transfer_moves_the_case_to_another_unit_of_the_county_only(system: System) -> None:
    with httpx.Client(timeout=10) as client:
        case_id = routed_case(system, client)
        far = act(system, client, case_id, "transfer", body={"division_code": "330782001001", "reason": "r"})
        assert far.status_code == 422
        moved = act(system, client, case_id, "transfer").json()
        assert (moved["status"], moved["division_code"]) == ("assigned", "330726001002")


def test_rejecting_records_not_accepted_and_nothing_more_is_allowed(system: System) -> None:
    with httpx.Client(timeout=10) as client:
        case_id = routed_case(system, client)
        assert act(system, client, case_id, "reject").json()["status"] == "not_accepted"
        for action in ACTIONS:
            response = act(system, client, case_id, action, division=PUJIANG)
            assert response.status_code == 409, action
            assert response.json()["error"]["details"] == [{"current_status": "not_accepted"}]


@pytest.mark.parametrize("action", list(ACTIONS))
def test_every_action_is_refused_outside_the_callers_jurisdiction(system: System, action: str) -> None:
    with httpx.Client(timeout=10) as client:
        case_id = routed_case(system, client)
        assert act(system, client, case_id, action, division=YIWU).status_code == 403
        assert act(system, client, case_id, action, division="330726001002").status_code == 403  # a sibling village
        assert act(system, client, case_id, action, role=Role.AUDITOR).status_code == 403
        assert (
            client.post(f"{system.url('routing')}/v1/cases/{case_id}/{action}", json=ACTIONS[action]).status_code == 401
        )
        unknown = act(system, client, "no-such-case", action)
        assert unknown.status_code == 404


def test_concurrent_actions_on_one_case_never_both_win(system: System) -> None:
    import asyncio

    with httpx.Client(timeout=10) as client:
        case_id = routed_case(system, client)

    async def race() -> list[int]:
        async with httpx.AsyncClient(timeout=10) as client:
            url = f"{system.url('routing')}/v1/cases/{case_id}"
            headers = system.auth(Role.OFFICIAL, PUJIANG_VILLAGE)
            answers = await asyncio.gather(
                *(client.post(f"{url}/accept", headers=headers) for _ in range(4)),
                *(client.post(f"{url}/reject", json={"reason": "r"}, headers=headers) for _ in range(4)),
            )
            return [a.status_code for a in answers]

    codes = asyncio.run(race())
    assert codes.count(200) == 1
    assert set(codes) == {200, 409}


def test_worklists_of_two_counties_never_mix(system: System) -> None:
    with httpx.Client(timeout=10) as client:
        pujiang = routed_case(system, client, PUJIANG, category="land_expropriation")
        yiwu = client.post(
            f"{system.url('intake')}/v1/petitions",
            json=a_petition(category="land_expropriation", division_code="330782001001"),
        ).json()
        mine = worklist_rows(system.url("routing"), client, system.auth(Role.OFFICIAL, PUJIANG))
        theirs = eventually(
            lambda: worklist_rows(system.url("routing"), client, system.auth(Role.OFFICIAL, YIWU)),
            lambda rows: yiwu["case_id"] in rows,
            what="the Yiwu case on Yiwu's worklist",
        )
    assert pujiang in mine
    assert yiwu["case_id"] not in mine
    assert all(c["division_code"] == PUJIANG for c in mine.values())
    assert all(c["division_code"] == YIWU for c in theirs.values())
