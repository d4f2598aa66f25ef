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
    """The event's JSON as `role` may read it (marked `redacted` when something was taken out).

    Each signer of a collective petition (`co_petitioners`) is anonymous or not on their own."""
    data = event.get("data") or {}
    petitioner = data.get("petitioner")
    others = data.get("co_petitioners")
    changes: dict[str, Any] = {}
    if isinstance(petitioner, dict) and _hidden_from(role, petitioner):
        changes["petitioner"] = _without_identity(petitioner)
    if isinstance(others, list) and any(isinstance(p, dict) and _hidden_from(role, p) for p in others):
        changes["co_petitioners"] = [
            _without_identity(p) if isinstance(p, dict) and _hidden_from(role, p) else p for p in others
        ]
    if not changes:
        return event
    return {**event, "data": {**data, **changes}, "redacted": True}


def _hidden_from(role: Role, petitioner: dict[str, Any]) -> bool:
    return not sees_identity(role, bool(petitioner.get("anonymous")))


def _without_identity(petitioner: dict[str, Any]) -> dict[str, Any]:
    return {**petitioner, **dict.fromkeys(_IDENTITY)}
