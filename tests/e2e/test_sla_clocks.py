"""Clocks end to end: the simulated clock breaches them, officials pause them, a restart misses none.

The simulated clock is the whole system's and only moves forward, so each test reads its own
case's due and moves time relative to it; earlier tests' cases may breach meanwhile, harmlessly.
"""

from __future__ import annotations

import asyncio
import random
import time
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import asyncpg
import httpx
import pytest

from shared.vocabulary import Role
from tests.support.petitions import PUJIANG_VILLAGE, a_petition, wait_for_case
from tests.support.polling import eventually
from tests.support.system import ServiceProcess, System, free_port

pytestmark = pytest.mark.e2e

YIWU = "330782000000"


def submit(system: System, client: httpx.Client, **overrides: Any) -> str:
    """A new matter from a new petitioner: never linked to an open case as a repeat."""
    petitioner = {"name": "陳明", "phone": f"139{random.randrange(10**8):08d}", "anonymous": False}
    body = a_petition(petitioner=petitioner, content=f"Clock test {uuid.uuid4()}", **overrides)
    answer = client.post(f"{system.url('intake')}/v1/petitions", json=body)
    assert answer.status_code == 201, answer.text
    return str(answer.json()["case_id"])


def clocks(system: System, client: httpx.Client, case_id: str) -> dict[str, dict[str, Any]]:
    response = client.get(f"{system.url('sla')}/v1/cases/{case_id}/clocks", headers=system.auth())
    return {c["kind"]: c for c in response.json()["clocks"]} if response.status_code == 200 else {}


def wait_for_clocks(
    system: System, client: httpx.Client, case_id: str, until: Callable[[dict[str, Any]], bool], timeout: float = 30
) -> dict[str, dict[str, Any]]:
    return eventually(
        lambda: clocks(system, client, case_id),
        lambda seen: bool(seen) and until(seen),
        timeout=timeout,
        retry_on=(httpx.HTTPError,),  # sla is restarting
        what=f"the clocks of {case_id}",
    )


def move_clock(system: System, client: httpx.Client, **move: str) -> datetime:
    answer = client.post(f"{system.url('sla')}/admin/clock", json=move)
    assert answer.status_code == 200, answer.text
    return datetime.fromisoformat(answer.json()["now"])


def test_sixteen_days_later_the_acceptance_clock_is_breached_within_seconds(system: System) -> None:
    with httpx.Client(timeout=10) as client:
        case_id = submit(system, client)
        due = datetime.fromisoformat(
            wait_for_clocks(system, client, case_id, lambda c: "acceptance" in c)["acceptance"]["due"]
        )
        now = move_clock(system, client, advance="P16D")
        stopped_short = now < due  # 15 days that end on a weekend or holiday run on to a working day
        if stopped_short:
            # Short of the due, every warning point has passed: they fire before the due is reached.
            wait_for_clocks(system, client, case_id, lambda c: len(c["acceptance"]["warned"]) == 3)
            move_clock(system, client, set=(due + timedelta(seconds=1)).isoformat())
        seen = wait_for_clocks(system, client, case_id, lambda c: c["acceptance"]["breached"] is not None)
    acceptance = seen["acceptance"]
    assert acceptance["status"] == "running"  # overdue: routing's escalation, not sla, acts on it
    assert datetime.fromisoformat(acceptance["breached"]["due"]) == due
    assert datetime.fromisoformat(acceptance["breached"]["at"]) >= due
    # Warnings fire only while they still warn of something: none once the due itself has passed.
    assert [w["point"] for w in acceptance["warned"]] == (["50%", "75%", "3d before"] if stopped_short else [])
    assert acceptance["next_timer"] is None


def test_a_hotline_petition_runs_its_hours_based_sign_off_clock_beside_acceptance(system: System) -> None:
    with httpx.Client(timeout=10) as client:
        case_id = submit(system, client, channel="hotline")
        started = wait_for_clocks(system, client, case_id, lambda c: {"acceptance", "signoff"} <= set(c))
        signoff = started["signoff"]
        assert datetime.fromisoformat(signoff["due"]) - datetime.fromisoformat(signoff["started"]) == timedelta(hours=4)
        move_clock(system, client, advance="PT3H10M")  # past 75% and "1h before", not yet due
        seen = wait_for_clocks(system, client, case_id, lambda c: len(c["signoff"]["warned"]) == 3, timeout=10)
    assert [w["point"] for w in seen["signoff"]["warned"]] == ["50%", "75%", "1h before"]
    assert seen["signoff"]["breached"] is None
    assert seen["acceptance"]["warned"] == []


