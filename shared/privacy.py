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
