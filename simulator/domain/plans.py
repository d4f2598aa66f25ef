"""What people plan when a case reaches them: the official who receives, handles or reviews it,
and the petitioner who reads the reply. Each plan is drawn once, from the stream of that stay."""

from __future__ import annotations

import math
import random
from dataclasses import replace

from shared.divisions import county_of, parent_of
from shared.jurisdiction.departments import DEFAULT_DEPARTMENT_KINDS
from shared.jurisdiction.petition_bureau import petition_bureau
from shared.vocabulary import CaseStatus, Channel, Level
from simulator.domain import texts
from simulator.domain.draws import chance, lognormal, stream
from simulator.domain.model import Observed as Seen
from simulator.domain.model import Step, Track
from simulator.domain.work_plans import work_steps
from simulator.domain.world import World

# A petitioner answers well within the statutory 30 days, or not at all.
_LATEST_ANSWER_DAYS = 25
# Officials who transfer a matter send it to the county department when there is one, mostly.
_TO_DEPARTMENT = 0.7
# Counties and the levels below transfer to a county department; villages and townships also to a
# neighbour (a transfer never leaves the county: above it, cases are escalated instead).
_WITH_DEPARTMENTS = frozenset({Level.VILLAGE, Level.TOWNSHIP, Level.COUNTY})
_WITH_NEIGHBOURS = frozenset({Level.VILLAGE, Level.TOWNSHIP})
_DEPARTMENT_NAMES = {kind.key: kind.name_zh for kind in DEFAULT_DEPARTMENT_KINDS}


def plan(world: World, track: Track, seen: Seen, tick: int, rng: random.Random) -> tuple[Step, ...]:
    """The steps of whoever now holds the case, in the order they will be taken."""
    if seen.level is None or seen.division_code is None or seen.unit_id is None:
        return ()
    level = Level(seen.level)
    if seen.status == CaseStatus.ASSIGNED:
        return _on_receipt(world, track, seen, level, tick, rng)
    if seen.status == CaseStatus.ACCEPTED:
        return _handling(world, track, seen, level, tick, rng)
    if seen.status in {CaseStatus.UNDER_REVIEW, CaseStatus.UNDER_RE_REVIEW}:
        return _reviewing(world, seen, level, tick, rng)
    if seen.status == CaseStatus.RESOLVED:
        return _petitioner_answers(world, seen, tick, rng)
    return ()


def after(world: World, tick: int, hours: float) -> int:
    """The first tick at least `hours` after `tick` (never the same tick: people take time)."""
    return tick + max(1, math.ceil(hours / world.config.tick_hours - 1e-9))


def pace(world: World, unit_id: str) -> float:
    """How much longer than usual this unit takes: a fixed trait of the unit for the whole run."""
    units = world.config.behaviour.units
    return units.slow_factor if chance(stream(world.config.seed, "unit", unit_id), units.slow_share) else 1.0


def _on_receipt(
    world: World, track: Track, seen: Seen, level: Level, tick: int, rng: random.Random
) -> tuple[Step, ...]:
    units = world.config.behaviour.units
    habits = world.config.behaviour.levels[level]
    urgency = units.hotline_urgency if track.petition.channel == Channel.HOTLINE else 1.0
    at = after(
        world, tick, lognormal(rng, habits.accept_hours * pace(world, seen.unit_id or "") * urgency, units.spread)
    )
    may_move = seen.moves < units.max_moves
    first = _receipt(world, seen, tick, at, rng)
    if between := _between_units(world, track, seen, level, at, rng):
        return (*first, *between)
    draw = rng.random()
    if draw < habits.not_accept:
        body: dict[str, object] = {"reason": rng.choice(texts.REJECT_REASONS)}
        if chance(rng, 0.5):
            body["redirect_to"] = rng.choice(texts.REDIRECTS)
        return (*first, Step(at, "reject", body))
    draw -= habits.not_accept
    if may_move and draw < habits.forward and (target := _transfer_target(world, track, seen, level, rng)):
        return (*first, Step(at, "transfer", _transfer_body(world, target, rng)))
    draw -= habits.forward
    if may_move and draw < habits.refer_up and level.up() is not None:
        return (*first, Step(at, "escalate", {"reason": rng.choice(texts.REFER_UP_REASONS)}))
    draw -= habits.refer_up
    if draw < habits.object and (sent_back := _send_back(world, track, seen, level, at, rng)):
        return (*first, *sent_back)
    return (*first, Step(at, "accept"))


