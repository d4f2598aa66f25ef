"""A repeat (重複信訪): same person, category and place, similar text, and the matter still open."""

from __future__ import annotations

from typing import Any

import pytest

from services.intake.domain.repeats import (
    Matter,
    find_repeat,
    jaccard,
    matter,
    person_keys,
    phone_digits,
    phone_key,
    same_person,
    same_place,
    similarity,
    tokens,
)
from shared.events.intake import Petitioner
from shared.sealing import DEV_MASTER_KEY, Sealer
from shared.vocabulary import CaseStatus

pytestmark = pytest.mark.unit

VILLAGE, NEXT_VILLAGE, TOWNSHIP, COUNTY = "330726101203", "330726101204", "330726101000", "330726000000"
WANG = Petitioner(name="王芳", phone="13800000000")
TITLE, CONTENT = "鄰居的牆擋住了排水", "The neighbour's new wall blocks the drain behind my house."
BLIND = Sealer.of_text(DEV_MASTER_KEY).blind


def a_matter(
    case_id: str = "old", petitioner: Petitioner = WANG, status: CaseStatus = CaseStatus.ASSIGNED, **overrides: Any
) -> Matter:
    fields = {"category": "neighbourhood_dispute", "division_code": VILLAGE, "title": TITLE, "content": CONTENT}
    fields.update(overrides)
    return matter(case_id, petitioner, blind=BLIND, **fields).model_copy(update={"status": status})


def test_chinese_is_compared_by_character_pairs_and_latin_by_words() -> None:
    assert tokens("牆擋住") == {"牆擋", "擋住"}
    assert tokens("The WALL, the wall!") == {"the", "wall"}
    assert tokens("排 water") == {"排", "water"}
    assert tokens("ＷＡＬＬ") == {"wall"}  # full-width letters, as typed on a Chinese keyboard


def test_jaccard_and_similarity() -> None:
    assert jaccard(frozenset("ab"), frozenset("bc")) == pytest.approx(1 / 3)
    assert jaccard(frozenset(), frozenset()) == 0.0
    retold = a_matter("new", title="牆擋住了排水溝", content="My neighbour built a wall; it blocks the drain.")
    assert similarity(retold, a_matter()) >= 0.5
    other = a_matter("new", title="村裡的路燈壞了", content="The street lamp has been broken for a month.")
    assert similarity(other, a_matter()) < 0.5


def test_a_person_is_their_id_number_when_both_give_one_else_their_phone_and_name() -> None:
    with_id = Petitioner(name="王芳", phone="13800000000", id_number="33072619900101123x")
    assert same_person(person_keys(with_id, BLIND), person_keys(WANG, BLIND))
    assert same_person(
        person_keys(Petitioner(name=" 王 芳", phone="+86 138-0000-0000"), BLIND), person_keys(WANG, BLIND)
    )
    same_id_new_phone = Petitioner(name="王芳", phone="13900000000", id_number="33072619900101123X")
    assert same_person(person_keys(with_id, BLIND), person_keys(same_id_new_phone, BLIND))
    namesake = Petitioner(name="王芳", phone="13800000000", id_number="330726199202021234")
    assert not same_person(person_keys(with_id, BLIND), person_keys(namesake, BLIND))
    assert not same_person(person_keys(Petitioner(name="李明", phone="13800000000"), BLIND), person_keys(WANG, BLIND))


def test_the_phone_key_is_the_number_however_it_was_written_and_not_the_name() -> None:
    plain = person_keys(Petitioner(name="王芳", phone="13800000000"), BLIND).phone_key
    assert person_keys(Petitioner(name="李明", phone="+86 138-0000-0000"), BLIND).phone_key == plain
    assert phone_key("86 13800000000", BLIND) == phone_key("138 0000 0000", BLIND) == plain
    assert phone_key("13800000001", BLIND) != plain
    assert phone_digits("+86-571-8765-4321") == "57187654321"


def test_keys_are_hashes_that_do_not_carry_the_person() -> None:
    keys = person_keys(Petitioner(name="王芳", phone="13800000000", id_number="330726199001011234"), BLIND)
    assert "13800000000" not in keys.model_dump_json()
    assert "王芳" not in keys.model_dump_json()


def test_keys_are_keyed_so_nobody_without_the_master_key_can_hash_every_number_to_find_one() -> None:
    import hashlib

    keys = person_keys(Petitioner(name="王芳", phone="13800000000"), BLIND)
    assert keys.phone_key != hashlib.sha256(b"phone:13800000000").hexdigest()  # what the index kept before
    other_deployment = Sealer(bytes(32)).blind
    assert person_keys(Petitioner(name="王芳", phone="13800000000"), other_deployment).phone_key != keys.phone_key


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        (VILLAGE, VILLAGE, True),
        (VILLAGE, TOWNSHIP, True),
        (TOWNSHIP, VILLAGE, True),
        (VILLAGE, NEXT_VILLAGE, False),
        (VILLAGE, COUNTY, False),
        (COUNTY, COUNTY, True),
    ],
)
def test_the_same_place_is_the_same_division_or_a_village_and_its_township(a: str, b: str, same: bool) -> None:
    assert same_place(a, b) is same


def test_the_open_matter_of_the_same_person_category_and_place_is_found() -> None:
    new = a_matter("new", content="The new wall of my neighbour still blocks the drain behind my house.")
    assert find_repeat(new, [a_matter()]) == a_matter()


@pytest.mark.parametrize(
    "old",
    [
        a_matter(status=CaseStatus.CLOSED),
        a_matter(status=CaseStatus.NOT_ACCEPTED),
        a_matter(category="environment"),
        a_matter(division_code=NEXT_VILLAGE),
        a_matter(petitioner=Petitioner(name="李明", phone="13900000000")),
        a_matter(title="路燈壞了", content="The street lamp is broken."),
    ],
    ids=["closed", "not-accepted", "other-category", "other-village", "other-person", "other-matter"],
)
def test_anything_else_is_a_new_case(old: Matter) -> None:
    assert find_repeat(a_matter("new"), [old]) is None


def test_of_several_open_matters_the_most_similar_wins_and_the_earliest_on_a_tie() -> None:
    near = a_matter("near", content="The neighbour's new wall blocks the drain behind my house!")
    far = a_matter("far", content="A wall was built. Water floods the yard after rain, please help us.")
    assert (found := find_repeat(a_matter("new"), [far, near])) is not None
    assert found.case_id == "near"
    twin = a_matter("twin")
    assert (found := find_repeat(a_matter("new"), [a_matter("first"), twin])) is not None
    assert found.case_id == "first"
