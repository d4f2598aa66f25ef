"""The web front end with the four services replaced by an httpx.MockTransport: no I/O."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from fastapi.testclient import TestClient

from shared.http.tokens import TokenVerifier, issue_token
from shared.i18n import strings
from shared.settings import DEV_JWT_SECRET
from shared.vocabulary import Role
from web.app import build
from web.entrypoints.proxy import forwardable
from web.qr import follow_url, qr_svg
from web.settings import WebSettings

pytestmark = pytest.mark.unit
PRODUCTION_SECRET = "a-province-secret-of-more-than-32-bytes"
seen: list[httpx.Request] = []
CSV = "\ufeff查询码,案件编号\r\n".encode() + b"MH1,c1\r\n" * 20_000


def _upstreams(request: httpx.Request) -> httpx.Response:
    seen.append(request)
    if request.url.host == "down.invalid":
        raise httpx.ConnectError("refused", request=request)
    if request.url.path.endswith("/cases.csv"):
        disposition = "attachment; filename*=UTF-8''%E6%A1%88%E4%BB%B6.csv"
        headers = {"content-type": "text/csv; charset=utf-8", "content-disposition": disposition, "x-internal": "1"}
        return httpx.Response(200, content=CSV, headers=headers)
    if request.url.path.endswith("/conflict"):
        body = {"error": {"code": "conflict", "message": "cannot accept", "details": [{"current_status": "accepted"}]}}
        return httpx.Response(409, json=body)
    return httpx.Response(200, json={"echo": str(request.url), "auth": request.headers.get("authorization")})


def _client(**settings: str) -> Iterator[TestClient]:
    values = {"pujiang_routing_url": "http://routing.test", "pujiang_sla_url": "http://down.invalid", **settings}
    app = build(WebSettings(**values), transport=httpx.MockTransport(_upstreams))  # type: ignore[arg-type]
    with TestClient(app) as client:
        seen.clear()
        yield client


@pytest.fixture
def client() -> Iterator[TestClient]:
    yield from _client()


@pytest.fixture
def production() -> Iterator[TestClient]:
    yield from _client(pujiang_env="production", pujiang_jwt_secret=PRODUCTION_SECRET,
                       pujiang_web_token_header="x-forwarded-access-token")  # fmt: skip


def test_the_proxy_forwards_path_query_body_and_token_and_answers_as_the_service(client: TestClient) -> None:
    answer = client.get("/api/routing/v1/worklist", params={"limit": "5"}, headers={"authorization": "Bearer abc"})
    assert answer.status_code == 200
    assert answer.json() == {"echo": "http://routing.test/v1/worklist?limit=5", "auth": "Bearer abc"}
    conflict = client.post("/api/routing/v1/cases/c1/conflict", json={})
    assert conflict.status_code == 409
    assert conflict.json()["error"]["details"] == [{"current_status": "accepted"}]


def test_a_file_comes_through_whole_with_its_name(client: TestClient) -> None:
    answer = client.get("/api/projections/v1/cases.csv", params={"lang": "zh"}, headers={"authorization": "Bearer a"})
    assert answer.status_code == 200
    assert answer.content == CSV
    assert answer.headers["content-type"] == "text/csv; charset=utf-8"
    assert answer.headers["content-disposition"] == "attachment; filename*=UTF-8''%E6%A1%88%E4%BB%B6.csv"
    assert "x-internal" not in answer.headers


def test_only_the_public_api_is_forwarded(client: TestClient) -> None:
    assert forwardable("sla", "admin/clock", "GET")
    assert not forwardable("sla", "admin/clock", "POST")
    assert not forwardable("routing", "metrics", "GET")
    assert not forwardable("routing", "v1/../metrics", "GET")
    assert not forwardable("billing", "v1/x", "GET")
    refused = client.post("/api/sla/admin/clock", json={"advance": "P1D"})
    assert refused.status_code == 404
    assert refused.json()["error"]["code"] == "not_found"
    assert seen == []


def test_a_service_that_is_away_is_a_503_in_the_contracts_shape(client: TestClient) -> None:
    answer = client.get("/api/sla/v1/cases/x/clocks")
    assert answer.status_code == 503
    assert answer.json()["error"]["code"] == "unavailable"


def test_the_dev_sign_in_issues_a_token_for_the_chosen_role_and_division(client: TestClient) -> None:
    answer = client.post("/auth/dev-token", json={"sub": "李明", "role": "official", "division": "330726105000"})
    assert answer.status_code == 200
    principal = TokenVerifier(DEV_JWT_SECRET).verify(answer.json()["token"])
    assert (principal.sub, principal.role, principal.division) == ("李明", Role.OFFICIAL, "330726105000")
    unknown = client.post("/auth/dev-token", json={"sub": "x", "role": "official", "division": "339999999999"})
    assert unknown.status_code == 422
    assert [d["field"] for d in unknown.json()["error"]["details"]] == ["division"]


def test_outside_dev_there_is_no_dev_sign_in_but_the_trusted_proxys_token(production: TestClient) -> None:
    refused = production.post("/auth/dev-token", json={"sub": "x", "role": "admin", "division": "330000000000"})
    assert refused.status_code == 404
    assert production.get("/auth/config").json()["dev_sign_in"] is False
    assert production.get("/auth/session").status_code == 401
    token = issue_token(PRODUCTION_SECRET, "wang", Role.OFFICIAL, "330726000000")
    session = production.get("/auth/session", headers={"x-forwarded-access-token": token})
    assert session.status_code == 200
    assert session.json()["claims"] == {"sub": "wang", "role": "official", "division": "330726000000"}
    forwarded = production.get("/api/routing/v1/worklist", headers={"x-forwarded-access-token": token})
    assert forwarded.json()["auth"] == f"Bearer {token}"
    forged = production.get("/auth/session", headers={"x-forwarded-access-token": "not-a-jwt"})
    assert forged.status_code == 401


def test_pages_and_assets_are_served_and_nothing_else(client: TestClient) -> None:
    assert "信访工作台" in client.get("/workbench").text
    assert "民呼我为" in client.get("/portal").text
    assert client.get("/static/logic.js").headers["content-type"].startswith("text/javascript")
    assert client.get("/static/..%2Fapp.py").status_code == 404
    assert client.get("/static/portal.html").status_code == 404


def test_the_pages_strings_are_the_one_shared_catalogue(client: TestClient) -> None:
    served = client.get("/static/strings.json")
    assert served.headers["content-type"].startswith("application/json")
    assert served.json() == strings()


def test_the_qr_code_opens_the_follow_page(client: TestClient) -> None:
    assert follow_url("http://h:8000/", "MH0123456789") == "http://h:8000/portal#/follow/MH0123456789"
    assert qr_svg("x").startswith(b"<svg")
    answer = client.get("/qr/MH0123456789.svg")
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "image/svg+xml"
    assert client.get("/qr/notacode.svg").status_code == 422


def test_the_dashboard_and_its_reads_are_relayed_from_projections(client: TestClient) -> None:
    page = client.get("/dashboard")
    assert page.status_code == 200
    assert page.json()["echo"] == "http://127.0.0.1:8004/dashboard"
    stats = client.get("/v1/stats", params={"division": "330726000000"}, headers={"authorization": "Bearer t"})
    assert stats.json() == {"echo": "http://127.0.0.1:8004/v1/stats?division=330726000000", "auth": "Bearer t"}
    assert client.post("/v1/stats").status_code == 405
