"""The shared HTTP middleware: oversize bodies are a 413 in api.md's shape; requests are timed by route template."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import FastAPI, Request
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from shared.http.errors import install_error_handlers
from shared.http.limits import BodySizeLimit
from shared.http.metrics import install_metrics

pytestmark = pytest.mark.unit

LIMIT = 100


def an_app() -> FastAPI:
    app = FastAPI()
    app.add_middleware(BodySizeLimit, max_bytes=LIMIT)
    install_error_handlers(app)
    install_metrics(app, "test")

    @app.post("/echo/{name}", status_code=201)
    async def echo(name: str, request: Request) -> dict[str, int | str]:
        return {"name": name, "bytes": len(await request.body())}

    @app.get("/boom")
    async def boom() -> None:
        raise RuntimeError("a fault of ours")

    return app


def counts(client: TestClient) -> dict[tuple[str, str, str], float]:
    text = client.get("/metrics").text
    return {
        (s.labels["method"], s.labels["route"], s.labels["status"]): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
        if s.name == "pujiang_http_request_seconds_count"
    }


def test_a_declared_body_over_the_limit_is_refused_unread() -> None:
    with TestClient(an_app()) as client:
        answer = client.post("/echo/a", content=b"x" * (LIMIT + 1))
    assert answer.status_code == 413
    assert answer.json()["error"]["code"] == "too_large"
    assert answer.json()["error"]["details"] == []


def test_a_streamed_body_is_counted_as_it_arrives() -> None:
    def chunks() -> Iterator[bytes]:
        for _ in range(3):
            yield b"x" * (LIMIT // 2)

    with TestClient(an_app()) as client:
        refused = client.post("/echo/a", content=chunks())  # no content-length: chunked
        small = client.post("/echo/a", content=iter([b"x" * 10]))
    assert refused.status_code == 413
    assert refused.json()["error"]["code"] == "too_large"
    assert (small.status_code, small.json()) == (201, {"name": "a", "bytes": 10})


def test_a_body_within_the_limit_reaches_the_route() -> None:
    with TestClient(an_app()) as client:
        answer = client.post("/echo/a", content=b"x" * LIMIT)
    assert (answer.status_code, answer.json()) == (201, {"name": "a", "bytes": LIMIT})


def test_requests_are_timed_by_route_template_and_status() -> None:
    with TestClient(an_app(), raise_server_exceptions=False) as client:
        client.post("/echo/first", content=b"{}")
        client.post("/echo/second", content=b"{}")
        client.post("/echo/third", content=b"x" * (LIMIT + 1))
        client.get("/nowhere")
        assert client.get("/boom").status_code == 500
        seen = counts(client)
    assert seen[("POST", "/echo/{name}", "201")] == 2
    assert seen[("POST", "unmatched", "413")] == 1  # refused before routing
    assert seen[("GET", "unmatched", "404")] == 1
    assert seen[("GET", "/boom", "500")] == 1
    assert not any(route.startswith("/echo/") and route != "/echo/{name}" for _, route, _ in seen)
