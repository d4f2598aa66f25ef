"""Officials' tokens: the contract's kid-less HS256, rotation by kid, and every way a token is refused."""

from __future__ import annotations

import json
from datetime import timedelta

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import ValidationError

from shared.http.auth import CurrentPrincipal
from shared.http.errors import ApiError, install_error_handlers
from shared.http.tokens import TokenIssuer, TokenVerifier, issue_token
from shared.settings import Settings
from shared.vocabulary import Role
from tests.support.tokens import forged, unsigned

pytestmark = pytest.mark.unit

SECRET = "the-plain-secret-of-at-least-32-bytes"
OLD, NEW = "old-rotated-secret-of-at-least-32-bytes", "new-rotated-secret-of-at-least-32-bytes"
ROTATING = Settings(pujiang_jwt_secret=SECRET, pujiang_jwt_keys={"2025": OLD, "2026": NEW}, pujiang_jwt_kid="2026")
COUNTY = "330726000000"


def refusal(verifier: TokenVerifier, token: str) -> ApiError:
    with pytest.raises(ApiError) as refused:
        verifier.verify(token)
    return refused.value


def test_a_token_without_kid_is_checked_against_the_plain_secret_as_the_contract_says() -> None:
    token = issue_token(SECRET, "li", Role.OFFICIAL, COUNTY)
    assert "kid" not in jwt.get_unverified_header(token)
    principal = TokenVerifier.from_settings(ROTATING).verify(token)
    assert (principal.sub, principal.role, principal.division) == ("li", Role.OFFICIAL, COUNTY)
    assert refusal(TokenVerifier("another-secret-of-at-least-32-bytes!"), token).status == 401


def test_the_kid_picks_the_key_so_old_and_new_tokens_pass_during_a_rotation() -> None:
    verifier = TokenVerifier.from_settings(ROTATING)
    old = issue_token(OLD, "wang", Role.SUPERVISOR, COUNTY, kid="2025")
    new = TokenIssuer.from_settings(ROTATING).issue("zhao", Role.AUDITOR, COUNTY)
    assert jwt.get_unverified_header(new)["kid"] == "2026"
    assert verifier.verify(old).sub == "wang"
    assert verifier.verify(new).sub == "zhao"
    # A kid names its key, and only that one: the old secret under the new kid does not pass.
    assert refusal(verifier, issue_token(OLD, "wang", Role.SUPERVISOR, COUNTY, kid="2026")).status == 401


def test_without_a_current_kid_new_tokens_are_signed_with_the_plain_secret() -> None:
    issuer = TokenIssuer.from_settings(Settings(pujiang_jwt_secret=SECRET, pujiang_jwt_keys={"2025": OLD}))
    assert issuer == TokenIssuer(SECRET)
    assert "kid" not in jwt.get_unverified_header(issuer.issue("li", Role.OFFICIAL, COUNTY))


def test_an_unknown_kid_is_a_401_in_the_contracts_shape() -> None:
    app = FastAPI()
    install_error_handlers(app)
    app.state.tokens = TokenVerifier.from_settings(ROTATING)

    @app.get("/me")
    def me(who: CurrentPrincipal) -> dict[str, str]:
        return {"sub": who.sub}

    client = TestClient(app)
    good = client.get(
        "/me", headers={"authorization": f"Bearer {issue_token(NEW, 'li', Role.OFFICIAL, COUNTY, kid='2026')}"}
    )
    assert good.json() == {"sub": "li"}
    token = issue_token(NEW, "li", Role.OFFICIAL, COUNTY, kid="2024")
    answer = client.get("/me", headers={"authorization": f"Bearer {token}"})
    assert answer.status_code == 401
    assert answer.json() == {
        "error": {"code": "unauthorized", "message": "invalid token: unknown key id '2024'", "details": []}
    }


