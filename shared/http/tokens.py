"""Officials' JWTs: issued with the current HS256 key, verified by one `TokenVerifier` built from Settings.

A token without `kid` is checked against PUJIANG_JWT_SECRET (api.md); one with a `kid` and
HS256 against that key of PUJIANG_JWT_KEYS (a rotation keeps old and new); RS256/ES256 ones
against the identity provider's JWKS (PUJIANG_JWKS_URL). The header's algorithm picks which
keys may be used, never the other way round: an HS256 token is never checked with a public key.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
from fastapi import Request
from pydantic import ValidationError

from shared.http.errors import ApiError
from shared.http.jwks import JwksKeys
from shared.http.principal import Principal
from shared.jurisdiction.departments import split_department_id
from shared.jurisdiction.divisions import is_division_code
from shared.settings import Settings
from shared.vocabulary import Role

SHARED_ALGORITHM = "HS256"
PROVIDER_ALGORITHMS = frozenset({"RS256", "ES256"})


def issue_token(
    secret: str,
    sub: str,
    role: Role,
    division: str,
    ttl: timedelta = timedelta(hours=12),
    kid: str | None = None,
    unit: str | None = None,
) -> str:
    now = datetime.now(UTC)
    claims: dict[str, Any] = {"sub": sub, "role": role.value, "division": division, "iat": now, "exp": now + ttl}
    if unit is not None:
        claims["unit"] = unit  # a county department's official (README, "Identity")
    return jwt.encode(claims, secret, algorithm=SHARED_ALGORITHM, headers={"kid": kid} if kid else None)


@dataclass(frozen=True)
class TokenIssuer:
    """Signs new tokens with the current key: PUJIANG_JWT_KID's of PUJIANG_JWT_KEYS, else PUJIANG_JWT_SECRET."""

    secret: str
    kid: str | None = None

    @classmethod
    def from_settings(cls, settings: Settings) -> TokenIssuer:
        kid = settings.pujiang_jwt_kid
        return cls(settings.pujiang_jwt_keys[kid], kid) if kid else cls(settings.pujiang_jwt_secret)

    def issue(
        self, sub: str, role: Role, division: str, ttl: timedelta = timedelta(hours=12), unit: str | None = None
    ) -> str:
        return issue_token(self.secret, sub, role, division, ttl, self.kid, unit)


def _unauthorized(message: str) -> ApiError:
    return ApiError(401, "unauthorized", f"invalid token: {message}")


@dataclass(frozen=True)
class TokenVerifier:
    """Every check of a bearer token, in one place; held on app.state.tokens."""

    secret: str
    keys: Mapping[str, str] = field(default_factory=dict)
    jwks: JwksKeys | None = None
    issuer: str | None = None
    audience: str | None = None

    @classmethod
    def from_settings(cls, settings: Settings) -> TokenVerifier:
        url = settings.pujiang_jwks_url
        return cls(settings.pujiang_jwt_secret, dict(settings.pujiang_jwt_keys), JwksKeys(url) if url else None,
                   settings.pujiang_jwt_issuer, settings.pujiang_jwt_audience)  # fmt: skip

    def verify(self, token: str) -> Principal:
        """The caller a token names, or ApiError 401 (503 when the provider's keys cannot be fetched)."""
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as error:
            raise _unauthorized(str(error)) from error
        alg, kid = header.get("alg"), header.get("kid")
        if kid is not None and not isinstance(kid, str):
            raise _unauthorized("kid is not a string")
        if alg == SHARED_ALGORITHM:
            claims = self._decode(token, self._secret(kid), alg, required=["sub"])
        elif alg in PROVIDER_ALGORITHMS and self.jwks is not None:
            claims = self._decode(token, self.jwks.key_for(kid), alg, required=self._provider_claims())
        else:
            accepted = ", ".join([SHARED_ALGORITHM, *sorted(PROVIDER_ALGORITHMS)] if self.jwks else [SHARED_ALGORITHM])
            raise _unauthorized(f"algorithm {alg!r} is not accepted (only {accepted})")
        return _principal(claims)

    def _secret(self, kid: str | None) -> str:
        if kid is None:
            return self.secret
        secret = self.keys.get(kid)
        if secret is None:
            raise _unauthorized(f"unknown key id {kid!r}")
        return secret

    def _provider_claims(self) -> list[str]:
        return ["sub", "exp", *(["iss"] if self.issuer else []), *(["aud"] if self.audience else [])]

    def _decode(self, token: str, key: str | jwt.PyJWK, alg: str, required: list[str]) -> dict[str, Any]:
        # One algorithm, the header's, already matched to the kind of key: PyJWT checks the
        # token says the same, so no token can choose how it is verified.
        provider = isinstance(key, jwt.PyJWK)
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                key,
                algorithms=[alg],
                issuer=self.issuer if provider else None,
                audience=self.audience if provider else None,
                options={"require": required, "verify_aud": not provider or self.audience is not None},
            )
        except jwt.PyJWTError as error:
            raise _unauthorized(str(error)) from error
        return claims


def _principal(claims: dict[str, Any]) -> Principal:
    try:
        principal = Principal.model_validate(claims, strict=False)
    except ValidationError as error:
        raise _unauthorized(str(error)) from error
    if not is_division_code(principal.division):
        raise _unauthorized("division is not a 12-digit division code")
    if principal.unit is not None:
        department = split_department_id(principal.unit)
        if principal.unit == principal.division:
            return principal.model_copy(update={"unit": None})  # the division's own unit: no narrower
        if department is None or department[0] != principal.division:
            raise _unauthorized("unit is not a department <division>:<kind> of the token's division")
    return principal


def verifier_of(request: Request) -> TokenVerifier:
    """The app's one verifier (create_app and web's build put it there)."""
    verifier: TokenVerifier = request.app.state.tokens
    return verifier
