"""Who is calling: an official, supervisor, auditor or admin, and the jurisdiction rule that scopes everything."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from shared.divisions import is_within
from shared.domain.refusals import Forbidden
from shared.jurisdiction.petition_bureau import acts_for
from shared.vocabulary import Role


class Principal(BaseModel):
    """An authenticated official, supervisor, auditor or admin, and the unit they work for."""

    model_config = ConfigDict(frozen=True)

    sub: str
    role: Role
    division: str
    # The optional `unit` claim: a county department's official (`<county>:<kind>`, its county the
    # `division`) acts for that unit alone; without it the caller acts for the division's own unit
    # (a county's: the petition bureau) and everything below, as before.
    unit: str | None = None

    def covers(self, division_code: str) -> bool:
        """A person sees and acts on their own division and those below it, nothing else."""
        return is_within(division_code, self.division)

    def require_jurisdiction(self, *division_codes: str | None) -> None:
        """The jurisdiction check: Forbidden unless one of the divisions (a case's, its units') is ours."""
        if not any(code is not None and self.covers(code) for code in division_codes):
            raise Forbidden("this is outside your jurisdiction")

    def acts_for(self, unit_id: str | None) -> bool:
        return acts_for(self.division, self.unit, unit_id)

    def require_unit(self, *unit_ids: str | None) -> None:
        """Forbidden unless the caller may act for one of these units (shared.jurisdiction.petition_bureau)."""
        if not any(self.acts_for(unit_id) for unit_id in unit_ids):
            raise Forbidden("this is another unit's to do" if self.unit else "this is outside your jurisdiction")

    def require_role(self, *roles: Role) -> None:
        if self.role not in roles:
            raise Forbidden(f"this needs one of the roles: {', '.join(roles)}")
