"""SMS through an HTTP gateway: JSON POST, basic credentials, the notice id as `Idempotency-Key`.

The gateway contract (the province's SMS platform, and `stubs/` in development and tests):
`POST <url>` with `{"to", "sign", "text", "out_id"}`; a 2xx answers `{"message_id"}`, the same
for a repeated `Idempotency-Key` (then also `"duplicate": true`) without sending again.
"""

from __future__ import annotations

import httpx

from services.intake.adapters.delivery.port import DeliveryFailed
from services.intake.adapters.notice_outbox import Outgoing
from services.intake.settings import NoticeSettings


class SmsGateway:
    def __init__(self, settings: NoticeSettings, client: httpx.AsyncClient | None = None) -> None:
        self.url = settings.sms_gateway_url
        self.sign = settings.sms_sign
        self.client = client or httpx.AsyncClient(
            timeout=settings.notice_send_timeout_s,
            auth=(settings.sms_gateway_user, settings.sms_gateway_token.get_secret_value()),
        )

    async def send(self, notice: Outgoing) -> str:
        body = {"to": notice.address, "sign": self.sign, "text": notice.body, "out_id": notice.notice_id}
        try:
            response = await self.client.post(self.url, json=body, headers={"Idempotency-Key": notice.notice_id})
        except httpx.HTTPError as error:
            raise DeliveryFailed(f"sms gateway unreachable: {type(error).__name__}") from error
        if response.status_code // 100 != 2:
            raise DeliveryFailed(f"sms gateway answered {response.status_code}")
        try:
            return str(response.json()["message_id"])
        except (ValueError, KeyError, TypeError) as error:
            raise DeliveryFailed("sms gateway answered without a message_id") from error

    async def close(self) -> None:
        await self.client.aclose()
