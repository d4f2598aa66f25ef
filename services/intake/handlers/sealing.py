"""Sealing a petition's people as they are recorded, and opening them where intake must (notices,
the officials' identity read, repeat checks of old rows). The crypto itself is shared/sealing.py.

Owners (bound into each ciphertext as associated data): `petitioner|<case>|<signer>` for a
petition's people (signer 0 the petitioner, i the i-th co-petitioner), `booking|<id>` for a reception
booking's, `notice|<id>` for a notice's address (sealed under its petitioner's key).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import asyncpg
import orjson

from services.intake.adapters import personal_keys
from services.intake.domain.commands import SealedPeople
from shared.events import PetitionSubmitted
from shared.events.intake import Petitioner, SealedPetitioner
from shared.sealing import DataKey, Sealer

if TYPE_CHECKING:
    from services.intake.handlers.service import Intake


def petitioner_owner(case_id: str, signer: int) -> str:
    return f"petitioner|{case_id}|{signer}"


def booking_owner(booking_id: str) -> str:
    return f"booking|{booking_id}"


def notice_owner(notice_id: str) -> str:
    return f"notice|{notice_id}"


@dataclass(frozen=True)
class Sealed:
    """A submit's people sealed, and their new keys (key-table owner, key) to store with the case."""

    people: SealedPeople
    keys: tuple[tuple[str, DataKey], ...]


def seal_person(sealer: Sealer, key: DataKey, owner: str, person: Petitioner) -> SealedPetitioner:
    text = sealer.seal(key, owner, orjson.dumps(person.sealed_part))
    return SealedPetitioner(key_id=key.key_id, sealed=text, anonymous=person.anonymous, notify_by=person.notify_by)


def seal_people(sealer: Sealer, case_id: str, people: Sequence[Petitioner]) -> Sealed:
    """Each of a petition's people under a new data key of their own."""
    keys = [sealer.new_data_key() for _ in people]
    sealed = [
        seal_person(sealer, k, petitioner_owner(case_id, i), p)
        for i, (k, p) in enumerate(zip(keys, people, strict=True))
    ]
    return Sealed(
        SealedPeople(petitioner=sealed[0], co_petitioners=tuple(sealed[1:])), tuple((case_id, k) for k in keys)
    )


OpenState = Literal["open", "erased", "unsealed"]


@dataclass(frozen=True)
class Opened:
    """A sealed person opened: `open` with `person`, `erased` (key destroyed), or `unsealed` (recorded
    before sealing: nothing to open)."""

    state: OpenState
    person: Petitioner | None
    key: DataKey | None
    anonymous: bool


def people_of(event: PetitionSubmitted) -> list[tuple[str, SealedPetitioner]]:
    """(owner, sealed person) of each of a petition's people, in signer order."""
    everyone = (event.petitioner, *event.co_petitioners)
    return [(petitioner_owner(event.case_id, i), p) for i, p in enumerate(everyone)]


async def open_people(
    intake: Intake, conn: asyncpg.Connection, sealed: Sequence[tuple[str, SealedPetitioner]]
) -> list[Opened]:
    """Open sealed people (owner, sealed) with their keys, read in one statement."""
    ids = [p.key_id for _, p in sealed if p.key_id is not None]
    found = await personal_keys.held(conn, intake.schema, intake.sealer, ids)
    opened = []
    for owner, p in sealed:
        held = found.get(p.key_id) if p.key_id is not None else None
        if p.key_id is None:
            opened.append(Opened("unsealed", None, None, p.anonymous))
        elif held is None or held.key is None:  # destroyed (or, never stored: no key opens it either)
            opened.append(Opened("erased", None, None, p.anonymous))
        else:
            fields = orjson.loads(intake.sealer.open(held.key, owner, p.sealed))
            person = Petitioner(**fields, anonymous=p.anonymous, notify_by=p.notify_by)
            opened.append(Opened("open", person, held.key, p.anonymous))
    return opened
