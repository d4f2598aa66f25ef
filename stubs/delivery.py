"""The SMS gateway stub (HTTP) and a real SMTP server (aiosmtpd) in one process, recording what they got.

- `POST /v1/sms` (basic credentials as configured) takes `{"to", "sign", "text", "out_id"}` and an
  `Idempotency-Key` header; a repeated key is answered with the first `message_id` and
  `"duplicate": true`, and is not a second message (as real gateways' out ids work).
- SMTP on its own port stores each message under its Message-ID: a second transaction with the
  same Message-ID is counted (`transactions`) but the mailbox keeps one copy (`messages`).
- `GET /sms`, `GET /mail`: what arrived, for tests and for a developer's eyes.
- `POST /admin/hold {"sms": s, "smtp": s}`: record, then wait `s` seconds before answering (the
  crash test kills intake in that gap). `POST /admin/fail {"sms": n, "smtp": n}`: refuse the
  next `n` (503 / SMTP 451), to see retries.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import email
import email.policy
import os
import secrets
import uuid
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from aiosmtpd.smtp import SMTP, Envelope, Session
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route


@dataclass
class Recorded:
    sms_requests: int = 0
    sms: dict[str, dict[str, Any]] = field(default_factory=dict)  # by idempotency key
    smtp_transactions: int = 0
    mail: dict[str, dict[str, Any]] = field(default_factory=dict)  # by Message-ID
    hold: dict[str, float] = field(default_factory=dict)
    fail: dict[str, int] = field(default_factory=dict)

    def failing(self, channel: str) -> bool:
        if self.fail.get(channel, 0) > 0:
            self.fail[channel] -= 1
            return True
        return False


def _authorised(request: Request, user: str, token: str) -> bool:
    header = request.headers.get("authorization", "")
    if not header.startswith("Basic "):
        return False
    try:
        given = base64.b64decode(header[6:]).decode()
    except (ValueError, UnicodeDecodeError):
        return False
    return secrets.compare_digest(given, f"{user}:{token}")


def http_app(recorded: Recorded, user: str, token: str) -> Starlette:
    async def send_sms(request: Request) -> JSONResponse:
        if not _authorised(request, user, token):
            return JSONResponse({"error": "unauthorised"}, status_code=401)
        recorded.sms_requests += 1
        body = await request.json()
        key = request.headers.get("idempotency-key") or str(uuid.uuid4())
        if recorded.failing("sms"):
            return JSONResponse({"error": "try later"}, status_code=503)
        first = recorded.sms.get(key)
        if first is None:
            first = {"message_id": f"sms-{uuid.uuid4().hex[:12]}", "key": key, "requests": 1, **body}
            recorded.sms[key] = first
            duplicate = False
        else:
            first["requests"] += 1
            duplicate = True
        if recorded.hold.get("sms"):
            await asyncio.sleep(recorded.hold["sms"])
        return JSONResponse({"message_id": first["message_id"], "duplicate": duplicate})

    async def list_sms(_request: Request) -> JSONResponse:
        return JSONResponse({"requests": recorded.sms_requests, "messages": list(recorded.sms.values())})

    async def list_mail(_request: Request) -> JSONResponse:
        return JSONResponse({"transactions": recorded.smtp_transactions, "messages": list(recorded.mail.values())})

    async def hold(request: Request) -> JSONResponse:
        recorded.hold.update({k: float(v) for k, v in (await request.json()).items()})
        return JSONResponse(recorded.hold)

    async def fail(request: Request) -> JSONResponse:
        recorded.fail.update({k: int(v) for k, v in (await request.json()).items()})
        return JSONResponse(recorded.fail)

    async def healthz(_request: Request) -> JSONResponse:
        return JSONResponse({"ok": True})

    return Starlette(
        routes=[
            Route("/v1/sms", send_sms, methods=["POST"]),
            Route("/sms", list_sms),
            Route("/mail", list_mail),
            Route("/admin/hold", hold, methods=["POST"]),
            Route("/admin/fail", fail, methods=["POST"]),
            Route("/healthz", healthz),
        ]
    )


class Mailbox:
    """aiosmtpd handler: one stored copy per Message-ID."""

    def __init__(self, recorded: Recorded) -> None:
        self.recorded = recorded

    async def handle_DATA(self, _server: SMTP, _session: Session, envelope: Envelope) -> str:  # noqa: N802 (aiosmtpd's name)
        self.recorded.smtp_transactions += 1
        if self.recorded.failing("smtp"):
            return "451 4.3.0 try again later"
        raw = envelope.content if isinstance(envelope.content, bytes) else str(envelope.content).encode()
        message = email.message_from_bytes(raw, policy=email.policy.default)
        message_id = str(message.get("Message-ID", "")) or f"<none-{uuid.uuid4().hex}>"
        body = message.get_body(preferencelist=("plain",))
        stored = self.recorded.mail.setdefault(
            message_id,
            {
                "message_id": message_id,
                "from": envelope.mail_from,
                "to": list(envelope.rcpt_tos),
                "subject": str(message.get("Subject", "")),
                "text": body.get_content() if body is not None else "",
                "transactions": 0,
            },
        )
        stored["transactions"] += 1
        if self.recorded.hold.get("smtp"):
            await asyncio.sleep(self.recorded.hold["smtp"])
        return "250 OK"


async def serve(http_port: int, smtp_port: int, host: str = "127.0.0.1") -> None:
    recorded = Recorded()
    user = os.environ.get("PUJIANG_SMS_GATEWAY_USER", "pujiang")
    token = os.environ.get("PUJIANG_SMS_GATEWAY_TOKEN", "dev-sms-token")
    loop = asyncio.get_running_loop()
    smtp = await loop.create_server(lambda: SMTP(Mailbox(recorded), enable_SMTPUTF8=True), host, smtp_port)
    config = uvicorn.Config(http_app(recorded, user, token), host=host, port=http_port, log_level="warning")
    try:
        await uvicorn.Server(config).serve()
    finally:
        smtp.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--http-port", type=int, default=int(os.environ.get("PORT") or os.environ.get("PUJIANG_STUB_HTTP_PORT", "8010"))
    )
    parser.add_argument("--smtp-port", type=int, default=int(os.environ.get("PUJIANG_STUB_SMTP_PORT", "8025")))
    args = parser.parse_args()
    asyncio.run(serve(args.http_port, args.smtp_port))
