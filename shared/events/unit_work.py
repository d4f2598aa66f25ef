"""Events of the work between units that routing records (issue 10, part A): sign-off (签收),
send-back with a ruling (退单 / 异议), extension approval, the official in charge (承办人) and
category correction. Each names the person and unit in its envelope (actor, actor_unit).

None of them moves a case's status (`status_after` is None): a move to another unit is always a
`CaseAssigned` recorded next to them, so every reader follows one shape for "where is the case".
"""

from __future__ import annotations

from typing import Literal

from shared.events.base import Event
from shared.vocabulary import Level

RulingDecision = Literal["upheld", "dismissed"]


class CaseSigned(Event):
    """The unit the case is at confirmed it received it (签收)."""

    case_id: str
    unit_id: str
    level: Level


class ObjectionRaised(Event):
    """The unit says the case is not its own, within its forward-objection window.

    `ruling_unit_id` / `ruling_division` name the level that rules (the unit that transferred the
    case, else the county petition bureau). `to_bureau`: the case's second send-back; it goes
    straight to the county petition bureau (a `CaseAssigned(reason=returned)` follows), no ruling.
    """

    case_id: str
    objection_id: str
    unit_id: str
    reason: str
    competent_unit: str | None = None
    ruling_unit_id: str
    ruling_division: str
    to_bureau: bool = False


class ObjectionRuled(Event):
    """The dispatching level ruled. Upheld: a `CaseAssigned(reason=objection)` to `unit_id` follows.
    `lapsed`: nobody ruled in time and the deployment's policy decided (`PUJIANG_OBJECTION_LAPSE`)."""

    case_id: str
    objection_id: str
    decision: RulingDecision
    reason: str
    unit_id: str | None = None
    lapsed: bool = False


class ObjectionWindowClosed(Event):
    """The unit's forward-objection window passed (sla's `forward_objection` breached): from now
    on the case is the unit's own."""

    case_id: str
    unit_id: str


class ExtensionRequested(Event):
    """The unit asks the level above for more handling time; only `ExtensionGranted` extends it."""

    case_id: str
    request_id: str
    unit_id: str
    days: int
    reason: str
    approver_division: str


class ExtensionDenied(Event):
    """The level above said no: the handling deadline stays."""

    case_id: str
    request_id: str
    reason: str


class OfficialAssigned(Event):
    """The unit put one of its officials (a JWT `sub`) in charge of the case (承办人)."""

    case_id: str
    unit_id: str
    assignee: str
    previous: str | None = None


class CategoryCorrected(Event):
    """The category was wrong. `moves`: before acceptance, so routing recomputed where the case
    starts and a `CaseAssigned(reason=recategorised)` follows; after acceptance only recorded."""

    case_id: str
    category: str
    previous: str
    reason: str
    moves: bool = False
