"""Events intake publishes about notices (告知): what the petitioner was told, and its delivery.

A notice is addressed to one petition's petitioner (its tracking code): a case that carries
several petitioners gives each their own notice of the same decision. The events never carry
the petitioner's phone, e-mail or address (intake keeps those), only what the notice says.
"""

from __future__ import annotations

from typing import Literal

from shared.events.base import Event

NoticeChannel = Literal["sms", "email", "letter", "none"]


class NoticeIssued(Event):
    """A decision was put into a notice for one petitioner; `channel` none: nobody to deliver to."""

    notice_id: str
    case_id: str
    tracking_code: str
    kind: str  # the template: accepted, not_accepted, transferred, extended, replied, ...
    channel: NoticeChannel
    subject: str
    text: str  # Simplified Chinese, from the kind's template
    cause_event_id: str
    undelivered_reason: str | None = None  # e.g. no_contact: recorded, never delivered


class NoticeDelivered(Event):
    """The channel took the notice (gateway accepted, SMTP server said 250, letter printed)."""

    notice_id: str
    case_id: str
    channel: NoticeChannel
    attempts: int
    receipt: str = ""  # the gateway's message id, the Message-ID, or who printed the letter


class NoticeDeliveryFailed(Event):
    """One attempt failed; `final` when no more attempts will be made."""

    notice_id: str
    case_id: str
    channel: NoticeChannel
    attempt: int
    error: str
    final: bool = False
