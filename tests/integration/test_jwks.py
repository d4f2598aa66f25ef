"""Tokens of an OpenID Connect provider, checked against its JWKS served by a real local HTTP server."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from fastapi import FastAPI
from fastapi.testclient import TestClient

from shared.http.auth import CurrentPrincipal
from shared.http.errors import ApiError, install_error_handlers
from shared.http.tokens import TokenVerifier, issue_token
from shared.settings import Settings
from shared.vocabulary import Role
from tests.support.tokens import forged, unsigned

pytestmark = pytest.mark.integration

SECRET = "the-plain-secret-of-at-least-32-bytes"
ISSUER, AUDIENCE = "https://sso.zj.example/realms/pujiang", "pujiang"
RSA_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
EC_KEY = ec.generate_private_key(ec.SECP256R1())


@dataclass
class Provider:
    """The JWKS endpoint: what it serves, and how often it was asked."""

    url: str
    keys: list[dict[str, Any]]
    fetches: list[str] = field(default_factory=list)
    down: bool = False


def jwk(key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey, kid: str) -> dict[str, Any]:
    if isinstance(key, rsa.RSAPrivateKey):
        public: dict[str, Any] = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key()))
    else:
        public = json.loads(jwt.algorithms.ECAlgorithm.to_jwk(key.public_key()))
    return {**public, "kid": kid, "use": "sig"}


@pytest.fixture
def provider() -> Iterator[Provider]:
    served = Provider("", [jwk(RSA_KEY, "rsa-1"), jwk(EC_KEY, "ec-1")])

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            served.fetches.append(self.path)
            if served.down:
                self.send_error(502)
                return
            body = json.dumps({"keys": served.keys}).encode()
            self.send_response(200)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *_args: Any) -> None:
            """Quiet: the default writes every request to stderr."""

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    served.url = f"http://127.0.0.1:{server.server_address[1]}/realms/pujiang/certs"
    yield served
    server.shutdown()
    server.server_close()


def verifier(provider: Provider, **settings: Any) -> TokenVerifier:
    return TokenVerifier.from_settings(
        Settings(pujiang_jwt_secret=SECRET, pujiang_jwks_url=provider.url, pujiang_jwt_issuer=ISSUER,
                 pujiang_jwt_audience=AUDIENCE, **settings)
    )  # fmt: skip


def provider_token(key: Any, alg: str, kid: str | None, **claims: Any) -> str:
    now = datetime.now(UTC)
    body = {"sub": "zhang", "role": "official", "division": "330726000000", "iss": ISSUER, "aud": AUDIENCE,
            "iat": now, "exp": now + timedelta(minutes=5), **claims}  # fmt: skip
    return jwt.encode(body, key, algorithm=alg, headers={"kid": kid} if kid else None)


def refused(verify: TokenVerifier, token: str) -> ApiError:
    with pytest.raises(ApiError) as refusal:
        verify.verify(token)
    return refusal.value


def test_rs256_and_es256_tokens_are_checked_against_the_providers_keys(provider: Provider) -> None:
    verify = verifier(provider)
    assert verify.verify(provider_token(RSA_KEY, "RS256", "rsa-1")).sub == "zhang"
    assert verify.verify(provider_token(EC_KEY, "ES256", "ec-1")).division == "330726000000"
    assert verify.verify(issue_token(SECRET, "li", Role.OFFICIAL, "330726000000")).sub == "li"  # still the contract's
    assert len(provider.fetches) == 1  # the key set is cached


def test_issuer_audience_and_lifetime_are_checked(provider: Provider) -> None:
    verify = verifier(provider)
    assert "audience" in refused(verify, provider_token(RSA_KEY, "RS256", "rsa-1", aud="another-app")).message.lower()
    assert (
        "issuer"
        in refused(verify, provider_token(RSA_KEY, "RS256", "rsa-1", iss="https://evil.example")).message.lower()
    )
    expired = provider_token(RSA_KEY, "RS256", "rsa-1", exp=datetime.now(UTC) - timedelta(minutes=1))
    assert refused(verify, expired).message == "invalid token: Signature has expired"
    no_expiry = jwt.encode({"sub": "zhang", "role": "official", "division": "330726000000", "iss": ISSUER,
                            "aud": AUDIENCE}, RSA_KEY, algorithm="RS256", headers={"kid": "rsa-1"})  # fmt: skip
    assert "exp" in refused(verify, no_expiry).message


def test_a_key_of_another_kind_or_an_unknown_kid_is_refused(provider: Provider) -> None:
    verify = verifier(provider)
    # The EC key's kid on an RS256 token: the key decides the algorithm, not the token.
    assert refused(verify, provider_token(RSA_KEY, "RS256", "ec-1")).status == 401
    assert refused(verify, provider_token(RSA_KEY, "RS256", None)).status == 401
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    assert (
        refused(verify, provider_token(other, "RS256", "rsa-1")).message
        == "invalid token: Signature verification failed"
    )
    for _ in range(5):
        assert (
            refused(verify, provider_token(other, "RS256", "rsa-9")).message == "invalid token: unknown key id 'rsa-9'"
        )
    assert len(provider.fetches) == 1  # made-up kids do not make us refetch within the cooldown


def test_an_hs256_token_is_never_checked_with_the_providers_public_key(provider: Provider) -> None:
    """Algorithm confusion: HMAC with the public key (as PEM or as the JWK's JSON) is refused, kid or none."""
    verify = verifier(provider)
    pem = RSA_KEY.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    for key in (pem, json.dumps(provider.keys[0]).encode()):
        for header in ({"alg": "HS256"}, {"alg": "HS256", "kid": "rsa-1"}):
            assert refused(verify, forged(header, key)).status == 401
        assert refused(verify, forged({"alg": "RS256", "kid": "rsa-1"}, key)).status == 401
    none = unsigned({"alg": "none", "kid": "rsa-1"})
    assert "'none' is not accepted" in refused(verify, none).message


def test_a_provider_that_cannot_be_reached_is_a_503_never_a_500(provider: Provider) -> None:
    app = FastAPI()
    install_error_handlers(app)
    app.state.tokens = verifier(provider)

    @app.get("/me")
    def me(who: CurrentPrincipal) -> dict[str, str]:
        return {"sub": who.sub}

    provider.down = True
    answer = TestClient(app).get(
        "/me", headers={"authorization": f"Bearer {provider_token(RSA_KEY, 'RS256', 'rsa-1')}"}
    )
    assert answer.status_code == 503
    assert answer.headers["retry-after"] == "5"
    error = answer.json()["error"]
    assert error["code"] == "unavailable"
    assert error["message"].startswith("cannot fetch the identity provider's keys from PUJIANG_JWKS_URL; try again")
    provider.down = False
    ok = TestClient(app).get("/me", headers={"authorization": f"Bearer {provider_token(RSA_KEY, 'RS256', 'rsa-1')}"})
    assert ok.json() == {"sub": "zhang"}
