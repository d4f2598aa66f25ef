"""`python -m shared.audit.verify BUNDLE [--trusted-keys KEYS]`: check a case bundle offline.

Needs only the standard library and `cryptography`: no service, broker or database. It exits 0
when every check holds, 1 naming the first bad event, proof or checkpoint, 2 when the file
cannot be read. The algorithm is docs/audit.md's; in order, for each log of the bundle:

1. every checkpoint's Ed25519 signature, by a key of the bundle (and, with --trusted-keys, a key
   the auditor trusts), and each checkpoint consistent with the one before (RFC 9162 §2.1.4);
2. every event, in the order listed: its SHA-256 over the canonical form equals its `hash`; it
   comes from this log; its stream's versions run 1, 2, 3… each chained to the one before by
   `prev_hash`; its leaf index is above the previous event's (the log's global order); and its
   inclusion proof leads from SHA-256(0x00 || hash bytes) to the root of the checkpoint it names.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from shared.audit.checkpoint import Checkpoint, CheckpointError, public_keys_from_json
from shared.audit.merkle import ProofError, leaf_hash, verify_consistency, verify_inclusion

FORMAT = "pujiang-case-bundle/1"
GENESIS_HASH = "0" * 64


class BundleError(Exception):
    """The first thing in a bundle that does not hold, said so that an auditor can find it."""


def canonical(event: dict[str, Any]) -> bytes:
    """The bytes an event's hash covers: every field but `hash` (and `position`), as canonical JSON.

    JSON with keys sorted by code point, no insignificant whitespace, strings in UTF-8 with only
    the escapes JSON requires (what orjson's OPT_SORT_KEYS writes). Event payloads hold no
    floating-point numbers, whose spelling differs between JSON writers; one is refused.
    """
    fields = {k: v for k, v in event.items() if k not in ("hash", "position")}
    _no_floats(fields)
    return json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def event_hash(event: dict[str, Any]) -> str:
    return hashlib.sha256(canonical(event)).hexdigest()


def _no_floats(value: Any) -> None:
    if isinstance(value, float):
        raise BundleError("an event holds a floating-point number, which has no canonical form here")
    if isinstance(value, dict):
        for v in value.values():
            _no_floats(v)
    elif isinstance(value, list):
        for v in value:
            _no_floats(v)


@dataclass
class Report:
    logs: int = 0
    events: int = 0
    checkpoints: int = 0


def verify_bundle(bundle: Any, trusted: dict[str, bytes] | None = None) -> Report:
    """Raise BundleError at the first failure; the report counts what was checked."""
    if not isinstance(bundle, dict) or bundle.get("format") != FORMAT:
        raise BundleError(f"not a case bundle (format must be {FORMAT!r})")
    try:
        keys = public_keys_from_json(bundle.get("keys", []))
    except CheckpointError as error:
        raise BundleError(str(error)) from error
    if trusted is not None:
        for key_id, raw in keys.items():
            if trusted.get(key_id) != raw:
                raise BundleError(f"key {key_id} in the bundle is not one of the trusted keys")
    report = Report()
    for log in bundle.get("logs", []):
        _verify_log(log, keys, report)
        report.logs += 1
    return report


def _verify_log(log: dict[str, Any], keys: dict[str, bytes], report: Report) -> None:
    name = log.get("log")
    checkpoints = _verify_checkpoints(str(name), log, keys)
    report.checkpoints += len(checkpoints)
    heads: dict[str, tuple[int, str]] = {}  # stream -> (version, hash) of its last event seen
    last_leaf = -1
    for item in log.get("events", []):
        event = item.get("event") if isinstance(item, dict) else None
        if not isinstance(event, dict):
            raise BundleError(f"log {name}: an entry without an event")
        where = f"event {event.get('id')} (log {name}, stream {event.get('stream_id')}, version {event.get('version')})"
        if event_hash(event) != event.get("hash"):
            raise BundleError(f"{where}: its content does not match its hash")
        if event.get("source") != name:
            raise BundleError(f"{where}: it comes from {event.get('source')}, not from this log")
        stream, version = event.get("stream_id"), event.get("version")
        if not isinstance(stream, str) or type(version) is not int:
            raise BundleError(f"{where}: no stream id or version")
        before, prev = heads.get(stream, (0, GENESIS_HASH))
        if version != before + 1:
            raise BundleError(f"{where}: follows version {before} of its stream (an event is missing or out of order)")
        if event.get("prev_hash") != prev:
            raise BundleError(f"{where}: its prev_hash is not the hash of the event before it")
        heads[stream] = (version, event["hash"])
        leaf, size = item.get("leaf_index"), item.get("checkpoint")
        if type(leaf) is not int or leaf <= last_leaf:
            raise BundleError(f"{where}: leaf {leaf} does not come after leaf {last_leaf} (events out of order)")
        last_leaf = leaf
        checkpoint = checkpoints.get(size) if type(size) is int else None
        if checkpoint is None:
            raise BundleError(f"{where}: its proof names no checkpoint of the bundle ({size})")
        try:
            proof = [bytes.fromhex(h) for h in item.get("proof", [])]
            verify_inclusion(leaf, checkpoint.size, leaf_hash(bytes.fromhex(event["hash"])), proof, checkpoint.root)
        except (ProofError, ValueError, TypeError) as error:
            raise BundleError(f"{where}: inclusion proof fails: {error}") from error
        report.events += 1


def _verify_checkpoints(name: str, log: dict[str, Any], keys: dict[str, bytes]) -> dict[int, Checkpoint]:
    by_size: dict[int, Checkpoint] = {}
    previous: Checkpoint | None = None
    consistency = log.get("consistency", [])
    for i, raw in enumerate(log.get("checkpoints", [])):
        try:
            checkpoint = Checkpoint.from_json(raw)
            checkpoint.verify(keys)
        except CheckpointError as error:
            raise BundleError(str(error)) from error
        if checkpoint.log != name:
            raise BundleError(f"checkpoint {checkpoint.log}@{checkpoint.size} is not of log {name}")
        if previous is not None:
            try:
                proof = [bytes.fromhex(h) for h in consistency[i - 1]]
                verify_consistency(previous.size, checkpoint.size, previous.root, checkpoint.root, proof)
            except (ProofError, ValueError, TypeError, IndexError) as error:
                raise BundleError(
                    f"checkpoint {name}@{checkpoint.size} does not extend {name}@{previous.size}: {error}"
                ) from error
        by_size[checkpoint.size] = checkpoint
        previous = checkpoint
    return by_size


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m shared.audit.verify", description=__doc__.split("\n\n")[0])
    parser.add_argument("bundle", type=Path, help="the case bundle (JSON) exported by the audit CLI or endpoint")
    parser.add_argument("--trusted-keys", type=Path, help="JSON list of the public keys the auditor trusts")
    args = parser.parse_args(argv)
    try:
        bundle = json.loads(args.bundle.read_bytes())
        trusted = None
        if args.trusted_keys is not None:
            trusted = public_keys_from_json(json.loads(args.trusted_keys.read_bytes()))
    except (OSError, ValueError, CheckpointError) as error:
        print(f"cannot read: {error}", file=sys.stderr)
        return 2
    try:
        report = verify_bundle(bundle, trusted)
    except BundleError as error:
        print(f"BAD {error}")
        return 1
    print(
        f"OK case {bundle.get('case_id')}: {report.events} events in {report.logs} logs, "
        f"{report.checkpoints} signed checkpoints; every hash, chain, proof and signature holds"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