def test_the_current_kid_must_be_one_of_the_keys() -> None:
    with pytest.raises(ValidationError, match="PUJIANG_JWT_KID='2027' is not a key of PUJIANG_JWT_KEYS"):
        Settings(pujiang_jwt_keys={"2026": NEW}, pujiang_jwt_kid="2027")
    with pytest.raises(ValidationError, match="non-empty secret"):
        Settings(pujiang_jwt_keys={"2026": ""})


def test_the_keys_are_read_from_the_environment_as_json(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PUJIANG_JWT_KEYS", json.dumps({"2026": NEW}))
    monkeypatch.setenv("PUJIANG_JWT_KID", "2026")
    settings = Settings()
    assert (settings.pujiang_jwt_keys, TokenIssuer.from_settings(settings)) == ({"2026": NEW}, TokenIssuer(NEW, "2026"))


@pytest.mark.parametrize("alg", ["none", "None", "NONE"])
def test_an_unsigned_token_is_refused(alg: str) -> None:
    for kid in ({}, {"kid": "2026"}):
        token = unsigned({"alg": alg, "typ": "JWT", **kid})
        refused = refusal(TokenVerifier.from_settings(ROTATING), token)
        assert refused.status == 401
        assert "is not accepted" in refused.message


def test_an_hs256_token_signed_with_a_public_key_is_refused() -> None:
    """Algorithm confusion: the public key is no secret, so it must never serve as an HMAC key."""
    public = rsa.generate_private_key(public_exponent=65537, key_size=2048).public_key()
    pem = public.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    verifier = TokenVerifier.from_settings(ROTATING)
    assert refusal(verifier, forged({"alg": "HS256", "typ": "JWT"}, pem)).status == 401
    assert refusal(verifier, forged({"alg": "HS256", "typ": "JWT", "kid": "provider-key"}, pem)).status == 401
    # Without PUJIANG_JWKS_URL an asymmetric token is refused before any key is looked for.
    refused = refusal(verifier, forged({"alg": "RS256", "typ": "JWT"}, pem))
    assert refused.message == "invalid token: algorithm 'RS256' is not accepted (only HS256)"


def test_a_token_forged_with_the_right_secret_but_another_hmac_is_refused() -> None:
    long_secret = SECRET * 2  # HS512 wants 64 bytes
    token = jwt.encode({"sub": "li", "role": "official", "division": COUNTY}, long_secret, algorithm="HS512")
    assert "'HS512' is not accepted" in refusal(TokenVerifier(long_secret), token).message


def test_an_expired_token_is_refused() -> None:
    expired = issue_token(SECRET, "li", Role.OFFICIAL, COUNTY, ttl=timedelta(seconds=-5))
    refused = refusal(TokenVerifier(SECRET), expired)
    assert (refused.status, refused.message) == (401, "invalid token: Signature has expired")


@pytest.mark.parametrize("token", ["", "not-a-jwt", "a.b.c", forged({"alg": "HS256", "kid": 7}, SECRET.encode())])
def test_garbage_is_a_401_never_a_500(token: str) -> None:
    assert refusal(TokenVerifier(SECRET), token).status == 401


def test_an_optional_unit_claim_names_a_department_of_the_tokens_own_county() -> None:
    verifier = TokenVerifier(SECRET)
    labour = verifier.verify(issue_token(SECRET, "zhao", Role.OFFICIAL, COUNTY, unit=f"{COUNTY}:labour"))
    assert (labour.division, labour.unit) == (COUNTY, f"{COUNTY}:labour")
    assert verifier.verify(issue_token(SECRET, "li", Role.OFFICIAL, COUNTY)).unit is None, "the contract's claims"
    own = verifier.verify(issue_token(SECRET, "sun", Role.OFFICIAL, COUNTY, unit=COUNTY))
    assert own.unit is None, "the division's own unit is no narrower than the division"
    for unit in ("330727000000:labour", "330726101000", "330726000000:", "labour"):
        refused = refusal(verifier, issue_token(SECRET, "x", Role.OFFICIAL, COUNTY, unit=unit))
        assert (refused.status, "unit" in refused.message) == (401, True), unit
