"""Every service serves the AsyncAPI document of the system's events, the one committed in docs/."""

from __future__ import annotations

import httpx
import pytest

from shared.contracts.asyncapi import COMMITTED
from tests.support.system import SERVICES, System

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("service", SERVICES)
def test_each_service_serves_the_committed_asyncapi_document(system: System, service: str) -> None:
    answer = httpx.get(f"{system.url(service)}/asyncapi.json")
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/json"
    assert answer.content == COMMITTED.read_bytes()
