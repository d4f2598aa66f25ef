"""E-mail over SMTP (aiosmtplib); the notice id is the Message-ID, stable across every retry.

SMTP has no idempotency key of its own: a message whose server said 250 but whose record was
lost (a crash in between) is sent again with the same Message-ID, which mail stores use to
keep one copy (see the README, "Notices").
"""

from __future__ import annotations

from email.message import EmailMessage
from email.utils import formatdate

import aiosmtplib

from services.intake.adapters.delivery.port import DeliveryFailed
from services.intake.adapters.notice_outbox import Outgoing
from services.intake.settings import NoticeSettings


def message_id(notice_id: str, sender: str) -> str:
    return f"<notice-{notice_id}@{sender.rpartition('@')[2] or 'pujiang'}>"


def compose(notice: Outgoing, sender: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = notice.address
    message["Subject"] = f"{notice.subject}（{notice.tracking_code}）"
    message["Message-ID"] = message_id(notice.notice_id, sender)
    message["Date"] = formatdate(notice.issued_at.timestamp(), localtime=False)
    message.set_content(notice.body, charset="utf-8")
    return message


class SmtpMailer:
    def __init__(self, settings: NoticeSettings) -> None:
        self.settings = settings

    async def send(self, notice: Outgoing) -> str:
        s = self.settings
        message = compose(notice, s.smtp_from)
        try:
            await aiosmtplib.send(
                message,
                hostname=s.smtp_host,
                port=s.smtp_port,
                username=s.smtp_username,
                password=s.smtp_password.get_secret_value() if s.smtp_password else None,
                start_tls=s.smtp_starttls,
                timeout=s.notice_send_timeout_s,
            )
        except (aiosmtplib.SMTPException, OSError) as error:
            raise DeliveryFailed(f"smtp: {type(error).__name__}: {error}"[:300]) from error
        return str(message["Message-ID"])
