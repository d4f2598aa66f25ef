"""Outside dev a service refuses development credentials: which settings count as a problem, and why."""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

import pytest

from shared.guards import production_problems, refusal
from shared.sealing import DEV_MASTER_KEY
from shared.settings import DEV_JWT_SECRET, Settings

pytestmark = pytest.mark.unit

SECRET = "a-province-secret-of-more-than-32-bytes"
FIT: dict[str, Any] = {"pujiang_env": "prod", "pujiang_jwt_secret": SECRET,
                       "pujiang_checkpoint_key_file": "/run/secrets/intake-checkpoint.pem"}  # fmt: skip


OWN_KEY = base64.b64encode(bytes(range(32))).decode()


def problems(**changes: Any) -> list[str]:
    return production_problems(Settings(**{**FIT, **changes}))


def test_dev_may_use_every_development_default() -> None:
    assert production_problems(Settings(pujiang_env="dev")) == []


def test_a_production_configuration_passes() -> None:
    assert problems() == []
    assert problems(pujiang_env="production") == []


@pytest.mark.parametrize("env", ["prod", "production", "staging"])
def test_outside_dev_the_development_jwt_secret_is_refused(env: str) -> None:
    assert problems(pujiang_env=env, pujiang_jwt_secret=DEV_JWT_SECRET) == [
        "PUJIANG_JWT_SECRET is the development secret (set one of at least 32 random bytes)"
    ]


def test_a_short_secret_or_rotation_key_is_refused_too() -> None:
    assert problems(pujiang_jwt_secret="short") == ["PUJIANG_JWT_SECRET is shorter than 32 bytes"]
    assert problems(pujiang_jwt_keys={"2026": SECRET, "dev": DEV_JWT_SECRET}) == [
        "PUJIANG_JWT_KEYS['dev'] is the development secret (set one of at least 32 random bytes)"
    ]


def test_a_checkpoint_key_must_be_configured_unless_nothing_is_signed() -> None:
    [problem] = problems(pujiang_checkpoint_key_file=None)
    assert problem.startswith("PUJIANG_CHECKPOINT_KEY_FILE is unset")
    assert problems(pujiang_checkpoint_key_file=None, pujiang_checkpoints=False) == []
    settings = Settings(**{**FIT, "pujiang_checkpoint_key_file": None})
    assert production_problems(settings, signs_checkpoints=False) == []  # web signs no checkpoints


def test_a_jwks_must_be_fetched_over_https_for_one_audience() -> None:
    assert problems(pujiang_jwks_url="https://sso.example/jwks", pujiang_jwt_audience="pujiang") == []
    assert problems(pujiang_jwks_url="http://sso.example/jwks", pujiang_jwt_audience="pujiang") == [
        "PUJIANG_JWKS_URL is not https (whoever can alter the keys in transit can sign tokens)"
    ]
    [problem] = problems(pujiang_jwks_url="https://sso.example/jwks")
    assert problem.startswith("PUJIANG_JWKS_URL is set without PUJIANG_JWT_AUDIENCE")


def test_the_refusal_is_one_line_naming_the_environment_and_every_problem() -> None:
    settings = Settings(pujiang_env="prod")
    line = refusal(settings, production_problems(settings))
    assert "\n" not in line
    assert line.startswith("PUJIANG_ENV=prod refuses development settings: PUJIANG_JWT_SECRET is the development")
    assert "; PUJIANG_CHECKPOINT_KEY_FILE is unset" in line


def test_intake_needs_a_master_key_of_its_own(tmp_path: Path) -> None:
    fit = Settings(**{**FIT, "pujiang_master_key": OWN_KEY})
    assert production_problems(fit, seals_personal_data=True) == []
    [unset] = production_problems(Settings(**FIT), seals_personal_data=True)
    assert unset.startswith("PUJIANG_MASTER_KEY and PUJIANG_MASTER_KEY_FILE are unset")
    assert production_problems(Settings(**FIT)) == []  # services that hold no data keys need none
    dev = Settings(**{**FIT, "pujiang_master_key": DEV_MASTER_KEY})
    assert production_problems(dev, seals_personal_data=True) == [
        "PUJIANG_MASTER_KEY is the development master key (set base64 of 32 random bytes)"
    ]
    key_file = tmp_path / "master.key"
    key_file.write_text(DEV_MASTER_KEY + "\n")
    in_file = Settings(**{**FIT, "pujiang_master_key_file": str(key_file)})
    assert production_problems(in_file, seals_personal_data=True) == [
        "PUJIANG_MASTER_KEY_FILE is the development master key (set base64 of 32 random bytes)"
    ]
    key_file.write_text(OWN_KEY)
    assert production_problems(in_file, seals_personal_data=True) == []
    short = Settings(**{**FIT, "pujiang_master_key": "c2hvcnQ="})
    [problem] = production_problems(short, seals_personal_data=True)
    assert problem.startswith("PUJIANG_MASTER_KEY is unusable: the master key must be 32 bytes")
    assert production_problems(Settings(pujiang_env="dev"), seals_personal_data=True) == []
