"""What a reader of a case's history may see of the petitioner. Pure.

A petitioner may stay anonymous to the handling unit (domain.md): officials and supervisors see
the recorded events with an anonymous petitioner's identity taken out. Auditors see events
exactly as recorded, since they check them against their hashes.
"""

from __future__ import annotations

from typing import Any

from shared.privacy import sees_identity
from shared.vocabulary import Role

_IDENTITY = ("name", "phone", "id_number")


def as_seen_by(role: Role, event: dict[str, Any]) -> dict[str, Any]:
    """The event's JSON as `role` may read it (marked `redacted` when something was taken out)."""
    data = event.get("data") or {}
    petitioner = data.get("petitioner")
    if not isinstance(petitioner, dict) or sees_identity(role, bool(petitioner.get("anonymous"))):
        return event
    hidden = {**petitioner, **dict.fromkeys(_IDENTITY)}
    return {**event, "data": {**data, "petitioner": hidden}, "redacted": True}
