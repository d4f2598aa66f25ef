"""The division tree and category catalogue routing decides with (loaded from data)."""

from __future__ import annotations

from services.routing.domain.assignment import Unit
from shared.divisions import is_valid_code, level_of
from shared.vocabulary import Level

_STARTS = {
    "neighbourhood_dispute": Level.VILLAGE,
    "village_affairs": Level.VILLAGE,
    "other": Level.VILLAGE,
    "labour_wages": Level.TOWNSHIP,
    "environment": Level.TOWNSHIP,
    "urban_management": Level.TOWNSHIP,
    "social_security": Level.TOWNSHIP,
    "land_expropriation": Level.COUNTY,
    "public_security": Level.COUNTY,
}
_REDIRECTS = {"litigation": "the people's courts", "discipline": "the discipline inspection bodies"}


class SimpleJurisdictions:
    def starting_level(self, category: str) -> Level | None:
        if category in _REDIRECTS:
            return None
        return _STARTS.get(category, Level.VILLAGE)

    def redirect_for(self, category: str) -> str | None:
        return _REDIRECTS.get(category)

    def unit(self, unit_id: str) -> Unit | None:
        code = unit_id.split(":", maxsplit=1)[0]
        if not is_valid_code(code):
            return None
        return Unit(
            unit_id=unit_id, division_code=code, level=level_of(code), name=f"{level_of(code).value} unit {unit_id}"
        )


def load_jurisdictions() -> SimpleJurisdictions:
    return SimpleJurisdictions()
