"""Opaque cursors for the case list: where the last page ended, in the list's own order."""

from __future__ import annotations

import base64
import binascii
from datetime import datetime

import orjson


class BadCursor(ValueError):
    """A cursor this service did not hand out (or one that was altered)."""


def encode_cursor(opened_at: datetime, case_id: str) -> str:
    raw = orjson.dumps([opened_at.isoformat(), case_id])
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, str]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        opened_at, case_id = orjson.loads(raw)
        when = datetime.fromisoformat(opened_at)
    except (binascii.Error, orjson.JSONDecodeError, ValueError, TypeError) as error:
        raise BadCursor(str(error)) from error
    if not isinstance(case_id, str) or when.tzinfo is None:
        raise BadCursor("not a cursor of this list")
    return when, case_id
