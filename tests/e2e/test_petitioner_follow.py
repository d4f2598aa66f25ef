"""A petitioner follows their own case with tracking code plus access code, and sees no one else's."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Callable
from typing import Any

import asyncpg
import httpx
import pytest

from shared.vocabulary import Role
from tests.support.petitions import PUJIANG_VILLAGE, a_petition
from tests.support.polling import eventually
from tests.support.system import System

pytestmark = pytest.mark.e2e


def a_petitioner(**overrides: Any) -> dict[str, Any]:
    """Someone new each time: the same person raising a similar matter again would be a repeat."""
    return {"name": "王芳", "phone": f"137{random.randrange(10**8):08d}", "anonymous": False, **overrides}


def submit(system: System, client: httpx.Client, **overrides: Any) -> dict[str, Any]:
    body = a_petition(**{"petitioner": a_petitioner(), **overrides})
    response = client.post(f"{system.url('intake')}/v1/petitions", json=body)
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


def follow(
    system: System,
    client: httpx.Client,
    case: dict[str, Any],
    until: Callable[[dict[str, Any]], bool],
    timeout: float = 30,
) -> dict[str, Any]:
    """Poll the petitioner's view until `until(view)` holds."""
    url = f"{system.url('intake')}/v1/petitions/{case['tracking_code']}"

    def view() -> dict[str, Any]:
        response = client.get(url, params={"access_code": case["access_code"]})
        assert response.status_code == 200, response.text
        return response.json()  # type: ignore[no-any-return]

    return eventually(view, until, timeout=timeout, what="the petitioner's view")


def test_the_petitioner_sees_the_case_assigned_with_its_unit_and_a_deadline(system: System) -> None:
    with httpx.Client(timeout=10) as client:
        case = submit(system, client)
        view = follow(system, client, case, lambda v: v["status"] == "assigned" and v["deadlines"])
    assert (view["case_id"], view["tracking_code"]) == (case["case_id"], case["tracking_code"])
    assert (view["level"], view["division_code"]) == ("village", PUJIANG_VILLAGE)
    assert view["handling_unit"]
    (deadline,) = view["deadlines"]
    assert (deadline["kind"], deadline["state"]) == ("acceptance", "running")
    assert set(deadline) == {"kind", "due", "state"}
    assert [e["type"] for e in view["timeline"]] == ["PetitionSubmitted", "CaseAssigned"]
    assert view["timeline"][1]["text"] == f"assigned to {view['handling_unit']}"


def test_a_wrong_missing_or_someone_elses_code_reveals_nothing(system: System) -> None:
    with httpx.Client(timeout=10) as client:
        mine, theirs = submit(system, client), submit(system, client)
        url = f"{system.url('intake')}/v1/petitions/{mine['tracking_code']}"
        unknown = client.get(f"{system.url('intake')}/v1/petitions/MH0000000000", params={"access_code": "X"})
        answers = [
            client.get(url, params={"access_code": "WRONGWRONG00"}),
            client.get(url),
            client.get(url, params={"access_code": theirs["access_code"]}),
            client.post(f"{url}/feedback", json={"access_code": theirs["access_code"], "satisfied": True}),
        ]
    for answer in answers:
        assert answer.status_code == 404
        assert (
            answer.json()
            == unknown.json()
            == {"error": {"code": "not_found", "message": "petition not found", "details": []}}
        )


def test_an_anonymous_petitioner_is_never_named_in_their_view(system: System) -> None:
    with httpx.Client(timeout=10) as client:
        petitioner = a_petitioner(name="匿名的張三", id_number="330726199001011234", anonymous=True)
        case = submit(system, client, petitioner=petitioner)
        view = follow(system, client, case, lambda v: v["status"] == "assigned")
    shown = str(view)
    assert "張三" not in shown
    assert petitioner["phone"] not in shown
    assert petitioner["id_number"] not in shown


def test_guessing_access_codes_is_throttled(system: System) -> None:
    with httpx.Client(timeout=10) as client:
        case = submit(system, client)
        url = f"{system.url('intake')}/v1/petitions/{case['tracking_code']}"
        wrong = [client.get(url, params={"access_code": f"GUESS{n:07d}"}).status_code for n in range(10)]
        assert wrong == [404] * 10
        throttled = client.get(url, params={"access_code": case["access_code"]})
    assert throttled.status_code == 429
    assert throttled.json()["error"]["code"] == "too_many_requests"


def recorded_by(database_url: str, case_id: str) -> tuple[str | None, str, str | None]:
    async def read() -> tuple[str | None, str, str | None]:
        conn = await asyncpg.connect(database_url)
        try:
            row = await conn.fetchrow(
                "SELECT data->>'recorded_by' AS by, actor, actor_unit FROM intake.events WHERE stream_id = $1",
                f"petition-{case_id}",
            )
            return row["by"], row["actor"], row["actor_unit"]
        finally:
            await conn.close()

    return asyncio.run(read())


@pytest.mark.parametrize("channel", ["visit", "leader_reception", "door_to_door", "proxy"])
def test_a_cadre_who_receives_a_petition_in_person_is_recorded(
    system: System, test_database_url: str, channel: str
) -> None:
    cadre = system.auth(Role.OFFICIAL, "330726001000", f"cadre-{channel}")
    with httpx.Client(timeout=10) as client:
        body = a_petition(channel=channel, petitioner=a_petitioner())
        created = client.post(f"{system.url('intake')}/v1/petitions", json=body, headers=cadre)
        assert created.status_code == 201, created.text
        elsewhere = system.auth(Role.OFFICIAL, "330782000000", "cadre-yiwu")
        body = a_petition(channel=channel, petitioner=a_petitioner())
        assert client.post(f"{system.url('intake')}/v1/petitions", json=body, headers=elsewhere).status_code == 403
        auditor = system.auth(Role.AUDITOR, "330726000000", "auditor")
        assert client.post(f"{system.url('intake')}/v1/petitions", json=body, headers=auditor).status_code == 403
    assert recorded_by(test_database_url, created.json()["case_id"]) == (
        f"cadre-{channel}",
        f"cadre-{channel}",
        "330726001000",
    )
