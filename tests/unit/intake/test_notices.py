"""Notices' pure rules: which decision is told, in which words, through which channel, retried how."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from importlib.resources import files

import pytest

from services.intake.domain.notices import (
    Recipient,
    RetryPolicy,
    decision_of,
    issue,
    load_templates,
    notice_id,
    route_for,
)
from services.intake.domain.progress import Fact
from services.intake.handlers.notices import addressees
from shared.events import (
    CaseAccepted,
    CaseAssigned,
    CaseClosed,
    CaseNotAccepted,
    CaseResolved,
    ExtensionGranted,
    LeaderAssigned,
    PetitionSubmitted,
)
from shared.events.intake import Petitioner
from shared.vocabulary import Channel, Level
from tests.unit.intake.facts import recipient_of, sealed

pytestmark = pytest.mark.unit

TEMPLATES = load_templates(files("services.intake").joinpath("data/notices.yaml").read_text(encoding="utf-8"))
CASE = "c-1"


def moved(reason: str) -> CaseAssigned:
    return CaseAssigned(
        case_id=CASE, division_code="330726001000", level=Level.TOWNSHIP, unit_id="u", unit_name="浦阳街道",
        county_code="330726", category="environment", channel=Channel.ONLINE, location_code="330726001001",
        reason=reason, note="属街道职责",
    )  # fmt: skip


def someone(**overrides: object) -> Recipient:
    petitioner = {"name": "王芳", "phone": "13800000000", **overrides}
    return Recipient(
        tracking_code="MH123", petitioner=Petitioner.model_validate(petitioner), petition_channel=Channel.ONLINE
    )


@pytest.mark.parametrize(
    ("event", "kind"),
    [
        (CaseAccepted(case_id=CASE, unit_id="u", level=Level.VILLAGE), "accepted"),
        (
            CaseNotAccepted(
                case_id=CASE,
                division_code="330726001001",
                level=Level.VILLAGE,
                county_code="330726",
                category="litigation",
                channel=Channel.ONLINE,
                reason="涉诉",
                redirect_to="人民法院",
            ),
            "not_accepted",
        ),
        (moved("transfer"), "transferred"),
        (ExtensionGranted(case_id=CASE, days=15, reason="调查"), "extended"),
        (CaseResolved(case_id=CASE, reply="答复", unit_id="u", division_code="3307", level=Level.VILLAGE), "replied"),
        (
            CaseResolved(
                case_id=CASE, reply="复查", unit_id="u", division_code="3307", level=Level.CITY, round="review"
            ),
            "review_decided",
        ),
        (
            CaseResolved(
                case_id=CASE, reply="复核", unit_id="u", division_code="33", level=Level.PROVINCE, round="re_review"
            ),
            "re_review_decided",
        ),
        (CaseClosed(case_id=CASE, reason="final"), "final"),
        (CaseClosed(case_id=CASE, reason="withdrawn"), "withdrawn"),
    ],
)
def test_each_decision_of_the_issue_has_its_notice_and_template(event: object, kind: str) -> None:
    decision = decision_of(event, "浦阳街道")  # type: ignore[arg-type]
    assert decision is not None
    assert decision.kind == kind
    notice, _route = issue(TEMPLATES, decision, someone(), CASE, "e-1")
    assert "MH123" in notice.text
    assert "{" not in notice.text  # every placeholder filled


@pytest.mark.parametrize(
    "event",
    [
        moved("initial"),
        moved("escalation"),
        LeaderAssigned(case_id=CASE, leader="李书记"),
        CaseClosed(case_id=CASE, reason="satisfied"),
        CaseClosed(case_id=CASE, reason="no_feedback"),
    ],
)
def test_what_is_not_a_decision_for_the_petitioner_makes_no_notice(event: object) -> None:
    assert decision_of(event, "x") is None  # type: ignore[arg-type]


def test_optional_parts_appear_only_when_given() -> None:
    refused = {"reason": "涉诉", "redirect_to": ""}
    from services.intake.domain.notices import Decision

    plain, _ = issue(TEMPLATES, Decision(kind="not_accepted", params=refused), someone(), CASE, "e")
    redirected, _ = issue(
        TEMPLATES, Decision(kind="not_accepted", params={**refused, "redirect_to": "人民法院"}), someone(), CASE, "e"
    )
    assert "依法应向" not in plain.text
    assert "依法应向人民法院反映。" in redirected.text


def test_a_notice_never_names_the_petitioner_or_their_contact() -> None:
    recipient = someone(email="w@example.cn", address="和平路1号")
    notice, route = issue(TEMPLATES, decision_of(moved("transfer"), None), recipient, CASE, "e")  # type: ignore[arg-type]
    for personal in ("王芳", "13800000000", "w@example.cn", "和平路1号"):
        assert personal not in notice.text
        assert personal not in notice.model_dump_json()
    assert route.address == "13800000000"


def test_the_same_decision_to_the_same_petitioner_is_always_the_same_notice() -> None:
    assert notice_id("e-1", "MH1") == notice_id("e-1", "MH1")
    assert notice_id("e-1", "MH1") != notice_id("e-1", "MH2")
    assert notice_id("e-1", "MH1") != notice_id("e-2", "MH1")


def test_channels_follow_the_choice_then_sms_email_letter() -> None:
    assert route_for(someone()).channel == "sms"
    assert route_for(someone(email="w@example.cn", notify_by="email")).channel == "email"
    letter = Recipient(
        tracking_code="MH1",
        petitioner=Petitioner(name="王", phone="13800000000", address="和平路1号"),
        petition_channel=Channel.LETTER,
    )
    assert route_for(letter).channel == "letter"
    assert route_for(someone(phone=" ")).model_dump() == {
        "channel": "none",
        "address": "",
        "undelivered_reason": "no_contact",
    }


def test_an_anonymous_petitioner_is_told_only_through_a_channel_they_chose() -> None:
    unasked = route_for(someone(anonymous=True))
    assert (unasked.channel, unasked.undelivered_reason) == ("none", "anonymous_no_contact")
    assert route_for(someone(anonymous=True, notify_by="sms")).channel == "sms"


def test_retries_back_off_exponentially_up_to_a_ceiling_then_stop() -> None:
    policy = RetryPolicy(max_attempts=5, first_delay=timedelta(seconds=5), max_delay=timedelta(seconds=30))
    assert [policy.delay_after(n) for n in range(1, 6)] == [
        timedelta(seconds=5),
        timedelta(seconds=10),
        timedelta(seconds=20),
        timedelta(seconds=30),
        None,
    ]


def test_each_signer_of_a_collective_petition_gets_their_own_notice_with_only_their_own_contact() -> None:
    others = (Petitioner(name="李强", phone="13900000001"), Petitioner(name="张伟", phone="13900000002"))
    submitted = PetitionSubmitted(
        case_id=CASE, tracking_code="MH123", access_code_hash="h", channel=Channel.ONLINE,
        division_code="330726001001", category="environment", title="t", content="c",
        petitioner=sealed(CASE, 0, Petitioner(name="王芳", phone="13800000000")),
        co_petitioners=tuple(sealed(CASE, i, p) for i, p in enumerate(others, start=1)), headcount=3,
    )  # fmt: skip
    assert "13900000001" not in submitted.model_dump_json()  # the event carries them sealed
    found = addressees([Fact("petition", 1, datetime(2026, 12, 1, tzinfo=UTC), submitted)])
    assert [a.owner for a in found] == [f"petitioner|{CASE}|{i}" for i in range(3)]
    people = [recipient_of(a) for a in found]
    assert [p.petitioner.phone for p in people if p.petitioner] == ["13800000000", "13900000001", "13900000002"]
    decision = decision_of(CaseAccepted(case_id=CASE, unit_id="u", level=Level.TOWNSHIP), "浦阳街道")
    assert decision is not None
    issued = [issue(TEMPLATES, decision, p, CASE, "e-1") for p in people]
    assert len({n.notice_id for n, _ in issued}) == 3
    assert [r.address for _, r in issued] == ["13800000000", "13900000001", "13900000002"]
    assert issued[0][0].notice_id == notice_id("e-1", "MH123")  # the first petitioner's id as before
    for notice, _ in issued:
        assert "李强" not in notice.text
        assert "王芳" not in notice.text