def _receipt(world: World, seen: Seen, tick: int, decide_at: int, rng: random.Random) -> tuple[Step, ...]:
    """Most units sign for a case soon after it arrives (the rest sign by accepting it), and some
    name the official in charge (承办人) once signed."""
    units = world.config.behaviour.units
    if seen.signed or decide_at - tick < 2 or not chance(rng, units.sign):
        return ()
    signed = min(after(world, tick, lognormal(rng, units.sign_hours, units.spread)), decide_at - 1)
    steps = [Step(signed, "sign")]
    if chance(rng, units.assign_official) and signed + 1 < decide_at:
        steps.append(Step(signed + 1, "assignee", {"assignee": f"承办人{texts.person(rng)}"}))
    return tuple(steps)


def _send_back(world: World, track: Track, seen: Seen, level: Level, at: int, rng: random.Random) -> tuple[Step, ...]:
    """A unit that received the case from routing (no move yet) says it is not its own (退单); the
    county petition bureau rules: upheld, the case moves; dismissed, the unit accepts it after all;
    some rulings never come, and the policy keeps the case where it is."""
    unit = seen.unit_id or ""
    if seen.moves or seen.objections or seen.division_code is None or unit == petition_bureau(unit):
        return ()
    units = world.config.behaviour.units
    target = _transfer_target(world, track, seen, level, rng)
    body: dict[str, object] = {"reason": rng.choice(texts.OBJECTION_REASONS)}
    if target is not None:
        body["competent_unit"] = target
    sent = Step(at, "objections", body)
    bureau = county_of(seen.division_code)
    ruled_at = after(world, at, lognormal(rng, units.ruling_hours, units.spread))
    if chance(rng, units.ruling_missed):
        # Nobody rules: after the ruling clock (3 working days) the case stays, and the unit accepts it.
        return (sent, Step(after(world, at, 24 * 6), "accept"))
    if target is not None and chance(rng, units.objection_upheld):
        ruling = {"objection_id": "objection-1", "decision": "uphold", "reason": rng.choice(texts.UPHOLD_REASONS)}
        return (sent, Step(ruled_at, "ruling", ruling, by=bureau))
    ruling = {"objection_id": "objection-1", "decision": "dismiss", "reason": rng.choice(texts.DISMISS_REASONS)}
    return (sent, Step(ruled_at, "ruling", ruling, by=bureau), Step(after(world, ruled_at, 4), "accept"))


def _between_units(
    world: World, track: Track, seen: Seen, level: Level, at: int, rng: random.Random
) -> tuple[Step, ...]:
    """Before the usual decision: a category correction, or what follows a first send-back
    (empty: the unit decides as usual)."""
    units = world.config.behaviour.units
    if seen.round == "first" and not seen.category_corrections and chance(rng, units.recategorise):
        # The unit finds the matter filed under the wrong category and corrects it before deciding;
        # routing may move the case to where the right category starts. It decides afresh after.
        correction = _correction(world, track, seen, at, rng)
        return (correction,) if correction else ()
    unit = seen.unit_id or ""
    if seen.objections >= 2 and unit == petition_bureau(unit):
        return (_keep_or_place(world, track, seen, level, at, rng),)
    if seen.objections == 1 and not seen.moves and unit != petition_bureau(unit) and chance(rng, units.object_again):
        # Placed here by an upheld send-back, this unit too says the case is not its own: a second
        # send-back goes to the county petition bureau, no ruling. Should routing refuse it (the
        # window closed), the unit accepts the case after all.
        sent = Step(at, "objections", {"reason": rng.choice(texts.OBJECTION_REASONS)})
        return (sent, Step(after(world, at, 4), "accept"))
    return ()


def _keep_or_place(world: World, track: Track, seen: Seen, level: Level, at: int, rng: random.Random) -> Step:
    """A case sent back twice: the county petition bureau keeps it or places it with a unit
    (a transfer, whatever the moves so far: nobody else can send it back)."""
    if chance(rng, world.config.behaviour.units.bureau_places) and (
        target := _transfer_target(world, track, seen, level, rng)
    ):
        return Step(at, "transfer", _transfer_body(world, target, rng))
    return Step(at, "accept")


def _correction(world: World, track: Track, seen: Seen, at: int, rng: random.Random) -> Step | None:
    """A correction to another category of the catalogue that routing accepts (one that starts
    somewhere), drawn with the arrival weights."""
    current = seen.category or track.petition.category
    shares = [
        (key, share)
        for key, share in world.categories.shares
        if share > 0 and key != current and world.catalogue.starting_level(key)
    ]
    if not shares:
        return None
    category = rng.choices([k for k, _ in shares], weights=[w for _, w in shares])[0]
    entry = world.catalogue.get(category)
    name = entry.name_zh if entry else category
    reason = rng.choice(texts.CATEGORY_REASONS).format(category=name)
    return Step(at, "category", {"category": category, "reason": reason})


