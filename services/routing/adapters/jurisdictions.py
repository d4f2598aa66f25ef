"""The division tree and category catalogue routing decides with (loaded from data)."""

from __future__ import annotations

from shared.divisions import level_of
from shared.vocabulary import Level

_STARTS = {
    "neighbourhood_dispute": Level.VILLAGE, "village_affairs": Level.VILLAGE, "other": Level.VILLAGE,
    "labour_wages": Level.TOWNSHIP, "environment": Level.TOWNSHIP, "urban_management": Level.TOWNSHIP,
    "social_security": Level.TOWNSHIP, "land_expropriation": Level.COUNTY, "public_security": Level.COUNTY,
}
_REDIRECTS = {"litigation": "the people's courts", "discipline": "the discipline inspection bodies"}


class SimpleJurisdictions:
    def starting_level(self, category: str) -> Level | None:
        if category in _REDIRECTS:
            return None
        return _STARTS.get(category, Level.VILLAGE)

    def redirect_for(self, category: str) -> str | None:
        return _REDIRECTS.get(category)

    def unit_name(self, division_code: str) -> str:
        return f"{level_of(division_code).value} unit {division_code}"


def load_jurisdictions() -> SimpleJurisdictions:
    return SimpleJurisdictions()
