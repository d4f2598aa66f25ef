"""Similar matters from different people merged into one case (並案), and merges undone. Pure: no I/O.

A merge touches several case streams at once, so its decisions answer events per case id; the
handler appends them all in one transaction, each at its loaded version.
"""

from __future__ import annotations

from collections.abc import Mapping

from services.routing.domain.assignment import Jurisdictions, assigned_to
from services.routing.domain.case import Case
from services.routing.domain.commands import Merge, Unmerge
from shared.domain import Invalid, NotAllowed
from shared.events import CaseClosed, CaseMergedInto, CaseMergeUndone, CasesMergedIn, CaseUnmerged, Event
from shared.vocabulary import CaseStatus

# The lead is an open matter still being handled in its first round: a resolved case or a review
# round answers one petitioner's request, which a newcomer did not make.
LEAD_STATUSES = frozenset({CaseStatus.ASSIGNED, CaseStatus.ACCEPTED})
# A merged-in case has not been accepted by its own unit yet: once accepted, it owes that
# petitioner its own handling and reply within the statutory limit.
MERGEABLE_STATUSES = frozenset({CaseStatus.ASSIGNED})
MAX_MERGED = 20

Decided = dict[str, list[Event]]  # events to append, by case id


def decide_merge(lead: Case, others: Mapping[str, Case], command: Merge) -> Decided:
    """Merge `others` (by case id, as loaded) into `lead`; nothing when every one is merged into it already."""
    if lead.case_id is None or lead.version == 0:
        raise NotAllowed("the lead case has not been routed yet", lead.status)
    if not command.reason.strip():
        raise Invalid("reason", "must not be blank")
    if len(set(command.case_ids)) != len(command.case_ids):
        raise Invalid("case_ids", "names a case twice")
    if lead.case_id in command.case_ids:
        raise Invalid("case_ids", "a case cannot be merged into itself")
    fresh = [case_id for case_id in command.case_ids if others[case_id].merged_into != lead.case_id]
    if not fresh:
        return {}  # asked again: the merge holds already
    if lead.merged_into is not None:
        raise NotAllowed("the lead case is itself merged into another case", "merged")
    if lead.status not in LEAD_STATUSES:
        raise NotAllowed(f"cannot merge into a case that is {lead.status}", lead.status)
    if len(set(lead.merged_cases) | set(fresh)) > MAX_MERGED:
        raise Invalid("case_ids", f"a case carries at most {MAX_MERGED} merged cases")
    decided: Decided = {}
    for case_id in fresh:
        decided[case_id] = _merged_in(others[case_id], lead, command.reason)
    decided[lead.case_id] = [CasesMergedIn(case_id=lead.case_id, merged_case_ids=tuple(fresh), reason=command.reason)]
    return decided


def _merged_in(case: Case, lead: Case, reason: str) -> list[Event]:
    if case.case_id is None or case.version == 0:
        raise NotAllowed("a case to merge has not been routed yet", case.status)
    if case.merged_into is not None:
        raise NotAllowed(f"case {case.case_id} is merged into another case already", "merged")
    if case.merged_cases:
        raise NotAllowed(f"case {case.case_id} carries merged cases itself: undo those merges first", case.status)
    if case.status not in MERGEABLE_STATUSES:
        raise NotAllowed(f"cannot merge case {case.case_id}: it is {case.status}", case.status)
    if case.county_code != lead.county_code:
        raise Invalid("case_ids", f"case {case.case_id} is in another county than the lead case")
    return [
        CaseMergedInto(case_id=case.case_id, lead_case_id=lead.case_id or "", reason=reason),
        CaseClosed(case_id=case.case_id, reason="merged"),
    ]


def decide_unmerge(case: Case, lead: Case | None, command: Unmerge, where: Jurisdictions) -> Decided:
    """Give `case` back to the unit it was at; only while its lead is not accepted yet."""
    if not command.reason.strip():
        raise Invalid("reason", "must not be blank")
    if case.merged_into is None and case.unmerged_from is not None:
        return {}  # asked again: the merge is undone already
    if case.merged_into is None or lead is None or lead.case_id is None or case.case_id is None:
        raise NotAllowed("this case is not merged into another case", case.status)
    if lead.status != CaseStatus.ASSIGNED:
        raise NotAllowed(f"the merge cannot be undone: the lead case is {lead.status}", lead.status)
    unit = where.unit(case.unit_id or "")
    if unit is None:
        raise NotAllowed("the unit this case was at no longer exists", case.status)
    return {
        case.case_id: [
            CaseUnmerged(case_id=case.case_id, lead_case_id=lead.case_id, reason=command.reason),
            assigned_to(case, unit, "unmerged", command.reason),
        ],
        lead.case_id: [CaseMergeUndone(case_id=lead.case_id, merged_case_id=case.case_id, reason=command.reason)],
    }
