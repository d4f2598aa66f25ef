"""The month's topics over the running system: similar petitions from two townships make one topic with
its places and examples, for supervisors in their jurisdiction only, and a rebuild lands on the same."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import orjson
import pytest

from shared.jurisdiction.division_data import deployment_tree
from shared.vocabulary import Level, Role
from tests.e2e.test_projections_live import a_new_petitioner
from tests.support.infra import ROOT
from tests.support.petitions import a_petition, wait_for_case
from tests.support.polling import eventually
from tests.support.system import System

pytestmark = pytest.mark.e2e
TZ = ZoneInfo("Asia/Shanghai")
DRAINS = ("小区排水沟堵塞污水外溢", "排水沟堵塞多日无人清理", "门前排水沟堵塞，雨天积水")


def two_townships() -> tuple[str, list[tuple[str, str]]]:
    """A county no other test petitions in (the one before the scorecards' quiet one), and a village of
    each of two of its townships, as (township, village)."""
    tree = deployment_tree()
    county = sorted(d.code for d in tree if d.level == Level.COUNTY)[-2]
    townships = tree.children(county)[:2]
    return county, [(t.code, tree.children(t.code)[0].code) for t in townships]


@pytest.fixture(scope="module")
def petitioned(system: System) -> dict[str, Any]:
    county, places = two_townships()
    (first, first_village), (second, second_village) = places
    sent = [(first_village, "urban_management", title) for title in (*DRAINS, DRAINS[0])]
    sent += [(second_village, "urban_management", title) for title in DRAINS]
    sent += [(first_village, "labour_wages", "工地拖欠工资"), (second_village, "environment", "夜间焚烧垃圾")]
    cases: list[dict[str, Any]] = []
    with httpx.Client(timeout=30) as client:
        for village, category, title in sent:
            body = a_petition(
                division_code=village, category=category, title=title, petitioner=a_new_petitioner(),
                content="联系人王芳，电话13912345678，" + title,
            )  # fmt: skip
            answer = client.post(f"{system.url('intake')}/v1/petitions", json=body)
            assert answer.status_code == 201, answer.text
            case_id = answer.json()["case_id"]
            cases.append(wait_for_case(client, system.url("projections"), case_id, system.auth()))
    days = [datetime.fromisoformat(c["submitted_at"].replace("Z", "+00:00")).astimezone(TZ).date() for c in cases]
    return {
        "county": county, "first": first, "second": second, "village": first_village, "cases": cases,
        "period": {"from": min(days).isoformat(), "to": max(days).isoformat()},
    }  # fmt: skip


def topics(
    system: System, client: httpx.Client, division: str, headers: dict[str, str] | None = None, **params: str
) -> httpx.Response:
    """GET /v1/topics of the division, by a supervisor of that division unless `headers` say who."""
    return client.get(
        f"{system.url('projections')}/v1/topics", params={"division": division, **params},
        headers=headers or system.auth(Role.SUPERVISOR, division),
    )  # fmt: skip


def test_similar_petitions_of_two_townships_are_one_topic_with_its_places(
    system: System, petitioned: dict[str, Any]
) -> None:
    county, first, second = petitioned["county"], petitioned["first"], petitioned["second"]
    with httpx.Client(timeout=30) as client:
        answer = topics(system, client, county, **petitioned["period"])
        assert answer.status_code == 200, answer.text
        body = answer.json()
        assert (body["division"], body["category"], body["definitions"]) == (county, None, "docs/scorecards.md")
        assert body["name"]["zh"]
        assert body["period"]["kind"] == "range"
        drains = body["topics"][0]
        assert drains["category"] == "urban_management"
        assert drains["category_name"]["zh"]
        assert {"排水沟", "堵塞"} <= set(drains["terms"])
        assert drains["label"] == " · ".join(drains["terms"])
        assert drains["count"] == 7
        assert [(p["division"], p["count"]) for p in drains["places"]] == [(first, 4), (second, 3)]
        assert all(p["name"]["zh"] for p in drains["places"])
        ours = {c["case_id"]: c for c in petitioned["cases"]}
        assert len(drains["examples"]) == 3
        for example in drains["examples"]:
            case = ours[example["case_id"]]
            assert (example["title"], example["division"]) == (case["title"], case["division"])
        assert len(body["topics"]) == 1  # the wages and the burning were raised once each: not recurring
        assert "王芳" not in answer.text
        assert "13912345678" not in answer.text

        township = topics(system, client, first, **petitioned["period"]).json()
        (below,) = township["topics"]  # the township's own cases; its places are its villages
        assert [(p["division"], p["count"]) for p in below["places"]] == [(petitioned["village"], 4)]
        assert below["count"] == 4
        only = topics(system, client, county, category="environment", **petitioned["period"]).json()
        assert only["topics"] == []
        assert only["category"] == "environment"
        assert len(topics(system, client, county, limit="1", **petitioned["period"]).json()["topics"]) == 1


def test_topics_are_for_supervisors_in_their_jurisdiction_only(system: System, petitioned: dict[str, Any]) -> None:
    county, first, second = petitioned["county"], petitioned["first"], petitioned["second"]
    with httpx.Client(timeout=30) as client:
        other_county = sorted(d.code for d in deployment_tree() if d.level == Level.COUNTY)[0]
        assert topics(system, client, county, headers=system.auth(Role.SUPERVISOR, other_county)).status_code == 403
        assert topics(system, client, county, headers=system.auth(Role.SUPERVISOR, second)).status_code == 403
        assert topics(system, client, first, headers=system.auth(Role.SUPERVISOR, second)).status_code == 403
        assert topics(system, client, county, headers=system.auth(Role.OFFICIAL, county)).status_code == 403
        assert topics(system, client, county, headers=system.auth(Role.ADMIN, county)).status_code == 200
        bad = topics(system, client, county, period="fortnight", category="nothing", limit="99")
        assert bad.status_code == 422
        assert {d["field"] for d in bad.json()["error"]["details"]} == {"period", "category", "limit"}


def test_a_rebuild_lands_on_the_same_topics(system: System, petitioned: dict[str, Any]) -> None:
    county = petitioned["county"]
    with httpx.Client(timeout=30) as client:
        before = topics(system, client, county, **petitioned["period"]).json()
        run = subprocess.run(
            [sys.executable, "-m", "services.projections.rebuild", "--quiet"],
            cwd=ROOT, env={**os.environ, **system.services["projections"].env},
            capture_output=True, text=True, timeout=300, check=False,
        )  # fmt: skip
        assert run.returncode == 0, run.stderr[-3000:]
        schema = orjson.loads(run.stdout)["schema"]

        def serving() -> str:
            return str(
                client.get(f"{system.url('projections')}/v1/freshness", headers=system.auth()).json()["read_model"]
            )

        assert eventually(serving, lambda s: s == schema, timeout=30, what="the rebuilt read model to serve") == schema
        after = topics(system, client, county, **petitioned["period"]).json()
    assert after == before
    assert after["topics"][0]["count"] == 7
