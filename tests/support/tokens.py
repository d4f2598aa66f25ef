"""Tokens made by hand, as an attacker would: PyJWT itself refuses to make most of them."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from typing import Any

MALLORY = {"sub": "mallory", "role": "admin", "division": "330000000000"}


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unsigned(header: dict[str, Any], claims: dict[str, Any] = MALLORY) -> str:
    """A token with an empty signature, as alg "none" has."""
    return f"{b64(json.dumps(header).encode())}.{b64(json.dumps(claims).encode())}."


def forged(header: dict[str, Any], key: bytes, claims: dict[str, Any] = MALLORY) -> str:
    """A token signed with HMAC-SHA256 under any key, a public one included (PyJWT refuses that)."""
    signing_input = unsigned(header, claims)[:-1]
    signature = hmac.new(key, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{b64(signature)}"
