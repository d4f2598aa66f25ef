"""Whole case histories that touch every scorecard figure: sign-off, escalation, departments, supervision,
callbacks, repeats, review. Recorded as the three services would (synthetic.CaseWriter)."""

from __future__ import annotations

import random
import uuid
from datetime import datetime, timedelta

from services.projections.synthetic import CaseWriter
from shared.events import (
    CallbackRecorded,
    CaseAccepted,
    CaseAssigned,
    CaseClosed,
    CaseResolved,
    ClockBreached,
    ClockStarted,
    ClockStopped,
    FeedbackGiven,
    PetitionSubmitted,
    RecordedEvent,
    RepeatPetitionReceived,
    ReviewRequested,
)
from shared.events.intake import SealedPetitioner
from shared.events.routing import (
    CaseSigned,
    ClosingReason,
    Satisfaction,
    SupervisionAnswered,
    SupervisionOrdered,
    supervision_clock_id,
)
from shared.vocabulary import Channel, Level

VILLAGE = "330726101203"
TOWNSHIP = "330726101000"
COUNTY = "330726000000"
LABOUR = "330726000000:labour"
LEVEL_OF = {VILLAGE: Level.VILLAGE, TOWNSHIP: Level.TOWNSHIP, COUNTY: Level.COUNTY, LABOUR: Level.COUNTY}


class Case:
    """One case being recorded; each step one or more events, an hour (or `hours`) after the last."""

    def __init__(
        self, start: datetime, category: str = "neighbourhood_dispute", title: str = "邻居的墙挡住排水"
    ) -> None:
        self.w = CaseWriter(str(uuid.uuid4()), start)
        self.petition = PetitionSubmitted(
            case_id=self.w.case_id, tracking_code=f"MH{uuid.uuid4().hex[:8]}", access_code_hash="0" * 64,
            channel=Channel.ONLINE, division_code=VILLAGE, category=category, title=title, content="…",
            petitioner=SealedPetitioner(),  # projections never opens it
        )  # fmt: skip
        self.last = self.w.record("petition", self.petition, None)
        self.clocks = 0

    @property
    def events(self) -> list[tuple[str, RecordedEvent]]:
        return self.w.recorded

    def assign(self, unit: str, reason: str = "initial", hours: float = 1) -> Case:
        division = unit.partition(":")[0]
        self.last = self.w.record(
            "case",
            CaseAssigned(
                case_id=self.w.case_id, division_code=division, level=LEVEL_OF[unit], unit_id=unit,
                unit_name=f"unit {unit}", county_code=COUNTY, category=self.petition.category,
                channel=self.petition.channel, location_code=VILLAGE, reason=reason,
            ),
            self.last, hours,
        )  # fmt: skip
        return self

    def clock(self, kind: str, unit: str, outcome: str, hours: float = 1, clock_id: str | None = None) -> Case:
        """A clock of the unit that ends `met`, `late` (stopped after its due), `breached` (then stopped) or `open`."""
        self.clocks += 1
        clock_id = clock_id or f"{kind}-{self.clocks}"
        started = ClockStarted(
            case_id=self.w.case_id, clock_id=clock_id, kind=kind, policy="national", started_at=self.w.at,
            due_at=self.w.at + timedelta(days=5), amount=5, unit="calendar_days", unit_id=unit,
        )  # fmt: skip
        cause = self.w.record("clocks", started, self.last, 0.01)
        if outcome == "breached":
            breach = ClockBreached(case_id=self.w.case_id, clock_id=clock_id, kind=kind, due_at=self.w.at, unit_id=unit)
            cause = self.w.record("clocks", breach, cause, hours)
        if outcome in {"met", "late", "breached"}:
            stop = ClockStopped(case_id=self.w.case_id, clock_id=clock_id, kind=kind, reason="met",
                                met_on_time=outcome == "met")  # fmt: skip
            self.w.record("clocks", stop, cause, hours)
        return self

    def sign(self, unit: str) -> Case:
        signed = CaseSigned(case_id=self.w.case_id, unit_id=unit, level=LEVEL_OF[unit])
        self.last = self.w.record("case", signed, self.last)
        return self.clock("signoff", unit, "met")

    def accept(self, unit: str) -> Case:
        accepted = CaseAccepted(case_id=self.w.case_id, unit_id=unit, level=LEVEL_OF[unit])
        self.last = self.w.record("case", accepted, self.last)
        return self

    def repeat(self) -> Case:
        again = RepeatPetitionReceived(case_id=self.w.case_id, channel=Channel.ONLINE, title="again", content="…")
        self.w.record("petition", again, self.last)
        return self

    def resolve(self, unit: str, hours: float = 24) -> Case:
        division = unit.partition(":")[0]
        reply = CaseResolved(case_id=self.w.case_id, reply="done", unit_id=unit, division_code=division,
                             level=LEVEL_OF[unit])  # fmt: skip
        self.last = self.w.record("case", reply, self.last, hours)
        return self

    def feedback(self, satisfied: bool) -> Case:
        self.last = self.w.record("petition", FeedbackGiven(case_id=self.w.case_id, satisfied=satisfied), self.last)
        return self

    def review(self) -> Case:
        asked = ReviewRequested(case_id=self.w.case_id, reason="unfair", round="review")
        self.last = self.w.record("petition", asked, self.last)
        return self

    def callback(self, grade: Satisfaction) -> Case:
        called = CallbackRecorded(case_id=self.w.case_id, method="phone", reached=True, satisfaction=grade)
        self.last = self.w.record("case", called, self.last)
        return self

    def close(self, reason: ClosingReason = "no_feedback") -> Case:
        self.last = self.w.record("case", CaseClosed(case_id=self.w.case_id, reason=reason), self.last)
        return self

    def supervise(self, unit: str, answered: str) -> Case:
        """A supervision on demand of the unit, answered `on_time`, `late`, or still `pending`."""
        sid = uuid.uuid4().hex[:8]
        ordered = SupervisionOrdered(case_id=self.w.case_id, supervision_id=sid, by_division=COUNTY, unit_id=unit,
                                     demand="report progress")  # fmt: skip
        self.last = self.w.record("case", ordered, self.last)
        outcome = {"on_time": "met", "late": "breached", "pending": "open"}[answered]
        if answered != "pending":
            answer = SupervisionAnswered(case_id=self.w.case_id, supervision_id=sid, unit_id=unit, report="done")
            self.last = self.w.record("case", answer, self.last)
        return self.clock("supervision_response", unit, outcome, clock_id=supervision_clock_id(sid))


