"""The work across units in the case document and the stats: tasks, consultations, supervision, instructions."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from services.projections.domain.case import document, from_document
from services.projections.domain.evolve import PROJECTED, fold
from services.projections.domain.rollup import contribution
from services.projections.domain.stats import figures
from services.projections.synthetic import CaseWriter
from shared.events import CaseAccepted, ClockBreached, ClockStarted, ClockStopped, RecordedEvent
from shared.events.routing import (
    ConsultationRecorded,
    InstructionGiven,
    SupervisionAnswered,
    SupervisionOrdered,
    TaskAssigned,
    TaskClosed,
    TaskReported,
    TaskSigned,
)
from shared.vocabulary import Level

pytestmark = pytest.mark.unit
START = datetime(2026, 3, 2, 1, tzinfo=UTC)
TZ = ZoneInfo("Asia/Shanghai")
VILLAGE = "330726001001"
LABOUR = "330726000000:labour"


def joint_case() -> list[RecordedEvent]:
    w = CaseWriter("c1", START)
    accepted = w.record("case", CaseAccepted(case_id="c1", unit_id=VILLAGE, level=Level.VILLAGE), None)
    added = w.record(
        "case",
        TaskAssigned(
            case_id="c1",
            task_id="1",
            unit_id=LABOUR,
            unit_name="勞動局",
            division_code="330726000000",
            lead_unit_id=VILLAGE,
            ask="wages?",
            due_date=date(2026, 3, 9),
        ),
        accepted,
    )
    signed = w.record("case", TaskSigned(case_id="c1", task_id="1", unit_id=LABOUR), added)
    reported = w.record(
        "case", TaskReported(case_id="c1", task_id="1", unit_id=LABOUR, kind="opinion", text="owed"), signed
    )
    second = w.record(
        "case",
        TaskAssigned(
            case_id="c1",
            task_id="2",
            unit_id="330726002000",
            unit_name="B",
            division_code="330726002000",
            lead_unit_id=VILLAGE,
            ask="?",
        ),
        reported,
    )
    closed = w.record("case", TaskClosed(case_id="c1", task_id="2", reason="not needed"), second)
    met = w.record(
        "case",
        ConsultationRecorded(
            case_id="c1",
            consultation_id="1",
            held_on=date(2026, 3, 3),
            units=(VILLAGE, LABOUR),
            participants=("li", "wang"),
            minutes="m",
            conclusions="pay by the 9th",
        ),
        closed,
    )
    ordered = w.record(
        "case",
        SupervisionOrdered(
            case_id="c1", supervision_id="1", by_division="330726000000", unit_id=VILLAGE, demand="report"
        ),
        met,
    )
    clock = w.record(
        "clocks",
        ClockStarted(
            case_id="c1",
            clock_id="supervision_response-1",
            kind="supervision_response",
            policy="national",
            started_at=START,
            due_at=START,
            amount=3,
            unit="working_days",
        ),
        ordered,
    )
    breached = w.record(
        "clocks",
        ClockBreached(case_id="c1", clock_id="supervision_response-1", kind="supervision_response", due_at=START),
        clock,
    )
    answered = w.record(
        "case", SupervisionAnswered(case_id="c1", supervision_id="1", unit_id=VILLAGE, report="r"), breached
    )
    stopped = w.record(
        "clocks",
        ClockStopped(
            case_id="c1",
            clock_id="supervision_response-1",
            kind="supervision_response",
            reason="answered",
            met_on_time=False,
        ),
        answered,
    )
    second_order = w.record(
        "case",
        SupervisionOrdered(
            case_id="c1", supervision_id="2", by_division="330726000000", unit_id=VILLAGE, demand="again"
        ),
        stopped,
    )
    instructed = w.record(
        "case",
        InstructionGiven(case_id="c1", instruction_id="1", leader="Secretary Zhang", text="Settle it"),
        second_order,
    )
    return [
        accepted,
        added,
        signed,
        reported,
        second,
        closed,
        met,
        ordered,
        clock,
        breached,
        answered,
        stopped,
        second_order,
        instructed,
    ]


def test_the_document_shows_tasks_consultations_supervisions_and_instructions() -> None:
    events = joint_case()
    assert {e.type for e in events} <= PROJECTED
    state = fold("c1", events)
    doc = document(state)
    assert [(t["task_id"], t["status"], t["report"]) for t in doc["tasks"]] == [
        ("1", "reported", "owed"),
        ("2", "closed", None),
    ]
    assert doc["tasks"][0]["signed_by"] == "system:routing"
    assert doc["tasks"][0]["due_date"] == "2026-03-09"
    assert doc["tasks"][1]["decision"] == "not needed"
    assert doc["consultations"][0]["conclusions"] == "pay by the 9th"
    assert [(s["supervision_id"], s["answered"]) for s in doc["supervisions"]] == [("1", True), ("2", False)]
    assert doc["instructions"][0]["leader"] == "Secretary Zhang"
    assert from_document(doc) == state  # the stored document gives the state back


def test_the_stats_count_joint_cases_supervision_answers_and_instructions() -> None:
    state = fold("c1", joint_case())
    state = state.model_copy(update={"location_code": VILLAGE})
    counts = dict(contribution(state, TZ).items())
    shown = figures(counts)
    assert shown["joint_cases"] == {"cases": 1, "open": 0}
    assert shown["tasks"] == {"reported": 1, "closed": 1}
    assert shown["consultations"] == 1
    assert shown["supervision_response"] == {"ordered": 2, "on_time": 0, "late": 1, "pending": 1, "rate": 0.0}
    assert shown["instructions"] == {"given": 1, "cases": 1}
