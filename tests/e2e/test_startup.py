"""A service started while PostgreSQL and Kafka are away stays up, says not ready, and starts when they come."""

from __future__ import annotations

import asyncio
import os
import time
import uuid
from urllib.parse import urlsplit, urlunsplit

import httpx
import pytest

from tests.support.infra import ROOT, Infra, delete_topics
from tests.support.polling import eventually_async
from tests.support.proxy import TcpProxy
from tests.support.system import ServiceProcess, free_port

pytestmark = pytest.mark.e2e


async def _readyz(client: httpx.AsyncClient) -> tuple[int, dict[str, object]]:
    response = await client.get("/readyz")
    return response.status_code, response.json()


async def _stays_up_and_not_ready(service: ServiceProcess, client: httpx.AsyncClient, seconds: float) -> None:
    """Once it listens (however long its start takes on a busy machine), it answers not-ready for `seconds`."""
    listening_by = time.monotonic() + 120
    watched_until: float | None = None
    answered = 0
    while watched_until is None or time.monotonic() < watched_until:
        assert service.proc is not None
        assert service.proc.poll() is None, f"the service exited; see {service.log_path}"
        try:
            status, body = await _readyz(client)
        except httpx.TransportError:
            assert time.monotonic() < listening_by, "the service never listened"
            await asyncio.sleep(0.2)  # uvicorn not listening yet
            continue
        watched_until = watched_until or time.monotonic() + seconds
        assert status == 503, body
        assert (await client.get("/healthz")).status_code == 200
        refused = await client.get("/v1/categories")
        assert refused.status_code == 503
        assert refused.json()["error"]["code"] == "unavailable"
        assert refused.headers["retry-after"] == "1"
        answered += 1
        await asyncio.sleep(0.3)
    assert answered > 0


async def test_a_service_waits_for_postgres_and_kafka_and_becomes_ready(infra: Infra, test_database_url: str) -> None:
    db = urlsplit(test_database_url)
    kafka_host, kafka_port = infra.kafka.split(",")[0].rsplit(":", 1)
    pg_proxy = TcpProxy(free_port(), db.hostname or "127.0.0.1", db.port or 5432)
    kafka_proxy = TcpProxy(free_port(), kafka_host, int(kafka_port))
    netloc = f"{db.username}:{db.password}@127.0.0.1:{pg_proxy.listen_port}"
    prefix = f"boot{uuid.uuid4().hex[:8]}"
    log_dir = ROOT / "test-artifacts" / "logs" / prefix
    log_dir.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "KAFKA_BOOTSTRAP_SERVERS": f"127.0.0.1:{kafka_proxy.listen_port}",
        "DATABASE_URL": urlunsplit(db._replace(netloc=netloc)),
        "PUJIANG_TOPIC_PREFIX": prefix,
        "PUJIANG_PARTITIONS": "1",
    }
    service = ServiceProcess("routing", free_port(), env, log_dir / "routing.log")
    service.start()
    try:
        async with httpx.AsyncClient(base_url=service.url, timeout=5) as client:
            await _stays_up_and_not_ready(service, client, seconds=6)  # neither is there
            await kafka_proxy.start()
            await _stays_up_and_not_ready(service, client, seconds=4)  # Kafka back, PostgreSQL still away
            await pg_proxy.start()
            await eventually_async(
                lambda: _readyz(client), lambda answer: answer[0] == 200, timeout=90, every=0.5, what="readiness"
            )
            assert (await client.get("/v1/categories")).status_code == 200
    finally:
        service.stop()
        await pg_proxy.stop()
        await kafka_proxy.stop()
        await delete_topics(infra.kafka, prefix)
