"""What delivering a notice means to intake: hand it to a channel once, keyed by the notice id."""

from __future__ import annotations

from typing import Protocol

from services.intake.adapters.notice_outbox import Outgoing


class DeliveryFailed(Exception):
    """The channel did not take the notice this time (it is retried with backoff)."""


class Channel(Protocol):
    """Sends one notice; answers the channel's receipt. Must pass `notice_id` as the idempotency key,
    so a repeat of a send the channel already took is not a second message."""

    async def send(self, notice: Outgoing) -> str: ...
