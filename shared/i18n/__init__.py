"""Every string the pages show, in one catalogue: `strings.json`, Simplified Chinese and English.

`web` serves it to the portal and the workbench (web/static/strings.json links to it) and
projections to its dashboard, so every page reads the same strings. Category names are not
in it: they live in the category catalogue, and projections adds them for the dashboard.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from shared.jurisdiction.catalogue import Catalogue

CATALOGUE = Path(__file__).with_name("strings.json")
LANGUAGES = ("zh", "en")


@cache
def strings() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(CATALOGUE.read_text(encoding="utf-8"))
    return loaded


def with_categories(catalogue: Catalogue) -> dict[str, Any]:
    """The strings with a `category` group of the deployment's category names, in each language."""
    table = strings()
    return {
        lang: {**table[lang], "category": {c.key: getattr(c, f"name_{lang}") for c in catalogue.categories}}
        for lang in LANGUAGES
    }
