"""The work across units in a handling plan: assisting units' tasks, consultations, supervision of slow
cases, leaders' instructions and work notes. Pure, drawn from the stay's own `work` stream, so that it
changes none of the draws the rest of the plan makes."""

from __future__ import annotations

import random

from shared.divisions import parent_of
from shared.vocabulary import Level
from simulator.domain import texts
from simulator.domain.draws import chance, lognormal, stream
from simulator.domain.model import Observed as Seen
from simulator.domain.model import Step, Track
from simulator.domain.world import World

_WITH_NEIGHBOURS = frozenset({Level.VILLAGE, Level.TOWNSHIP})


def work_steps(world: World, track: Track, seen: Seen, level: Level, tick: int, final: Step) -> list[Step]:
    """What the lead, its assisting units and the supervisors above do before the case is handed on."""
    from simulator.domain.plans import after, pace  # the plan's own time rules (plans imports us)

    habits, spread = world.config.behaviour.work, world.config.behaviour.units.spread
    rng = stream(world.config.seed, "work", track.petition.ref, track.stays + 1)
    lead_pace = pace(world, seen.unit_id or "")
    steps: list[Step] = []
    resolving = final.action == "resolve"
    # Tasks left open by an earlier stay (the case was taken over): the lead closes them before replying.
    if resolving:
        steps += [_close(final.tick, task_id, rng) for task_id in seen.open_tasks]
    # Supervision still unanswered: the handling unit reports its progress.
    for supervision_id in seen.pending_supervisions:
        at = after(world, tick, 24 * lognormal(rng, habits.answer_days * lead_pace, spread))
        steps.append(_answer(min(at, final.tick), supervision_id, rng))
    if resolving and chance(rng, habits.joint.get(level, 0.0)):
        steps += _joint(world, track, seen, level, tick, final.tick, rng)
    supervisor = parent_of(seen.division_code) if seen.division_code and level.up() else None
    likely = habits.supervise_slow if lead_pace > 1 else habits.supervise_other
    if supervisor and seen.round == "first" and chance(rng, likely):
        order = after(world, tick, 24 * lognormal(rng, habits.supervise_after_days, spread))
        if order < final.tick:
            supervision_id = str(seen.supervisions + 1)
            steps.append(Step(order, "supervise", {"demand": rng.choice(texts.SUPERVISION_DEMANDS)},
                              division=supervisor, path="supervisions"))  # fmt: skip
            if chance(rng, habits.instruct):
                given = {"leader": f"{rng.choice(texts.LEADERS[2:])}{texts.person(rng)}",
                         "text": rng.choice(texts.INSTRUCTIONS)}  # fmt: skip
                steps.append(Step(order, "instruct", given, division=supervisor, path="instructions"))
            answer = after(world, order, 24 * lognormal(rng, habits.answer_days * lead_pace, spread))
            steps.append(_answer(min(answer, final.tick), supervision_id, rng))
    if chance(rng, habits.note):
        at = tick + max(1, (final.tick - tick) // 2)
        steps.append(Step(min(at, final.tick), "note", {"text": rng.choice(texts.NOTES)}, path="notes"))
    return steps


def _close(at: int, task_id: str, rng: random.Random) -> Step:
    return Step(at, "close-task", {"reason": rng.choice(texts.CLOSE_REASONS)}, path=f"tasks/{task_id}/close")


def _answer(at: int, supervision_id: str, rng: random.Random) -> Step:
    body = {"report": rng.choice(texts.SUPERVISION_REPORTS)}
    return Step(at, "answer-supervision", body, path=f"supervisions/{supervision_id}/response")


def _joint(
    world: World, track: Track, seen: Seen, level: Level, tick: int, reply: int, rng: random.Random
) -> list[Step]:
    """One or two assisting units, each signing and reporting (or asking to be released) before the reply;
    what would come too late the lead closes with a reason just before it replies."""
    from simulator.domain.plans import after, pace

    habits, spread = world.config.behaviour.work, world.config.behaviour.units.spread
    units = _assisting_units(world, track, seen, level, rng)[: 2 if chance(rng, habits.second_task) else 1]
    added = after(world, tick, lognormal(rng, 24, spread))
    if not units or added >= reply:
        return []
    steps: list[Step] = []
    last = added
    for n, unit in enumerate(units, start=seen.tasks + 1):
        task, division = f"tasks/{n}", unit.partition(":")[0]
        steps.append(Step(added, "add-task", {"unit_id": unit, "ask": rng.choice(texts.TASK_ASKS)}, path="tasks"))
        slow = pace(world, unit)
        at = after(world, added, lognormal(rng, habits.sign_hours * slow, spread))
        done: list[Step] = [Step(at, "sign-task", {}, division, unit, f"{task}/sign")]
        if chance(rng, habits.release):
            at = after(world, at, lognormal(rng, 12, spread))
            done.append(Step(at, "release-task", {"reason": rng.choice(texts.RELEASE_REASONS)}, division, unit,
                             f"{task}/release"))  # fmt: skip
            granted = chance(rng, habits.release_granted)
            at = after(world, at, lognormal(rng, 12, spread))
            body = {"granted": granted, "reason": rng.choice(texts.RELEASE_DECISIONS[granted])}
            done.append(Step(at, "decide-release", body, path=f"{task}/release-decision"))
            if granted:
                at = -1  # released: nothing more is owed
        if at >= 0:
            at = after(world, at, 24 * lognormal(rng, habits.report_days * slow, spread))
            kind = rng.choice(("opinion", "action"))
            report = {"kind": kind, "text": rng.choice(texts.TASK_REPORTS)}
            done.append(Step(at, "report-task", report, division, unit, f"{task}/report"))
        on_time = [s for s in done if s.tick < reply]
        steps += on_time
        if len(on_time) < len(done):  # the rest would come after the reply: the lead closes the task
            steps.append(_close(reply, str(n), rng))
        last = max([last, *(s.tick for s in on_time)])
    if chance(rng, habits.consult):
        held = after(world, last, lognormal(rng, 24, spread))
        if held < reply:
            body = {
                "units": [seen.unit_id or "", *units],
                "participants": [texts.person(rng) for _ in range(3)],
                "minutes": rng.choice(texts.CONSULT_MINUTES),
                "conclusions": rng.choice(texts.CONSULT_CONCLUSIONS),
            }
            steps.append(Step(held, "consult", body, path="consultations"))
    return steps


def _assisting_units(world: World, track: Track, seen: Seen, level: Level, rng: random.Random) -> list[str]:
    """The county department for the matter and neighbouring units, in a drawn order (never the lead)."""
    if seen.division_code is None:
        return []
    department = world.department(track.petition.category, seen.division_code)
    neighbours = list(world.geography.siblings(seen.division_code)) if level in _WITH_NEIGHBOURS else []
    rng.shuffle(neighbours)
    found = [*([department] if department and department != seen.unit_id else []), *neighbours[:2]]
    return [u for u in dict.fromkeys(found) if u != seen.unit_id]
