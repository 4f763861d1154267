"""Who is calling, and may they: authentication and the one-scope-per-route check.

Credentials come in ``Authorization: Bearer <credential>``, one of:

* an API key ``vk_<id>_<secret>`` (:mod:`veil.identity.keys`);
* an access token Veil issued for a key (``POST /v1/auth/token``, EdDSA, ≤ 15 minutes);
* an OIDC token of the organisation's identity provider (``[service.oidc]``).

Both token kinds are JWTs; which verifier checks one is chosen by its (unverified) ``iss``,
and then that verifier checks everything, the issuer included. Every route declares exactly
one scope with ``actor: Actor = Depends(require("consent:write"))``: no credentials or bad
ones answer 401, a role without the scope 403, before the route's own code runs. The
declared scope is kept on the dependency (``SCOPE_ATTR``) for the matrix test and the
OpenAPI schema (``x-veil-scope``).
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import jwt
from fastapi import Request
from sqlalchemy.engine import Engine

from veil.api.ratelimit import RateLimiter
from veil.api.roles import matrix
from veil.audit.log import AuditLog
from veil.crypto.keystore import KeyStore
from veil.errors import AuthenticationError, PermissionDeniedError, PurposeNotGrantedError
from veil.identity.keys import PREFIX, ApiKey, ApiKeys
from veil.identity.oidc import OidcVerifier
from veil.identity.tokens import TokenIssuer

if TYPE_CHECKING:
    from veil.api.settings import ServiceSettings
    from veil.workspace import Workspace

__all__ = [
    "AUTHENTICATED",
    "SCOPE_ATTR",
    "Actor",
    "Authenticator",
    "CallRecord",
    "RequestAuditLog",
    "current_call",
    "require",
]

#: The attribute of a ``require`` dependency that holds its scope.
SCOPE_ATTR = "__veil_scope__"
#: The pseudo-scope of routes any authenticated caller may use (``/v1/auth/*``).
AUTHENTICATED = "authenticated"
#: Roles whose purposes are checked (the others act for every purpose).
PURPOSE_BOUND = frozenset({"analyst", "service"})

# portal: a data subject signed in to the portal with a one-time code (veil.web.portal_signin)
ActorKind = Literal["api_key", "oidc", "token", "portal"]


@dataclass(frozen=True, slots=True)
class Actor:
    """The authenticated caller of one request."""

    id: str
    kind: ActorKind
    role: str
    purposes: frozenset[str] = frozenset()
    subject: str | None = None

    @property
    def scopes(self) -> frozenset[str]:
        return matrix().roles.get(self.role, frozenset())

    def check_purpose(self, purpose: str) -> str:
        """``purpose`` if the caller may act for it (analysts and services: only granted
        ones); else :class:`PurposeNotGrantedError` (403). Recorded for the audit entry."""
        record = current_call.get(None)
        if record is not None:
            record.purpose = purpose
        if self.role in PURPOSE_BOUND and purpose not in self.purposes:
            raise PurposeNotGrantedError(f"purpose {purpose!r} is not granted to {self.kind} {self.id}")
        return purpose

    @property
    def label(self) -> str:
        """How the audit log names the caller: ``api_key:<id>``, ``oidc:<sub>``, ``token:<id>``."""
        return f"{self.kind}:{self.id}"


@dataclass(slots=True)
class CallRecord:
    """What the audit middleware records of a request, filled in as it is handled."""

    actor: Actor | None = None
    purpose: str | None = None
    scope: str | None = None


#: The record of the request being handled (set by the audit middleware; a mutable object, so
#: dependencies running in the thread pool fill in the one the middleware reads).
current_call: contextvars.ContextVar[CallRecord] = contextvars.ContextVar("veil_api_call")


class Authenticator:
    """Turns a bearer credential into an :class:`Actor` (one per app)."""

    def __init__(self, ws: Workspace, settings: ServiceSettings) -> None:
        self.keys = ApiKeys(ws)
        self.tokens = TokenIssuer(ws)
        self.oidc = OidcVerifier(settings.oidc) if settings.oidc is not None else None
        self.per_actor = RateLimiter(settings.rate_per_minute)
        #: the auth endpoint, per client address
        self.auth_limit = RateLimiter(settings.auth_rate_per_minute)
        #: failed authentications per client address (guessing keys costs time)
        self.failures = RateLimiter(max(settings.rate_per_minute // 10, 10))

    def authenticate(self, credential: str, client: str | None) -> Actor:
        if credential.startswith(PREFIX + "_"):
            return _key_actor(self.keys.authenticate(credential, client), "api_key")
        try:
            claims = jwt.decode(credential, options={"verify_signature": False})
        except jwt.PyJWTError:
            raise AuthenticationError("malformed bearer credential") from None
        if self.tokens.issued_by(claims):
            key = self.keys.active(self.tokens.verify(credential), client)
            return _key_actor(key, "token")
        if self.oidc is not None and self.oidc.issued_by(claims):
            who = self.oidc.verify(credential)
            return Actor(id=who.subject, kind="oidc", role=who.role, purposes=who.purposes)
        raise AuthenticationError("bearer token from an unknown issuer")

    def actor_of(self, request: Request) -> Actor:
        """The request's actor (401 without valid credentials, 429 over the rate)."""
        client = request.client.host if request.client is not None else None
        header = request.headers.get("authorization", "")
        scheme, _, credential = header.partition(" ")
        if scheme.lower() != "bearer" or not credential.strip():
            raise AuthenticationError("send credentials: Authorization: Bearer <API key or token>")
        try:
            actor = self.authenticate(credential.strip(), client)
        except AuthenticationError:
            self.failures.hit(f"client:{client}")
            raise
        # a key and the tokens made from it share one bucket
        self.per_actor.hit(actor.label if actor.kind == "oidc" else f"key:{actor.id}")
        return actor


def _key_actor(key: ApiKey, kind: ActorKind) -> Actor:
    return Actor(id=key.id, kind=kind, role=key.role, purposes=frozenset(key.purposes), subject=key.subject)


def require(scope: str) -> Callable[[Request], Actor]:
    """A dependency that authenticates the request and checks the role holds ``scope``."""
    if scope != AUTHENTICATED and scope not in matrix().scopes:
        raise ValueError(f"unknown scope {scope!r}: scopes are listed in veil/api/roles.toml")

    def dependency(request: Request) -> Actor:
        record = current_call.get(None)
        if record is not None:
            record.scope = scope
        authenticator: Authenticator = request.app.state.authenticator
        actor = authenticator.actor_of(request)
        if record is not None:
            record.actor = actor
        if scope != AUTHENTICATED and scope not in actor.scopes:
            raise PermissionDeniedError(f"role {actor.role!r} does not hold the scope {scope!r}")
        return actor

    setattr(dependency, SCOPE_ATTR, scope)
    dependency.__name__ = f"require_{scope.replace(':', '_')}"
    return dependency


class RequestAuditLog(AuditLog):
    """The workspace's audit log as the service uses it: an entry a route's library call
    appends names the request's caller (``api_key:<id>``, ``token:<id>``, ``oidc:<sub>``), not
    the account the server runs as (which names work outside requests: start-up, jobs run by
    a worker thread)."""

    def __init__(self, engine: Engine, keystore: KeyStore, actor: str) -> None:
        self._service_actor = actor
        super().__init__(engine, keystore, actor)

    @property
    def actor(self) -> str:
        record = current_call.get(None)
        if record is not None and record.actor is not None:
            return record.actor.label
        return self._service_actor

    @actor.setter
    def actor(self, value: str) -> None:
        self._service_actor = value
