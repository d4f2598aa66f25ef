"""The signing keys of an OpenID Connect provider, fetched from its JWKS and cached (PyJWT's PyJWKClient)."""

from __future__ import annotations

import jwt

from shared.http.errors import ApiError

JWKS_LIFESPAN_S = 300.0  # how long a fetched key set is trusted before it is fetched again
JWKS_TIMEOUT_S = 5.0  # a fetch is on a request's path: fail it fast rather than hold the request
# An unknown kid refetches the set at most this often, so tokens with made-up kids cannot make
# us hammer the provider; a key the provider just added is found within this long.
JWKS_COOLDOWN_S = 30.0


class JwksKeys:
    """The provider's public keys by kid; its outage is a 503 (our side), an unknown kid a 401 (the token's)."""

    def __init__(self, url: str, *, lifespan_s: float = JWKS_LIFESPAN_S, timeout_s: float = JWKS_TIMEOUT_S) -> None:
        self.url = url
        self._client = jwt.PyJWKClient(
            url, cache_jwk_set=True, lifespan=lifespan_s, timeout=timeout_s, cooldown_duration=JWKS_COOLDOWN_S
        )

    def key_for(self, kid: str | None) -> jwt.PyJWK:
        if kid is None:
            raise ApiError(
                401, "unauthorized", "invalid token: a token signed by the identity provider must name its key (kid)"
            )
        try:
            return self._client.get_signing_key(kid)
        except (jwt.PyJWKClientConnectionError, jwt.PyJWKSetError) as error:
            # The provider is away or serves no usable keys: nothing the caller can fix, and
            # signing them out (a 401) would not help; they retry.
            message = f"cannot fetch the identity provider's keys from PUJIANG_JWKS_URL; try again ({error})"
            raise ApiError(503, "unavailable", message, headers={"Retry-After": "5"}) from error
        except jwt.PyJWKClientError as error:
            raise ApiError(401, "unauthorized", f"invalid token: unknown key id {kid!r}") from error
