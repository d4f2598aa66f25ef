"""Letters: a printable notice (HTML with print styles) that an official prints and posts.

Printing is the delivery: `POST /v1/notices/{id}/printed` records it in the official's name.
The page carries only this petitioner's own name and address (the envelope) and the notice.
"""

from __future__ import annotations

from datetime import datetime
from html import escape
from zoneinfo import ZoneInfo

from services.intake.adapters.notice_outbox import Outgoing

_PAGE = """<!doctype html>
<html lang="zh-Hans"><head><meta charset="utf-8"><title>{subject} {tracking_code}</title>
<style>
 @page {{ size: A4; margin: 25mm 20mm; }}
 body {{ font-family: "Noto Serif CJK SC", "Source Han Serif SC", "SimSun", serif; font-size: 14pt;
        line-height: 1.8; color: #000; max-width: 170mm; margin: 0 auto; }}
 .envelope {{ border: 1px dashed #666; padding: 6mm; margin-bottom: 12mm; white-space: pre-line; }}
 h1 {{ text-align: center; font-size: 20pt; letter-spacing: 0.2em; }}
 .code {{ text-align: right; }}
 .sender, .date {{ text-align: right; margin-top: 10mm; }}
 @media print {{ .envelope {{ border-color: #000; }} }}
</style></head>
<body>
<div class="envelope" aria-label="收件人">{recipient}</div>
<h1>{subject}</h1>
<p class="code">查询码：{tracking_code}</p>
<p>信访人：</p>
<p>{body}</p>
<p class="sender">{sender}</p>
<p class="date">{date}</p>
</body></html>
"""


def letter_address(name: str, address: str) -> str:
    """What the outbox keeps for a letter: the envelope's two lines."""
    return f"{name}\n{address}"


def render_letter(notice: Outgoing, sender: str, timezone: str) -> str:
    issued: datetime = notice.issued_at.astimezone(ZoneInfo(timezone))
    return _PAGE.format(
        subject=escape(notice.subject),
        tracking_code=escape(notice.tracking_code),
        recipient=escape(notice.address),
        body=escape(notice.body),
        sender=escape(sender),
        date=f"{issued.year}年{issued.month}月{issued.day}日",
    )
