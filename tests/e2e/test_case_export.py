"""`GET /v1/cases.csv` over the running system: every case the list pages through, in the caller's scope
only, nothing of the petitioner, a BOM and a Chinese (or English) header, formula cells escaped, and
the list's own refusals."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import datetime
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

import httpx
import pytest

from services.projections.domain.case_export import COLUMNS
from shared.i18n import strings
from shared.jurisdiction.division_data import deployment_tree
from shared.vocabulary import Level, Role
from tests.support.petitions import a_petition, wait_for_case
from tests.support.system import System

pytestmark = pytest.mark.e2e
TZ = ZoneInfo("Asia/Shanghai")
FORMULA = '=HYPERLINK("http://example.invalid","点我")'


def two_quiet_counties() -> list[tuple[str, str]]:
    """(county, village) of two counties no other test petitions in (the scorecards test takes the last)."""
    tree = deployment_tree()
    found = []
    for county in sorted(d.code for d in tree if d.level == Level.COUNTY)[-3:-1]:
        township = tree.children(county)[0].code
        found.append((county, tree.children(township)[0].code))
    return found


@pytest.fixture(scope="module")
def seeded(system: System) -> dict[str, Any]:
    (county, village), (other_county, other_village) = two_quiet_counties()
    people: list[dict[str, Any]] = []
    cases: dict[str, list[dict[str, Any]]] = {county: [], other_county: []}
    sent = [
        (village, "neighbourhood_dispute", "邻居的墙挡住了排水"),
        (village, "labour_wages", FORMULA),
        (village, "neighbourhood_dispute", "+86 路灯不亮，晚上看不见"),
        (other_village, "neighbourhood_dispute", "隔壁县的事项"),
    ]
    with httpx.Client(timeout=30) as client:
        for place, category, title in sent:
            person = {
                "name": f"导出测{uuid.uuid4().hex[:4]}", "phone": f"139{uuid.uuid4().int % 10**8:08d}",
                "id_number": "33072619900101123X", "anonymous": False,
            }  # fmt: skip
            people.append(person)
            body = a_petition(division_code=place, category=category, title=title, petitioner=person)
            answer = client.post(f"{system.url('intake')}/v1/petitions", json=body)
            assert answer.status_code == 201, answer.text
            case = wait_for_case(client, system.url("projections"), answer.json()["case_id"], system.auth(),
                                 until=lambda c: c["status"] == "assigned")  # fmt: skip
            cases[county if place == village else other_county].append(case)
    return {"county": county, "other": other_county, "cases": cases, "people": people}


def system_today(system: System) -> str:
    """Today in the deployment's time zone by the system's clock (other tests may have moved it on)."""
    now = httpx.get(f"{system.url('sla')}/admin/clock", timeout=10).json()["now"]
    return datetime.fromisoformat(now).astimezone(TZ).date().isoformat()


def export(system: System, headers: dict[str, str], **params: str) -> httpx.Response:
    return httpx.get(f"{system.url('projections')}/v1/cases.csv", params=params, headers=headers, timeout=60)


def listed(system: System, headers: dict[str, str], **params: str) -> list[str]:
    """Every case id the list pages through with these filters."""
    ids: list[str] = []
    cursor = ""
    while True:
        page = httpx.get(
            f"{system.url('projections')}/v1/cases", headers=headers, timeout=30,
            params={**params, "limit": "7", **({"cursor": cursor} if cursor else {})},
        ).json()  # fmt: skip
        ids += [c["case_id"] for c in page["cases"]]
        if not page["next_cursor"]:
            return ids
        cursor = page["next_cursor"]


def rows_of(answer: httpx.Response) -> list[dict[str, str]]:
    text = answer.content.decode("utf-8-sig")
    table = list(csv.reader(io.StringIO(text)))
    return [dict(zip(COLUMNS, line, strict=True)) for line in table[1:]]


def test_an_official_exports_every_case_of_the_list_and_nothing_of_another_division(
    system: System, seeded: dict[str, Any]
) -> None:
    official = system.auth(Role.OFFICIAL, seeded["county"], "cadre-export")
    answer = export(system, official)
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == "text/csv; charset=utf-8"
    assert answer.content.startswith(b"\xef\xbb\xbf")
    name = quote(f"案件-{seeded['county']}-{system_today(system)}.csv", safe="")
    assert answer.headers["content-disposition"].startswith("attachment; ")
    assert f"filename*=UTF-8''{name}" in answer.headers["content-disposition"]
    header = next(csv.reader(io.StringIO(answer.content.decode("utf-8-sig"))))
    assert header == [strings()["zh"]["export"][c] for c in COLUMNS]

    ours = {c["case_id"] for c in seeded["cases"][seeded["county"]]}
    rows = rows_of(answer)
    assert [r["case_id"] for r in rows] == listed(system, official)  # the same cases, in the list's order
    assert {r["case_id"] for r in rows} == ours
    elsewhere = seeded["cases"][seeded["other"]][0]
    for secret in (elsewhere["case_id"], elsewhere["tracking_code"], "隔壁县"):
        assert secret.encode() not in answer.content
    for person in seeded["people"]:
        for secret in (person["name"], person["phone"], person["id_number"]):
            assert secret.encode() not in answer.content
    by_title = {r["title"]: r for r in rows}
    assert "'" + FORMULA in by_title
    assert "'+86 路灯不亮，晚上看不见" in by_title
    row = by_title["邻居的墙挡住了排水"]
    assert (row["status"], row["status_code"], row["overdue"]) == (
        strings()["zh"]["status"]["assigned"],
        "assigned",
        "否",
    )
    assert row["division_code"].startswith(seeded["county"][:6])
    assert row["division"] != ""


def test_filters_narrow_the_export_as_they_narrow_the_list(system: System, seeded: dict[str, Any]) -> None:
    official = system.auth(Role.OFFICIAL, seeded["county"], "cadre-export")
    wanted = {"category": "labour_wages", "status": "open"}
    rows = rows_of(export(system, official, **wanted))
    assert [r["case_id"] for r in rows] == listed(system, official, **wanted)
    assert [r["category_code"] for r in rows] == ["labour_wages"]
    assert rows_of(export(system, official, overdue="true")) == []


def test_english_on_request(system: System, seeded: dict[str, Any]) -> None:
    answer = export(system, system.auth(Role.SUPERVISOR, seeded["county"]), lang="en")
    assert answer.status_code == 200
    assert answer.content.startswith(b"\xef\xbb\xbf")
    text = answer.content.decode("utf-8-sig")
    assert text.startswith("Tracking code,Case ID,Title,Status,Status code,")
    name = f"cases-{seeded['county']}-{system_today(system)}.csv"
    assert f"filename*=UTF-8''{name}" in answer.headers["content-disposition"]
    statuses = {r["status"] for r in rows_of(answer)}
    assert statuses == {strings()["en"]["status"]["assigned"]}


def test_bad_filters_and_other_divisions_are_refused_as_the_list_refuses_them(
    system: System, seeded: dict[str, Any]
) -> None:
    official = system.auth(Role.OFFICIAL, seeded["county"], "cadre-export")
    projections = system.url("projections")
    for params in ({"level": "galaxy"}, {"status": "lost"}, {"division": "33"}, {"overdue": "maybe"}):
        csv_answer = export(system, official, **params)
        list_answer = httpx.get(f"{projections}/v1/cases", params=params, headers=official, timeout=30)
        assert csv_answer.status_code == list_answer.status_code == 422, csv_answer.text
        assert csv_answer.json() == list_answer.json()
        assert csv_answer.json()["error"]["details"][0]["field"] == next(iter(params))
    outside = export(system, official, division=seeded["other"])
    assert outside.status_code == 403
    listed_outside = httpx.get(f"{projections}/v1/cases", params={"division": seeded["other"]}, headers=official)
    assert outside.json() == listed_outside.json()
    assert export(system, official, lang="fr").status_code == 422
    assert export(system, {}).status_code == 401
