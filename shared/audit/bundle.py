"""A case bundle: what an auditor takes away to check offline (format: docs/audit.md).

Each service proves its own events (`LogProofs`, served by its `GET /v1/audit/proofs`); a bundle
puts those of every service together with the public keys the checkpoints name.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from shared.audit.checkpoint import Checkpoint, public_key_json
from shared.audit.merkle import leaf_hash
from shared.audit.verify import FORMAT
from shared.events.base import RecordedEvent


def event_leaf(event_hash: str) -> bytes:
    """An event's leaf in its log's tree: the leaf hash of its chain hash's 32 bytes."""
    return leaf_hash(bytes.fromhex(event_hash))


def event_json(event: RecordedEvent) -> dict[str, Any]:
    """An event as the bundle holds it: every field the hash covers, plus the hash."""
    return event.model_dump(mode="json", exclude={"position"})


@dataclass(frozen=True, slots=True)
class ProvenEvent:
    event: dict[str, Any]
    leaf_index: int
    checkpoint: int  # the size of the checkpoint the proof reaches
    proof: Sequence[bytes]

    def to_json(self) -> dict[str, Any]:
        return {
            "leaf_index": self.leaf_index,
            "checkpoint": self.checkpoint,
            "proof": [h.hex() for h in self.proof],
            "event": self.event,
        }


@dataclass(frozen=True, slots=True)
class LogProofs:
    """One service's part of a bundle: its events of the case, proven against its checkpoints."""

    log: str
    checkpoints: Sequence[Checkpoint]
    consistency: Sequence[Sequence[bytes]]  # proof from checkpoints[i] to checkpoints[i + 1]
    events: Sequence[ProvenEvent]
    public_keys: Sequence[bytes] = field(default=())

    def to_json(self) -> dict[str, Any]:
        return {
            "log": self.log,
            "checkpoints": [c.to_json() for c in self.checkpoints],
            "consistency": [[h.hex() for h in proof] for proof in self.consistency],
            "events": [e.to_json() for e in self.events],
            "keys": [public_key_json(k) for k in self.public_keys],
        }


def case_bundle(case_id: str, logs: Sequence[dict[str, Any]], exported_at: str) -> dict[str, Any]:
    """The one file: every log's proofs (as `LogProofs.to_json` gives them) and their keys, once."""
    keys: dict[str, dict[str, str]] = {}
    sections = []
    for log in logs:
        for key in log.get("keys", []):
            keys.setdefault(key["key_id"], key)
        sections.append({k: v for k, v in log.items() if k != "keys"})
    return {
        "format": FORMAT,
        "case_id": case_id,
        "exported_at": exported_at,
        "keys": list(keys.values()),
        "logs": sections,
    }
