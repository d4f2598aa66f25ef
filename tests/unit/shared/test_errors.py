"""A backing service away is a 503 the client may retry; our own fault stays a 500; both in api.md's shape."""

from __future__ import annotations

import asyncpg
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from shared.http.errors import install_error_handlers

pytestmark = pytest.mark.unit


def answering(error: Exception) -> TestClient:
    app = FastAPI()
    install_error_handlers(app)

    @app.get("/boom")
    async def boom() -> None:
        raise error

    return TestClient(app, raise_server_exceptions=False)


@pytest.mark.parametrize(
    "error", [ConnectionRefusedError(111, "refused"), asyncpg.CannotConnectNowError("starting up"), TimeoutError()]
)
def test_postgresql_or_kafka_away_is_a_503_to_retry(error: Exception) -> None:
    answer = answering(error).get("/boom")
    assert answer.status_code == 503
    assert answer.headers["retry-after"] == "1"
    assert answer.json()["error"]["code"] == "unavailable"


def test_a_fault_of_ours_is_a_500_that_says_nothing_changed() -> None:
    answer = answering(KeyError("x")).get("/boom")
    assert answer.status_code == 500
    assert answer.json()["error"]["code"] == "internal"
