"""Server-side sessions of the web pages: the ``web_sessions`` table and the ``veil_session`` cookie.

A session is made at sign-in (staff: ``/ui/sign-in``; a data subject: the portal's code,
:func:`start` called by ``veil.web.portal_signin``). The browser holds only a random value
(``secrets.token_urlsafe(32)``) in the cookie ``veil_session`` — HttpOnly, SameSite=Strict,
Path=/, and Secure when the page is served over TLS; the table holds the SHA-256 of that value
(a copy of the table signs no one in), the :class:`~veil.api.security.Actor`, a per-session
CSRF token and one pending notice ("flash").

A session ends when it is idle for longer than :attr:`SessionPolicy.idle_s` (default
30 minutes), at its absolute expiry (:attr:`SessionPolicy.absolute_s`, default 8 hours; an
OIDC sign-in's is never later than its token's ``exp``), or at sign-out (:func:`end` deletes
the row and clears the cookie). Expired rows are deleted when they are next presented and by
:meth:`SessionStore.purge_expired`. A staff session made with an API key is checked against
the key on every request (revoked, expired, a disabled user: signed out). An erasure deletes the
subject's sessions (:class:`veil.web.session_erasure.WebSessionsParticipant`).
"""

from __future__ import annotations

import hashlib
import json
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, cast

import sqlalchemy as sa
from fastapi import Request
from fastapi.responses import Response

from veil import clock
from veil.api.security import Actor, ActorKind
from veil.errors import AuthenticationError
from veil.identity.keys import ApiKeys
from veil.schema import web_sessions

if TYPE_CHECKING:
    from veil.workspace import Workspace

__all__ = [
    "COOKIE",
    "SessionPolicy",
    "SessionStore",
    "WebSession",
    "current",
    "end",
    "flash",
    "start",
    "store_of",
]

#: The session cookie's name.
COOKIE = "veil_session"
#: A session's last-seen time is written at most this often (fewer writes; idle expiry is this coarse).
TOUCH_EVERY = timedelta(seconds=30)


@dataclass(frozen=True, slots=True)
class SessionPolicy:
    """How long a session lives: idle for at most ``idle_s``, at all for at most ``absolute_s``."""

    idle_s: int = 30 * 60
    absolute_s: int = 8 * 60 * 60

    def __post_init__(self) -> None:
        if not 0 < self.idle_s <= self.absolute_s:
            raise ValueError("a session's idle limit must be positive and at most its absolute limit")


@dataclass(frozen=True, slots=True)
class WebSession:
    """One signed-in browser (see the module docstring); ``id_hash`` is the cookie value's SHA-256."""

    id_hash: str
    actor: Actor
    csrf_token: str
    created_at: str
    last_seen_at: str
    expires_at: str
    flash: str | None = None


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class SessionStore:
    """The ``web_sessions`` table of one workspace, under one :class:`SessionPolicy`."""

    def __init__(self, ws: Workspace, policy: SessionPolicy | None = None) -> None:
        self.ws = ws
        self.policy = policy if policy is not None else SessionPolicy()

    def create(self, actor: Actor, *, not_after: str | None = None) -> tuple[str, WebSession]:
        """A new session for ``actor``: the cookie value (returned once, never stored) and the row.

        ``not_after`` caps the absolute expiry (an OIDC token's ``exp``)."""
        token = secrets.token_urlsafe(32)
        now = clock.now()
        expires = clock.format_ts(now + timedelta(seconds=self.policy.absolute_s))
        if not_after is not None and not_after < expires:
            expires = not_after
        stamp = clock.format_ts(now)
        session = WebSession(
            id_hash=_hash(token),
            actor=actor,
            csrf_token=secrets.token_urlsafe(32),
            created_at=stamp,
            last_seen_at=stamp,
            expires_at=expires,
        )
        with self.ws.transaction() as conn:
            conn.execute(
                web_sessions.insert().values(
                    id_hash=session.id_hash,
                    actor_id=actor.id,
                    actor_kind=actor.kind,
                    role=actor.role,
                    purposes=json.dumps(sorted(actor.purposes)),
                    subject=actor.subject,
                    csrf_token=session.csrf_token,
                    flash=None,
                    created_at=stamp,
                    last_seen_at=stamp,
                    expires_at=expires,
                )
            )
        return token, session

    def get(self, token: str) -> WebSession | None:
        """The live session of cookie value ``token`` (its last-seen time refreshed), or None;
        an expired one is deleted."""
        if not token or len(token) > 128:
            return None
        id_hash = _hash(token)
        with self.ws.engine.connect() as conn:
            row = conn.execute(sa.select(web_sessions).where(web_sessions.c.id_hash == id_hash)).first()
        if row is None:
            return None
        now = clock.now()
        idle_end = clock.parse_ts(row.last_seen_at) + timedelta(seconds=self.policy.idle_s)
        if clock.format_ts(now) >= row.expires_at or now >= idle_end:
            self.delete_hash(id_hash)
            return None
        last_seen = row.last_seen_at
        if now - clock.parse_ts(row.last_seen_at) >= TOUCH_EVERY:
            last_seen = clock.format_ts(now)
            with self.ws.transaction() as conn:
                conn.execute(
                    web_sessions.update()
                    .where(web_sessions.c.id_hash == id_hash)
                    .values(last_seen_at=last_seen)
                )
        actor = Actor(
            id=row.actor_id,
            kind=cast(ActorKind, row.actor_kind),
            role=row.role,
            purposes=frozenset(json.loads(row.purposes)),
            subject=row.subject,
        )
        return WebSession(
            id_hash, actor, row.csrf_token, row.created_at, last_seen, row.expires_at, row.flash
        )

    def delete_hash(self, id_hash: str) -> None:
        with self.ws.transaction() as conn:
            conn.execute(web_sessions.delete().where(web_sessions.c.id_hash == id_hash))

    def set_flash(self, id_hash: str, message: str | None) -> None:
        """Keep ``message`` for the session's next page (None: clear it)."""
        with self.ws.transaction() as conn:
            conn.execute(
                web_sessions.update()
                .where(web_sessions.c.id_hash == id_hash)
                .values(flash=message[:500] if message is not None else None)
            )

    def forget_subjects(self, pseudonyms: list[str]) -> int:
        """Delete the sessions of these subjects (an erasure); returns how many."""
        if not pseudonyms:
            return 0
        with self.ws.transaction() as conn:
            result = conn.execute(web_sessions.delete().where(web_sessions.c.subject.in_(pseudonyms)))
        return int(result.rowcount or 0)

    def purge_expired(self) -> int:
        """Delete every session past its absolute or idle expiry; returns how many."""
        now = clock.now()
        idle_cut = clock.format_ts(now - timedelta(seconds=self.policy.idle_s))
        with self.ws.transaction() as conn:
            result = conn.execute(
                web_sessions.delete().where(
                    sa.or_(
                        web_sessions.c.expires_at <= clock.format_ts(now),
                        web_sessions.c.last_seen_at <= idle_cut,
                    )
                )
            )
        return int(result.rowcount or 0)


