"""Where the benchmark's Kafka and PostgreSQL come from, and a database of its own for each run."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

import asyncpg

from tests.support.infra import ROOT, delete_topics

__all__ = ["Infra", "create_database", "delete_topics", "drop_database", "resolve"]

INFRA_UP_TIMEOUT_S = 900  # a first `up` may install Kafka and PostgreSQL


@dataclass(frozen=True)
class Infra:
    kafka: str
    database_url: str


def resolve() -> Infra:
    """The environment's KAFKA_BOOTSTRAP_SERVERS / DATABASE_URL, else the project's local processes."""
    kafka = os.environ.get("KAFKA_BOOTSTRAP_SERVERS")
    url = os.environ.get("DATABASE_URL")
    if kafka and url:
        return Infra(kafka, url)
    script = str(ROOT / "scripts" / "infra.sh")
    # infra.sh talks on stdout; stdout of the bench is reserved for the table.
    subprocess.run([script, "up"], check=True, stdout=sys.stderr, timeout=INFRA_UP_TIMEOUT_S)  # noqa: S603
    env = subprocess.run([script, "env"], check=True, capture_output=True, text=True, timeout=30).stdout  # noqa: S603
    # Ask the script rather than guess ports: it knows PUJIANG_PG_PORT / PUJIANG_KAFKA_PORT.
    found = dict(re.findall(r"^export (\w+)=(\S+)$", env, re.MULTILINE))
    # A cluster (PUJIANG_KAFKA_BROKERS=3) hands its replication to the services, and to the raw bound.
    for name in ("PUJIANG_REPLICATION_FACTOR", "PUJIANG_MIN_INSYNC_REPLICAS"):
        if name in found:
            os.environ.setdefault(name, found[name])
    return Infra(kafka or found["KAFKA_BOOTSTRAP_SERVERS"], url or found["DATABASE_URL"])


def database_url(admin_url: str, name: str) -> str:
    """The same server and credentials, another database (keeps any ?query options)."""
    return urlunsplit(urlsplit(admin_url)._replace(path=f"/{name}"))


async def _admin(admin_url: str, sql: str) -> None:
    conn = await asyncpg.connect(admin_url, timeout=15)
    try:
        await conn.execute(sql, timeout=60)
    finally:
        await conn.close()


async def create_database(admin_url: str, name: str) -> str:
    """A fresh database, like tests/conftest.py: the dev data is never touched."""
    await _admin(admin_url, f'CREATE DATABASE "{name}"')
    return database_url(admin_url, name)


async def drop_database(admin_url: str, name: str) -> None:
    # FORCE: a service killed mid-shutdown may still hold a session.
    await _admin(admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
