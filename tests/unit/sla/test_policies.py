"""Clock policies as data: the packaged national, Zhejiang and hotline policies, and the loader."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from pydantic import ValidationError

from services.sla.adapters.policy_file import read_policies
from services.sla.domain.calendar import SHANGHAI, ChineseStatutoryCalendar
from services.sla.domain.policies import ClockKind, ClockSpec, PolicySet, load_policies
from shared.vocabulary import Channel

pytestmark = pytest.mark.unit

WARN = (0.5, 0.75, timedelta(days=3))
POLICIES = read_policies()
WORK_BETWEEN_UNITS = {"signoff", "objection_ruling", "extension_decision"}


def limits(policies: PolicySet, **choice: str) -> dict[str, tuple[int, str]]:
    return {kind: (spec.amount, spec.unit) for kind, spec in policies.resolve(**choice).clocks.items()}


def test_national_default_holds_the_statutory_limits() -> None:
    national = POLICIES.resolve()
    assert national.name == "national"
    assert limits(POLICIES) == {
        "acceptance": (15, "calendar_days"),
        "forward_objection": (5, "working_days"),
        "handling": (60, "calendar_days"),
        "review_request_window": (30, "calendar_days"),
        "review": (30, "calendar_days"),
        "re_review_request_window": (30, "calendar_days"),
        "re_review": (30, "calendar_days"),
        "signoff": (1, "working_days"),
        "objection_ruling": (3, "working_days"),
        "extension_decision": (3, "working_days"),
    }
    assert set(national.clocks) == set(ClockKind) - {ClockKind.EXTENSION}
    statutory = [spec for kind, spec in national.clocks.items() if kind not in WORK_BETWEEN_UNITS]
    assert all(spec.warn_at == WARN for spec in statutory)
    assert national.clock("signoff").warn_at == (0.5, timedelta(hours=2))
    assert (national.max_extension_days, national.max_extensions) == (30, 1)


def test_zhejiang_is_stricter_on_acceptance_and_handling_and_national_otherwise() -> None:
    zhejiang = limits(POLICIES, base="zhejiang")
    assert zhejiang == {**limits(POLICIES), "acceptance": (5, "working_days"), "handling": (30, "calendar_days")}
    assert POLICIES.resolve(base="zhejiang").max_extension_days == 30


def test_the_hotline_adds_its_own_clocks_on_top_of_the_deployment_policy() -> None:
    hotline = POLICIES.resolve(channel="hotline", base="zhejiang")
    assert hotline.name == "zhejiang+channel:hotline"
    assert hotline.clock("signoff").amount == 4
    assert hotline.clock("signoff").unit == "hours"
    assert hotline.clock("first_contact").amount == 3
    assert hotline.clock("first_contact").unit == "working_days"
    assert hotline.clock(ClockKind.ACCEPTANCE).unit == "working_days"
    assert POLICIES.resolve(channel=Channel.HOTLINE).name == "national+channel:hotline"
    assert POLICIES.resolve(channel="letter", category="environment") == POLICIES.resolve()


def test_category_overrides_the_policy_and_channel_overrides_the_category() -> None:
    policies = load_policies("""
policies:
  national: {clocks: {acceptance: {amount: 15, unit: calendar_days}, handling: {amount: 60, unit: calendar_days}}}
overrides:
  category: {labour_wages: {acceptance: {amount: 7, unit: calendar_days}, handling: {amount: 20, unit: calendar_days}}}
  channel: {hotline: {acceptance: {amount: 2, unit: working_days}}}
""")
    both = policies.resolve(category="labour_wages", channel="hotline")
    assert both.name == "national+category:labour_wages+channel:hotline"
    assert limits(policies, category="labour_wages", channel="hotline") == {
        "acceptance": (2, "working_days"),
        "handling": (20, "calendar_days"),
    }


def test_a_clock_spec_computes_its_due_on_the_statutory_calendar() -> None:
    acceptance = POLICIES.resolve(base="zhejiang").clock("acceptance")
    start = datetime(2025, 9, 26, 16, tzinfo=SHANGHAI)
    # Five working days from a Friday before National Day 2025 end on 10-10 (see test_calendar).
    assert acceptance.due(start, ChineseStatutoryCalendar()) == datetime(2025, 10, 10, 16, tzinfo=UTC)


def test_one_extension_of_at_most_30_days() -> None:
    national = POLICIES.resolve()
    assert national.may_extend(30, extensions_so_far=0)
    assert not national.may_extend(31, extensions_so_far=0)
    assert not national.may_extend(10, extensions_so_far=1)
    assert not national.may_extend(0, extensions_so_far=0)


def test_warning_points_read_as_shares_or_leads() -> None:
    spec = ClockSpec(kind="x", amount=4, unit="hours", warn_at=("25%", "2h before", "1 d", 0.9))
    assert spec.warn_at == (0.25, timedelta(hours=2), timedelta(days=1), 0.9)


def test_policies_are_frozen() -> None:
    with pytest.raises(ValidationError):
        POLICIES.resolve().name = "mine"  # type: ignore[misc]


def test_an_unknown_clock_names_the_policy() -> None:
    with pytest.raises(KeyError, match="national"):
        POLICIES.resolve().clock("first_contact")


CLOCK = "{amount: 1, unit: hours}"


@pytest.mark.parametrize(
    ("text", "complaint"),
    [
        ("policies: {a: {extends: b, clocks: {}}, b: {extends: a}}\ndefault: a", "cycle"),
        ("policies: {a: {extends: nowhere}}\ndefault: a", "not defined"),
        (f"policies: {{a: {{clocks: {{x: {CLOCK}}}}}}}", "default policy 'national'"),
        (f"default: a\nwarn_at: [soon]\npolicies: {{a: {{clocks: {{x: {CLOCK}}}}}}}", "warning point"),
        (f"default: a\nwarn_at: ['150%']\npolicies: {{a: {{clocks: {{x: {CLOCK}}}}}}}", "between 0% and 100%"),
        (f"default: a\npolicies: {{a: {{clocks: {{Bad-Kind: {CLOCK}}}}}}}", "pattern"),
        (f"default: a\npolicies: {{a: {{clocks: {{extension: {CLOCK}}}}}}}", "max_extension_days"),
        ("default: a\npolicies: {a: {clocks: {x: {amount: 0, unit: hours}}}}", "greater than 0"),
        ("default: a\npolicies: {a: {clocks: {x: {amount: 1, unit: weeks}}}}", "calendar_days"),
        ("default: a\npolicies: {a: {max_extension_days: 30, grace: 2, clocks: {}}}", "grace"),
        (f"default: a\npolicies: {{a: {{}}}}\noverrides: {{channel: {{hotlne: {{x: {CLOCK}}}}}}}", "hotlne"),
    ],
)
def test_the_loader_refuses_broken_policy_files(text: str, complaint: str) -> None:
    with pytest.raises(ValueError, match=complaint):
        load_policies(text)
