"""Signed checkpoints: a log's size and Merkle root at one moment, signed with Ed25519.

Standard library and `cryptography` only (the standalone verifier imports it). The signed bytes
are a short UTF-8 text, so anyone can re-create them (docs/audit.md):

    pujiang checkpoint v1
    log /pujiang/intake
    size 1234
    root <64 hex digits>
    time 2026-12-01T23:59:00.123456Z
    key <key id>

each line ended by a line feed. The key id is the first 16 hex digits of SHA-256 over the raw
32-byte public key, so a checkpoint names its key and a rotated key never reuses an id.
"""

from __future__ import annotations

import base64
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

ALGORITHM = "Ed25519"


class CheckpointError(ValueError):
    """A checkpoint that is malformed, signed by an unknown key, or whose signature fails."""


def key_id_of(public_key: bytes) -> str:
    return hashlib.sha256(public_key).hexdigest()[:16]


def signed_text(log: str, size: int, root: bytes, time: str, key_id: str) -> bytes:
    if "\n" in log or "\n" in time or "\n" in key_id:
        raise CheckpointError("checkpoint fields may not contain line feeds")
    return (f"pujiang checkpoint v1\nlog {log}\nsize {size}\nroot {root.hex()}\ntime {time}\nkey {key_id}\n").encode()


@dataclass(frozen=True, slots=True)
class Checkpoint:
    log: str
    size: int
    root: bytes
    time: str
    key_id: str
    signature: bytes

    def to_json(self) -> dict[str, Any]:
        return {
            "log": self.log,
            "size": self.size,
            "root": self.root.hex(),
            "time": self.time,
            "key_id": self.key_id,
            "signature": base64.b64encode(self.signature).decode(),
        }

    @classmethod
    def from_json(cls, data: Any) -> Checkpoint:
        try:
            size = data["size"]
            if type(size) is not int or size < 0:
                raise CheckpointError("a checkpoint's size must be a whole number")
            return cls(
                log=str(data["log"]),
                size=size,
                root=bytes.fromhex(data["root"]),
                time=str(data["time"]),
                key_id=str(data["key_id"]),
                signature=base64.b64decode(data["signature"], validate=True),
            )
        except (KeyError, TypeError, ValueError) as error:
            if isinstance(error, CheckpointError):
                raise
            raise CheckpointError(f"malformed checkpoint: {error!r}") from error

    def message(self) -> bytes:
        return signed_text(self.log, self.size, self.root, self.time, self.key_id)

    def verify(self, public_keys: dict[str, bytes]) -> None:
        """Raise CheckpointError unless a known key with the checkpoint's key id signed it."""
        raw = public_keys.get(self.key_id)
        if raw is None:
            raise CheckpointError(f"checkpoint {self.log}@{self.size} is signed by unknown key {self.key_id}")
        try:
            Ed25519PublicKey.from_public_bytes(raw).verify(self.signature, self.message())
        except (InvalidSignature, ValueError) as error:
            raise CheckpointError(
                f"checkpoint {self.log}@{self.size}: the signature does not verify with key {self.key_id}"
            ) from error


def public_key_json(raw: bytes) -> dict[str, str]:
    return {"key_id": key_id_of(raw), "algorithm": ALGORITHM, "public_key": base64.b64encode(raw).decode()}


def public_keys_from_json(items: Any) -> dict[str, bytes]:
    """key id -> raw public key; each id must be the one its key gives."""
    keys: dict[str, bytes] = {}
    for item in items:
        try:
            raw = base64.b64decode(item["public_key"], validate=True)
            Ed25519PublicKey.from_public_bytes(raw)
        except (KeyError, TypeError, ValueError) as error:
            raise CheckpointError(f"malformed public key: {error!r}") from error
        if item.get("algorithm") != ALGORITHM:
            raise CheckpointError(f"key {item.get('key_id')}: only {ALGORITHM} keys are known")
        if item.get("key_id") != key_id_of(raw):
            raise CheckpointError(f"key {item.get('key_id')}: the id is not the one its public key gives")
        keys[key_id_of(raw)] = raw
    return keys


class Signer:
    """Holds one private signing key (read from a file; never stored in the database)."""

    def __init__(self, private_key: Ed25519PrivateKey) -> None:
        self._key = private_key
        self.public_key = private_key.public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw
        )
        self.key_id = key_id_of(self.public_key)

    @classmethod
    def generate(cls) -> Signer:
        return cls(Ed25519PrivateKey.generate())

    @classmethod
    def from_file(cls, path: Path, create: bool = False) -> Signer:
        """The PEM (PKCS#8) key in `path`; with `create`, a new key written there (mode 0600) if absent."""
        if not path.exists() and create:
            path.parent.mkdir(parents=True, exist_ok=True)
            pem = Ed25519PrivateKey.generate().private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
            try:
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:
                pass  # another process made it first: use theirs
            else:
                with os.fdopen(fd, "wb") as file:
                    file.write(pem)
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
        if not isinstance(key, Ed25519PrivateKey):
            raise CheckpointError(f"{path} does not hold an Ed25519 private key")
        return cls(key)

    def sign(self, log: str, size: int, root: bytes, time: str) -> Checkpoint:
        signature = self._key.sign(signed_text(log, size, root, time, self.key_id))
        return Checkpoint(log, size, root, time, self.key_id, signature)
