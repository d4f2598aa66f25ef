"""Similar matters from different people (並案 suggestions). Pure: no I/O.

A new petition resembles an open matter of another petitioner when all three hold:
- **the same place or a neighbouring one**: the same division, two divisions under the same
  parent (two villages of one township, two townships of one county), or one directly above
  the other (a village and its township);
- **the same category**;
- **similar text**: `rapidfuzz` (pinned in uv.lock) scores the two titles character by
  character (Indel similarity: Chinese needs no segmentation for that) and the two texts'
  character-bigram sets (the same bigrams the repeat check stores, `repeats.tokens`) with
  `token_set_ratio`; the higher of the two counts, from `SIMILAR_ACROSS` up.

Only the petition index's hashes, category, place, status, title and tokens are compared: no one's
name, phone or id number is read or shown.
"""

from __future__ import annotations

from collections.abc import Iterable

from pydantic import BaseModel, ConfigDict
from rapidfuzz import fuzz

from services.intake.domain.repeats import PersonKeys, same_person
from shared.divisions import parent_of
from shared.vocabulary import CaseStatus

SIMILAR_ACROSS = 0.6
MAX_SUGGESTIONS = 10


class Candidate(BaseModel):
    model_config = ConfigDict(frozen=True)

    case_id: str
    tracking_code: str
    person: PersonKeys
    category: str
    division_code: str
    status: CaseStatus
    title: str
    text_tokens: frozenset[str]


class Suggestion(BaseModel):
    model_config = ConfigDict(frozen=True)

    case_id: str
    tracking_code: str
    title: str
    category: str
    division_code: str
    status: str
    score: float


def neighbouring(a: str, b: str) -> bool:
    """The same division, siblings under one parent, or one directly above the other."""
    if a == b:
        return True
    up_a, up_b = parent_of(a), parent_of(b)
    return (up_a is not None and up_a == up_b) or up_a == b or up_b == a


def text_similarity(a: Candidate, b: Candidate) -> float:
    titles = fuzz.ratio(a.title, b.title)
    texts = fuzz.token_set_ratio(" ".join(sorted(a.text_tokens)), " ".join(sorted(b.text_tokens)))
    return round(max(titles, texts) / 100, 3)


def suggest(new: Candidate, others: Iterable[Candidate]) -> list[Suggestion]:
    """Open matters of other people that resemble `new`, most similar first (at most MAX_SUGGESTIONS)."""
    found: list[Suggestion] = []
    for other in others:
        if other.case_id == new.case_id or not other.status.open or other.category != new.category:
            continue
        if same_person(other.person, new.person) or not neighbouring(other.division_code, new.division_code):
            continue
        score = text_similarity(new, other)
        if score >= SIMILAR_ACROSS:
            found.append(
                Suggestion(
                    **other.model_dump(include={"case_id", "tracking_code", "title", "category", "division_code"}),
                    status=other.status.value,
                    score=score,
                )
            )
    found.sort(key=lambda s: (-s.score, s.case_id))
    return found[:MAX_SUGGESTIONS]
