"""Similar matters from different people (並案): which newly received cases a unit merges into its own
open case of the same category. Pure: decided from the seed and what was seen settled."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace

from simulator.domain.draws import chance, stream
from simulator.domain.model import Step, Track
from simulator.domain.world import World

# A case may take others in while its unit handles it; routing refuses the rest (the core plans anew).
_LEAD_STATUSES = frozenset({"assigned", "accepted"})
REASON = "反映同一事项，并案办理"


def merges(world: World, tracks: Mapping[int, Track], planned: Iterable[int], tick: int) -> dict[int, Track]:
    """The tracks just planned for (`planned`) whose first plan becomes a merge into an older open
    case at the same unit."""
    changed: dict[int, Track] = {}
    leads = {ref: t for ref, t in tracks.items() if _can_lead(t)}
    for ref in sorted(planned):
        track = tracks.get(ref)
        if track is None or not _fresh(track):
            continue
        lead = _lead_for(track, ref, leads)
        if lead is None or not chance(stream(world.config.seed, "merge", ref), world.config.behaviour.units.merge):
            continue
        first = min((s.tick for s in track.steps), default=tick)
        changed[ref] = replace(track, steps=(Step(first, "merge", {"lead": lead, "reason": REASON}),))
        leads.pop(ref, None)  # merged away, it leads nothing
    return changed


def _fresh(track: Track) -> bool:
    """Just received at its first unit, nothing done yet: what a dispatcher would merge."""
    seen = track.observed
    return track.stays == 1 and seen is not None and seen.status == "assigned" and seen.round == "first"


def _can_lead(track: Track) -> bool:
    seen = track.observed
    merging = any(s.action == "merge" for s in track.steps)
    return seen is not None and seen.status in _LEAD_STATUSES and seen.round == "first" and not merging


def _lead_for(track: Track, ref: int, leads: Mapping[int, Track]) -> int | None:
    """The oldest open case of the same unit and category, of another petition."""
    seen = track.observed
    assert seen is not None
    for other in sorted(leads):
        lead = leads[other].observed
        if other < ref and lead is not None and (lead.unit_id, lead.category) == (seen.unit_id, seen.category):
            return other
    return None
