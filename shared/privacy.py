"""Who may see an anonymous petitioner's identity: one rule for every service that holds it.

A petitioner may stay anonymous to the handling unit (domain.md). Auditors see what was recorded
exactly as recorded, since they check it against its hashes; every other role sees an anonymous
petitioner's name, phone and id number taken out, and cannot find their petitions by them.
"""

from __future__ import annotations

from shared.vocabulary import Role

SEES_ANONYMOUS_IDENTITY = frozenset({Role.AUDITOR})


def sees_identity(role: Role, anonymous: bool) -> bool:
    """Whether `role` may see (or search by) the identity of a petitioner who asked to be `anonymous`."""
    return not anonymous or role in SEES_ANONYMOUS_IDENTITY


def withheld_from(role: Role, division: str, anonymous: bool, complaint_unit: str | None) -> str | None:
    """Why an official may not see a petitioner's identity and contact, or None when they may.

    `anonymous` (shown only to auditors), or `complaint`: the petition complains about the unit the
    official works for (`complaint_unit`, a division code), whose people never see who complained."""
    if complaint_unit is not None and division == complaint_unit:
        return "complaint"
    if not sees_identity(role, anonymous):
        return "anonymous"
    return None
