"""Production guards: outside dev, a service refuses to start with development credentials.

`production_problems` is pure but for reading the master key file it is pointed at (unit-tested);
`refuse_unsafe_production` is what entry points call before they connect to anything, so a refusal
needs neither Kafka nor PostgreSQL to be seen.
"""

from __future__ import annotations

import sys

import structlog

from shared.sealing import decode_master_key, is_dev_master_key, master_key_text
from shared.settings import DEV_JWT_SECRET, Settings

log = structlog.get_logger()

EXIT_CONFIG = 78  # sysexits.h EX_CONFIG: the deployment is misconfigured; restarting alone will not help
MIN_SECRET_BYTES = 32  # RFC 7518 §3.2: an HS256 key is at least as long as the hash (256 bits)


def production_problems(
    settings: Settings, *, signs_checkpoints: bool = True, seals_personal_data: bool = False
) -> list[str]:
    """What makes these settings unfit outside dev, one sentence each (nothing in dev).

    `seals_personal_data`: the service holds the petitioners' data keys (intake), so it needs a
    master key of the deployment's own."""
    if settings.dev:
        return []
    problems = [
        f"{name} {problem}"
        for name, secret in [("PUJIANG_JWT_SECRET", settings.pujiang_jwt_secret)]
        + [(f"PUJIANG_JWT_KEYS[{kid!r}]", secret) for kid, secret in sorted(settings.pujiang_jwt_keys.items())]
        if (problem := _secret_problem(secret))
    ]
    if settings.pujiang_jwks_url:
        if not settings.pujiang_jwks_url.startswith("https://"):
            problems.append("PUJIANG_JWKS_URL is not https (whoever can alter the keys in transit can sign tokens)")
        if not settings.pujiang_jwt_audience:
            problems.append(
                "PUJIANG_JWKS_URL is set without PUJIANG_JWT_AUDIENCE "
                "(tokens the provider issued to any other application would be accepted)"
            )
    if signs_checkpoints and settings.pujiang_checkpoints and not settings.pujiang_checkpoint_key_file:
        problems.append(
            "PUJIANG_CHECKPOINT_KEY_FILE is unset (a development key would be made under .data/keys; "
            "point it at the service's Ed25519 key, kept off the database host)"
        )
    if seals_personal_data and (problem := _master_key_problem(settings)):
        problems.append(problem)
    return problems


def _master_key_problem(settings: Settings) -> str | None:
    name = "PUJIANG_MASTER_KEY_FILE" if settings.pujiang_master_key_file else "PUJIANG_MASTER_KEY"
    if not settings.pujiang_master_key_file and not settings.pujiang_master_key:
        return (
            "PUJIANG_MASTER_KEY and PUJIANG_MASTER_KEY_FILE are unset (the development master key would "
            "seal personal data; set base64 of 32 random bytes, kept off the database host)"
        )
    try:
        text = master_key_text(settings.pujiang_master_key, settings.pujiang_master_key_file)
        decode_master_key(text)
    except OSError as error:
        return f"{name} cannot be read ({error.strerror or error})"
    except ValueError as error:
        return f"{name} is unusable: {error}"
    if is_dev_master_key(text):
        return f"{name} is the development master key (set base64 of 32 random bytes)"
    return None


def _secret_problem(secret: str) -> str | None:
    if secret == DEV_JWT_SECRET:
        return "is the development secret (set one of at least 32 random bytes)"
    if len(secret.encode()) < MIN_SECRET_BYTES:
        return f"is shorter than {MIN_SECRET_BYTES} bytes"
    return None


def refusal(settings: Settings, problems: list[str]) -> str:
    """The one line an operator reads: the environment and every problem."""
    return f"PUJIANG_ENV={settings.pujiang_env} refuses development settings: " + "; ".join(problems)


def say_misconfigured(service: str, event: str, reason: str) -> None:
    """Log the refusal and print it as one line on stderr, where an operator looks first."""
    log.error(event, service=service, error=reason)
    print(f"[{service}] cannot start: {reason}", file=sys.stderr, flush=True)
    sys.stdout.flush()


def refuse_unsafe_production(
    service: str, settings: Settings, *, signs_checkpoints: bool = True, seals_personal_data: bool = False
) -> None:
    """Exit with EXIT_CONFIG, saying why, when the settings are unfit outside dev; else return."""
    problems = production_problems(
        settings, signs_checkpoints=signs_checkpoints, seals_personal_data=seals_personal_data
    )
    if problems:
        say_misconfigured(service, "service.unsafe_production_settings", refusal(settings, problems))
        raise SystemExit(EXIT_CONFIG)
