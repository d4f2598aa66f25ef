"""The system's public HTTP API, as the simulator's people use it (api.md): nothing else is touched."""

from __future__ import annotations

import asyncio
import time
from datetime import datetime
from typing import Any

import httpx
import structlog
from pydantic import BaseModel, ConfigDict

from shared.http.auth import issue_token
from shared.vocabulary import Role

log = structlog.get_logger()

_RETRIES = 6
_RETRY_STATUSES = {429, 502, 503, 504}
_TOKEN_RENEWAL_S = 6 * 3600  # tokens live 12 hours; a long run renews them well before


class Endpoints(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    intake: str = "http://127.0.0.1:8001"
    routing: str = "http://127.0.0.1:8002"
    sla: str = "http://127.0.0.1:8003"
    projections: str = "http://127.0.0.1:8004"


class Answer(BaseModel):
    model_config = ConfigDict(frozen=True)

    status: int
    body: dict[str, Any] = {}


class Tokens:
    """Development JWTs for the simulated officials and the supervisor who watches (api.md, "Identity")."""

    def __init__(self, secret: str) -> None:
        self._secret = secret
        self._issued: dict[tuple[str, str, str], tuple[float, str]] = {}

    def bearer(self, role: Role, division: str, sub: str) -> dict[str, str]:
        key = (role.value, division, sub)
        issued = self._issued.get(key)
        if issued is None or time.monotonic() - issued[0] > _TOKEN_RENEWAL_S:
            issued = (time.monotonic(), issue_token(self._secret, sub, role, division))
            self._issued[key] = issued
        return {"Authorization": f"Bearer {issued[1]}"}


class Api:
    def __init__(self, client: httpx.AsyncClient, endpoints: Endpoints, tokens: Tokens, supervisor: str) -> None:
        self._client = client
        self.endpoints = endpoints
        self.tokens = tokens
        self._supervisor = supervisor

    def official(self, division: str, unit: str | None = None) -> dict[str, str]:
        return self.tokens.bearer(Role.OFFICIAL, division, f"sim-official-{unit or division}")

    def supervisor(self) -> dict[str, str]:
        return self.tokens.bearer(Role.SUPERVISOR, self._supervisor, "sim-supervisor")

    async def send(self, method: str, url: str, **kwargs: Any) -> Answer:
        """One request, retried while the service is briefly away or busy (never for a 4xx verdict)."""
        delay = 0.2
        for attempt in range(_RETRIES):
            try:
                response = await self._client.request(method, url, **kwargs)
            except httpx.TransportError as error:
                if attempt == _RETRIES - 1:
                    raise
                log.warning("simulator.http_retry", url=url, error=repr(error))
            else:
                if response.status_code not in _RETRY_STATUSES or attempt == _RETRIES - 1:
                    return _answer(response)
            await asyncio.sleep(delay)
            delay = min(delay * 2, 3.0)
        raise AssertionError("unreachable")

    async def submit(self, body: dict[str, Any], key: str, cadre: str | None) -> Answer:
        headers = {"Idempotency-Key": key, **(self.official(cadre, f"cadre-{cadre}") if cadre else {})}
        return await self.send("POST", f"{self.endpoints.intake}/v1/petitions", json=body, headers=headers)

    async def act(self, case_id: str, action: str, body: dict[str, Any], division: str, unit: str | None) -> Answer:
        url = f"{self.endpoints.routing}/v1/cases/{case_id}/{action}"
        return await self.send("POST", url, json=body, headers=self.official(division, unit))

    async def work(self, case_id: str, path: str, body: dict[str, Any], division: str, unit: str | None,
                   supervisor: bool) -> Answer:  # fmt: skip
        """A step of the work across units, by the division's official (or its supervisor)."""
        url = f"{self.endpoints.routing}/v1/cases/{case_id}/{path}"
        who = (
            self.tokens.bearer(Role.SUPERVISOR, division, f"sim-supervisor-{division}")
            if supervisor
            else self.official(division, unit)
        )
        return await self.send("POST", url, json=body, headers=who)

    async def worklist(self, division: str) -> set[str]:
        """Every case waiting on this division's units, page by page."""
        found: set[str] = set()
        cursor = ""
        while True:
            answer = await self.send(
                "GET",
                f"{self.endpoints.routing}/v1/worklist",
                params={"limit": 500, "cursor": cursor},
                headers=self.official(division),
            )
            if answer.status != 200:
                return found
            found.update(str(c["case_id"]) for c in answer.body.get("cases", []))
            cursor = answer.body.get("next_cursor") or ""
            if not cursor:
                return found

    async def publish_reception(self, body: dict[str, Any]) -> Answer:
        """A reception day, published by an official of its place."""
        headers = self.official(body["division_code"])
        return await self.send("POST", f"{self.endpoints.intake}/v1/receptions", json=body, headers=headers)

    async def book_reception(self, schedule_id: str, body: dict[str, Any]) -> Answer:
        """A petitioner's booking: no token, their codes or their phone."""
        return await self.send("POST", f"{self.endpoints.intake}/v1/receptions/{schedule_id}/bookings", json=body)

    async def record_reception(self, schedule_id: str, division: str, body: dict[str, Any]) -> Answer:
        url = f"{self.endpoints.intake}/v1/receptions/{schedule_id}/record"
        return await self.send("POST", url, json=body, headers=self.official(division))

    async def answer_reply(self, tracking_code: str, what: str, body: dict[str, Any]) -> Answer:
        return await self.send("POST", f"{self.endpoints.intake}/v1/petitions/{tracking_code}/{what}", json=body)

    async def petitioner_view(self, tracking_code: str, access_code: str) -> Answer:
        url = f"{self.endpoints.intake}/v1/petitions/{tracking_code}"
        return await self.send("GET", url, params={"access_code": access_code})

    async def case(self, case_id: str) -> Answer:
        return await self.send("GET", f"{self.endpoints.projections}/v1/cases/{case_id}", headers=self.supervisor())

    async def stats(self) -> Answer:
        params = {"division": self._supervisor}
        return await self.send(
            "GET", f"{self.endpoints.projections}/v1/stats", params=params, headers=self.supervisor()
        )

    async def categories(self) -> Answer:
        return await self.send("GET", f"{self.endpoints.routing}/v1/categories", headers=self.supervisor())

    async def now(self) -> datetime:
        answer = await self.send("GET", f"{self.endpoints.sla}/admin/clock")
        if answer.status != 200:
            raise RuntimeError(f"sla answered {answer.status} to GET /admin/clock: {answer.body}")
        return datetime.fromisoformat(answer.body["now"])

    async def set_clock(self, moment: datetime) -> Answer:
        return await self.send("POST", f"{self.endpoints.sla}/admin/clock", json={"set": moment.isoformat()})


def _answer(response: httpx.Response) -> Answer:
    try:
        body = response.json()
    except ValueError:
        body = {"text": response.text[:500]}
    return Answer(status=response.status_code, body=body if isinstance(body, dict) else {"items": body})
