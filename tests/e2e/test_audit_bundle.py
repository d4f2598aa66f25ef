"""An auditor exports a case bundle (endpoint and CLI) and checks it offline; checkpoints go to Kafka."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
from aiokafka import AIOKafkaConsumer

from shared.audit.checkpoint import Checkpoint, public_keys_from_json
from shared.vocabulary import Role
from tests.e2e.test_case_notes import routed
from tests.e2e.test_routing_lifecycle import YIWU, act
from tests.support.infra import ROOT, Infra
from tests.support.polling import eventually
from tests.support.system import System

pytestmark = pytest.mark.e2e

LOGS = ["/pujiang/intake", "/pujiang/routing", "/pujiang/sla"]
PUJIANG_COUNTY = "330726000000"


def accepted_case(system: System, client: httpx.Client) -> str:
    case_id: str = routed(system, client)["case_id"]
    assert act(system, client, case_id, "accept").status_code == 200
    url = f"{system.url('projections')}/v1/cases/{case_id}"
    eventually(
        lambda: client.get(url, headers=system.auth()).json(),
        lambda doc: doc.get("status") == "accepted",
        timeout=30,
        what="projections showing the case accepted",
    )
    return case_id


def bundle_of(system: System, client: httpx.Client, case_id: str, **who: Any) -> httpx.Response:
    url = f"{system.url('projections')}/v1/audit/cases/{case_id}/bundle"
    return client.get(url, headers=system.auth(**who), timeout=60)


def verify(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "shared.audit.verify", str(path)], capture_output=True, text=True, check=False, cwd=ROOT
    )


def test_an_auditor_exports_a_bundle_that_verifies_offline(system: System, tmp_path: Path) -> None:
    with httpx.Client(timeout=10) as client:
        case_id = accepted_case(system, client)
        response = bundle_of(system, client, case_id, role=Role.AUDITOR)
        assert response.status_code == 200, response.text
        assert "attachment" in response.headers["content-disposition"]
        bundle = response.json()
        assert bundle["format"] == "pujiang-case-bundle/1"
        assert [log["log"] for log in bundle["logs"]] == LOGS
        types = {e["event"]["type"] for log in bundle["logs"] for e in log["events"]}
        assert {"PetitionSubmitted", "CaseAssigned", "CaseAccepted"} <= types
        assert all(log["events"] for log in bundle["logs"])
        assert {e["event"]["subject"] for log in bundle["logs"] for e in log["events"]} == {case_id}

        path = tmp_path / "bundle.json"
        path.write_text(response.text)
        checked = verify(path)
        assert checked.returncode == 0, checked.stdout + checked.stderr
        assert checked.stdout.startswith(f"OK case {case_id}")

        # One event changed in the file: named, exit 1.
        victim = bundle["logs"][1]["events"][0]["event"]
        victim["actor"] = "official:someone-else"
        path.write_text(json.dumps(bundle))
        tampered = verify(path)
        assert tampered.returncode == 1
        assert victim["id"] in tampered.stdout

        assert bundle_of(system, client, case_id, role=Role.OFFICIAL).status_code == 403
        assert bundle_of(system, client, case_id, role=Role.AUDITOR, division="330100000000").status_code == 403
        assert bundle_of(system, client, "no-such-case", role=Role.AUDITOR).status_code == 404
        proofs = client.get(f"{system.url('routing')}/v1/audit/proofs", params={"case_id": case_id})
        assert proofs.status_code == 401
        # Each service's proofs only within the caller's jurisdiction (the divisions its events name).
        for service in ("intake", "routing", "sla"):
            url = f"{system.url(service)}/v1/audit/proofs"
            county = client.get(url, params={"case_id": case_id}, headers=system.auth(Role.AUDITOR, PUJIANG_COUNTY))
            assert county.status_code == 200, (service, county.text)
            assert county.json()["events"]
            elsewhere = client.get(url, params={"case_id": case_id}, headers=system.auth(Role.AUDITOR, YIWU))
            assert elsewhere.status_code == 403, (service, elsewhere.text)


def test_the_cli_exports_the_same_bundle(system: System, tmp_path: Path) -> None:
    with httpx.Client(timeout=10) as client:
        case_id = accepted_case(system, client)
    output = tmp_path / "cli.json"
    env = {**os.environ, **{f"PUJIANG_{s.upper()}_URL": system.url(s) for s in ("intake", "routing", "sla")}}
    command = ["-m", "shared.audit.export", case_id, "-o", str(output), "--token", system.token(Role.AUDITOR)]
    exported = subprocess.run(
        [sys.executable, *command], capture_output=True, text=True, check=False, cwd=ROOT, env=env
    )
    assert exported.returncode == 0, exported.stdout + exported.stderr
    checked = verify(output)
    assert checked.returncode == 0, checked.stdout + checked.stderr


async def _checkpoints(bootstrap: str, topic: str) -> list[dict[str, Any]]:
    consumer = AIOKafkaConsumer(topic, bootstrap_servers=bootstrap, auto_offset_reset="earliest", group_id=None)
    await consumer.start()
    try:
        batches = await consumer.getmany(timeout_ms=3000)
        return [json.loads(r.value) for records in batches.values() for r in records if r.value is not None]
    finally:
        await consumer.stop()


def test_signed_checkpoints_are_published_to_their_topic(system: System, infra: Infra) -> None:
    with httpx.Client(timeout=10) as client:
        case_id = accepted_case(system, client)
        assert bundle_of(system, client, case_id, role=Role.AUDITOR).status_code == 200  # a checkpoint now
    records = eventually(
        lambda: asyncio.run(_checkpoints(infra.kafka, f"{system.topic_prefix}.checkpoints")),
        lambda found: {r["checkpoint"]["log"] for r in found} >= set(LOGS),
        timeout=30,
        what="a checkpoint of every log on the topic",
    )
    for record in records:
        Checkpoint.from_json(record["checkpoint"]).verify(public_keys_from_json([record["key"]]))


def test_each_writer_connects_as_its_own_role(system: System, test_database_url: str) -> None:
    database = test_database_url.rpartition("/")[2]

    async def users() -> set[str]:
        conn = await asyncpg.connect(test_database_url)
        try:
            rows = await conn.fetch("SELECT DISTINCT usename FROM pg_stat_activity WHERE datname = $1", database)
            return {r["usename"] for r in rows}
        finally:
            await conn.close()

    owner = asyncio.run(_owner(test_database_url))
    found = asyncio.run(users())
    assert {f"{owner}_intake", f"{owner}_routing", f"{owner}_sla", f"{owner}_projections"} <= found
    # Projections' read models are a schema its own role made (and owns): the rebuild path's too.
    assert asyncio.run(_serving_owner(test_database_url)) == f"{owner}_projections"


async def _serving_owner(url: str) -> str:
    conn = await asyncpg.connect(url)
    try:
        name: str = await conn.fetchval(
            "SELECT nspowner::regrole::text FROM pg_namespace"
            " WHERE nspname = (SELECT schema FROM projections.read_model)"
        )
        return name
    finally:
        await conn.close()


async def _owner(url: str) -> str:
    conn = await asyncpg.connect(url)
    try:
        name: str = await conn.fetchval("SELECT current_user")
        return name
    finally:
        await conn.close()
