"""Clock policies as data: which clocks a case runs, for how long, and when to warn."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Annotated, Any
from zoneinfo import ZoneInfo

import yaml
from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from services.sla.domain.calendar import SHANGHAI, Unit, WarnPoint, WorkingCalendar, due_at
from shared.vocabulary import Channel


class ClockKind(StrEnum):
    """The statutory clocks; a policy may add local kinds under any snake_case name."""

    ACCEPTANCE = "acceptance"
    FORWARD_OBJECTION = "forward_objection"
    HANDLING = "handling"
    EXTENSION = "extension"  # names a handling clock's extension; bounded by Policy.max_extension_days
    REVIEW_REQUEST_WINDOW = "review_request_window"
    REVIEW = "review"
    RE_REVIEW_REQUEST_WINDOW = "re_review_request_window"
    RE_REVIEW = "re_review"
    # The work between units (issue 10): the unit signs for a case it receives; the dispatching
    # level rules on a send-back; the level above decides an extension request.
    SIGNOFF = "signoff"
    OBJECTION_RULING = "objection_ruling"
    EXTENSION_DECISION = "extension_decision"


_PERCENT = re.compile(r"(\d+(?:\.\d+)?)\s*%")
_BEFORE = re.compile(r"(\d+)\s*([dh])(?:\s+before)?")


def _parse_point(value: object) -> object:
    if not isinstance(value, str):
        return value
    if percent := _PERCENT.fullmatch(value.strip()):
        return float(percent[1]) / 100
    if before := _BEFORE.fullmatch(value.strip()):
        return timedelta(days=int(before[1])) if before[2] == "d" else timedelta(hours=int(before[1]))
    raise ValueError(f"warning point {value!r}: write a share like '75%' or a lead like '3d before' or '2h before'")


def _check_point(point: WarnPoint) -> WarnPoint:
    if isinstance(point, timedelta) and point <= timedelta(0):
        raise ValueError("a warning before the due time needs a positive lead")
    if not isinstance(point, timedelta) and not 0 < point < 1:
        raise ValueError("a warning share lies strictly between 0% and 100%")
    return point


WarnAt = Annotated[float | timedelta, BeforeValidator(_parse_point), AfterValidator(_check_point)]
"""'50%' is half the clock's running time; '3d before' is three days of it left."""
Kind = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]


class ClockSpec(BaseModel):
    """One clock's limit and warning points."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: Kind
    amount: int = Field(gt=0)
    unit: Unit
    warn_at: tuple[WarnAt, ...] = ()
    # Whether the petitioner's own view shows this clock: the statutory limits owed to them are
    # marked in the policy data; the units' internal steps (sign-off, rulings) are not theirs.
    petitioner: bool = False

    def due(self, start: datetime, calendar: WorkingCalendar, tz: ZoneInfo = SHANGHAI) -> datetime:
        """When this clock, started at `start`, falls due (UTC)."""
        return due_at(start, self.amount, self.unit, calendar, tz)


class Policy(BaseModel):
    """The clocks one case runs under, and how far its handling may be extended."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    clocks: dict[Kind, ClockSpec]
    max_extension_days: int = Field(default=30, ge=0)
    max_extensions: int = Field(default=1, ge=0)

    @model_validator(mode="after")
    def _keys_name_their_clocks(self) -> Policy:
        for key, spec in self.clocks.items():
            if key != spec.kind:
                raise ValueError(f"clock {key!r} holds a spec for {spec.kind!r}")
        if ClockKind.EXTENSION in self.clocks:
            raise ValueError("extensions are limited by max_extension_days, not by a clock of their own")
        return self

    def clock(self, kind: str) -> ClockSpec:
        """The spec of `kind`; KeyError names the policy when it runs no such clock."""
        if kind not in self.clocks:
            raise KeyError(f"policy {self.name!r} runs no {kind!r} clock")
        return self.clocks[kind]

    def may_extend(self, days: int, extensions_so_far: int) -> bool:
        """Whether one more extension of `days` calendar days is within the limit."""
        return 0 < days <= self.max_extension_days and extensions_so_far < self.max_extensions


class PolicySet(BaseModel):
    """Every policy of a deployment and the clocks that categories and channels add or replace.

    A case runs the deployment's default policy; the category's clocks replace same-named ones,
    then the channel's clocks replace those: a channel's promise (a hotline's sign-off) is the
    most specific commitment made to the petitioner.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    default: str
    policies: dict[str, Policy]
    by_category: dict[str, dict[Kind, ClockSpec]] = {}
    by_channel: dict[str, dict[Kind, ClockSpec]] = {}

    @model_validator(mode="after")
    def _names_exist(self) -> PolicySet:
        if self.default not in self.policies:
            raise ValueError(f"default policy {self.default!r} is not defined")
        if unknown := sorted(set(self.by_channel) - set(Channel)):
            raise ValueError(f"unknown channels {unknown}: overrides would never apply")
        return self

    def resolve(self, category: str | None = None, channel: str | None = None, base: str | None = None) -> Policy:
        """The policy for a case: `base` (else the default), then category, then channel clocks."""
        policy = self.policies[base or self.default]
        name, clocks = policy.name, dict(policy.clocks)
        for layer, key, table in (("category", category, self.by_category), ("channel", channel, self.by_channel)):
            if key is not None and key in table:
                name, clocks = f"{name}+{layer}:{key}", {**clocks, **table[key]}
        return policy.model_copy(update={"name": name, "clocks": clocks})


def load_policies(text: str) -> PolicySet:
    """A PolicySet from the YAML text of a policies file (see services/sla/data/policies.yaml)."""
    doc: dict[str, Any] = yaml.safe_load(text) or {}
    warn_at = doc.get("warn_at", [])
    raw_policies: dict[str, dict[str, Any]] = doc.get("policies", {})
    overrides: dict[str, dict[str, dict[str, Any]]] = doc.get("overrides", {})
    return PolicySet(
        default=doc.get("default", "national"),
        policies={name: _policy(name, raw_policies, warn_at, ()) for name in raw_policies},
        by_category={k: _clocks(v, warn_at) for k, v in (overrides.get("category") or {}).items()},
        by_channel={k: _clocks(v, warn_at) for k, v in (overrides.get("channel") or {}).items()},
    )


def _policy(name: str, raw: Mapping[str, dict[str, Any]], warn_at: Any, seen: tuple[str, ...]) -> Policy:
    if name in seen or name not in raw:
        raise ValueError(f"policy {name!r} is {'extended in a cycle' if name in seen else 'not defined'}")
    entry = dict(raw[name])
    parent = entry.pop("extends", None)
    clocks = _clocks(entry.pop("clocks", None) or {}, warn_at)
    if parent is None:
        return Policy(name=name, clocks=clocks, **entry)
    base = _policy(parent, raw, warn_at, (*seen, name))
    limits = {"max_extension_days": base.max_extension_days, "max_extensions": base.max_extensions, **entry}
    return Policy(name=name, clocks={**base.clocks, **clocks}, **limits)


def _clocks(raw: Mapping[str, Any], warn_at: Any) -> dict[str, ClockSpec]:
    return {kind: ClockSpec.model_validate({"kind": kind, "warn_at": warn_at, **spec}) for kind, spec in raw.items()}
