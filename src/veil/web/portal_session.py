"""The portal's side of ``veil.web.session``: a subject's session, made at sign-in.

A subject's :class:`~veil.api.security.Actor` has the role ``subject`` (scopes ``self:read``
and ``self:write``) and holds the subject's pseudonym; its id is the pseudonym too, so the
audit log names the caller ``portal:<pseudonym>`` (a keyed hash, never the subject's id).
:func:`current_subject` is the dependency of every portal page: it answers the sign-in page
without a subject's session (a staff session included).
"""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Request
from fastapi.responses import Response

from veil.api.security import Actor
from veil.web import session as web_session
from veil.web.deps import csrf, subject_actor
from veil.workspace import Workspace

__all__ = ["Subject", "check_csrf", "current_subject", "sign_in_subject", "sign_out_subject"]

#: The role of a data subject's session (roles.toml).
SUBJECT_ROLE = "subject"


@dataclass(frozen=True, slots=True)
class Subject:
    """The signed-in subject of a request: the workspace, their pseudonym, the audit label."""

    ws: Workspace
    actor: Actor
    pseudonym: str

    @property
    def label(self) -> str:
        return self.actor.label


def current_subject(request: Request) -> Subject:
    actor = subject_actor()(request)
    assert actor.subject is not None and actor.role == SUBJECT_ROLE
    return Subject(request.app.state.workspace, actor, actor.subject)


check_csrf = csrf


def sign_in_subject(request: Request, response: Response, pseudonym: str) -> None:
    """Start a subject's session for ``pseudonym`` (its cookie is set on ``response``)."""
    actor = Actor(id=pseudonym, kind="portal", role=SUBJECT_ROLE, subject=pseudonym)
    web_session.start(request, response, actor)


def sign_out_subject(request: Request, response: Response) -> None:
    web_session.end(request, response)
