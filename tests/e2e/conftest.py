from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator

import pytest

from tests.support.infra import ROOT, Infra, delete_topics
from tests.support.system import System, start_system


@pytest.fixture(scope="session")
def system(infra: Infra, test_database_url: str) -> Iterator[System]:
    prefix = f"e2e{uuid.uuid4().hex[:8]}"
    running = start_system(infra.kafka, test_database_url, prefix, ROOT / "test-artifacts" / "logs" / prefix)
    yield running
    running.stop()
    # Each session's topics would otherwise pile up in the broker and slow every later start.
    asyncio.run(delete_topics(infra.kafka, prefix))
