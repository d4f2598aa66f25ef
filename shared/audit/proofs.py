"""A service's proofs of its own events of one case: what its `GET /v1/audit/proofs` serves.

Each service proves only its own log (it never reads another's tables); projections' bundle
export asks every service and puts the answers together (shared.audit.bundle).
"""

from __future__ import annotations

import asyncpg

from shared.audit.blocks import BLOCK, TreeView, blocks_needed_for_consistency
from shared.audit.bundle import LogProofs, ProvenEvent, event_json
from shared.audit.checkpoint import public_keys_from_json
from shared.audit.merkle import consistency_proof, inclusion_proof
from shared.audit.tree_store import StoredCheckpoint, TreeStore, block_of
from shared.domain import Refusal
from shared.events.base import RecordedEvent
from shared.eventstore.port import Position


class UnsignedInSignedRange(Refusal):
    """A signed block's range of the log holds more events than the block signed (one committed
    late, or was written in). No place in it can be proven; auditors are told, not given a
    partial answer."""

    def __init__(self, log: str, block: int, found: int, signed: int) -> None:
        super().__init__(
            f"{log}: block {block} of the log holds {found} events where its checkpoint signed {signed}; "
            "the log differs from what was signed",
            [{"log": log, "block": block, "events": found, "signed": signed}],
        )


async def case_proofs(
    conn: asyncpg.Connection, trees: TreeStore, subject: list[tuple[Position, RecordedEvent]]
) -> LogProofs:
    """The case's events in this log (`subject`, as `read_subject` gives them) with their inclusion
    proofs in the latest checkpoint.

    The checkpoint before it comes along with the consistency proof between the two. Events
    appended after the latest checkpoint are left out (the caller asks for a fresh one first).
    """
    store = trees.store
    stored = await trees.latest(conn, 2)
    if not stored:
        return LogProofs(store.source, [], [], [])
    latest = stored[-1]
    size = latest.checkpoint.size
    blocks = await trees.blocks(conn)
    lasts = [p for p, _ in blocks]
    roots = [r for _, r in blocks]
    covered = [(p, e, block_of(lasts, p)) for p, e in subject if p <= latest.last]
    needed = {b for _, _, b in covered} | blocks_needed_for_consistency(size, size)
    if len(stored) == 2:
        needed |= blocks_needed_for_consistency(stored[0].checkpoint.size, size)
    view = TreeView(roots, {b: await trees.block_leaves(conn, b, latest) for b in sorted(needed)})
    places = {b: await _signed_places(conn, trees, lasts, latest, b) for b in sorted({b for _, _, b in covered})}
    proven = []
    for position, event, b in covered:
        # The leaf index comes from the event's place in the global order, never from its hash,
        # so a rewritten event still gets the proof of the leaf that was signed, which it fails.
        index = b * BLOCK + places[b].index(position)
        proven.append(ProvenEvent(event_json(event), index, size, inclusion_proof(view.mth, index, size)))
    consistency = []
    if len(stored) == 2:
        consistency.append(consistency_proof(view.mth, stored[0].checkpoint.size, size))
    keys = {k: v for s in stored for k, v in public_keys_from_json([s.record["key"]]).items()}
    return LogProofs(store.source, [s.checkpoint for s in stored], consistency, proven, list(keys.values()))


async def _signed_places(
    conn: asyncpg.Connection, trees: TreeStore, lasts: list[Position], latest: StoredCheckpoint, block: int
) -> list[Position]:
    """Where `block`'s signed leaves lie in the global order; refused when its range of the log
    now holds another number of events than the block signed."""
    complete = block < len(lasts)
    last = lasts[block] if complete else latest.last
    signed = BLOCK if complete else latest.checkpoint.size % BLOCK
    found = [p for p in await trees.block_places(conn, lasts, block) if p <= last]
    if len(found) != signed:
        raise UnsignedInSignedRange(trees.store.source, block, len(found), signed)
    return found
