"""The month's topics (每月一题): a period's recurring problems, grouped by category and shared terms. Pure.

A petition's *terms* are the salient words of its title (`salient`, over the words the segmenter
cut it into): two characters or more, no digits or numerals, no stop words. The read model keeps
them with each case (`case_view.terms`); a period's topics are grouped from them at query time
(`topics`), per category, greedily by shared terms:

1. Every term is scored by the open cases of the category that have it, times its weight (how
   rare the word is in general Chinese text: common words weigh little, see the segmenter).
2. The best-scoring term that at least `MIN_CASES` open cases share founds a topic, with the
   term that most of those cases also have (ties: the heavier, then the first in code point
   order): the topic is the open cases with both, or with the first alone when no second term
   is shared by `MIN_CASES` of them.
3. Its cases are taken out, the scores move, and the next topic is founded, until no term is
   shared by `MIN_CASES` open cases.

Topics are ordered by count, then category and label; everything is ordered, so the same
petitions always give the same topics. docs/scorecards.md ("The month's topics") says why the
terms come from titles only.
"""

from __future__ import annotations

import heapq
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

MIN_CASES = 2  # a problem is recurring when two petitions raise it
TERMS_KEPT = 12  # salient terms kept per petition
LABEL_TERMS = 3  # terms a topic is named by
EXAMPLES = 3
NUMERALS = frozenset("零〇一二三四五六七八九十百千万亿两几")
MEASURES = frozenset("个多天点家户次年月周晚处段辆名人元米亩层栋间条份位起批")
SEPARATOR = " "  # terms never hold white space (`salient` keeps letters only)

# Words of every kind of petition that name no problem: requests, procedure, time, quantity, people.
_STOP = """
    请求 要求 反映 反应 问题 情况 希望 相关 有关 部门 进行 没有 已经 至今 一直 目前 现在 今年 去年 上月 本月
    多次 多年 我们 他们 你们 自己 本人 我家 家里 群众 解决 处理 协调 政府 领导 关于 存在 造成 导致 因为 所以
    但是 而且 以及 或者 如果 可以 能够 需要 应该 认为 表示 发现 其他 其它 方面 工作 时间 事情 事项 诉求 信访
    投诉 举报 咨询 建议 帮助 尽快 及时 依法 调查 核实 说明 答复 回复 给予 予以 未果 无果 无效 不予 一下 东西
    地方 附近 周边 有人 什么 怎么 为什么 这样 那样 还是 就是 只是 不是 已有 持续 连续 部分 每天 本地 当地
    区内 村里 社区 街道 小区 厘米 平方米 万元 元钱 公里 每亩 多辆 多名 多户 个月 天天 至今未 一些 这个 那个 迟迟
"""
STOP_WORDS = frozenset(_STOP.split())


def salient(words: Iterable[str]) -> tuple[str, ...]:
    """The words a petition is grouped by, each once, in the order they come (at most `TERMS_KEPT`)."""
    kept: dict[str, None] = {}
    for raw in words:
        word = raw.strip().lower()
        if len(word) < 2 or not word.isalpha() or word in STOP_WORDS:
            continue  # single characters, punctuation, digits (phone and id numbers, amounts)
        if word[0] in NUMERALS and all(c in NUMERALS or c in MEASURES for c in word[1:]):
            continue  # 三天, 十点, 一家, 两户, 一个多月: a quantity, not a problem (一致 stays)
        kept.setdefault(word)
        if len(kept) == TERMS_KEPT:
            break
    return tuple(kept)


def encoded(terms: Sequence[str]) -> str:
    return SEPARATOR.join(terms)


def decoded(stored: str | None) -> tuple[str, ...]:
    return tuple(stored.split(SEPARATOR)) if stored else ()


@dataclass(frozen=True)
class Petition:
    """One case as topics see it: its category now, where the matter is, when it came, its terms."""

    case_id: str
    category: str
    division: str
    received_at: datetime
    terms: tuple[str, ...]


@dataclass(frozen=True)
class Topic:
    category: str
    terms: tuple[str, ...]
    cases: tuple[Petition, ...]  # newest first

    @property
    def count(self) -> int:
        return len(self.cases)

    @property
    def label(self) -> str:
        return " · ".join(self.terms)

    def places(self, place_of: Callable[[str], str]) -> list[tuple[str, int]]:
        """(place, cases) with `place_of` each case's division, most cases first, then by code."""
        found = Counter(place_of(p.division) for p in self.cases)
        return sorted(found.items(), key=lambda item: (-item[1], item[0]))

    @property
    def examples(self) -> tuple[Petition, ...]:
        return self.cases[:EXAMPLES]


Weight = Callable[[str], float]


def topics(
    petitions: Iterable[Petition], weight: Weight, ignore: frozenset[str] = frozenset(), limit: int | None = None
) -> list[Topic]:
    """The recurring problems among these petitions (terms in `ignore`, e.g. place names, left out)."""
    by_category: dict[str, list[Petition]] = {}
    newest_first = sorted(petitions, key=lambda p: (-p.received_at.timestamp(), p.case_id))
    for petition in newest_first:
        by_category.setdefault(petition.category, []).append(petition)
    found = [t for category in sorted(by_category) for t in _grouped(category, by_category[category], weight, ignore)]
    found.sort(key=lambda t: (-t.count, t.category, t.label))
    return found if limit is None else found[:limit]


def _grouped(category: str, cases: list[Petition], weight: Weight, ignore: frozenset[str]) -> list[Topic]:
    terms = [tuple(t for t in p.terms if t not in ignore) for p in cases]
    holding: dict[str, set[int]] = {}  # term -> the open cases that have it
    for i, own in enumerate(terms):
        for term in own:
            holding.setdefault(term, set()).add(i)
    weights = {term: weight(term) for term in holding}
    heap = [(-len(ids) * weights[t], t) for t, ids in holding.items() if len(ids) >= MIN_CASES]
    heapq.heapify(heap)
    found: list[Topic] = []
    while heap:
        negative, first = heapq.heappop(heap)
        open_cases = holding[first]
        score = len(open_cases) * weights[first]
        if len(open_cases) < MIN_CASES or score != -negative:
            continue  # an old score: the term's current one is in the heap too, if it still counts
        shared = Counter(t for i in open_cases for t in terms[i] if t != first)
        companions = [t for t, n in shared.items() if n >= MIN_CASES]
        members = sorted(open_cases)
        if companions:
            second = min(companions, key=lambda t: (-shared[t], -weights[t], t))
            members = [i for i in members if second in terms[i]]
        found.append(_topic(category, [cases[i] for i in members], [terms[i] for i in members], weights))
        moved: set[str] = set()
        for i in members:
            for term in terms[i]:
                holding[term].discard(i)
                moved.add(term)
        for term in sorted(moved):
            if len(holding[term]) >= MIN_CASES:
                heapq.heappush(heap, (-len(holding[term]) * weights[term], term))
    return found


def _topic(category: str, cases: list[Petition], terms: list[tuple[str, ...]], weights: dict[str, float]) -> Topic:
    """The topic's name: the terms most of its cases share (at least half of them), heaviest first among equals."""
    shared = Counter(t for own in terms for t in own)
    named = sorted((t for t, n in shared.items() if 2 * n >= len(cases)), key=lambda t: (-shared[t], -weights[t], t))
    return Topic(category, tuple(named[:LABEL_TERMS]), tuple(cases))
