"""The petitioner's tracking code (民呼碼-style, public) and access code (secret)."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

# Crockford base32: no I, L, O, U, so codes read aloud over the hotline are unambiguous.
_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def _random(length: int) -> str:
    # One read of the OS's randomness per code; 256 is a multiple of 32, so `% 32` keeps it uniform.
    return "".join(_ALPHABET[byte % 32] for byte in secrets.token_bytes(length))


def new_tracking_code() -> str:
    return "MH" + _random(10)


def new_access_code() -> str:
    # 12 symbols = 60 bits: only its hash is stored and published, and that is not guessable.
    return _random(12)


def hash_access_code(tracking_code: str, access_code: str) -> str:
    return hashlib.sha256(f"{tracking_code}:{access_code.strip().upper()}".encode()).hexdigest()


def access_code_matches(tracking_code: str, access_code: str, stored_hash: str) -> bool:
    return hmac.compare_digest(hash_access_code(tracking_code, access_code), stored_hash)


_TRACKING = re.compile(r"^MH[0-9A-HJKMNP-TV-Z]{10}$")


def normalize_tracking_code(text: str) -> str | None:
    """The tracking code as issued (read aloud, it may come back in lower case), or None if it is not one."""
    code = text.strip().upper()
    return code if _TRACKING.match(code) else None
