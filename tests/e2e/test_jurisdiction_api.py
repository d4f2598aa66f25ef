"""The jurisdiction tree and the catalogue as routing serves them (api.md, "Routing")."""

from __future__ import annotations

import httpx
import pytest

from tests.support.system import System

pytestmark = pytest.mark.e2e


def test_the_tree_reads_from_the_province_down_to_pujiangs_villages(system: System) -> None:
    routing = system.url("routing")
    with httpx.Client(timeout=10) as client:
        (province,) = client.get(f"{routing}/v1/divisions").json()["divisions"]
        cities = client.get(f"{routing}/v1/divisions", params={"parent": province["code"]}).json()["divisions"]
        pujiang = client.get(f"{routing}/v1/divisions/330726000000").json()
        townships = client.get(f"{routing}/v1/divisions", params={"parent": "330726000000"}).json()["divisions"]
        villages = client.get(f"{routing}/v1/divisions", params={"parent": townships[0]["code"]}).json()["divisions"]
    assert (province["code"], province["name_zh"]) == ("330000000000", "浙江省")
    assert len(cities) == 11
    assert "330700000000" in {c["code"] for c in cities}
    assert (pujiang["name_zh"], pujiang["level"], pujiang["parent"]) == ("浦江县", "county", "330700000000")
    assert pujiang["children"] == len(townships) == 15
    assert "330726000000:labour" in {d["id"] for d in pujiang["departments"]}
    assert villages
    assert all(v["level"] == "village" and v["parent"] == townships[0]["code"] for v in villages)


def test_unknown_and_malformed_codes_answer_in_the_error_shape(system: System) -> None:
    routing = system.url("routing")
    with httpx.Client(timeout=10) as client:
        missing = client.get(f"{routing}/v1/divisions/330726999999")
        malformed = client.get(f"{routing}/v1/divisions", params={"parent": "3307"})
        unknown_parent = client.get(f"{routing}/v1/divisions", params={"parent": "110000000000"})
    assert (missing.status_code, missing.json()["error"]["code"]) == (404, "not_found")
    assert (malformed.status_code, malformed.json()["error"]["details"][0]["field"]) == (422, "parent")
    assert unknown_parent.status_code == 404


def test_the_catalogue_says_where_each_category_starts_and_what_is_redirected(system: System) -> None:
    with httpx.Client(timeout=10) as client:
        categories = {c["key"]: c for c in client.get(f"{system.url('routing')}/v1/categories").json()["categories"]}
    assert categories["neighbourhood_dispute"]["starting_level"] == "village"
    assert categories["labour_wages"]["starting_level"] == "township"
    assert categories["land_expropriation"]["starting_level"] == "county"
    assert categories["litigation"]["accepted"] is False
    assert categories["litigation"]["redirect_zh"]
