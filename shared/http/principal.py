"""Who is calling: an official, supervisor, auditor or admin, and the jurisdiction rule that scopes everything."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from shared.divisions import is_within
from shared.domain.refusals import Forbidden
from shared.vocabulary import Role


class Principal(BaseModel):
    """An authenticated official, supervisor, auditor or admin, and the unit they work for."""

    model_config = ConfigDict(frozen=True)

    sub: str
    role: Role
    division: str

    def covers(self, division_code: str) -> bool:
        """A person sees and acts on their own division and those below it, nothing else."""
        return is_within(division_code, self.division)

    def require_jurisdiction(self, *division_codes: str | None) -> None:
        """The jurisdiction check: Forbidden unless one of the divisions (a case's, its units') is ours."""
        if not any(code is not None and self.covers(code) for code in division_codes):
            raise Forbidden("this is outside your jurisdiction")

    def require_role(self, *roles: Role) -> None:
        if self.role not in roles:
            raise Forbidden(f"this needs one of the roles: {', '.join(roles)}")
