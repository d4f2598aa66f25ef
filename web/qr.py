"""The tracking code as a QR code (民呼码) that opens the follow page. Pure: text in, SVG out."""

from __future__ import annotations

import io
import re

import segno

TRACKING_CODE = re.compile(r"^MH[0-9A-Z]{6,20}$")


def follow_url(base_url: str, tracking_code: str) -> str:
    return f"{base_url.rstrip('/')}/portal#/follow/{tracking_code}"


def qr_svg(text: str) -> bytes:
    out = io.BytesIO()
    # Error correction M survives a scuffed print-out; the quiet zone is the standard 4 modules.
    segno.make_qr(text, error="m").save(out, kind="svg", scale=6, border=4, dark="#000", light="#fff", xmldecl=False)
    return out.getvalue()
