"""The rebuild command against the running system: same answers after the switch, and it goes on live."""

from __future__ import annotations

import os
import subprocess
import sys

import httpx
import orjson
import pytest

from tests.e2e.test_projections_live import settled, stats, submit
from tests.support.infra import ROOT
from tests.support.petitions import wait_for_case
from tests.support.system import System

pytestmark = pytest.mark.e2e
PROVINCE = "330000000000"


def test_a_rebuild_switches_over_to_identical_read_models_and_stays_live(system: System) -> None:
    projections = system.url("projections")
    with httpx.Client(timeout=10) as client:
        case_id = submit(system, client)
        wait_for_case(client, projections, case_id, system.auth(), until=lambda c: c["clocks"])
        before = settled(system, client, PROVINCE)
        case_before = client.get(f"{projections}/v1/cases/{case_id}", headers=system.auth()).json()
        serving_before = client.get(f"{projections}/v1/freshness", headers=system.auth()).json()["read_model"]

        run = subprocess.run(
            [sys.executable, "-m", "services.projections.rebuild"],
            cwd=ROOT,
            env={**os.environ, **system.services["projections"].env},
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert run.returncode == 0, run.stderr[-3000:]
        result = orjson.loads(run.stdout)
        assert "ev/s" in run.stderr or "ev]" in run.stderr  # the progress bar: count, rate and time left
        assert result["previous"] == serving_before
        assert result["events"] > 0
        assert client.get(f"{projections}/v1/freshness", headers=system.auth()).json()["read_model"] == result["schema"]

        assert settled(system, client, PROVINCE) == before
        assert client.get(f"{projections}/v1/cases/{case_id}", headers=system.auth()).json() == case_before

        after = submit(system, client)
        wait_for_case(client, projections, after, system.auth(), until=lambda c: c["clocks"])
        assert stats(system, client, PROVINCE)["cases"]["total"] == before["cases"]["total"] + 1
