"""Outside dev, a process with development credentials exits 78 with one clear line, before it connects to anything.

Kafka and PostgreSQL point at a closed port: a process that got as far as connecting would wait for
them (as a service does for an absent Kafka) and the test would time out instead.
"""

from __future__ import annotations

import asyncio
import os
import re
import sys

import pytest

from shared.guards import EXIT_CONFIG
from shared.settings import DEV_JWT_SECRET
from tests.support.infra import ROOT
from tests.support.system import free_port

pytestmark = pytest.mark.integration

NOWHERE = "127.0.0.1:9"  # the discard port: nothing answers
JWT = re.compile(r"eyJ[\w-]+\.[\w-]+\.[\w-]+")
GOOD_SECRET = "a-province-secret-of-more-than-32-bytes"


async def run(module: str, **env: str) -> tuple[int | None, str, str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("PUJIANG_")}
    environment |= {"KAFKA_BOOTSTRAP_SERVERS": NOWHERE, "DATABASE_URL": f"postgresql://pujiang@{NOWHERE}/pujiang"}
    environment |= {"PUJIANG_ENV": "prod", "PUJIANG_JWT_SECRET": DEV_JWT_SECRET, "PORT": str(free_port()), **env}
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", module, cwd=ROOT, env=environment,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    try:
        out, err = await asyncio.wait_for(proc.communicate(), timeout=60)
    except TimeoutError:
        proc.kill()
        await proc.wait()
        raise
    return proc.returncode, out.decode(), err.decode()


def said(err: str, prefix: str) -> str:
    [line] = [line for line in err.splitlines() if line.startswith(prefix)]
    return line


STARTS = [("services.routing", "routing", "1"), ("services.intake", "intake", "2"), ("web", "web", "2")]


@pytest.mark.parametrize(("module", "name", "workers"), STARTS)
async def test_a_service_with_the_development_secret_exits_78_saying_so(module: str, name: str, workers: str) -> None:
    code, out, err = await run(module, PUJIANG_HTTP_WORKERS=workers)
    assert code == EXIT_CONFIG, err
    line = said(err, f"[{name}] cannot start: ")
    assert "PUJIANG_ENV=prod refuses development settings: PUJIANG_JWT_SECRET is the development secret" in line
    assert ("PUJIANG_CHECKPOINT_KEY_FILE is unset" in line) is (name != "web")  # web signs no checkpoints
    assert "unsafe_production_settings" in out + err  # and the JSON log says it too


async def test_a_service_without_its_checkpoint_key_exits_78_naming_the_variable() -> None:
    code, _, err = await run("services.sla", PUJIANG_JWT_SECRET=GOOD_SECRET)
    assert code == EXIT_CONFIG, err
    line = said(err, "[sla] cannot start: ")
    assert line.endswith("PUJIANG_CHECKPOINT_KEY_FILE is unset (a development key would be made under .data/keys; "
                         "point it at the service's Ed25519 key, kept off the database host)")  # fmt: skip


async def test_devtoken_mints_nothing_with_the_development_secret_outside_dev() -> None:
    code, out, err = await run("shared.http.devtoken")
    assert code == EXIT_CONFIG
    assert not JWT.search(out)
    assert "PUJIANG_JWT_SECRET is the development secret" in said(err, "[devtoken] cannot start: ")
    code, out, _ = await run("shared.http.devtoken", PUJIANG_JWT_SECRET=GOOD_SECRET)
    assert code == 0
    assert JWT.fullmatch(out.strip())
