"""The collective-petition policy (聯名 / 集體訪): who counts as collective, where it starts, who is told.

Data (`data/collective.yaml`, or `PUJIANG_COLLECTIVE_POLICY_FILE`), read by routing beside the
category catalogue: routing owns where a case starts, so this is the one home of the rule.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field

from shared.divisions import truncate_to
from shared.vocabulary import Level

DEFAULT_POLICY = Path(__file__).resolve().parent / "data" / "collective.yaml"


class CollectivePolicy(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    min_headcount: int = Field(default=2, ge=2)
    start_at_least: Level = Level.TOWNSHIP
    inform: Level = Level.COUNTY

    def is_collective(self, headcount: int) -> bool:
        return headcount >= self.min_headcount

    def starting_level(self, category_start: Level, headcount: int) -> Level:
        """The category's starting level, raised to `start_at_least` for a collective petition."""
        if self.is_collective(headcount) and category_start.rank < self.start_at_least.rank:
            return self.start_at_least
        return category_start

    def informed_unit(self, location: str) -> str:
        """The unit told of a collective petition at `location`: the `inform` level's own unit above it."""
        return truncate_to(location, self.inform)


def parse_policy(text: str) -> CollectivePolicy:
    return CollectivePolicy.model_validate(yaml.safe_load(text) or {})


@cache
def deployment_collective_policy() -> CollectivePolicy:
    """`PUJIANG_COLLECTIVE_POLICY_FILE` when set, else the packaged default."""
    path = Path(os.environ.get("PUJIANG_COLLECTIVE_POLICY_FILE") or DEFAULT_POLICY)
    return parse_policy(path.read_text(encoding="utf-8"))
