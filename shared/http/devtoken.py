"""Print a development JWT: `python -m shared.http.devtoken --role supervisor --division 330726000000`."""

from __future__ import annotations

import argparse

from shared.guards import refuse_unsafe_production
from shared.http.tokens import TokenIssuer
from shared.settings import Settings
from shared.vocabulary import Role


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--role", choices=[r.value for r in Role], default=Role.SUPERVISOR.value)
    parser.add_argument("--division", default="330000000000")
    parser.add_argument("--sub", default="dev-user")
    parser.add_argument("--unit", default=None, help="a county department's official: <county>:<kind>")
    args = parser.parse_args()
    settings = Settings()
    # Outside dev, never a token signed with the published development secret (exit 78, saying why).
    refuse_unsafe_production("devtoken", settings, signs_checkpoints=False)
    print(TokenIssuer.from_settings(settings).issue(args.sub, Role(args.role), args.division, unit=args.unit))


if __name__ == "__main__":
    main()
