"""Chinese word segmentation of petition titles (jieba), and how much each word weighs.

The one place jieba is called. Its dictionary (about 350,000 words, some 35 MB) is loaded once
per process, from jieba's cache file after the first time (about 0.5 s; `warm` does it at start).
Segmentation is jieba's precise mode without its HMM guesser of unknown words: a name or a place
the dictionary does not know falls apart into single characters, which `salient` drops. A few
words of petitions' own trade, missing from jieba's dictionary, are added to it. Titles repeat
(the same template, the same registrar's wording), so a title's terms are memoised.

A word's weight is its information in jieba's corpus, log(total / frequency): 问题 weighs 7,
围墙 10.7, 排水沟 14.4. It needs no table beyond the dictionary (jieba.analyse's IDF table would
add about 125 MB).
"""

from __future__ import annotations

import logging
import math
from functools import cache, lru_cache

import jieba  # type: ignore[import-untyped]

from services.projections.domain.topics import salient

# Words of petitions that jieba's dictionary cuts apart (占道经营 would become 经营 alone).
PETITION_WORDS = (
    "占道经营", "违章搭建", "违建", "噪音扰民", "油烟扰民", "安置房", "安置费", "征地补偿", "拆迁安置", "物业费",
    "停车位", "充电桩", "电动车", "垃圾分类", "排水沟", "化粪池", "宅基地", "低保", "欠薪", "拖欠工资", "社保",
    "医保", "养老保险", "公职人员", "村干部", "村务公开", "网约车", "快递柜", "学区", "农民工", "小作坊",
)  # fmt: skip


@cache
def _tokenizer() -> jieba.Tokenizer:
    jieba.setLogLevel(logging.WARNING)  # its start-up notes are no service log lines
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    for word in PETITION_WORDS:
        tokenizer.add_word(word)
    return tokenizer


def warm() -> None:
    """Load the dictionary now, not on the first petition."""
    _tokenizer()


@lru_cache(maxsize=1 << 16)
def title_terms(title: str | None) -> tuple[str, ...]:
    """The salient terms of a petition's title."""
    if not title:
        return ()
    return salient(_tokenizer().lcut(title, HMM=False))


def weight(term: str) -> float:
    """How much a term says: log(total / frequency) in jieba's corpus (a word it does not know, the most)."""
    tokenizer = _tokenizer()
    frequency = tokenizer.FREQ.get(term) or 1
    return math.log(tokenizer.total / frequency)
