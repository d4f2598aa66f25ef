"""Personal data sealed: envelope encryption and keyed hashes, the one home of the crypto rules.

A person's identity and contact are encrypted (AES-256-GCM) with a data key of their own; the
ciphertext is bound by associated data to that key and to its owner (the case and the signer's
place on it), so it cannot be moved to another person. Each data key is stored wrapped by the
master key (AES-256-GCM again, bound to the key's id); destroying the wrapped key erases the data
everywhere its ciphertext went (events, Kafka, read models), while the ciphertext, and so every
hash chain over it, stays. Keyed hashes (HMAC-SHA-256 under a key derived from the master key)
let equal phones and id numbers be compared without keeping them.

Pure computation: the master key comes in as bytes, wrapped keys are stored by the caller.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import uuid
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

KEY_BYTES = 32
NONCE_BYTES = 12
SEALED_PREFIX = "v1."
ERASED = "[已删除]"  # what erased personal data reads as, everywhere it is shown
# The development master key (base64 of 32 bytes): dev only, refused elsewhere (shared/guards.py).
DEV_MASTER_KEY = base64.b64encode(hashlib.sha256(b"pujiang-dev-master-key-never-in-production").digest()).decode()


class SealingError(ValueError):
    """A ciphertext or wrapped key that does not open with this key (tampered, moved or foreign)."""


def decode_master_key(text: str) -> bytes:
    """A master key from its base64 text (32 bytes), or ValueError saying what is wrong."""
    try:
        raw = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError) as error:
        raise ValueError("the master key is not base64") from error
    if len(raw) != KEY_BYTES:
        raise ValueError(f"the master key must be {KEY_BYTES} bytes (base64 of 32 random bytes), not {len(raw)}")
    return raw


def master_key_text(inline: str | None, key_file: str | None) -> str:
    """The master key's base64 text: the file's when one is named, else the inline value, else the dev key."""
    if key_file:
        return Path(key_file).read_text(encoding="utf-8")
    return inline or DEV_MASTER_KEY


def is_dev_master_key(text: str) -> bool:
    return hmac.compare_digest(text.strip().encode(), DEV_MASTER_KEY.encode())


@dataclass(frozen=True)
class DataKey:
    """One person's data key: its id (named in the events) and its secret (never stored unwrapped)."""

    key_id: str
    secret: bytes


class Sealer:
    """Seals and opens personal data, wraps data keys, and makes keyed hashes, under one master key."""

    def __init__(self, master_key: bytes) -> None:
        if len(master_key) != KEY_BYTES:
            raise ValueError(f"the master key must be {KEY_BYTES} bytes")
        self._wrap = AESGCM(_derive(master_key, b"pujiang/wrap-data-keys/v1"))
        self._blind = _derive(master_key, b"pujiang/keyed-hash/v1")
        # Names the master key a data key was wrapped with (rotation), revealing nothing of it.
        self.master_key_id = _derive(master_key, b"pujiang/master-key-id/v1").hex()[:16]

    @classmethod
    def of_text(cls, text: str) -> Sealer:
        return cls(decode_master_key(text))

    # --- data keys ---------------------------------------------------------------------------

    def new_data_key(self) -> DataKey:
        return DataKey(str(uuid.uuid4()), AESGCM.generate_key(bit_length=256))

    def wrap(self, key: DataKey) -> bytes:
        nonce = os.urandom(NONCE_BYTES)
        return nonce + self._wrap.encrypt(nonce, key.secret, _aad("data-key", key.key_id))

    def unwrap(self, key_id: str, wrapped: bytes) -> DataKey:
        try:
            secret = self._wrap.decrypt(wrapped[:NONCE_BYTES], wrapped[NONCE_BYTES:], _aad("data-key", key_id))
        except InvalidTag as error:
            raise SealingError(f"data key {key_id} does not unwrap with this master key") from error
        return DataKey(key_id, secret)

    # --- sealing -----------------------------------------------------------------------------

    @staticmethod
    def seal(key: DataKey, owner: str, plaintext: bytes) -> str:
        """`plaintext` encrypted under `key`, bound to the key and to `owner` (e.g. `petitioner|<case>|0`)."""
        nonce = os.urandom(NONCE_BYTES)
        sealed = nonce + AESGCM(key.secret).encrypt(nonce, plaintext, _aad(owner, key.key_id))
        return SEALED_PREFIX + base64.urlsafe_b64encode(sealed).decode()

    @staticmethod
    def open(key: DataKey, owner: str, sealed: str) -> bytes:
        if not sealed.startswith(SEALED_PREFIX):
            raise SealingError("not a sealed value")
        try:
            raw = base64.urlsafe_b64decode(sealed[len(SEALED_PREFIX) :])
            return AESGCM(key.secret).decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], _aad(owner, key.key_id))
        except (InvalidTag, binascii.Error, ValueError) as error:
            raise SealingError(f"sealed value of {owner} does not open with key {key.key_id}") from error

    # --- keyed hashes ------------------------------------------------------------------------

    def blind(self, text: str) -> str:
        """A keyed hash of `text` (say `phone:13800000000`): equal texts match, nobody can guess back."""
        return hmac.new(self._blind, text.encode(), hashlib.sha256).hexdigest()


def _derive(master_key: bytes, info: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=KEY_BYTES, salt=None, info=info).derive(master_key)


def _aad(owner: str, key_id: str) -> bytes:
    return f"pujiang/sealed/v1|{owner}|{key_id}".encode()
