"""Which unit is a case's county petition bureau (县信访局): the one home of that rule.

Every county's own handling unit is its petition bureau (`divisions.unit_names` names it so, and
its unit id is the county's code). It rules on a send-back when no unit dispatched the case
(routing assigned it by the catalogue, or recategorised it), receives a case sent back twice,
and must then keep it or place it.
"""

from __future__ import annotations

from shared.divisions import county_of, is_within
from shared.jurisdiction.departments import split_department_id


def petition_bureau(division_or_unit: str) -> str:
    """The unit id of the county petition bureau over a division or a unit (a county department
    `<county>:<kind>` included)."""
    department = split_department_id(division_or_unit)
    return county_of(department[0] if department else division_or_unit)


def division_of_unit(unit_id: str) -> str:
    """The division a unit acts for: its own code, or a county department's county (the one home
    of that rule: routing names who rules with it, sla checks who may pause a unit's clock)."""
    department = split_department_id(unit_id)
    return department[0] if department else unit_id


def acts_for(division: str, unit: str | None, target_unit: str | None) -> bool:
    """Whether an official of `division` (a county department's official: of `unit`) may act for
    `target_unit`: a department official for its own unit only; anyone else for every unit of its
    division and below (a county's officials, the bureau's, so also for its departments)."""
    if target_unit is None:
        return False
    if unit is not None:
        return target_unit == unit
    return is_within(division_of_unit(target_unit), division)
