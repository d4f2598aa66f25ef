"""A stand-in for the running system in unit tests: routing's answers to the simulator's commands,
kept in a dictionary and shown settled at the next tick (no clocks, no Kafka)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from shared.divisions import county_of, level_of, parent_of, truncate_to
from shared.vocabulary import Level
from simulator.domain.model import Command, Observed
from simulator.domain.world import World

HANDLING_DAYS = 30


class FakeProvince:
    def __init__(self, world: World) -> None:
        self.world = world
        self.cases: dict[int, Observed] = {}
        self.competent: dict[int, str] = {}  # the unit a pending send-back names
        self.places: dict[int, str] = {}  # where each matter is, for a category correction's new start

    def apply(self, commands: Iterable[Command], tick: int) -> dict[int, Observed]:
        """What each touched case looks like once the commands took effect."""
        touched: dict[int, Observed] = {}
        for c in commands:
            case = self.cases.get(c.petition)
            if c.action == "submit":
                self.places[c.petition] = c.body["division_code"]
            after = self._submit(c) if c.action == "submit" else self._act(c, case, tick) if case else None
            if after is not None:
                self.cases[c.petition] = touched[c.petition] = after
        return touched

    def _submit(self, c: Command) -> Observed:
        start = self.world.catalogue.starting_level(c.body["category"])
        if start is None:
            return Observed(status="not_accepted")
        where = _start(c.body["division_code"], start)
        return _at(Observed(status="assigned", category=c.body["category"]), where, where)

    def _act(self, c: Command, case: Observed, tick: int) -> Observed | None:
        per_day = 24 / self.world.config.tick_hours
        match c.action:
            case "accept":
                return replace(case, status="accepted", handling_due_tick=tick + int(HANDLING_DAYS * per_day))
            case "reject":
                return replace(case, status="not_accepted")
            case "extend" | "assignee":
                return None
            case "sign":
                return replace(case, signed=True)
            case "objections":
                if case.objections:  # the second send-back: to the county petition bureau, no ruling
                    bureau = county_of(case.division_code or "")
                    return replace(_at(case, bureau, bureau), objections=2, signed=False)
                self.competent[c.petition] = c.body.get("competent_unit") or ""
                return None
            case "category":
                corrected = replace(case, category=c.body["category"], category_corrections=1)
                start = self.world.catalogue.starting_level(c.body["category"])
                if case.status != "assigned" or case.moves or start is None:
                    return corrected
                where = _start(self.places[c.petition], start)
                return corrected if where == case.unit_id else replace(_at(corrected, where, where), signed=False)
            case "extension-decision":
                return replace(case, extensions=case.extensions + 1) if c.body["approve"] else None
            case "ruling":
                if c.body["decision"] == "dismiss":
                    return replace(case, objections=1)
                target = self.competent.pop(c.petition, "")
                moved = _at(replace(case, status="assigned"), target.split(":")[0], target)
                return replace(moved, objections=1, signed=False)
            case "assign-leader":
                return replace(case, leader=c.body["leader"])
            case "transfer":
                target = c.body["division_code"]
                moved = _at(replace(case, status="assigned"), target.split(":")[0], target)
                return replace(moved, transfers=case.transfers + 1)
            case "escalate":
                up = parent_of(case.division_code or "")
                return replace(
                    _at(replace(case, status="assigned"), up or "", up or ""), escalations=case.escalations + 1
                )
            case "resolve":
                return replace(case, status="closed" if case.round == "re_review" else "resolved")
            case "feedback":
                return replace(case, status="closed") if c.body["satisfied"] else None
            case "review":
                up = parent_of(case.division_code or "") or ""
                again = case.round == "review"
                status, round_ = ("under_re_review", "re_review") if again else ("under_review", "review")
                return replace(_at(case, up, up), status=status, round=round_)
        return None


def _start(place: str, start: Level) -> str:
    return truncate_to(place, start) if level_of(place).rank <= start.rank else place


def _at(case: Observed, division: str, unit: str) -> Observed:
    return replace(case, division_code=division, unit_id=unit, level=level_of(division).value, handling_due_tick=None)
