"""What a reader of a case's history may see of the petitioner. Pure.

Events carry each petitioner sealed (`SealedPetitioner`: the ciphertext of their identity and
contact under a data key only intake holds, shared/sealing.py); officials read the plaintext from
intake (`GET /v1/cases/{id}/petitioner`, recorded). Here, a reader other than an auditor gets an
anonymous petitioner's ciphertext taken out too, and an erased petitioner's marked `erased` with it
taken out. Auditors see events exactly as recorded, since they check them against their hashes.
Events recorded before sealing (schema version 1) carry the person in clear: the same rule takes
an anonymous or erased one's identity out.
"""

from __future__ import annotations

from typing import Any

from shared.privacy import sees_identity
from shared.vocabulary import Role

_PERSONAL = ("name", "phone", "id_number", "email", "address", "sealed")


def as_seen_by(role: Role, event: dict[str, Any], erased: bool = False) -> dict[str, Any]:
    """The event's JSON as `role` may read it (marked `redacted` when something was taken out).

    `erased`: the case's personal data was erased (`PersonalDataErased`), whenever the event was.
    Each signer of a collective petition (`co_petitioners`) is anonymous or not on their own."""
    if role in {Role.AUDITOR}:
        return event
    data = event.get("data") or {}
    petitioner = data.get("petitioner")
    others = data.get("co_petitioners")
    changes: dict[str, Any] = {}
    if isinstance(petitioner, dict) and _hidden_from(role, petitioner, erased):
        changes["petitioner"] = _without_identity(petitioner, erased)
    if isinstance(others, list) and any(isinstance(p, dict) and _hidden_from(role, p, erased) for p in others):
        changes["co_petitioners"] = [
            _without_identity(p, erased) if isinstance(p, dict) and _hidden_from(role, p, erased) else p for p in others
        ]
    person = data.get("person")  # a reception booking's new matter
    if isinstance(person, dict) and erased:
        changes["person"] = _without_identity(person, erased)
    if not changes:
        return event
    return {**event, "data": {**data, **changes}, "redacted": True}


def _hidden_from(role: Role, petitioner: dict[str, Any], erased: bool) -> bool:
    return erased or not sees_identity(role, bool(petitioner.get("anonymous")))


def _without_identity(petitioner: dict[str, Any], erased: bool) -> dict[str, Any]:
    hidden = {**petitioner, **{k: None for k in _PERSONAL if k in petitioner}}
    return {**hidden, "erased": True} if erased else hidden
