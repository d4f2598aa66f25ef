"""Fixtures shared by the integration and end-to-end tiers: real PostgreSQL and Kafka."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Iterator

import asyncpg
import pytest

from tests.support.infra import Infra, resolve


@pytest.fixture(scope="session")
def infra() -> Infra:
    return resolve()


@pytest.fixture(scope="session")
def test_database_url(infra: Infra) -> Iterator[str]:
    """A fresh database for this test session, dropped afterwards (dev data stays untouched)."""
    import asyncio

    name = f"pujiang_test_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    admin_url = infra.database_url

    async def run(sql: str) -> None:
        conn = await asyncpg.connect(admin_url)
        try:
            await conn.execute(sql)
        finally:
            await conn.close()

    asyncio.run(run(f'CREATE DATABASE "{name}"'))
    base, _, _ = admin_url.rpartition("/")
    yield f"{base}/{name}"
    asyncio.run(run(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(scope="session")
async def pg_pool(test_database_url: str) -> AsyncIterator[asyncpg.Pool]:
    pool = await asyncpg.create_pool(test_database_url, min_size=1, max_size=40)
    yield pool
    await pool.close()


@pytest.fixture
def schema() -> str:
    """A schema of its own for each test, so tests never see each other's events."""
    return f"t_{uuid.uuid4().hex[:10]}"


@pytest.fixture
def topic_prefix() -> str:
    return f"test{uuid.uuid4().hex[:8]}"
