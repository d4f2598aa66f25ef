"""Callbacks (回訪) and withdrawal (撤回) as routing decides them. Pure."""

from __future__ import annotations

import pytest

from services.routing.domain.aftercare import on_withdrawal_requested
from services.routing.domain.case import Case, fold
from services.routing.domain.commands import Accept, CallbackPolicy, Command, RecordCallback, Resolve, Rules, Withdraw
from services.routing.domain.lifecycle import decide
from shared.domain import Invalid, NotAllowed
from shared.events import CallbackRecorded, CaseClosed, WithdrawalRecorded, WithdrawalRequested
from shared.vocabulary import CaseStatus, Channel
from tests.unit.routing.test_case_properties import TREE
from tests.unit.routing.test_notes import routed

pytestmark = pytest.mark.unit

RULES = Rules(callbacks=CallbackPolicy(reasons=("resolved", "not_resolved", "other"), tries_before_no_feedback=2))


def run(state: Case, *commands: Command) -> Case:
    for command in commands:
        state = fold(decide(state, command, TREE, RULES), state)
    return state


def resolved() -> Case:
    return run(routed(), Accept(), Resolve(reply="已处理"))


def call(**fields: object) -> RecordCallback:
    return RecordCallback.model_validate({"method": "phone", "reached": True, **fields})


@pytest.mark.parametrize("grade", ["satisfied", "basically_satisfied"])
def test_a_reached_satisfied_petitioner_closes_the_case_as_satisfied(grade: str) -> None:
    events = decide(resolved(), call(satisfaction=grade, reasons=("resolved",)), TREE, RULES)
    assert [type(e) for e in events] == [CallbackRecorded, CaseClosed]
    assert events[1] == CaseClosed(case_id="c", reason="satisfied", satisfied=True)


def test_a_dissatisfied_petitioner_keeps_the_right_to_review() -> None:
    state = run(resolved(), call(satisfaction="dissatisfied", reasons=("not_resolved",)))
    assert state.status == CaseStatus.RESOLVED


def test_unreached_after_the_policys_tries_closes_as_no_feedback() -> None:
    once = run(resolved(), call(reached=False))
    assert once.status == CaseStatus.RESOLVED
    events = decide(once, call(reached=False), TREE, RULES)
    assert events[-1] == CaseClosed(case_id="c", reason="no_feedback")
    assert isinstance(events[0], CallbackRecorded)
    assert events[0].attempt == 2


def test_a_callback_needs_a_reply_a_grade_when_reached_and_known_reasons() -> None:
    with pytest.raises(NotAllowed):
        decide(run(routed(), Accept()), call(satisfaction="satisfied"), TREE, RULES)
    with pytest.raises(Invalid, match="some fields"):
        decide(resolved(), call(), TREE, RULES)
    with pytest.raises(Invalid) as unknown:
        decide(resolved(), call(satisfaction="satisfied", reasons=("bribed",)), TREE, RULES)
    assert unknown.value.field == "reasons"
    with pytest.raises(Invalid):
        decide(resolved(), call(reached=False, satisfaction="satisfied"), TREE, RULES)


def test_a_survey_of_a_closed_case_is_recorded_and_moves_nothing() -> None:
    closed = run(resolved(), call(satisfaction="satisfied"))
    assert closed.status == CaseStatus.CLOSED
    events = decide(closed, call(satisfaction="dissatisfied"), TREE, RULES)
    assert [type(e) for e in events] == [CallbackRecorded]


def test_the_petitioners_withdrawal_closes_an_open_case_and_leaves_a_settled_one() -> None:
    events = on_withdrawal_requested(routed(), WithdrawalRequested(case_id="c", reason="和解"))
    assert events == [
        WithdrawalRecorded(case_id="c", by="petitioner", reason="和解"),
        CaseClosed(case_id="c", reason="withdrawn"),
    ]
    closed = run(resolved(), call(satisfaction="satisfied"))
    assert on_withdrawal_requested(closed, WithdrawalRequested(case_id="c")) == []


def test_a_cadre_withdraws_only_door_to_door_and_proxy_petitions_with_consent() -> None:
    with pytest.raises(NotAllowed):
        decide(routed(), Withdraw(consent="签字"), TREE, RULES)  # an online petition
    proxy = routed().model_copy(update={"channel": Channel.PROXY})
    with pytest.raises(Invalid):
        decide(proxy, Withdraw(consent="  "), TREE, RULES)
    events = decide(proxy, Withdraw(consent="签字确认", reason="已解决"), TREE, RULES)
    assert events[0] == WithdrawalRecorded(case_id="c", by="cadre", reason="已解决", consent="签字确认")
    assert fold(events, proxy).status == CaseStatus.CLOSED
