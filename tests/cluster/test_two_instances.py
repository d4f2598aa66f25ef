"""The engine issue's two-instance crash case, on the three-broker cluster."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import Iterator

import pytest

from tests.e2e import test_crash_safety as crash_safety
from tests.support.cluster import Cluster, service_env
from tests.support.infra import ROOT, delete_topics
from tests.support.system import SERVICES, ServiceProcess, System, free_port

pytestmark = pytest.mark.cluster


@contextlib.contextmanager
def one_of_each(cluster: Cluster, database_url: str, prefix: str) -> Iterator[System]:
    env = service_env(cluster, database_url, prefix)
    log_dir = ROOT / "test-artifacts" / "logs" / prefix
    log_dir.mkdir(parents=True, exist_ok=True)
    system = System(topic_prefix=prefix)
    for name in SERVICES:
        system.services[name] = ServiceProcess(name, free_port(), env, log_dir / f"{name}.log")
        system.services[name].start()
    try:
        for process in system.services.values():
            process.wait_ready(timeout=180)
        yield system
    finally:
        system.stop()
        asyncio.run(delete_topics(cluster.kafka, prefix))


def test_the_two_instance_crash_case_on_the_cluster(cluster: Cluster, own_db: str) -> None:
    """The engine's case: second instances share database and groups, the first ones die mid-stream."""
    with one_of_each(cluster, own_db, f"cl2i{uuid.uuid4().hex[:6]}") as system:
        crash_safety.test_two_instances_each_lose_nothing_when_the_first_ones_are_sigkilled_under_load(system, own_db)
