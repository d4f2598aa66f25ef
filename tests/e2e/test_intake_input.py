"""Bad input gets the error shape of api.md and writes nothing; retries with a key are safe."""

from __future__ import annotations

import asyncio
import uuid

import httpx
import pytest

from shared.vocabulary import Role
from tests.support.petitions import a_petition, petitions_submitted
from tests.support.system import System

pytestmark = pytest.mark.e2e


@pytest.fixture
def intake(system: System) -> str:
    return f"{system.url('intake')}/v1/petitions"


def test_invalid_fields_are_a_422_naming_each_field_and_nothing_is_written(intake: str, test_database_url: str) -> None:
    before = petitions_submitted(test_database_url)
    body = a_petition(channel="pigeon", division_code="12345", title="")
    del body["content"]
    body["petitioner"]["phone"] = "call me"
    response = httpx.post(intake, json=body)
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "invalid"
    named = {detail["field"] for detail in error["details"]}
    assert named == {"channel", "division_code", "title", "content", "petitioner.phone"}
    assert petitions_submitted(test_database_url) == before


def test_malformed_json_is_a_400(intake: str) -> None:
    response = httpx.post(intake, content=b'{"channel": "online",', headers={"content-type": "application/json"})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "malformed"


def test_an_oversize_body_is_a_413(intake: str) -> None:
    response = httpx.post(intake, json=a_petition(content="x" * 2_000_000))
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "too_large"


def test_the_same_idempotency_key_and_body_return_the_first_answer_and_create_nothing(
    intake: str, test_database_url: str
) -> None:
    key = str(uuid.uuid4())
    body = a_petition()
    first = httpx.post(intake, json=body, headers={"Idempotency-Key": key})
    before = petitions_submitted(test_database_url)
    again = httpx.post(intake, json=body, headers={"Idempotency-Key": key})
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert petitions_submitted(test_database_url) == before


def test_racing_retries_with_one_key_create_one_petition(intake: str, test_database_url: str) -> None:
    key, body = str(uuid.uuid4()), a_petition()
    before = petitions_submitted(test_database_url)

    async def race() -> list[httpx.Response]:
        async with httpx.AsyncClient(timeout=10) as client:
            return await asyncio.gather(
                *(client.post(intake, json=body, headers={"Idempotency-Key": key}) for _ in range(8))
            )

    answers = asyncio.run(race())
    assert {a.status_code for a in answers} == {201}
    assert len({a.json()["case_id"] for a in answers}) == 1
    assert petitions_submitted(test_database_url) == before + 1


def test_the_same_key_with_another_body_is_a_409(intake: str) -> None:
    key = str(uuid.uuid4())
    assert httpx.post(intake, json=a_petition(), headers={"Idempotency-Key": key}).status_code == 201
    response = httpx.post(intake, json=a_petition(title="another matter"), headers={"Idempotency-Key": key})
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "idempotency_key_reused"


def test_a_proxy_petition_needs_the_cadre_to_identify_themselves(intake: str, system: System) -> None:
    assert httpx.post(intake, json=a_petition(channel="proxy")).status_code == 401
    headers = system.auth(role=Role.OFFICIAL, division="330726001000", sub="cadre-li")
    assert httpx.post(intake, json=a_petition(channel="proxy"), headers=headers).status_code == 201
