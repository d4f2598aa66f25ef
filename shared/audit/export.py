"""`python -m shared.audit.export CASE_ID [-o FILE]`: export a case bundle (one JSON file) to check offline.

Every service proves its own events (`GET /v1/audit/proofs` on intake, routing and sla, each
signing a fresh checkpoint first), and the answers become one bundle; projections'
`GET /v1/audit/cases/{id}/bundle` does the same for auditors over HTTP. The services are found
at PUJIANG_INTAKE_URL, PUJIANG_ROUTING_URL and PUJIANG_SLA_URL. The token is --token or
$PUJIANG_TOKEN; in dev, without either, an auditor's token for the province is made.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import orjson

from shared.audit.bundle import case_bundle
from shared.http.errors import ApiError
from shared.http.tokens import TokenIssuer
from shared.settings import Settings
from shared.vocabulary import Role

PROVINCE = "330000000000"


def log_services(settings: Settings) -> dict[str, str]:
    """The services that keep an event log of their own, and where they answer."""
    return {
        "intake": settings.pujiang_intake_url,
        "routing": settings.pujiang_routing_url,
        "sla": settings.pujiang_sla_url,
    }


async def export_bundle(case_id: str, services: dict[str, str], authorization: str) -> dict[str, Any]:
    """Ask each service for its proofs of the case; ApiError 503 naming a service that did not answer."""
    async with httpx.AsyncClient(timeout=60) as client:

        async def ask(name: str, url: str) -> dict[str, Any]:
            try:
                response = await client.get(
                    f"{url}/v1/audit/proofs", params={"case_id": case_id}, headers={"authorization": authorization}
                )
            except httpx.HTTPError as error:
                raise ApiError(503, "unavailable", f"{name} did not answer for its proofs: {error!r}") from error
            if response.status_code != 200:
                raise ApiError(
                    503 if response.status_code >= 500 else response.status_code,
                    "unavailable" if response.status_code >= 500 else "forbidden",
                    f"{name} refused its proofs ({response.status_code}): {response.text[:300]}",
                )
            found: dict[str, Any] = response.json()
            return found

        logs = await asyncio.gather(*(ask(name, url) for name, url in services.items()))
    exported = datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
    return case_bundle(case_id, logs, exported)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m shared.audit.export", description=__doc__.split("\n\n")[0])
    parser.add_argument("case_id")
    parser.add_argument("-o", "--output", type=Path, help="the file to write (default: case-<id>.bundle.json)")
    parser.add_argument("--token", help="an auditor's JWT (default: $PUJIANG_TOKEN)")
    args = parser.parse_args(argv)
    settings = Settings()
    token = args.token or os.environ.get("PUJIANG_TOKEN")
    if not token:
        if not settings.dev:
            parser.error("give --token (or PUJIANG_TOKEN): an auditor's JWT")
        token = TokenIssuer.from_settings(settings).issue("audit-cli", Role.AUDITOR, PROVINCE)
    try:
        bundle = asyncio.run(export_bundle(args.case_id, log_services(settings), f"Bearer {token}"))
    except ApiError as error:
        print(error.message, file=sys.stderr)
        return 1
    output = args.output or Path(f"case-{args.case_id}.bundle.json")
    output.write_bytes(orjson.dumps(bundle, option=orjson.OPT_INDENT_2))
    events = sum(len(log["events"]) for log in bundle["logs"])
    print(
        f"wrote {output}: {events} events from {len(bundle['logs'])} logs; check it with python -m shared.audit.verify"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
