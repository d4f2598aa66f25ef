"""Was an event read past before it committed? The relays' `relay.read` log lines against commit times.

For the open chaos-run loss (README, "A province on a cluster"): events past intake's relay
checkpoint and absent from Kafka. If the read whose range holds a lost event's transaction ran
before that transaction committed, the relay's horizon let it skip the event. If it ran after,
the relay read the event and handed it to the producer, so Kafka lost it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import orjson


@dataclass(frozen=True)
class Read:
    at: datetime
    after: tuple[int, int]  # (tx_id, position), exclusive
    last: tuple[int, int]  # inclusive
    acked: tuple[tuple[int, int], ...] = ()  # (partition, base offset) of each batch, once settled


def reads_in(logs: Iterable[Path], schema: str) -> list[Read]:
    """Every `relay.read` of `schema` in these JSON log files, oldest first, with where it landed
    (the `relay.acked` that settled it, in the same file)."""
    found = []
    for path in logs:
        reads, acked = [], {}
        for line in path.read_bytes().splitlines():
            if b'"relay.read"' not in line and b'"relay.acked"' not in line:
                continue
            entry = orjson.loads(line)
            if entry.get("event") == "relay.acked":
                landed = tuple(
                    (partition, offset) for topic, partition, offset in entry["appends"] if topic.endswith(f".{schema}")
                )
                acked[(entry["last_tx"], entry["last_position"])] = landed
            elif entry.get("event") == "relay.read" and entry.get("schema") == schema:
                at = datetime.fromisoformat(entry["timestamp"])
                reads.append(
                    Read(at, (entry["after_tx"], entry["after_position"]), (entry["last_tx"], entry["last_position"]))
                )
        found += [Read(r.at, r.after, r.last, acked.get(r.last, ())) for r in reads]
    return sorted(found, key=lambda r: r.at)


def verdict(place: tuple[int, int], committed: datetime | None, reads: list[Read]) -> str:
    """What the reads say of one lost event at `place` whose transaction committed at `committed`.

    A relay that restarts reads again from its checkpoint, so a place can be covered more than
    once: a skip means every read over it ran before the commit.
    """
    covering = [r for r in reads if r.after < place <= r.last]
    if not covering:
        return "no read covered it"
    if committed is None:
        return f"read over at {covering[0].at.isoformat()} (commit time unknown)"
    after_commit = [r for r in covering if r.at >= committed]
    if not after_commit:
        ahead = (committed - covering[-1].at).total_seconds()
        return f"SKIPPED: {len(covering)} read(s) over it, the last {ahead:.3f}s before its transaction committed"
    lag = (after_commit[0].at - committed).total_seconds()
    landed = (
        f"; acknowledged at (partition, base offset) {list(after_commit[0].acked)}" if after_commit[0].acked else ""
    )
    return f"read {lag:.3f}s after commit, so handed to the producer{landed}"