def store_of(request: Request) -> SessionStore:
    """The app's session store (made by :func:`veil.web.app.install_web`)."""
    store: SessionStore = request.app.state.web_sessions
    return store


def _secure(request: Request) -> bool:
    settings = getattr(request.app.state, "settings", None)
    return bool(getattr(settings, "tls", False)) or request.url.scheme == "https"


def _still_valid(request: Request, session: WebSession) -> bool:
    """A key-made staff session ends when its key does (revoked, expired, user disabled)."""
    if session.actor.kind not in ("api_key", "token"):
        return True
    client = request.client.host if request.client is not None else None
    try:
        key = ApiKeys(store_of(request).ws).active(session.actor.id, client)
    except AuthenticationError:
        return False
    return key.role == session.actor.role and frozenset(key.purposes) == session.actor.purposes


def current(request: Request) -> WebSession | None:
    """The request's live session, or None (looked up once per request)."""
    if hasattr(request.state, "web_session"):
        found: WebSession | None = request.state.web_session
        return found
    token = request.cookies.get(COOKIE, "")
    store = store_of(request)
    session = store.get(token) if token else None
    if session is not None and not _still_valid(request, session):
        store.delete_hash(session.id_hash)
        session = None
    request.state.web_session = session
    return session


def start(request: Request, response: Response, actor: Actor, *, not_after: str | None = None) -> WebSession:
    """Sign ``actor`` in: a new session (any the browser had is ended: no fixation), its
    cookie set on ``response``."""
    old = current(request)
    store = store_of(request)
    if old is not None:
        store.delete_hash(old.id_hash)
    token, session = store.create(actor, not_after=not_after)
    response.set_cookie(
        COOKIE,
        token,
        max_age=store.policy.absolute_s,
        path="/",
        secure=_secure(request),
        httponly=True,
        samesite="strict",
    )
    request.state.web_session = session
    return session


def end(request: Request, response: Response) -> None:
    """Sign out: the session's row is deleted and the cookie cleared."""
    session = current(request)
    if session is not None:
        store_of(request).delete_hash(session.id_hash)
    request.state.web_session = None
    response.delete_cookie(COOKIE, path="/", secure=_secure(request), httponly=True, samesite="strict")


def flash(request: Request, message: str) -> None:
    """Show ``message`` on the session's next page (after a redirect)."""
    session = current(request)
    if session is not None:
        store_of(request).set_flash(session.id_hash, message)


def pop_flash(request: Request) -> str | None:
    """The pending notice of the session, cleared as it is read."""
    session = current(request)
    if session is None or session.flash is None:
        return None
    store_of(request).set_flash(session.id_hash, None)
    return session.flash
