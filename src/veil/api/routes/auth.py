"""``/v1/auth``: who am I, and an API key exchanged for a short-lived access token."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, ConfigDict, Field

from veil.api.routes.problem_docs import problems
from veil.api.security import AUTHENTICATED, Actor, Authenticator, require
from veil.errors import InputError

__all__ = ["router"]

router = APIRouter(prefix="/auth", tags=["auth"], responses=problems(400, 503))


class WhoAmI(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(description="API key id or OIDC subject.")
    kind: str = Field(description="api_key, token or oidc.")
    role: str
    scopes: list[str]
    purposes: list[str] = Field(description="Purposes granted (analysts and services act only for these).")


class TokenRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    minutes: int = Field(15, ge=1, le=15, description="Lifetime in minutes (at most 15).")


class TokenAnswer(BaseModel):
    model_config = ConfigDict(extra="forbid")

    access_token: str
    token_type: str = "Bearer"  # noqa: S105 - the token type, not a token
    expires_in: int = Field(description="Seconds until it expires.")
    expires_at: str


@router.get("/whoami", response_model=WhoAmI, summary="The caller's identity, role and scopes")
def whoami(actor: Annotated[Actor, Depends(require(AUTHENTICATED))]) -> WhoAmI:
    return WhoAmI(
        id=actor.id,
        kind=actor.kind,
        role=actor.role,
        scopes=sorted(actor.scopes),
        purposes=sorted(actor.purposes),
    )


def _auth_rate(request: Request) -> None:
    """The auth endpoint's own limit per client address, counted before the credential is
    checked (so guessing is limited too)."""
    authenticator: Authenticator = request.app.state.authenticator
    client = request.client.host if request.client is not None else "unknown"
    authenticator.auth_limit.hit(f"client:{client}")


@router.post("/token", response_model=TokenAnswer, summary="Exchange an API key for an access token")
def token(
    request: Request,
    _rate: Annotated[None, Depends(_auth_rate)],
    actor: Annotated[Actor, Depends(require(AUTHENTICATED))],
    body: TokenRequest | None = None,
) -> TokenAnswer:
    """Authenticate with an API key (not a token); the token lives at most 15 minutes and
    ends with the key (revoking the key refuses its tokens on the next request)."""
    authenticator: Authenticator = request.app.state.authenticator
    if actor.kind != "api_key":
        raise InputError("exchange an API key for a token: authenticate this request with the key")
    settings_minutes = request.app.state.settings.token_minutes
    minutes = min(body.minutes if body is not None else 15, settings_minutes)
    issued = authenticator.tokens.issue(authenticator.keys.get(actor.id), minutes)
    return TokenAnswer(access_token=issued.token, expires_in=issued.expires_in, expires_at=issued.expires_at)