def test_an_official_pauses_a_clock_for_a_hearing_and_resumes_it(system: System) -> None:
    sla = system.url("sla")
    with httpx.Client(timeout=10) as client:
        case_id = submit(system, client)
        before = wait_for_clocks(system, client, case_id, lambda c: "acceptance" in c)["acceptance"]
        url = f"{sla}/v1/cases/{case_id}/clocks/{before['clock_id']}"
        village, other_county = system.auth(Role.OFFICIAL, PUJIANG_VILLAGE), system.auth(Role.OFFICIAL, YIWU)
        assert client.post(f"{url}/pause", json={"reason": "hearing"}).status_code == 401
        assert client.post(f"{url}/pause", json={"reason": "hearing"}, headers=other_county).status_code == 403
        assert client.post(f"{url}/pause", json={}, headers=village).status_code == 422
        missing = client.post(
            f"{sla}/v1/cases/{case_id}/clocks/handling-7/pause", json={"reason": "x"}, headers=village
        )
        assert missing.status_code == 404
        paused = client.post(f"{url}/pause", json={"reason": "hearing"}, headers=village)
        assert paused.status_code == 200, paused.text
        assert (paused.json()["status"], paused.json()["paused"]["reason"]) == ("paused", "hearing")
        assert paused.json()["next_timer"] is None
        again = client.post(f"{url}/pause", json={"reason": "hearing"}, headers=village)
        assert again.status_code == 409
        assert again.json()["error"]["details"] == [{"current_status": "paused"}]
        move_clock(system, client, advance="P2D")
        resumed = client.post(f"{url}/resume", headers=village)
        assert resumed.status_code == 200, resumed.text
        assert client.post(f"{url}/resume", headers=village).json()["error"]["details"] == [
            {"current_status": "running"}
        ]
    clock = resumed.json()
    assert (clock["status"], clock["paused"]) == ("running", None)
    assert clock["paused_seconds"] >= timedelta(days=2).total_seconds()
    shift = datetime.fromisoformat(clock["due"]) - datetime.fromisoformat(before["due"])
    assert timedelta(seconds=clock["paused_seconds"]) == shift, "the due moves out by exactly the paused time"
    assert [p["reason"] for p in clock["pauses"]] == ["hearing"]


async def breaches(database_url: str, case_id: str) -> list[str]:
    conn = await asyncpg.connect(database_url)
    try:
        rows = await conn.fetch(
            "SELECT data->>'clock_id' FROM sla.events WHERE subject = $1 AND type = 'ClockBreached'", case_id
        )
        return [r[0] for r in rows]
    finally:
        await conn.close()


def test_a_deadline_that_falls_due_while_sla_is_down_breaches_exactly_once(
    system: System, test_database_url: str
) -> None:
    margin = timedelta(seconds=8)
    sla = system.services["sla"]
    twin = ServiceProcess("sla", free_port(), sla.env, sla.log_path.with_name("sla-twin.log"))
    with httpx.Client(timeout=10) as client:
        case_id = submit(system, client)
        due = datetime.fromisoformat(
            wait_for_clocks(system, client, case_id, lambda c: "acceptance" in c)["acceptance"]["due"]
        )
        move_clock(system, client, set=(due - margin).isoformat())
        wall_due = time.monotonic() + margin.total_seconds()
        sla.kill()
        assert asyncio.run(breaches(test_database_url, case_id)) == [], "killed before the due"
        time.sleep(max(0.0, wall_due - time.monotonic()) + 1)
        try:
            sla.start()
            twin.start()  # two instances side by side: still one breach
            sla.wait_ready()
            twin.wait_ready()
            wait_for_clocks(system, client, case_id, lambda c: c["acceptance"]["breached"] is not None, timeout=20)
            time.sleep(2)  # room for a second, wrong, firing to show up
        finally:
            twin.stop()
    fired = asyncio.run(breaches(test_database_url, case_id))
    assert [c for c in fired if c.startswith("acceptance")] == ["acceptance-1"]
    assert len(fired) == len(set(fired)), "each clock (sign-off and objection window too) breaches once"


def test_sixteen_days_unaccepted_show_the_breach_and_routings_escalation_in_the_read_model(system: System) -> None:
    with httpx.Client(timeout=10) as client:
        case_id = submit(system, client)
        due = datetime.fromisoformat(
            wait_for_clocks(system, client, case_id, lambda c: "acceptance" in c)["acceptance"]["due"]
        )
        if move_clock(system, client, advance="P16D") < due:  # a due moved on past a weekend or holiday
            move_clock(system, client, set=(due + timedelta(seconds=1)).isoformat())
        case = wait_for_case(
            client,
            system.url("projections"),
            case_id,
            system.auth(Role.SUPERVISOR, "330000000000"),
            # Both: routing's supervision and sla's breach come on different topics, in either order.
            until=lambda c: c["supervision"] is not None and _acceptance(c).get("breached") is True,
        )
    acceptance = _acceptance(case)
    assert acceptance["breached"] is True
    assert case["overdue"] is True
    assert case["supervision"] == "reminder"  # the first step of the default escalation policy
    types = [entry["type"] for entry in case["timeline"]]
    assert types.index("ClockBreached") < types.index("SupervisionIssued")


def _acceptance(case: dict[str, Any]) -> dict[str, Any]:
    """The case's acceptance clock as the read model shows it ({} until it is there)."""
    return next((c for c in case["clocks"] if c["kind"] == "acceptance"), {})
