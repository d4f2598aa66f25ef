"""Signed checkpoints over a real event store, and the rewrite an operator could do, detected."""

from __future__ import annotations

import uuid
from typing import Any

import asyncpg
import orjson
import pytest
from structlog.testing import capture_logs

from services.projections.audit import check_all
from shared.audit.bundle import case_bundle, event_leaf
from shared.audit.checkpoint import Checkpoint, Signer
from shared.audit.checkpointer import Checkpointer
from shared.audit.merkle import root_of, verify_consistency
from shared.audit.proofs import UnsignedInSignedRange, case_proofs
from shared.audit.tree_store import TreeStore, tree_ddl
from shared.audit.verify import BundleError, verify_bundle
from shared.clock import SystemClock
from shared.events.base import chain_hash, hashed_fields
from shared.eventstore.port import START, Append
from shared.eventstore.schema import migrate
from shared.eventstore.store import PostgresEventStore
from tests.support.event_store_contract import an_event, meta

pytestmark = pytest.mark.integration

CASES = [f"case-{i}" for i in range(7)]


class Published:
    def __init__(self) -> None:
        self.records: list[dict[str, Any]] = []

    async def __call__(self, log: str, record: dict[str, Any]) -> None:
        self.records.append(record)


@pytest.fixture
async def store(pg_pool: asyncpg.Pool, schema: str) -> PostgresEventStore:
    await migrate(pg_pool, schema, tree_ddl(schema))
    return PostgresEventStore(schema, "/pujiang/routing", SystemClock())


async def append_rounds(pool: asyncpg.Pool, store: PostgresEventStore, rounds: int, start: int = 0) -> None:
    """`rounds` events for each case's stream, one batch per round (all cases interleaved)."""
    async with pool.acquire() as conn:
        for r in range(start, start + rounds):
            await store.append_batch(conn, [Append(f"s-{c}", r, [an_event(r)], meta(), c) for c in CASES])


def checkpointer(pool: asyncpg.Pool, store: PostgresEventStore, signer: Signer, published: Published) -> Checkpointer:
    async def connect() -> asyncpg.Connection:
        return await pool.acquire()  # only run() connects; these tests drive _load and step themselves

    return Checkpointer(connect, TreeStore(store), signer, published, every=100, interval_s=3600)


async def all_leaves(conn: asyncpg.Connection, store: PostgresEventStore) -> list[bytes]:
    return [event_leaf(e.hash) for _, e in await store.read_all(conn, START, 1_000_000)]


async def test_checkpoints_cover_the_store_in_global_order_and_each_extends_the_last(
    pg_pool: asyncpg.Pool, store: PostgresEventStore, tmp_path: Any
) -> None:
    signer, published = Signer.generate(), Published()
    making = checkpointer(pg_pool, store, signer, published)
    async with pg_pool.acquire() as conn:
        await making._load(conn)
        await append_rounds(pg_pool, store, 10)  # 70 events: fewer than `every`
        assert await making.step(conn) is None
        first = await making.step(conn, force=True)
        assert first is not None
        assert first.checkpoint.size == 70
        await append_rounds(pg_pool, store, 60, start=10)  # past a block boundary (256)
        second = await making.step(conn)
        assert second is not None
        assert second.checkpoint.size == 490
        await append_rounds(pg_pool, store, 20, start=70)
        third = await making.step(conn)
        assert third is not None
        assert third.checkpoint.size == 630
        leaves = await all_leaves(conn, store)
    assert len(leaves) == 630
    checkpoints = [Checkpoint.from_json(r["checkpoint"]) for r in published.records]
    assert [c.size for c in checkpoints] == [70, 490, 630]
    for c in checkpoints:
        assert c.root == root_of(leaves[: c.size])
        c.verify({signer.key_id: signer.public_key})
    for old, record in zip(checkpoints, published.records[1:], strict=False):
        new = Checkpoint.from_json(record["checkpoint"])
        assert record["previous"] == old.size
        verify_consistency(old.size, new.size, old.root, new.root, [bytes.fromhex(h) for h in record["consistency"]])

    # A new leader picks the tree up from the rows and goes on with the same tree.
    again = checkpointer(pg_pool, store, signer, published)
    await append_rounds(pg_pool, store, 1, start=90)
    async with pg_pool.acquire() as conn:
        await again._load(conn)
        fourth = await again.step(conn, force=True)
        leaves = await all_leaves(conn, store)
    assert fourth is not None
    assert fourth.checkpoint.root == root_of(leaves)
    assert fourth.record["previous"] == 630


