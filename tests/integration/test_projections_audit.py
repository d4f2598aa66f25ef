"""Tamper evidence: one stored event altered directly in PostgreSQL is named by the whole-store check."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import asyncpg
import pytest

from services.projections.adapters.schema import ensure_read_model
from services.projections.audit import check_all, report
from services.projections.handlers import Projections
from services.projections.synthetic import histories
from shared.clock import SystemClock
from shared.events import CaseAccepted, Metadata
from shared.eventstore.schema import migrate
from shared.eventstore.store import PostgresEventStore
from shared.vocabulary import Level
from tests.integration.test_projections_read_model import feed

pytestmark = pytest.mark.integration


async def tamper(pool: asyncpg.Pool, table: str, where: str, event_id: uuid.UUID) -> None:
    """What an intruder with the table owner's rights does: switch the append-only trigger off, edit, on."""
    async with pool.acquire() as conn, conn.transaction():
        await conn.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
        await conn.execute(
            f"""UPDATE {table} SET data = jsonb_set(data, '{{level}}', '"county"') WHERE {where} = $1""", event_id
        )
        await conn.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")


async def test_an_altered_event_log_row_is_named_and_the_rest_still_holds(pg_pool: asyncpg.Pool, schema: str) -> None:
    await ensure_read_model(pg_pool, schema)
    events = [e for _, e in histories(200, datetime.now(UTC))]
    await feed(pg_pool, Projections(schema, ZoneInfo("Asia/Shanghai")), events)
    async with pg_pool.acquire() as conn:
        assert all(c.ok for c in await check_all(conn, base=schema))
        generation = await conn.fetchval(f"SELECT schema FROM {schema}.read_model")
        with pytest.raises(asyncpg.InsufficientPrivilegeError):
            await conn.execute(f"UPDATE {generation}.event_log SET actor = 'x'")
    victim = next(e for e in events if e.type == "CaseAssigned")
    await tamper(pg_pool, f"{generation}.event_log", "event_id", victim.id)

    async with pg_pool.acquire() as conn:
        checks = await check_all(conn, base=schema)
    (bad,) = [c for c in checks if not c.ok]
    assert bad.first_bad is not None
    assert bad.first_bad["event_id"] == str(victim.id)
    text, ok = report(checks, "the projections event log")
    assert not ok
    assert f"BAD {victim.id}" in text


async def test_the_store_option_checks_a_services_own_event_store(pg_pool: asyncpg.Pool, schema: str) -> None:
    await migrate(pg_pool, schema)
    store = PostgresEventStore(schema, "/pujiang/routing", SystemClock())
    meta = Metadata(correlation_id=uuid.uuid4(), actor="official")
    async with pg_pool.acquire() as conn, conn.transaction():
        recorded = []
        for n in range(3):
            accepted = CaseAccepted(case_id=f"c{n}", unit_id="330726001001", level=Level.VILLAGE)
            recorded += await store.append(conn, f"case-c{n}", 0, [accepted, accepted], meta, f"c{n}")
    async with pg_pool.acquire() as conn:
        assert all(c.ok for c in await check_all(conn, store=schema))
    await tamper(pg_pool, f"{schema}.events", "event_id", recorded[2].id)
    async with pg_pool.acquire() as conn:
        checks = await check_all(conn, store=schema)
    assert [c.first_bad["event_id"] for c in checks if c.first_bad] == [str(recorded[2].id)]
