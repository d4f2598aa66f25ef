"""The whole system as real processes: four services on free ports, against real Kafka and PostgreSQL."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from shared.http.auth import issue_token
from shared.settings import DEV_JWT_SECRET
from shared.vocabulary import Role
from tests.support.infra import ROOT
from tests.support.polling import eventually

SERVICES = ("intake", "routing", "sla", "projections")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class ServiceProcess:
    name: str
    port: int
    env: dict[str, str]
    log_path: Path
    proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        log = self.log_path.open("ab")
        module = {"web": "web", "stubs": "stubs"}.get(self.name, f"services.{self.name}")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", module],
            cwd=ROOT,
            env={**self.env, "PORT": str(self.port)},
            stdout=log,
            stderr=log,
        )

    def kill(self) -> None:
        """SIGKILL: no shutdown hooks, no flushing; what is not committed is lost."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait()

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()

    # A budget, not a threshold: five processes importing at once on two shared, busy cores
    # (load 20+) took over 60 s to answer, which failed whole e2e sessions before any test ran.
    def wait_ready(self, timeout: float = 240) -> None:
        probe = "/healthz" if self.name == "stubs" else "/readyz"

        def readiness() -> int:
            if self.proc is not None and self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.proc.returncode}; see {self.log_path}")
            return httpx.get(f"{self.url}{probe}", timeout=2).status_code

        eventually(
            readiness,
            lambda status: status == 200,
            timeout=timeout,
            every=0.2,
            retry_on=(httpx.HTTPError,),
            what=f"{self.name} ready (see {self.log_path})",
        )


@dataclass
class System:
    services: dict[str, ServiceProcess] = field(default_factory=dict)
    jwt_secret: str = DEV_JWT_SECRET
    topic_prefix: str = ""  # the session's topics, for tests that read them directly
    stubs: ServiceProcess | None = None  # the SMS gateway and SMTP server notices go to (stubs/)

    def url(self, service: str) -> str:
        return self.services[service].url

    def token(
        self, role: Role = Role.SUPERVISOR, division: str = "330000000000", sub: str = "tester", unit: str | None = None
    ) -> str:
        return issue_token(self.jwt_secret, sub, role, division, unit=unit)

    def auth(
        self, role: Role = Role.SUPERVISOR, division: str = "330000000000", sub: str = "tester", unit: str | None = None
    ) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token(role, division, sub, unit)}"}

    def restart(self, service: str) -> None:
        self.services[service].kill()
        self.services[service].start()
        self.services[service].wait_ready()

    def stop(self) -> None:
        for process in self.services.values():
            process.stop()
        if self.stubs is not None:
            self.stubs.stop()


def start_system(kafka: str, database_url: str, topic_prefix: str, log_dir: Path) -> System:
    log_dir.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "KAFKA_BOOTSTRAP_SERVERS": kafka,
        "DATABASE_URL": database_url,
        "PUJIANG_TOPIC_PREFIX": topic_prefix,
        "PUJIANG_ENV": "dev",
        "PUJIANG_PARTITIONS": "3",
    }
    system = System(topic_prefix=topic_prefix)
    ports = {name: free_port() for name in SERVICES}
    # The web front end reaches the four through its same-origin proxy; projections' audit export
    # asks the others for their proofs.
    upstreams = {f"PUJIANG_{name.upper()}_URL": f"http://127.0.0.1:{port}" for name, port in ports.items()}
    env = {**env, **upstreams}
    # The outside world notices are delivered to: the stub SMS gateway and a real SMTP server (stubs/).
    stub_http, stub_smtp = free_port(), free_port()
    env |= {
        "PUJIANG_SMS_GATEWAY_URL": f"http://127.0.0.1:{stub_http}/v1/sms",
        "PUJIANG_SMTP_PORT": str(stub_smtp),
        "PUJIANG_STUB_SMTP_PORT": str(stub_smtp),
        # A send outlasts the crash test's kill even on a loaded machine; the claim outlasts the send.
        "PUJIANG_NOTICE_SEND_TIMEOUT_S": "15",
        "PUJIANG_NOTICE_LEASE_S": "20",
        "PUJIANG_NOTICE_RETRY_FIRST_S": "0.5",
        "PUJIANG_NOTICE_RETRY_MAX_S": "2",
        "PUJIANG_NOTICE_POLL_S": "0.2",
    }
    system.stubs = ServiceProcess("stubs", stub_http, env, log_dir / "stubs.log")
    system.stubs.start()
    for name in SERVICES:
        system.services[name] = ServiceProcess(name, ports[name], env, log_dir / f"{name}.log")
        system.services[name].start()
    system.services["web"] = ServiceProcess("web", free_port(), env, log_dir / "web.log")
    system.services["web"].start()
    try:
        system.stubs.wait_ready()
        for process in system.services.values():
            process.wait_ready()
    except Exception:
        system.stop()
        raise
    return system