async def _bundle(pool: asyncpg.Pool, store: PostgresEventStore, case: str) -> dict[str, Any]:
    async with pool.acquire() as conn:
        proofs = await case_proofs(conn, TreeStore(store), await store.read_subject(conn, case))
    # Through JSON, as it travels from the service to the export.
    return case_bundle(case, [orjson.loads(orjson.dumps(proofs.to_json()))], "2026-12-01T00:00:00Z")


async def test_a_case_bundle_from_the_store_verifies(pg_pool: asyncpg.Pool, store: PostgresEventStore) -> None:
    signer = Signer.generate()
    making = checkpointer(pg_pool, store, signer, Published())
    async with pg_pool.acquire() as conn:
        await making._load(conn)
        await append_rounds(pg_pool, store, 40)
        await making.step(conn, force=True)
        await append_rounds(pg_pool, store, 3, start=40)
        await making.step(conn, force=True)
    bundle = await _bundle(pg_pool, store, "case-3")
    report = verify_bundle(bundle, {signer.key_id: signer.public_key})
    assert report.events == 43
    assert report.checkpoints == 2


async def test_a_superuser_who_rewrites_an_event_and_its_whole_chain_is_caught(
    pg_pool: asyncpg.Pool, store: PostgresEventStore
) -> None:
    signer = Signer.generate()
    making = checkpointer(pg_pool, store, signer, Published())
    async with pg_pool.acquire() as conn:
        await making._load(conn)
        await append_rounds(pg_pool, store, 50)
        await making.step(conn, force=True)
        victim = (await store.load(conn, "s-case-2"))[4]
        assert await conn.fetchval("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        # The operator's rewrite: trigger off, the event changed, every hash after it recomputed.
        async with conn.transaction():
            await conn.execute(f"ALTER TABLE {store.schema}.events DISABLE TRIGGER ALL")
            events = await store.load(conn, "s-case-2")
            prev = events[3].hash
            for event in events[4:]:
                changed = event.model_copy(update={"actor": "official:forger"} if event.id == victim.id else {})
                digest = chain_hash(hashed_fields(changed), prev)
                await conn.execute(
                    f"UPDATE {store.schema}.events SET actor = $1, prev_hash = $2, hash = $3 WHERE event_id = $4",
                    changed.actor, prev, digest, event.id,
                )  # fmt: skip
                prev = digest
            await conn.execute(f"ALTER TABLE {store.schema}.events ENABLE TRIGGER ALL")
        # The database's own chain check is fooled...
        assert all(c.ok for c in await check_all(conn, store.schema))
    # ...the signed checkpoint is not: the bundle names the rewritten event.
    bundle = await _bundle(pg_pool, store, "case-2")
    with pytest.raises(BundleError) as failure:
        verify_bundle(bundle, {signer.key_id: signer.public_key})
    assert str(victim.id) in str(failure.value)
    assert "inclusion proof fails" in str(failure.value)
    # A checkpointer started afterwards goes on from the tree as signed, and the event stays named.
    async with pg_pool.acquire() as conn:
        restarted = checkpointer(pg_pool, store, signer, Published())
        await restarted._load(conn)
        await append_rounds(pg_pool, store, 1, start=50)
        assert await restarted.step(conn, force=True) is not None
    with pytest.raises(BundleError, match=str(victim.id)):
        verify_bundle(await _bundle(pg_pool, store, "case-2"), {signer.key_id: signer.public_key})
    # Nothing else of the store is blamed: another case's bundle still verifies.
    verify_bundle(await _bundle(pg_pool, store, "case-5"), {signer.key_id: signer.public_key})


async def signed_then_late(pool: asyncpg.Pool, store: PostgresEventStore, conn: asyncpg.Connection, beside: int) -> str:
    """280 events signed (block 0 complete, 24 in the open block; 7 per round, so the open block
    starts in round 36's 5th), then what a transaction committing after the checkpointer read past
    it leaves: an event in the transaction of the `beside`-th event in the global order, so its
    place lies among the signed ones. Answers that transaction's id."""
    making = checkpointer(pool, store, Signer.generate(), Published())
    await making._load(conn)
    await append_rounds(pool, store, 40)
    await making.step(conn, force=True)
    tx_id: str = await conn.fetchval(
        f"""INSERT INTO {store.schema}.events (tx_id, stream_id, version, event_id, type, schema_version,
                subject, source, time, correlation_id, actor, data, prev_hash, hash)
            SELECT tx_id, 'late', 1, gen_random_uuid(), type, schema_version, 'case-3', source, time,
                   correlation_id, actor, data, prev_hash, hash
            FROM {store.schema}.events ORDER BY tx_id, position OFFSET $1 LIMIT 1
            RETURNING tx_id::text""",
        beside,
    )
    return tx_id


async def test_an_event_that_lands_inside_a_signed_block_is_named_not_a_crash(
    pg_pool: asyncpg.Pool, store: PostgresEventStore
) -> None:
    async with pg_pool.acquire() as conn:
        await signed_then_late(pg_pool, store, conn, beside=0)  # inside the signed block 0
    with pytest.raises(UnsignedInSignedRange) as refused:
        await _bundle(pg_pool, store, "case-3")
    assert refused.value.details == [{"log": "/pujiang/routing", "block": 0, "events": 257, "signed": 256}]
    assert refused.value.status == 409


async def test_a_leader_names_where_an_event_landed_in_the_open_block_after_it_was_signed(
    pg_pool: asyncpg.Pool, store: PostgresEventStore
) -> None:
    async with pg_pool.acquire() as conn:
        tx_id = await signed_then_late(pg_pool, store, conn, beside=256)  # the open block's first
        with capture_logs() as logs:
            await checkpointer(pg_pool, store, Signer.generate(), Published())._load(conn)
    [found] = [e for e in logs if e["event"] == "checkpointer.events_differ_from_signed_leaves"]
    # After round 36's last three events of the block, where round 37's first was signed.
    assert (found["block"], found["leaf"], found["tx_id"]) == (1, 3, int(tx_id))


async def test_events_after_the_latest_checkpoint_are_not_claimed(
    pg_pool: asyncpg.Pool, store: PostgresEventStore
) -> None:
    making = checkpointer(pg_pool, store, Signer.generate(), Published())
    async with pg_pool.acquire() as conn:
        await making._load(conn)
        await append_rounds(pg_pool, store, 2)
        await making.step(conn, force=True)
        await append_rounds(pg_pool, store, 1, start=2)
    bundle = await _bundle(pg_pool, store, "case-0")
    assert verify_bundle(bundle).events == 2
    assert uuid.UUID(bundle["logs"][0]["events"][0]["event"]["id"])


async def test_after_a_key_rotation_old_and_new_checkpoints_verify(
    pg_pool: asyncpg.Pool, store: PostgresEventStore
) -> None:
    old, new = Signer.generate(), Signer.generate()
    async with pg_pool.acquire() as conn:
        first = checkpointer(pg_pool, store, old, Published())
        await first._load(conn)
        await append_rounds(pg_pool, store, 5)
        await first.step(conn, force=True)
        # The service restarts with PUJIANG_CHECKPOINT_KEY_FILE pointing at a new key.
        rotated = checkpointer(pg_pool, store, new, Published())
        await rotated._load(conn)
        await append_rounds(pg_pool, store, 5, start=5)
        made = await rotated.step(conn, force=True)
    assert made is not None
    assert made.checkpoint.key_id == new.key_id
    bundle = await _bundle(pg_pool, store, "case-1")
    assert [c["key_id"] for c in bundle["logs"][0]["checkpoints"]] == [old.key_id, new.key_id]
    assert {k["key_id"] for k in bundle["keys"]} == {old.key_id, new.key_id}
    report = verify_bundle(bundle, {old.key_id: old.public_key, new.key_id: new.public_key})
    assert report.events == 10
    with pytest.raises(BundleError, match=old.key_id):
        verify_bundle(bundle, {new.key_id: new.public_key})  # the old key forgotten: said so
