"""Notices (告知): which decisions the petitioner is told of, in which words, through which channel.

Pure: the templates come in as data (`services/intake/data/notices.yaml`), the decision as the
routing event, the recipient as their own petition's contact. A notice's id is derived from the
decision's event id and the recipient's tracking code, so the same decision told to the same
petitioner is always the same notice: however often the event arrives, whatever crashes.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import timedelta
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict

from shared.events import (
    CaseAccepted,
    CaseAssigned,
    CaseClosed,
    CaseMergedInto,
    CaseNotAccepted,
    CaseResolved,
    CaseUnmerged,
    Event,
    ExtensionGranted,
)
from shared.events.intake import NoticeChannel, NoticeIssued, Petitioner
from shared.vocabulary import Channel

_NOTICE_NAMESPACE = uuid.UUID("5b7f3c1e-4c1a-4f0e-9a57-2f1d6c0b11e7")
_RESOLVED_KIND = {"first": "replied", "review": "review_decided", "re_review": "re_review_decided"}
_CLOSED_KIND = {"final": "final", "withdrawn": "withdrawn"}
Deliverable = Literal["sms", "email", "letter"]


class Template(BaseModel):
    model_config = ConfigDict(frozen=True, extra="allow")

    subject: str
    text: str

    def render(self, params: Mapping[str, str | int]) -> str:
        text = self.text.format_map(_Params(params))
        for key, extra in sorted((self.model_extra or {}).items()):
            if key.startswith("with_") and params.get(key.removeprefix("with_")):
                text += str(extra).format_map(_Params(params))
        return text


class Templates(BaseModel):
    model_config = ConfigDict(frozen=True)

    sender: str
    kinds: dict[str, Template]


class _Params(dict[str, str | int]):
    """A missing param renders empty rather than failing a notice over an absent detail."""

    def __missing__(self, key: str) -> str:
        return ""


def load_templates(text: str) -> Templates:
    return Templates.model_validate(yaml.safe_load(text))


class Decision(BaseModel):
    """A decision the petitioner is told of: its template and what the sentence needs."""

    model_config = ConfigDict(frozen=True)

    kind: str
    params: dict[str, str | int]


def decision_of(event: Event, unit_name: str | None) -> Decision | None:  # noqa: PLR0911 (one case per decision)
    """The notice a routing event calls for, or None; `unit_name` is the handling unit as it stood."""
    match event:
        case CaseAccepted():
            return Decision(kind="accepted", params={"unit": unit_name or ""})
        case CaseNotAccepted():
            return Decision(
                kind="not_accepted", params={"reason": event.reason, "redirect_to": event.redirect_to or ""}
            )
        case CaseAssigned(reason="transfer"):
            return Decision(kind="transferred", params={"unit": event.unit_name, "reason": event.note})
        case ExtensionGranted():
            return Decision(kind="extended", params={"days": event.days, "reason": event.reason})
        case CaseResolved():
            return Decision(kind=_RESOLVED_KIND[event.round], params={"reply": event.reply})
        case CaseClosed() if event.reason in _CLOSED_KIND:
            return Decision(kind=_CLOSED_KIND[event.reason], params={})
        case CaseMergedInto():  # the CaseClosed(merged) after it is no notice: the matter goes on
            return Decision(kind="merged", params={})
        case CaseUnmerged():
            return Decision(kind="unmerged", params={"unit": unit_name or ""})
    return None


class Recipient(BaseModel):
    """One petitioner to tell: their tracking code and their own contact (nobody else's)."""

    model_config = ConfigDict(frozen=True)

    tracking_code: str
    # Opened from the sealed event for this notice only; None when it cannot be (erased, or recorded
    # before sealing): such a recipient is recorded as told with channel `none`.
    petitioner: Petitioner | None
    petition_channel: Channel
    # Names this recipient in the notice id when several share one tracking code (a collective
    # petition's co-signers, `MH…#1`, `MH…#2`): each is told once, on their own.
    key: str | None = None
    erased: bool = False


class Route(BaseModel):
    """Where a notice goes: a channel and its address, or `none` with the reason it is not delivered."""

    model_config = ConfigDict(frozen=True)

    channel: NoticeChannel
    address: str = ""
    undelivered_reason: str | None = None


def route_for(recipient: Recipient) -> Route:
    """The petitioner's chosen channel when they gave its address, else SMS, e-mail, letter in that order
    (a letter petition is answered by letter first).

    An anonymous petitioner is told only through a channel they chose: their phone may be shared,
    and an unasked SMS would say to whoever reads it that they petitioned.
    """
    p = recipient.petitioner
    if p is None:
        return Route(channel="none", undelivered_reason="personal_data_erased" if recipient.erased else "no_contact")
    addresses: dict[Deliverable, str] = {"sms": p.phone.strip(), "email": (p.email or "").strip()}
    addresses["letter"] = (p.address or "").strip()
    if p.anonymous and p.notify_by is None:
        return Route(channel="none", undelivered_reason="anonymous_no_contact")
    order: list[Deliverable] = (
        ["letter", "sms", "email"]
        if recipient.petition_channel == Channel.LETTER
        else [
            "sms",
            "email",
            "letter",
        ]
    )
    if p.notify_by is not None:
        order = [p.notify_by] if p.anonymous else [p.notify_by, *order]
    for channel in order:
        if addresses[channel]:
            return Route(channel=channel, address=addresses[channel])
    return Route(channel="none", undelivered_reason="no_contact")


def notice_id(cause_event_id: str, tracking_code: str) -> str:
    return str(uuid.uuid5(_NOTICE_NAMESPACE, f"{cause_event_id}:{tracking_code}"))


def issue(
    templates: Templates, decision: Decision, recipient: Recipient, case_id: str, cause_event_id: str
) -> tuple[NoticeIssued, Route]:
    """The notice of one decision for one petitioner, and where it goes."""
    template = templates.kinds[decision.kind]
    route = route_for(recipient)
    params = {**decision.params, "tracking_code": recipient.tracking_code}
    notice = NoticeIssued(
        notice_id=notice_id(cause_event_id, recipient.key or recipient.tracking_code),
        case_id=case_id,
        tracking_code=recipient.tracking_code,
        kind=decision.kind,
        channel=route.channel,
        subject=template.subject,
        text=template.render(params),
        cause_event_id=cause_event_id,
        undelivered_reason=route.undelivered_reason,
    )
    return notice, route


class RetryPolicy(BaseModel):
    """How failed deliveries are retried: exponential backoff, then given up and shown as failed."""

    model_config = ConfigDict(frozen=True)

    max_attempts: int = 6
    first_delay: timedelta = timedelta(seconds=5)
    max_delay: timedelta = timedelta(minutes=30)

    def delay_after(self, attempt: int) -> timedelta | None:
        """The wait before the next attempt after `attempt` failed ones, None once they are used up."""
        if attempt >= self.max_attempts:
            return None
        return min(self.first_delay * (1 << (attempt - 1)), self.max_delay)
