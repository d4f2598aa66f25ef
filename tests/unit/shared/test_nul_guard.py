"""The one NUL guard: a NUL in the path, the query or a text body is a 422 naming the field, never a 500."""

from __future__ import annotations

import pytest
from fastapi import Depends, FastAPI
from fastapi.testclient import TestClient
from pydantic import BaseModel

from shared.http.errors import install_error_handlers
from shared.http.text import refuse_nul

pytestmark = pytest.mark.unit

JSON = {"content-type": "application/json"}


class Note(BaseModel):
    text: str
    tags: list[str] = []


def an_app() -> FastAPI:
    app = FastAPI(dependencies=[Depends(refuse_nul)])
    install_error_handlers(app)

    @app.get("/things/{thing_id}")
    async def thing(thing_id: str, cursor: str = "") -> dict[str, str]:
        return {"thing_id": thing_id, "cursor": cursor}

    @app.post("/notes")
    async def note(body: Note) -> dict[str, str]:
        return {"text": body.text}

    return app


def refused(answer: object) -> list[str]:
    assert getattr(answer, "status_code", None) == 422
    body = answer.json()  # type: ignore[attr-defined]
    assert body["error"]["code"] == "invalid"
    return [d["field"] for d in body["error"]["details"]]


def test_a_nul_in_a_query_parameter_is_refused_naming_it() -> None:
    client = TestClient(an_app())
    assert refused(client.get("/things/a", params={"cursor": "x\x00y"})) == ["cursor"]
    assert refused(client.get("/things/a?cursor=%00")) == ["cursor"]


def test_a_nul_in_a_path_parameter_is_refused_naming_it() -> None:
    assert refused(TestClient(an_app()).get("/things/a%00b")) == ["thing_id"]


def test_a_nul_in_a_json_body_is_refused_naming_the_field() -> None:
    client = TestClient(an_app())
    assert refused(client.post("/notes", json={"text": "wall\x00", "tags": ["ok", "\x00"]})) == ["tags.1", "text"]


def test_a_nul_in_a_form_body_is_refused_naming_the_field() -> None:
    client = TestClient(an_app())
    answer = client.post("/notes", content=b"text=a%00b", headers={"content-type": "application/x-www-form-urlencoded"})
    assert refused(answer) == ["text"]


def test_clean_input_and_an_escaped_backslash_pass() -> None:
    client = TestClient(an_app())
    assert client.get("/things/a", params={"cursor": "abc"}).json() == {"thing_id": "a", "cursor": "abc"}
    # A JSON backslash followed by the letters u0000 is text, not a NUL.
    assert client.post("/notes", content=b'{"text": "\\\\u0000"}', headers=JSON).json() == {"text": "\\u0000"}
