"""What a reader of a case's history may see of the petitioner. Pure.

Events carry each petitioner sealed (`SealedPetitioner`: the ciphertext of their identity and
contact under a data key only intake holds, shared/sealing.py); officials read the plaintext from
intake (`GET /v1/cases/{id}/petitioner`, recorded). Here, a reader other than an auditor gets an
anonymous petitioner's ciphertext taken out too, and an erased petitioner's (each signer of a
collective petition on their own) marked `erased` with it taken out. Auditors see events exactly
as recorded, since they check them against their hashes.
Events recorded before sealing (schema version 1) carry the person in clear: the same rule takes
an anonymous or erased one's identity out.
"""

from __future__ import annotations

from collections.abc import Set as AbstractSet
from typing import Any

from shared.privacy import sees_identity
from shared.vocabulary import Role

_PERSONAL = ("name", "phone", "id_number", "email", "address", "sealed")


def as_seen_by(role: Role, event: dict[str, Any], erased: bool | AbstractSet[int] = False) -> dict[str, Any]:
    """The event's JSON as `role` may read it (marked `redacted` when something was taken out).

    `erased`: whose personal data was erased (`PersonalDataErased`), whenever the event was: True for
    every person of the case, else the signers erased (0 the petitioner, i the i-th co-petitioner; a
    reception booking's person goes with the petitioner). Each signer of a collective petition
    (`co_petitioners`) is anonymous or erased or not on their own."""
    if role in {Role.AUDITOR}:
        return event
    data = event.get("data") or {}
    petitioner = data.get("petitioner")
    others = data.get("co_petitioners")
    changes: dict[str, Any] = {}

    def gone(signer: int) -> bool:
        return erased is True or (not isinstance(erased, bool) and signer in erased)

    if isinstance(petitioner, dict) and _hidden_from(role, petitioner, gone(0)):
        changes["petitioner"] = _without_identity(petitioner, gone(0))
    if isinstance(others, list):
        hidden = {i for i, p in enumerate(others, start=1) if isinstance(p, dict) and _hidden_from(role, p, gone(i))}
        if hidden:
            changes["co_petitioners"] = [
                _without_identity(p, gone(i)) if i in hidden else p for i, p in enumerate(others, start=1)
            ]
    person = data.get("person")  # a reception booking's new matter
    if isinstance(person, dict) and gone(0):
        changes["person"] = _without_identity(person, True)
    if not changes:
        return event
    return {**event, "data": {**data, **changes}, "redacted": True}


def _hidden_from(role: Role, petitioner: dict[str, Any], erased: bool) -> bool:
    return erased or not sees_identity(role, bool(petitioner.get("anonymous")))


def _without_identity(petitioner: dict[str, Any], erased: bool) -> dict[str, Any]:
    hidden = {**petitioner, **{k: None for k in _PERSONAL if k in petitioner}}
    return {**hidden, "erased": True} if erased else hidden
