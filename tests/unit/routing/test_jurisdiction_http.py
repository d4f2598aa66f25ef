"""The tree's query parameter is checked by the shared division-code validator (a 422 at `parent`)."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from services.routing.entrypoints.jurisdiction_http import router
from shared.http.errors import install_error_handlers

pytestmark = pytest.mark.unit


@pytest.fixture(scope="module")
def client() -> TestClient:
    app = FastAPI()
    install_error_handlers(app)
    app.include_router(router)
    return TestClient(app)


@pytest.mark.parametrize("parent", ["3307", "330726000123", "330726000000\n", "３３０７２６００００００"])
def test_a_parent_that_is_not_one_divisions_code_is_refused_at_the_field(client: TestClient, parent: str) -> None:
    response = client.get("/v1/divisions", params={"parent": parent})
    assert response.status_code == 422
    assert response.json()["error"]["details"][0]["field"] == "parent"


def test_a_well_formed_parent_outside_the_tree_is_not_found(client: TestClient) -> None:
    response = client.get("/v1/divisions", params={"parent": "110000000000"})
    assert (response.status_code, response.json()["error"]["code"]) == (404, "not_found")


def test_a_parent_in_the_tree_lists_its_children(client: TestClient) -> None:
    response = client.get("/v1/divisions", params={"parent": "330726000000"})
    assert response.status_code == 200
    assert {d["parent"] for d in response.json()["divisions"]} == {"330726000000"}
