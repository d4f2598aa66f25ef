"""Fixtures of the `cluster` tier: a three-broker KRaft cluster, a PostgreSQL primary and replica."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import Iterator

import asyncpg
import pytest

from tests.support.cluster import Cluster, Instances, cluster_from_env, service_env, start_instances
from tests.support.infra import ROOT, delete_topics


# Package scope: the three brokers and the replica stop once this tier is done, so they do not
# load every test that pytest runs after it (a session scope kept them up to the suite's end).
@pytest.fixture(scope="package")
def cluster() -> Iterator[Cluster]:
    found = cluster_from_env()
    was_running = found.running()
    found.up()
    yield found
    if not was_running:  # three JVMs and two servers: do not leave them behind on a shared machine
        found.down()


async def _admin(url: str, sql: str) -> None:
    conn = await asyncpg.connect(url)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


@contextlib.contextmanager
def fresh_database(cluster: Cluster) -> Iterator[str]:
    """A database of its own on the primary (the replica follows it), dropped afterwards."""
    name = f"pujiang_cluster_{uuid.uuid4().hex[:8]}"
    asyncio.run(_admin(cluster.database_url, f'CREATE DATABASE "{name}"'))
    yield cluster.database_url.rsplit("/", 1)[0] + f"/{name}"
    asyncio.run(_admin(cluster.database_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(scope="package")
def cluster_db(cluster: Cluster) -> Iterator[str]:
    """The database of `pair` (one system per database: its relays publish everything in it)."""
    with fresh_database(cluster) as url:
        yield url


@pytest.fixture
def own_db(cluster: Cluster) -> Iterator[str]:
    """For a test that starts a system of its own."""
    with fresh_database(cluster) as url:
        yield url


@pytest.fixture(scope="package")
def pair_prefix(cluster: Cluster) -> Iterator[str]:
    prefix = f"cl{uuid.uuid4().hex[:8]}"
    yield prefix
    asyncio.run(delete_topics(cluster.kafka, prefix))


@pytest.fixture(scope="package")
def pair(cluster: Cluster, cluster_db: str, pair_prefix: str) -> Iterator[Instances]:
    """Two instances of each of the four services on the cluster; projections read the replica.

    Shared by the tier's tests (starting eight processes costs a minute or two on a busy machine);
    a test that kills some starts them again.
    """
    env = service_env(cluster, cluster_db, pair_prefix)
    running = start_instances(env, ROOT / "test-artifacts" / "logs" / pair_prefix)
    yield running
    running.stop()
