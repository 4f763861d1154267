"""Access tokens Veil issues itself: an API key exchanged for a short-lived JWT.

Signed with EdDSA (Ed25519) under a key derived from the key store's named secret
``api-token-signing`` (32 random bytes, the Ed25519 seed, wrapped by the KEK); they live at
most 15 minutes. A token names its API key (``sub``) and nothing the server trusts beyond
that: the role, purposes and state are read from the key's row on every request, so
revoking the key (or disabling its user) ends its tokens on the next request.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import jwt
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from veil import clock
from veil.errors import AuthenticationError, InputError

if TYPE_CHECKING:
    from veil.identity.keys import ApiKey
    from veil.workspace import Workspace

__all__ = ["AUDIENCE", "MAX_MINUTES", "IssuedToken", "TokenIssuer"]

SIGNING_SECRET = "api-token-signing"  # noqa: S105 - the name of a key-store secret
AUDIENCE = "veil-api"
MAX_MINUTES = 15


@dataclass(frozen=True, slots=True)
class IssuedToken:
    token: str
    expires_at: str
    expires_in: int


class TokenIssuer:
    def __init__(self, ws: Workspace) -> None:
        self.issuer = f"veil:{ws.config.workspace_id}"
        self._private = Ed25519PrivateKey.from_private_bytes(ws.keystore.secret(SIGNING_SECRET))
        self._public = self._private.public_key()

    def issued_by(self, claims: dict[str, Any]) -> bool:
        return claims.get("iss") == self.issuer

    def issue(self, key: ApiKey, minutes: int = MAX_MINUTES) -> IssuedToken:
        if not 1 <= minutes <= MAX_MINUTES:
            raise InputError(f"a token lives 1 to {MAX_MINUTES} minutes")
        now = clock.now()
        expires = now + timedelta(minutes=minutes)
        if key.expires_at is not None:
            expires = min(expires, clock.parse_ts(key.expires_at))
        claims = {
            "iss": self.issuer,
            "aud": AUDIENCE,
            "sub": key.id,
            "iat": int(now.timestamp()),
            "nbf": int(now.timestamp()),
            "exp": int(expires.timestamp()),
            "jti": secrets.token_hex(8),
        }
        token = jwt.encode(claims, self._private, algorithm="EdDSA", headers={"typ": "at+jwt"})
        return IssuedToken(token, clock.format_ts(expires), max(0, int((expires - now).total_seconds())))

    def verify(self, token: str) -> str:
        """The API key id a valid token names (AuthenticationError otherwise)."""
        try:
            claims = jwt.decode(
                token,
                self._public,
                algorithms=["EdDSA"],
                audience=AUDIENCE,
                issuer=self.issuer,
                options={"require": ["exp", "iat", "nbf", "sub", "iss", "aud"]},
            )
        except jwt.PyJWTError as exc:
            raise AuthenticationError(f"invalid access token ({type(exc).__name__})") from None
        if int(claims["exp"]) - int(claims["iat"]) > MAX_MINUTES * 60:
            raise AuthenticationError("invalid access token (lifetime over 15 minutes)")
        return str(claims["sub"])
