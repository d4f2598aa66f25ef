"""Is a new petition a repeat (重複信訪) of an open matter? Same person, category, place, similar text.

Pure: the petitioner is compared by keyed hashes (`blind`, an HMAC under a key derived from the
master key, shared/sealing.py, handed in), the text by token sets, so the index that feeds these
functions never has to hold the petitioner's name, phone or id number, and a stolen index cannot be
turned back into phone numbers by hashing every number there is.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable

from pydantic import BaseModel, ConfigDict

from shared.divisions import is_within, level_of, truncate_to
from shared.events.intake import Petitioner
from shared.vocabulary import CaseStatus, Level

SIMILAR = 0.5
# The opening of a petition states the matter; the rest (often long) adds little and costs a lot.
COMPARED_CHARS = 2000
# A keyed hash of a text (shared/sealing.Sealer.blind): equal texts give equal keys, nothing guesses back.
Blind = Callable[[str], str]
_RUNS = re.compile(r"[0-9a-z]+|[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")


class PersonKeys(BaseModel):
    """Hashes that name a petitioner: by id number when given, else by phone and name.

    `phone_key` (the phone alone) is what officials search by; the repeat check never uses it.
    """

    model_config = ConfigDict(frozen=True)

    id_key: str | None
    contact_key: str
    phone_key: str = ""


def phone_digits(phone: str) -> str:
    """A phone number as digits only, without China's +86: one number however it was written."""
    digits = "".join(ch for ch in phone if ch.isdigit())
    return digits[2:] if digits.startswith("86") and len(digits) > 11 else digits


def phone_key(phone: str, blind: Blind) -> str:
    return blind(f"phone:{phone_digits(phone)}")


def person_keys(petitioner: Petitioner, blind: Blind) -> PersonKeys:
    digits = phone_digits(petitioner.phone)
    name = "".join(unicodedata.normalize("NFKC", petitioner.name).lower().split())
    id_number = (petitioner.id_number or "").strip().upper()
    return PersonKeys(
        id_key=blind(f"id:{id_number}") if id_number else None,
        contact_key=blind(f"contact:{digits}:{name}"),
        phone_key=phone_key(petitioner.phone, blind),
    )


def nobody(case_id: str) -> PersonKeys:
    """The keys of a petitioner who can no longer be compared (erased, or recorded before sealing):
    they match no one else, and no phone finds them."""
    return PersonKeys(id_key=None, contact_key=f"none:{case_id}", phone_key=f"none:{case_id}")


def same_person(a: PersonKeys, b: PersonKeys) -> bool:
    """Two id numbers decide; without both, phone and name do."""
    if a.id_key and b.id_key:
        return a.id_key == b.id_key
    return a.contact_key == b.contact_key


def same_place(a: str, b: str) -> bool:
    """The same division, or a village and the township that contains it (never a whole county)."""
    if a == b:
        return True
    higher = b if is_within(a, b) else a if is_within(b, a) else None
    return higher is not None and level_of(higher) in {Level.TOWNSHIP, Level.VILLAGE}


def neighbourhood(code: str) -> str:
    """The township around a place (or the place itself above it): every same place shares it."""
    return truncate_to(code, Level.TOWNSHIP)


def tokens(text: str) -> frozenset[str]:
    """Latin words and digits as they are, Chinese as character bigrams (it has no spaces)."""
    found: set[str] = set()
    for run in _RUNS.findall(unicodedata.normalize("NFKC", text).lower()[:COMPARED_CHARS]):
        if run[0].isascii() or len(run) == 1:
            found.add(run)
        else:
            found.update(run[i : i + 2] for i in range(len(run) - 1))
    return frozenset(found)


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    union = a | b
    return len(a & b) / len(union) if union else 0.0


class Matter(BaseModel):
    """A petition as the repeat check sees it."""

    model_config = ConfigDict(frozen=True)

    case_id: str
    person: PersonKeys
    category: str
    division_code: str
    title_tokens: frozenset[str]
    text_tokens: frozenset[str]
    status: CaseStatus = CaseStatus.SUBMITTED

    @property
    def open(self) -> bool:
        return self.status.open


def matter(
    case_id: str,
    petitioner: Petitioner | None,
    category: str,
    division_code: str,
    title: str,
    content: str,
    *,
    blind: Blind,
) -> Matter:
    """The repeat check's view of a petition; `petitioner` None: one that cannot be compared (`nobody`)."""
    return Matter(
        case_id=case_id,
        person=nobody(case_id) if petitioner is None else person_keys(petitioner, blind),
        category=category,
        division_code=division_code,
        title_tokens=tokens(title),
        text_tokens=tokens(f"{title}\n{content}"),
    )


def similarity(a: Matter, b: Matter) -> float:
    """The closer of the two titles and the two whole texts."""
    return max(jaccard(a.title_tokens, b.title_tokens), jaccard(a.text_tokens, b.text_tokens))


def find_repeat(new: Matter, existing: Iterable[Matter]) -> Matter | None:
    """The open matter `new` repeats: the most similar (whole texts break ties, then the earliest), or None."""
    best: tuple[tuple[float, float], Matter] | None = None
    for old in existing:
        if not (old.open and old.category == new.category and same_person(old.person, new.person)):
            continue
        if not same_place(old.division_code, new.division_code):
            continue
        score = (similarity(new, old), jaccard(new.text_tokens, old.text_tokens))
        if score[0] >= SIMILAR and (best is None or score > best[0]):
            best = (score, old)
    return None if best is None else best[1]
