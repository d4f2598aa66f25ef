"""Group commit against a real PostgreSQL: concurrent requests share a transaction, a bad one fails alone."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import asyncpg
import pytest

from services.intake.adapters.group_commit import GroupCommit

pytestmark = pytest.mark.integration


class Refused(Exception):
    """What the test writer answers for request 0, before anything of it is written."""


class Writer:
    """Inserts each request's number; notes which transaction each group ran in."""

    def __init__(self, schema: str) -> None:
        self.schema = schema
        self.groups: list[tuple[int, list[int]]] = []  # (transaction id, requests)
        self.commits = 0

    async def write(self, conn: asyncpg.Connection, requests: Sequence[int]) -> list[int | Exception]:
        tx = int(await conn.fetchval("SELECT txid_current()"))
        self.groups.append((tx, list(requests)))
        results: list[int | Exception] = []
        for n in requests:
            if n == 0:  # refused before anything of it is written: the others go on
                results.append(Refused())
                continue
            await conn.execute(f"INSERT INTO {self.schema}.numbers (n) VALUES ($1)", n)
            results.append(n * 10)
        return results

    def committed(self) -> None:
        self.commits += 1


@pytest.fixture
async def writer(pg_pool: asyncpg.Pool, schema: str) -> Writer:
    await pg_pool.execute(f"CREATE SCHEMA {schema}")
    # A negative number breaks the CHECK only when written: its whole group's transaction fails.
    await pg_pool.execute(f"CREATE TABLE {schema}.numbers (n integer PRIMARY KEY CHECK (n > 0))")
    return Writer(schema)


async def stored(pool: asyncpg.Pool, schema: str) -> list[int]:
    return [row["n"] for row in await pool.fetch(f"SELECT n FROM {schema}.numbers ORDER BY n")]


async def test_concurrent_requests_share_transactions_and_are_answered_after_the_commit(
    pg_pool: asyncpg.Pool, writer: Writer
) -> None:
    groups = GroupCommit(pg_pool, writer.write, committed=writer.committed)
    answers = await asyncio.gather(*(groups.run(n) for n in range(1, 41)))
    assert answers == [n * 10 for n in range(1, 41)]
    assert await stored(pg_pool, writer.schema) == list(range(1, 41))
    assert len(writer.groups) < 40  # some shared a transaction
    assert max(len(requests) for _, requests in writer.groups) > 1
    assert writer.commits == len(writer.groups)


async def test_a_request_that_breaks_its_groups_transaction_fails_alone(pg_pool: asyncpg.Pool, writer: Writer) -> None:
    groups = GroupCommit(pg_pool, writer.write, in_flight=1)
    requests = [1, 2, -3, 4, 5, 0, 6]
    answers = await asyncio.gather(*(groups.run(n) for n in requests), return_exceptions=True)
    assert answers[:2] == [10, 20]
    assert isinstance(answers[2], asyncpg.CheckViolationError)
    assert answers[3:5] == [40, 50]
    assert isinstance(answers[5], Refused)
    assert answers[6] == 60
    assert await stored(pg_pool, writer.schema) == [1, 2, 4, 5, 6]
    assert any(-3 in requests and len(requests) > 1 for _, requests in writer.groups)  # it was in a group first


async def test_requests_kept_apart_never_share_a_transaction(pg_pool: asyncpg.Pool, writer: Writer) -> None:
    groups = GroupCommit(pg_pool, writer.write, apart=lambda n: n % 2)  # odd and even, one of each per group
    await asyncio.gather(*(groups.run(n) for n in range(1, 21)))
    for _, requests in writer.groups:
        assert len({n % 2 for n in requests}) == len(requests)
    assert await stored(pg_pool, writer.schema) == list(range(1, 21))


async def test_a_request_arriving_alone_is_not_kept_waiting_for_company(pg_pool: asyncpg.Pool, writer: Writer) -> None:
    groups = GroupCommit(pg_pool, writer.write)
    assert await asyncio.wait_for(groups.run(7), timeout=10) == 70
    assert await asyncio.wait_for(groups.run(8), timeout=10) == 80
    assert [requests for _, requests in writer.groups] == [[7], [8]]
