"""The category catalogue: where handling of each kind of matter starts, or where it is redirected.

It is data (each deployment extends it), parsed here from YAML text; reading the file is an adapter's job.
"""

from __future__ import annotations

from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, model_validator

from shared.jurisdiction.divisions import Level


class UnknownCategory(KeyError):
    """No category with that key in the catalogue."""


class Category(BaseModel):
    """One kind of matter: its names, the level where handling starts, and what happens to it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    key: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name_zh: str
    name_en: str
    accepted: bool = True
    # None exactly when the matter is not accepted: it never starts anywhere.
    starting_level: Level | None = None
    # Where a matter that is not accepted belongs (courts, discipline bodies), told to the petitioner.
    redirect_zh: str | None = None
    redirect_en: str | None = None
    # The kind of county department a case of this category is transferred to (转办), if any.
    department: str | None = None

    @model_validator(mode="after")
    def _accepted_or_redirected(self) -> Category:
        if self.accepted and (self.starting_level is None or self.redirect_zh or self.redirect_en):
            raise ValueError(f"{self.key}: an accepted category needs a starting_level and no redirect")
        if not self.accepted and (self.starting_level is not None or not (self.redirect_zh and self.redirect_en)):
            raise ValueError(f"{self.key}: a category not accepted needs a redirect and no starting_level")
        return self


class Catalogue(BaseModel):
    """Every category of a deployment, looked up by key."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    categories: tuple[Category, ...]
    _by_key: dict[str, Category] = PrivateAttr(default_factory=dict)

    @model_validator(mode="after")
    def _unique_keys(self) -> Catalogue:
        keys = [c.key for c in self.categories]
        if len(set(keys)) != len(keys):
            raise ValueError(f"duplicate category keys: {sorted({k for k in keys if keys.count(k) > 1})}")
        return self

    def model_post_init(self, _context: Any, /) -> None:
        self._by_key.update((c.key, c) for c in self.categories)

    def keys(self) -> tuple[str, ...]:
        return tuple(c.key for c in self.categories)

    def get(self, key: str) -> Category | None:
        return self._by_key.get(key)

    def require(self, key: str) -> Category:
        """The category with this key, or UnknownCategory."""
        try:
            return self._by_key[key]
        except KeyError:
            raise UnknownCategory(key) from None

    def starting_level(self, key: str) -> Level | None:
        """Where handling starts; None when the category is not accepted. UnknownCategory if absent."""
        return self.require(key).starting_level

    def accepted(self, key: str) -> bool:
        return self.require(key).accepted

    def redirect_for(self, key: str, language: Literal["zh", "en"] = "en") -> str | None:
        category = self.require(key)
        return category.redirect_zh if language == "zh" else category.redirect_en

    def department_for(self, key: str) -> str | None:
        return self.require(key).department


def parse_catalogue(text: str) -> Catalogue:
    """A catalogue from YAML text with a top-level `categories:` list; ValueError when it is invalid."""
    data = yaml.safe_load(text)
    if not isinstance(data, dict):
        raise ValueError("a catalogue is a mapping with a `categories` list")
    return Catalogue.model_validate(data)
