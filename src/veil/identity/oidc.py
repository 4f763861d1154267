"""OIDC bearer tokens from the organisation's identity provider.

Validation is PyJWT's, against the issuer's JWKS (``PyJWKClient``, keys cached for five
minutes and refetched for an unknown ``kid``): the signature, ``iss``, ``aud``, ``exp``,
``nbf`` (with a small leeway for clock skew) and the algorithm against an allow-list that
can hold only asymmetric algorithms (RS256 and ES256 by default): ``none`` and every HS*
algorithm are refused whatever the settings say, so a token "signed" with the issuer's
public key as an HMAC secret never verifies. The role comes from a group claim through
``role_map`` (the first entry whose group the token holds); a token whose groups map to no
role is refused.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import jwt

from veil.errors import AuthenticationError, ConfigError, PermissionDeniedError
from veil.identity import ROLES

__all__ = ["ASYMMETRIC", "OidcIdentity", "OidcSettings", "OidcVerifier"]

#: The algorithms an issuer may be configured with (asymmetric only).
ASYMMETRIC = frozenset(
    {"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"}
)


#: The key type (JWK ``kty``) each algorithm family needs.
_FAMILY = {"RS": "RSA", "PS": "RSA", "ES": "EC", "Ed": "OKP"}


@dataclass(frozen=True, slots=True)
class OidcSettings:
    issuer: str
    audience: str
    jwks_url: str
    role_map: tuple[tuple[str, str], ...]
    groups_claim: str = "groups"
    algorithms: tuple[str, ...] = ("RS256", "ES256")
    purposes_claim: str | None = None
    leeway_seconds: int = 30

    def __post_init__(self) -> None:
        bad = [a for a in self.algorithms if a not in ASYMMETRIC]
        if bad or not self.algorithms:
            raise ConfigError(
                f"[service.oidc] algorithms {bad or '[]'} are not allowed: use asymmetric ones "
                f"({', '.join(sorted(ASYMMETRIC))}); never none or HS*"
            )
        for group, role in self.role_map:
            if role not in ROLES or role == "subject":
                raise ConfigError(f"[service.oidc] role_map: group {group!r} maps to unknown role {role!r}")
        if not self.jwks_url.startswith(("https://", "http://")):
            raise ConfigError("[service.oidc] jwks_url must be an http(s) URL")
        if not 0 <= self.leeway_seconds <= 300:
            raise ConfigError("[service.oidc] leeway_seconds must be between 0 and 300")

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> OidcSettings:
        try:
            return cls(
                issuer=str(raw["issuer"]),
                audience=str(raw["audience"]),
                jwks_url=str(raw["jwks_url"]),
                role_map=tuple((str(g), str(r)) for g, r in dict(raw.get("role_map", {})).items()),
                groups_claim=str(raw.get("groups_claim", "groups")),
                algorithms=tuple(str(a) for a in raw.get("algorithms", ("RS256", "ES256"))),
                purposes_claim=str(raw["purposes_claim"]) if raw.get("purposes_claim") else None,
                leeway_seconds=int(raw.get("leeway_seconds", 30)),
            )
        except KeyError as exc:
            raise ConfigError(f"[service.oidc] lacks the required setting {exc}") from exc


@dataclass(frozen=True, slots=True)
class OidcIdentity:
    subject: str
    role: str
    purposes: frozenset[str]


class OidcVerifier:
    def __init__(self, settings: OidcSettings) -> None:
        self.settings = settings
        self._jwks = jwt.PyJWKClient(settings.jwks_url, cache_keys=True, lifespan=300, timeout=10)

    def issued_by(self, claims: Mapping[str, Any]) -> bool:
        return claims.get("iss") == self.settings.issuer

    def verify(self, token: str) -> OidcIdentity:
        """The identity of a valid token; AuthenticationError (never quoting it) otherwise."""
        s = self.settings
        try:
            alg = jwt.get_unverified_header(token).get("alg")
        except jwt.PyJWTError:
            raise AuthenticationError("malformed bearer token") from None
        if alg not in s.algorithms:
            raise AuthenticationError(f"token algorithm {str(alg)[:16]!r} is not allowed")
        try:
            key = self._jwks.get_signing_key_from_jwt(token)
            if _FAMILY.get(alg[:2]) != key.key_type or (key._jwk_data.get("alg") not in (None, alg)):
                # the header's algorithm must fit the key's type and the JWK's own "alg"
                raise AuthenticationError("the token's algorithm does not match its key")
            claims: dict[str, Any] = jwt.decode(
                token,
                key.key,
                algorithms=[alg],
                audience=s.audience,
                issuer=s.issuer,
                leeway=s.leeway_seconds,
                options={"require": ["exp", "iss", "aud", "sub"], "verify_nbf": True},
            )
        except jwt.PyJWKClientConnectionError:
            raise AuthenticationError("the identity provider's keys cannot be fetched now") from None
        except (jwt.PyJWTError, TypeError, ValueError) as exc:  # a key of the wrong type: TypeError
            raise AuthenticationError(f"invalid bearer token ({type(exc).__name__})") from None
        groups = claims.get(s.groups_claim) or []
        if isinstance(groups, str):
            groups = [groups]
        held = {str(g) for g in groups} if isinstance(groups, list) else set()
        role = next((r for g, r in s.role_map if g in held), None)
        if role is None:
            raise PermissionDeniedError("the token's groups map to no Veil role ([service.oidc] role_map)")
        purposes: frozenset[str] = frozenset()
        if s.purposes_claim is not None:
            raw = claims.get(s.purposes_claim) or []
            purposes = frozenset(str(p) for p in raw) if isinstance(raw, list) else frozenset()
        return OidcIdentity(subject=str(claims["sub"]), role=role, purposes=purposes)