def escalated_and_called_back(start: datetime) -> Case:
    """Village signs and accepts on time, a repeat comes, the village escalates; the township signs late,
    resolves, and a callback finds the petitioner basically satisfied; closed without feedback."""
    case = Case(start).assign(VILLAGE).sign(VILLAGE).clock("acceptance", VILLAGE, "met").accept(VILLAGE)
    case.repeat().assign(TOWNSHIP, "escalation").clock("signoff", TOWNSHIP, "breached", hours=30)
    case.clock("handling", TOWNSHIP, "met").resolve(TOWNSHIP).callback("basically_satisfied").close()
    return case


def transferred_to_a_department(start: datetime) -> Case:
    """The township sends it to the county's labour bureau, which is supervised, answers late, resolves
    it late, and the petitioner, unsatisfied, asks for review."""
    case = Case(start, "labour_wages", "工厂拖欠工资三个月").assign(TOWNSHIP).sign(TOWNSHIP)
    case.assign(LABOUR, "transfer").sign(LABOUR).clock("acceptance", LABOUR, "late").accept(LABOUR)
    case.supervise(LABOUR, "late").clock("handling", LABOUR, "breached").resolve(LABOUR).feedback(False).review()
    return case


def assessed_histories(start: datetime, n: int, seed: int = 3) -> list[tuple[str, RecordedEvent]]:
    """n cases of both kinds and some plain ones, spread over the days after `start`."""
    rng = random.Random(seed)
    found: list[tuple[str, RecordedEvent]] = []
    for i in range(n):
        at = start + timedelta(hours=rng.uniform(0, 24 * 40))
        if i % 3 == 0:
            found.extend(escalated_and_called_back(at).events)
        elif i % 3 == 1:
            found.extend(transferred_to_a_department(at).events)
        else:
            case = Case(at, "environment", "工厂废水排进小河").assign(TOWNSHIP).sign(TOWNSHIP).accept(TOWNSHIP)
            case.supervise(TOWNSHIP, rng.choice(["on_time", "pending"])).resolve(TOWNSHIP, hours=rng.uniform(1, 90))
            case.feedback(rng.random() < 0.8).close("satisfied")
            found.extend(case.events)
    return found