def _handling(world: World, track: Track, seen: Seen, level: Level, tick: int, rng: random.Random) -> tuple[Step, ...]:
    behaviour = world.config.behaviour
    habits, units = behaviour.levels[level], behaviour.units
    done = after(world, tick, 24 * lognormal(rng, habits.handle_days * pace(world, seen.unit_id or ""), units.spread))
    steps: list[Step] = []
    if seen.leader is None and chance(rng, habits.leader):
        steps.append(Step(after(world, tick, lognormal(rng, 24, units.spread)), "assign-leader", _leader(rng, level)))
    may_move, draw = seen.moves < units.max_moves, rng.random()
    if may_move and draw < habits.escalate and level.up() is not None:
        final = Step(tick + max(1, (done - tick) // 2), "escalate", {"reason": rng.choice(texts.ESCALATE_REASONS)})
    elif (
        may_move
        and draw < habits.escalate + habits.transfer
        and (target := _transfer_target(world, track, seen, level, rng))
    ):
        final = Step(tick + max(1, (done - tick) // 3), "transfer", _transfer_body(world, target, rng))
    else:
        final = Step(done, "resolve", {"reply": rng.choice(texts.REPLIES)})
        steps.extend(_extension(world, seen, tick, final.tick, rng))
        if not seen.category_corrections and chance(rng, units.recategorise_later) and final.tick - tick > 1:
            # Found out while handling: only recorded (the case stays), some days in.
            correction = _correction(world, track, seen, tick + rng.randint(1, final.tick - tick - 1), rng)
            steps.extend([correction] if correction else [])
    steps.extend(_impatience(world, track, tick, final.tick, rng))
    steps.extend(work_steps(world, track, seen, level, tick, final))  # tasks, supervision, notes
    withdrawal = _withdrawal(world, tick, final.tick, rng)
    if withdrawal is not None:  # settled some other way: the petitioner withdraws (撤回) and nothing follows
        return (*sorted((s for s in steps if s.tick < withdrawal.tick), key=lambda s: s.tick), withdrawal)
    # Everything else happens before the step that hands the case on.
    steps = sorted((replace(s, tick=min(s.tick, final.tick)) for s in steps), key=lambda s: s.tick)
    return (*steps, final)


def _extension(world: World, seen: Seen, tick: int, reply_tick: int, rng: random.Random) -> list[Step]:
    """A diligent official who will reply late asks for the extension some days before the deadline."""
    due = seen.handling_due_tick
    if (
        due is None
        or reply_tick < due
        or seen.extensions
        or not chance(rng, world.config.behaviour.units.extend_when_late)
    ):
        return []
    ask = max(tick + 1, due - math.ceil(24 * rng.uniform(2, 8) / world.config.tick_hours))
    above = parent_of(seen.division_code) if seen.division_code else None
    if ask >= due or above is None:
        return []
    units = world.config.behaviour.units
    request = Step(ask, "extend", {"days": rng.choice((15, 20, 30)), "reason": rng.choice(texts.EXTEND_REASONS)})
    # The level above decides (extension-requests/extension-1/decision): mostly yes, within its clock.
    decided = min(after(world, ask, lognormal(rng, units.decision_hours, units.spread)), reply_tick)
    if chance(rng, units.extension_approved):
        decision: dict[str, object] = {"request_id": "extension-1", "approve": True, "reason": ""}
    else:
        decision = {"request_id": "extension-1", "approve": False, "reason": rng.choice(texts.DENY_REASONS)}
    return [request, Step(max(decided, ask + 1), "extension-decision", decision, by=above)]


def _impatience(world: World, track: Track, tick: int, until: int, rng: random.Random) -> list[Step]:
    """A petitioner kept waiting too long petitions again about the same matter (重复信访)."""
    habits = world.config.behaviour.petitioners
    if track.repeats or not chance(rng, habits.repeat):
        return []
    at = after(world, track.petition.tick, 24 * habits.impatience_days)
    return [Step(at, "repeat")] if tick < at < until else []


def _withdrawal(world: World, tick: int, until: int, rng: random.Random) -> Step | None:
    """A few petitioners withdraw while their matter is handled (settled privately, moved away)."""
    if not chance(rng, world.config.behaviour.petitioners.withdraw) or until - tick < 2:
        return None
    return Step(rng.randrange(tick + 1, until), "withdraw", {"reason": rng.choice(texts.WITHDRAW_REASONS)})


def _callbacks(world: World, tick: int, satisfied: bool, rng: random.Random) -> list[Step]:
    """Officials call back (回访) a petitioner who said nothing: tries until reached, then the answer."""
    behaviour = world.config.behaviour
    units, habits = behaviour.units, behaviour.petitioners
    if not chance(rng, units.callback):
        return []
    steps: list[Step] = []
    at = tick
    for _ in range(units.callback_tries):
        at = after(world, at, 24 * lognormal(rng, units.callback_days, units.spread))
        method = "visit" if chance(rng, 0.2) else "phone"
        if not chance(rng, habits.reached):
            steps.append(Step(at, "callbacks", {"method": method, "reached": False}))
            continue
        grade = (
            ("basically_satisfied" if chance(rng, habits.basically) else "satisfied") if satisfied else "dissatisfied"
        )
        body = {
            "method": method,
            "reached": True,
            "satisfaction": grade,
            "reasons": [rng.choice(texts.CALLBACK_REASONS[grade])],
            "comment": rng.choice(texts.CALLBACK_COMMENTS[grade]),
        }
        steps.append(Step(at, "callbacks", body))
        break
    return steps


def _reviewing(world: World, seen: Seen, level: Level, tick: int, rng: random.Random) -> tuple[Step, ...]:
    behaviour = world.config.behaviour
    habits = behaviour.levels[level]
    days = lognormal(rng, habits.review_days * pace(world, seen.unit_id or ""), behaviour.units.spread)
    final = Step(after(world, tick, 24 * days), "resolve", {"reply": rng.choice(texts.REPLIES)})
    if seen.leader is None and chance(rng, habits.leader):
        return (Step(min(after(world, tick, 24), final.tick), "assign-leader", _leader(rng, level)), final)
    return (final,)


def _petitioner_answers(world: World, seen: Seen, tick: int, rng: random.Random) -> tuple[Step, ...]:
    """Whether the petitioner is satisfied follows from how the case went, not from a target."""
    habits, spread = world.config.behaviour.petitioners, world.config.behaviour.units.spread
    first = seen.round == "first"
    base = habits.satisfied if first else habits.satisfied_after_review
    likely = base - habits.breach_penalty * min(seen.breaches, 3) - habits.move_penalty * seen.moves
    likely += habits.leader_bonus if seen.leader else 0.0
    satisfied = chance(rng, min(1.0, max(0.0, likely)))
    answers = chance(rng, habits.feedback)
    asks = not satisfied and chance(rng, habits.review_when_unsatisfied if first else habits.re_review_when_unsatisfied)
    latest = after(world, tick, 24 * _LATEST_ANSWER_DAYS)
    feedback_at = min(after(world, tick, 24 * lognormal(rng, habits.feedback_days, spread)), latest)
    review_at = min(
        after(world, feedback_at if answers else tick, 24 * lognormal(rng, habits.review_days, spread)), latest
    )
    steps = []
    if answers:
        comment = rng.choice(texts.FEEDBACK_COMMENTS[satisfied])
        steps.append(Step(feedback_at, "feedback", {"satisfied": satisfied, "comment": comment}))
    if asks:
        steps.append(Step(review_at, "review", {"reason": rng.choice(texts.REVIEW_REASONS)}))
    if not answers and not asks and first:
        steps.extend(s for s in _callbacks(world, tick, satisfied, rng) if s.tick < latest)
    return tuple(steps)


def _transfer_target(world: World, track: Track, seen: Seen, level: Level, rng: random.Random) -> str | None:
    """The county department for the category, or a neighbouring unit where the matter really is."""
    if seen.unit_id is None or ":" in seen.unit_id or seen.division_code is None:
        return None  # a department keeps what it receives
    department = (
        world.department(seen.category or track.petition.category, seen.division_code)
        if level in _WITH_DEPARTMENTS
        else None
    )
    neighbours = world.geography.siblings(seen.division_code) if level in _WITH_NEIGHBOURS else ()
    if department and (not neighbours or chance(rng, _TO_DEPARTMENT)):
        return department
    return rng.choice(neighbours) if neighbours else None


def _transfer_body(world: World, target: str, rng: random.Random) -> dict[str, object]:
    county, _, kind = target.partition(":")
    if kind:
        unit = world.geography.name(county) + _DEPARTMENT_NAMES.get(kind, kind)
        return {"division_code": target, "reason": rng.choice(texts.TO_DEPARTMENT_REASONS).format(unit=unit)}
    place = world.geography.name(target)
    return {"division_code": target, "reason": rng.choice(texts.TO_NEIGHBOUR_REASONS).format(place=place)}


def _leader(rng: random.Random, level: Level) -> dict[str, object]:
    # Leaders of the unit's own level or above take charge (包案).
    start = {Level.VILLAGE: 0, Level.TOWNSHIP: 0, Level.COUNTY: 2, Level.CITY: 5, Level.PROVINCE: 7}[level]
    return {"leader": f"{rng.choice(texts.LEADERS[start:])}{texts.person(rng)}"}
