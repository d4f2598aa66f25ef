"""The deterministic core: given the seed, the tick and what was seen settled, which commands to send.

Nothing here waits, reads a clock or talks to a service; the runner feeds it observations and
sends what it returns. Same seed and same observations give the same commands, in the same order.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from simulator.domain.arrivals import arrivals, next_arrival_tick
from simulator.domain.draws import stream
from simulator.domain.merging import merges
from simulator.domain.model import (
    OFFICIAL_ACTIONS,
    SUPERVISOR_ACTIONS,
    TERMINAL,
    WORK_ACTIONS,
    Command,
    Decision,
    Observed,
    PetitionSpec,
    SimState,
    Step,
    Track,
)
from simulator.domain.plans import plan
from simulator.domain.world import World

# Steps after which the case should look different (a new stay starts once that is seen).
# A category correction may move the case, or not: either way the unit plans afresh once it is seen.
_MOVES_ON = {
    "submit", "accept", "reject", "transfer", "escalate", "resolve", "review", "category", "withdraw", "merge",
}  # fmt: skip
_CLOSES = {"satisfied", "basically_satisfied"}


def moves_on(step: Step) -> bool:
    if step.action == "callbacks":
        return step.body.get("satisfaction") in _CLOSES
    return step.action in _MOVES_ON or (step.action == "feedback" and step.body.get("satisfied") is True)


def absorb(world: World, state: SimState, tick: int, seen: Mapping[int, Observed]) -> SimState:
    """Take in what was seen settled at this tick: whoever newly holds a case makes a plan."""
    tracks, finished = dict(state.tracks), dict(state.finished)
    for ref in sorted(seen):
        track = tracks.get(ref)
        if track is None:
            continue
        if seen[ref].status in TERMINAL:
            del tracks[ref]
            finished[seen[ref].status] = finished.get(seen[ref].status, 0) + 1
        else:
            tracks[ref] = _observe(world, track, seen[ref], tick)
    # 並案: some cases just planned for at their first unit join an open one there instead.
    planned = [ref for ref in seen if ref in tracks and tracks[ref].stays != state.tracks[ref].stays]
    tracks.update(merges(world, tracks, planned, tick))
    return replace(state, tracks=tracks, finished=finished)


def step(world: World, state: SimState, tick: int, seen: Mapping[int, Observed]) -> Decision:
    """Take in what was seen at this tick, then say what everyone does now and who petitions."""
    state = absorb(world, state, tick, seen)
    tracks = dict(state.tracks)
    act: list[Command] = []
    seq = state.next_seq
    for ref in sorted(tracks):
        track = tracks[ref]
        if not track.steps or track.steps[0].tick > tick:
            continue  # steps are planned in order: the first one is the next one
        due = tuple(s for s in track.steps if s.tick <= tick)
        for planned in due:
            act.append(_command(track, planned, seq, tick))
            seq += 1
        tracks[ref] = replace(
            track,
            steps=track.steps[len(due) :],
            expects_change=track.expects_change or any(moves_on(s) for s in due),
            repeats=track.repeats + sum(s.action == "repeat" for s in due),
        )
    arrive: list[Command] = []
    specs = arrivals(world, tick, state.next_ref)
    for spec in specs:
        arrive.append(_command(Track(petition=spec), Step(tick, "submit"), seq, tick))
        tracks[spec.ref] = Track(petition=spec)
        seq += 1
    new_state = replace(state, tick=tick, next_ref=state.next_ref + len(specs), next_seq=seq, tracks=tracks)
    return Decision(state=new_state, act=tuple(act), arrive=tuple(arrive))


def next_tick(world: World, state: SimState) -> int | None:
    """The next tick at which anyone plans to act or a petition arrives (None: nothing ever will)."""
    planned = [s.tick for t in state.tracks.values() for s in t.steps[:1]]
    arrival = next_arrival_tick(world, state.tick, sent=state.next_ref - 1)
    candidates = [*planned, *([arrival] if arrival is not None else [])]
    return max(state.tick + 1, min(candidates)) if candidates else None


def _observe(world: World, track: Track, seen: Observed, tick: int) -> Track:
    before = track.observed
    # A new holder or state means a new plan; so does a command that was refused (nothing moved).
    if before is None or seen.key != before.key or (track.expects_change and not track.steps):
        stays = track.stays + 1
        rng = stream(world.config.seed, "stay", track.petition.ref, stays)
        steps = plan(world, track, seen, tick, rng)
        return replace(track, observed=seen, stays=stays, steps=steps, expects_change=False)
    return replace(track, observed=seen, expects_change=False)


def submission(spec: PetitionSpec) -> dict[str, Any]:
    """What a petition says, as the simulator logs it (contact details are added per run)."""
    return spec.model_dump(exclude={"ref", "tick", "recorded_by"})


def _command(track: Track, planned: Step, seq: int, tick: int) -> Command:
    spec, seen = track.petition, track.observed
    if planned.action in {"submit", "repeat"}:
        actor = f"cadre@{spec.recorded_by}" if spec.recorded_by else "citizen"
        return Command(
            seq=seq,
            tick=tick,
            petition=spec.ref,
            action=planned.action,
            actor=actor,
            division=spec.recorded_by,
            body=submission(spec),
        )
    if planned.action in WORK_ACTIONS:
        division = planned.division or (seen.division_code if seen else None)
        unit = planned.unit or (seen.unit_id if seen else None)
        actor = f"supervisor@{division}" if planned.action in SUPERVISOR_ACTIONS else f"official@{unit}"
        return Command(
            seq=seq,
            tick=tick,
            petition=spec.ref,
            action=planned.action,
            actor=actor,
            division=division,
            body=dict(planned.body),
            path=planned.path,
        )
    if planned.action in OFFICIAL_ACTIONS:
        division = planned.by or (seen.division_code if seen else None)
        return Command(
            seq=seq,
            tick=tick,
            petition=spec.ref,
            action=planned.action,
            actor=f"official@{planned.by or (seen.unit_id if seen else None)}",
            division=division,
            body=dict(planned.body),
        )
    return Command(
        seq=seq, tick=tick, petition=spec.ref, action=planned.action, actor="petitioner", body=dict(planned.body)
    )
