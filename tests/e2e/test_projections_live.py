"""Projections over the running system: stats and lists in scope, the live stream, history as of, audit."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
import uuid
from datetime import datetime, timedelta
from typing import Any

import asyncpg
import httpx
import orjson
import pytest

from shared.vocabulary import Role
from tests.support.infra import ROOT
from tests.support.petitions import PUJIANG_VILLAGE, a_petition, wait_for_case
from tests.support.polling import eventually
from tests.support.system import System

pytestmark = pytest.mark.e2e
PUJIANG = "330726000000"
YIWU = "330782000000"


def a_new_petitioner() -> dict[str, Any]:
    """Someone who has not petitioned before (the same person's open matter would be a repeat)."""
    return {"name": "王芳", "phone": f"139{uuid.uuid4().int % 10**8:08d}", "anonymous": False}


def submit(system: System, client: httpx.Client, **overrides: Any) -> str:
    body = a_petition(petitioner=a_new_petitioner(), **overrides)
    answer = client.post(f"{system.url('intake')}/v1/petitions", json=body)
    assert answer.status_code == 201, answer.text
    return str(answer.json()["case_id"])


def official(system: System, client: httpx.Client, case_id: str, action: str, body: dict[str, Any]) -> None:
    answer = client.post(
        f"{system.url('routing')}/v1/cases/{case_id}/{action}",
        json=body,
        headers=system.auth(Role.OFFICIAL, PUJIANG_VILLAGE, "cadre-li"),
    )
    assert answer.status_code == 200, answer.text


def stats(system: System, client: httpx.Client, division: str = PUJIANG) -> dict[str, Any]:
    answer = client.get(f"{system.url('projections')}/v1/stats", params={"division": division}, headers=system.auth())
    assert answer.status_code == 200, answer.text
    body = dict(answer.json())
    body.pop("freshness")
    return body


def settled(system: System, client: httpx.Client, division: str = PUJIANG) -> dict[str, Any]:
    """The figures once nothing moves (other tests' events may still be on their way): lag 0, two reads agree."""
    reads: list[dict[str, Any]] = []

    def read() -> tuple[int, dict[str, Any]]:
        fresh = client.get(f"{system.url('projections')}/v1/freshness", headers=system.auth()).json()
        reads.append(stats(system, client, division))
        return fresh["consumer_lag"], reads[-1]

    _, now = eventually(
        read,
        lambda lag_and_now: lag_and_now[0] == 0 and reads[-2:-1] == [lag_and_now[1]],
        timeout=60,
        every=0.5,
        what="the read models settled",
    )
    return now


def test_a_resolved_case_moves_the_counters_of_every_level_and_keeps_its_history(system: System) -> None:
    projections = system.url("projections")
    with httpx.Client(timeout=10) as client:
        before = {d: settled(system, client, d) for d in (PUJIANG_VILLAGE, PUJIANG, "330000000000")}
        case_id = submit(system, client)
        wait_for_case(client, projections, case_id, system.auth(), until=lambda c: c["status"] == "assigned")
        official(system, client, case_id, "accept", {})
        wait_for_case(client, projections, case_id, system.auth(), until=lambda c: c["status"] == "accepted")
        between = datetime.fromisoformat(
            client.get(f"{projections}/v1/cases/{case_id}", headers=system.auth()).json()["updated_at"]
        ) + timedelta(microseconds=1)
        official(system, client, case_id, "resolve", {"reply": "The wall will be moved."})
        case = wait_for_case(client, projections, case_id, system.auth(), until=lambda c: c["status"] == "resolved")
        assert case["resolved_level"] == "village"
        for division, old in before.items():
            new = settled(system, client, division)
            assert new["cases"]["total"] == old["cases"]["total"] + 1
            assert new["pyramid"]["levels"][0]["count"] == old["pyramid"]["levels"][0]["count"] + 1
            assert new["online_share"]["online"] == old["online_share"]["online"] + 1

        history = client.get(
            f"{projections}/v1/cases/{case_id}/history", params={"as_of": between.isoformat()}, headers=system.auth()
        ).json()
        assert history["case"]["status"] == "accepted"
        assert [e["type"] for e in history["events"]][:3] == ["PetitionSubmitted", "CaseAssigned", "ClockStarted"]
        assert "CaseResolved" not in [e["type"] for e in history["events"]]
        everything = client.get(f"{projections}/v1/cases/{case_id}/history", headers=system.auth()).json()
        assert everything["case"]["status"] == "resolved"

        resolved = client.get(
            f"{projections}/v1/cases",
            params={"division": PUJIANG, "resolved_level": "village", "limit": 200},
            headers=system.auth(),
        ).json()
        assert case_id in [c["case_id"] for c in resolved["cases"]]


def test_scope_errors_follow_the_contract(system: System) -> None:
    projections = system.url("projections")
    county = system.auth(Role.SUPERVISOR, PUJIANG)
    with httpx.Client(timeout=10) as client:
        assert client.get(f"{projections}/v1/stats").status_code == 401
        own = client.get(f"{projections}/v1/stats", headers=county).json()
        assert own["division"] == PUJIANG
        for path in ("/v1/stats", "/v1/cases", "/v1/stream"):
            outside = client.get(f"{projections}{path}", params={"division": YIWU}, headers=county)
            assert outside.status_code == 403, path
            assert outside.json()["error"]["code"] == "forbidden"
        bad = client.get(f"{projections}/v1/cases", params={"division": "33"}, headers=county)
        assert bad.status_code == 422
        assert bad.json()["error"]["details"][0]["field"] == "division"
        assert client.get(f"{projections}/v1/cases", params={"cursor": "nope"}, headers=county).status_code == 422
        assert client.get(f"{projections}/v1/cases", params={"status": "lost"}, headers=county).status_code == 422
        assert client.get(f"{projections}/v1/cases/{uuid.uuid4()}", headers=county).status_code == 404
        official_ = system.auth(Role.OFFICIAL, PUJIANG)
        assert (
            client.get(f"{projections}/v1/audit/verify", params={"case_id": "x"}, headers=official_).status_code == 403
        )


def test_the_stream_tells_a_supervisor_of_a_new_case_in_the_division(system: System) -> None:
    projections = system.url("projections")
    params = {"division": PUJIANG, "access_token": system.token(Role.SUPERVISOR, PUJIANG)}
    with (
        httpx.Client(timeout=httpx.Timeout(10, read=15)) as client,
        client.stream("GET", f"{projections}/v1/stream", params=params) as stream,
    ):
        assert stream.status_code == 200
        assert stream.headers["content-type"].startswith("text/event-stream")
        lines = stream.iter_lines()
        kind, case_id, deadline = None, None, time.monotonic() + 30
        seen: list[str] = []
        for line in lines:
            assert time.monotonic() < deadline, f"no change for the new case; saw {seen[-10:]}"
            seen.append(line)
            if line.startswith("event:"):
                kind = line.partition(":")[2].strip()
                if kind == "hello" and case_id is None:
                    with httpx.Client(timeout=10) as other:
                        case_id = submit(system, other)
            elif line.startswith("data:") and kind == "change" and case_id:
                notice = orjson.loads(line.partition(":")[2])
                if notice["case_id"] == case_id:
                    assert notice["division"] == PUJIANG_VILLAGE
                    break


async def test_verify_names_an_event_altered_in_the_event_log(system: System) -> None:
    projections = system.url("projections")
    with httpx.Client(timeout=10) as sync_client:
        case_id = submit(system, sync_client)
        wait_for_case(sync_client, projections, case_id, system.auth(), until=lambda c: c["clocks"])
    async with httpx.AsyncClient(timeout=10) as client:
        verified = (
            await client.get(
                f"{projections}/v1/audit/verify", params={"case_id": case_id}, headers=system.auth(Role.AUDITOR)
            )
        ).json()
        assert verified["ok"] is True
        assert {s["stream_id"].split("-")[0] for s in verified["streams"]} == {"petition", "case", "clocks"}

        env = system.services["projections"].env
        conn = await asyncpg.connect(env["DATABASE_URL"])
        try:
            generation = await conn.fetchval("SELECT schema FROM projections.read_model")
            victim, original = await conn.fetchrow(
                f"SELECT event_id, data FROM {generation}.event_log WHERE case_id = $1 AND type = 'CaseAssigned'",
                case_id,
            )
            forged = orjson.dumps({**orjson.loads(original), "unit_name": "forged"}).decode()
            await overwrite(conn, f"{generation}.event_log", victim, forged)
            try:
                verified = (
                    await client.get(
                        f"{projections}/v1/audit/verify", params={"case_id": case_id}, headers=system.auth(Role.AUDITOR)
                    )
                ).json()
                cli = await asyncio.to_thread(
                    subprocess.run,
                    [sys.executable, "-m", "services.projections.audit"],
                    cwd=ROOT,
                    env={**os.environ, **env},
                    capture_output=True,
                    text=True,
                    timeout=120,
                    check=False,
                )
            finally:  # put the copy back: the rest of the session checks an honest log
                await overwrite(conn, f"{generation}.event_log", victim, original)
        finally:
            await conn.close()
    assert verified["ok"] is False
    assert verified["first_bad"]["event_id"] == str(victim)
    assert verified["first_bad"]["type"] == "CaseAssigned"
    assert cli.returncode == 1, cli.stdout + cli.stderr
    assert f"BAD {victim}" in cli.stdout


async def overwrite(conn: asyncpg.Connection, table: str, event_id: uuid.UUID, data: str) -> None:
    """An intruder with the owner's rights: the append-only trigger off, the row edited, the trigger on."""
    async with conn.transaction():
        await conn.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
        await conn.execute(f"UPDATE {table} SET data = $2::jsonb WHERE event_id = $1", event_id, data)
        await conn.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")


def test_another_countys_case_is_in_none_of_a_county_supervisors_lists_or_streams(system: System) -> None:
    projections, yiwu_village = system.url("projections"), "330782001001"
    county = system.auth(Role.SUPERVISOR, PUJIANG)
    params = {"division": PUJIANG, "access_token": system.token(Role.SUPERVISOR, PUJIANG)}
    with (
        httpx.Client(timeout=httpx.Timeout(10, read=15)) as client,
        client.stream("GET", f"{projections}/v1/stream", params=params) as stream,
    ):
        notices: list[dict[str, Any]] = []
        kind, ours, deadline = None, None, time.monotonic() + 30
        for line in stream.iter_lines():
            assert time.monotonic() < deadline, "no notice of the Pujiang case"
            if line.startswith("event:"):
                kind = line.partition(":")[2].strip()
                if kind == "hello" and ours is None:
                    # Yiwu's case is in the read model (its notices sent) before Pujiang's is filed.
                    theirs = submit(system, client, division_code=yiwu_village)
                    wait_for_case(client, projections, theirs, system.auth())
                    ours = submit(system, client)
            elif line.startswith("data:") and kind == "change":
                notices.append(orjson.loads(line.partition(":")[2]))
                if notices[-1]["case_id"] == ours:
                    break
        assert theirs not in {n["case_id"] for n in notices}
        assert all(n["division"].startswith("330726") for n in notices)
        listed = client.get(f"{projections}/v1/cases", params={"limit": 200}, headers=county).json()["cases"]
        assert ours in {c["case_id"] for c in listed}
        assert theirs not in {c["case_id"] for c in listed}
        assert client.get(f"{projections}/v1/cases/{theirs}", headers=county).status_code == 403
