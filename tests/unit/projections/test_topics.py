"""The month's topics: the salient terms of a title, and the grouping of a period's petitions. Pure."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from services.projections.adapters import segmenter
from services.projections.assessments import place_below, place_names
from services.projections.domain import topics
from services.projections.domain.topics import Petition, Topic, salient
from services.projections.entrypoints.assessments import topics_limit

pytestmark = pytest.mark.unit
START = datetime(2026, 3, 2, 1, tzinfo=UTC)
WEIGHTS = {"邻居": 8.0, "排水沟": 14.0, "围墙": 10.0, "噪音": 12.0, "装修": 11.0, "工资": 9.0, "拖欠": 12.0}


def weight(term: str) -> float:
    return WEIGHTS.get(term, 5.0)


def petition(n: int, category: str, *terms: str, division: str = "330726101203") -> Petition:
    return Petition(f"case-{n:03d}", category, division, START + timedelta(hours=n), terms)


def test_salient_terms_are_words_of_two_characters_or_more_without_numbers_or_stop_words() -> None:
    words = ["邻居", "王", "芳", "的", "围墙", "13800000000", "，", "三天", "一个多月", "请求", "围墙", "一致", "APP"]
    assert salient(words) == ("邻居", "围墙", "一致", "app")
    assert len(salient(f"词{chr(0x4E00 + i)}" for i in range(100, 140))) == topics.TERMS_KEPT


def test_a_title_is_cut_into_its_salient_words_and_a_persons_name_falls_apart() -> None:
    terms = segmenter.title_terms("邻居王芳新砌围墙堵住排水沟，电话13800000000")
    assert {"邻居", "围墙", "排水沟"} <= set(terms)
    assert not {"王芳", "13800000000"} & set(terms)
    assert segmenter.title_terms("占道经营影响通行")[0] == "占道经营"  # a word of the trade, kept whole
    assert segmenter.title_terms("") == segmenter.title_terms(None) == ()
    assert segmenter.weight("问题") < segmenter.weight("围墙") < segmenter.weight("排水沟")


def test_place_names_are_no_terms_of_a_topic() -> None:
    names = place_names()
    assert {"浦江县", "浦江", "黄宅镇"} <= names
    assert "排水沟" not in names
    found = topics.topics(
        [petition(1, "environment", "浦江", "垃圾"), petition(2, "environment", "浦江", "噪音")], weight, names
    )
    assert found == []  # they share a place, not a problem


def test_similar_petitions_group_by_category_then_by_the_terms_they_share() -> None:
    petitions = [
        *(petition(i, "neighbourhood_dispute", "邻居", "围墙", "排水沟", division="330726101203") for i in range(3)),
        *(petition(i, "neighbourhood_dispute", "邻居", "围墙", "排水沟", division="330726102001") for i in (3, 4)),
        *(petition(i, "neighbourhood_dispute", "邻居", "装修", "噪音") for i in (5, 6, 7)),
        petition(8, "neighbourhood_dispute", "邻居", "宅基地"),  # shares only 邻居: no topic of its own
        *(petition(i, "labour_wages", "拖欠", "工资", "排水沟") for i in (9, 10)),  # another category
        petition(11, "environment", "焚烧", "垃圾"),  # once: not recurring
    ]
    found = topics.topics(petitions, weight)
    assert [(t.category, t.terms, t.count) for t in found] == [
        ("neighbourhood_dispute", ("排水沟", "围墙", "邻居"), 5),
        ("neighbourhood_dispute", ("噪音", "装修", "邻居"), 3),
        ("labour_wages", ("排水沟", "拖欠", "工资"), 2),
    ]
    drains = found[0]
    assert drains.label == "排水沟 · 围墙 · 邻居"
    assert [p.case_id for p in drains.examples] == ["case-004", "case-003", "case-002"]  # newest first
    township = place_below("330726000000")
    assert drains.places(township) == [("330726101000", 3), ("330726102000", 2)]
    assert drains.places(place_below("330726101203")) == [("330726101203", 5)]  # a village: itself


def test_topics_are_the_same_whatever_order_the_petitions_come_in() -> None:
    rng = random.Random(5)
    vocabulary = ["排水沟", "围墙", "邻居", "噪音", "装修", "工资", "拖欠", "垃圾", "焚烧", "路灯"]
    petitions = [
        petition(i, rng.choice(["environment", "urban_management"]), *rng.sample(vocabulary, rng.randint(1, 4)))
        for i in range(300)
    ]
    found = topics.topics(petitions, weight)
    shuffled = petitions[:]
    rng.shuffle(shuffled)
    assert topics.topics(shuffled, weight) == found
    assert [t.count for t in found] == sorted((t.count for t in found), reverse=True)
    counted = [p.case_id for t in found for p in t.cases]
    assert len(counted) == len(set(counted))  # a petition is in one topic at most
    assert all(t.count >= topics.MIN_CASES for t in found)
    assert topics.topics(petitions, weight, limit=3) == found[:3]


def test_topics_name_the_terms_most_of_their_cases_share() -> None:
    cases = [petition(i, "environment", "垃圾", "焚烧", *(["夜间"] if i < 2 else [])) for i in range(5)]
    (topic,) = topics.topics(cases, weight)
    assert isinstance(topic, Topic)
    assert set(topic.terms) == {"垃圾", "焚烧"}  # 夜间: in 2 of 5, less than half


def test_terms_are_stored_as_one_string_and_read_back() -> None:
    assert topics.decoded(topics.encoded(("排水沟", "围墙"))) == ("排水沟", "围墙")
    assert topics.decoded("") == topics.decoded(None) == ()


@pytest.mark.parametrize(("raw", "expected"), [(None, (10, [])), ("50", (50, [])), ("1", (1, []))])
def test_a_topics_limit_is_one_to_fifty(raw: str | None, expected: tuple[int, list[tuple[str, str]]]) -> None:
    assert topics_limit(raw) == expected


@pytest.mark.parametrize("raw", ["0", "51", "ten", "-1", "٣"])
def test_a_bad_limit_is_named(raw: str) -> None:
    assert [field for field, _ in topics_limit(raw)[1]] == ["limit"]
