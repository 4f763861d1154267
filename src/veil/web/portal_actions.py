"""What a signed-in data subject can do, as library calls bound to their pseudonym.

Each function takes the subject's pseudonym (from their portal session, never from a form or
a URL) and the actor label the audit log names, and calls the same library the API and the
CLI use: :class:`~veil.consent.ledger.ConsentLedger`,
:class:`~veil.rights.requests.RequestRegistry`, :func:`~veil.rights.fulfilment.fulfil`,
:func:`~veil.rights.access.export_subject`. Every action is a request record (where the law
has a request type for it) and an audit entry. A request id that is not the subject's
answers :class:`~veil.errors.NotFoundError`, exactly as an id that does not exist.

* consent: a withdrawal is a ``consent_withdrawal`` request, verified (the code sign-in) and
  fulfilled by recording the withdrawal, which the next release honours; a grant is recorded
  in the ledger (audit entry ``consent.grant``);
* export: an ``access`` (or ``portability``) request, verified and fulfilled at once; the
  package is made again from what Veil holds at each download (JSON, CSV, HTML);
* erasure: an ``erasure`` request, verified and left in progress for the controller, who
  fulfils it (``veil request fulfil``, the dashboard); the subject follows its state and due
  date and downloads the signed receipt once it is fulfilled.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from veil.breach.notice import subject_notice
from veil.breach.register import BreachRegister
from veil.consent.ledger import ConsentAction, ConsentLedger
from veil.consent.purpose import Purpose, PurposeRegistry
from veil.errors import NotFoundError, ReceiptInvalidError
from veil.rights.access import SubjectExport, export_subject
from veil.rights.deadlines import Regime
from veil.rights.erasure import default_participants
from veil.rights.fulfilment import fulfil, package_again
from veil.rights.package import AccessPackage
from veil.rights.receipt import public_key, public_key_pem, verify_receipt
from veil.rights.requests import RequestRegistry, RequestState, RequestType, SubjectRequest
from veil.schema import subjects
from veil.vault.subject import SubjectVault

if TYPE_CHECKING:
    from veil.workspace import Workspace

__all__ = [
    "SELF_SERVICE",
    "ReceiptCheck",
    "change_consent",
    "check_receipt",
    "consent_purposes",
    "my_export",
    "my_package",
    "my_receipt",
    "my_request",
    "my_requests",
    "receipt_by_link",
    "receipt_link_key",
    "request_erasure",
    "request_export",
    "uses_after_erasure",
]

#: The key-store secret the erasure requests' receipt links are keyed with.
RECEIPT_LINK_SECRET = "portal-receipt-link"  # noqa: S105 - the name of a key-store secret

#: Request types a subject makes from the portal.
SELF_SERVICE = (RequestType.ACCESS, RequestType.PORTABILITY, RequestType.ERASURE)
VERIFIED_BY = "identity verified by a one-time code sent to a contact Veil holds"


def held_subject_id(ws: Workspace, pseudonym: str) -> str:
    """The subject's id, opened from the vault with their key (NotFoundError if not held)."""
    key = ws.keystore.get(pseudonym)
    with ws.engine.connect() as conn:
        row = conn.execute(sa.select(subjects.c.external_id).where(subjects.c.pseudonym == pseudonym)).first()
    if key is None or row is None:
        raise NotFoundError("Veil holds no data about you any more")
    return SubjectVault.external_id(key, bytes(row[0]))


def my_export(ws: Workspace, pseudonym: str) -> SubjectExport | None:
    """Everything held about the subject (decrypted for them; audit-logged as an export), or
    None once Veil holds nothing of them (erased: their requests and receipt remain)."""
    try:
        sid = held_subject_id(ws, pseudonym)
    except NotFoundError:
        return None
    return export_subject(ws, sid)


def my_breach_notices(ws: Workspace, pseudonym: str) -> list[str]:
    """The plain-language notices of breaches that exposed the subject's data in clear and
    whose subjects the DPO has told (``veil breach notices --portal``), oldest first."""
    register = BreachRegister(ws)
    return [
        subject_notice(record, clear, sealed) for record, clear, sealed in register.notices_for(pseudonym)
    ]


def uses_after_erasure(ws: Workspace, pseudonym: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """For a subject Veil no longer holds: the audit log's uses of their data and the models
    that still keep what they learnt from them (stale until retrained or deleted), as
    :func:`veil.rights.access.export_subject` reports them for an erased subject."""
    usage = [e.to_dict() for e in ws.audit.for_subject(pseudonym)]
    models: list[dict[str, Any]] = []
    for participant in default_participants().build(ws):
        held_for = getattr(participant, "held_for", None)
        if held_for is not None:
            models += held_for(pseudonym)
    return usage, models


def consent_purposes(ws: Workspace) -> list[Purpose]:
    """The purposes whose lawful basis is consent (the ones a subject can grant or withdraw)."""
    return [p for p in PurposeRegistry(ws).list() if p.needs_consent]


def _verify(registry: RequestRegistry, req: SubjectRequest, actor: str) -> SubjectRequest:
    registry.transition(req.id, RequestState.VERIFYING, actor=actor)
    return registry.transition(req.id, RequestState.IN_PROGRESS, actor=actor)


def change_consent(
    ws: Workspace, pseudonym: str, purpose: str, action: ConsentAction, *, actor: str
) -> SubjectRequest | None:
    """Grant or withdraw the subject's consent to ``purpose`` (a consent purpose; else
    NotFoundError). A withdrawal is a request, fulfilled now; returns it (None for a grant)."""
    if purpose not in {p.name for p in consent_purposes(ws)}:
        raise NotFoundError("no such purpose asks for your consent")
    sid = held_subject_id(ws, pseudonym)
    ledger = ConsentLedger(ws)
    if action is ConsentAction.GRANT:
        ledger.record(sid, purpose, ConsentAction.GRANT, evidence="data-subject portal")
        return None
    registry = RequestRegistry(ws)
    req = registry.create(
        pseudonym=pseudonym, type=RequestType.CONSENT_WITHDRAWAL, regime=Regime.GDPR, actor=actor
    )
    _verify(registry, req, actor)
    ledger.record(sid, purpose, ConsentAction.WITHDRAW, evidence=f"data-subject portal, request {req.id}")
    return registry.transition(req.id, RequestState.FULFILLED, actor=actor)


def request_export(ws: Workspace, pseudonym: str, kind: RequestType, *, actor: str) -> SubjectRequest:
    """An access or portability request, verified and fulfilled now (its package: :func:`my_package`)."""
    if kind not in (RequestType.ACCESS, RequestType.PORTABILITY):
        raise NotFoundError("not an export request")
    registry = RequestRegistry(ws)
    req = registry.create(pseudonym=pseudonym, type=kind, regime=Regime.GDPR, actor=actor)
    _verify(registry, req, actor)
    return fulfil(ws, req.id, actor=actor).request


def request_erasure(ws: Workspace, pseudonym: str, *, actor: str) -> SubjectRequest:
    """An erasure request, verified, in progress until the controller fulfils it."""
    registry = RequestRegistry(ws)
    req = registry.create(pseudonym=pseudonym, type=RequestType.ERASURE, regime=Regime.GDPR, actor=actor)
    return _verify(registry, req, actor)


def my_requests(ws: Workspace, pseudonym: str) -> list[SubjectRequest]:
    """The subject's requests, newest first."""
    out: list[SubjectRequest] = []
    cursor: str | None = None
    registry = RequestRegistry(ws)
    while True:
        page = registry.list(pseudonym=pseudonym, limit=500, cursor=cursor)
        out += page.items
        cursor = page.next_cursor
        if cursor is None:
            return sorted(out, key=lambda r: (r.received_at, r.id), reverse=True)


def my_request(ws: Workspace, pseudonym: str, request_id: str) -> SubjectRequest:
    """One of the subject's requests (NotFoundError for any other id)."""
    return RequestRegistry(ws).get(request_id, pseudonym=pseudonym)


def my_package(ws: Workspace, pseudonym: str, request_id: str) -> AccessPackage:
    """The package of the subject's fulfilled access or portability request."""
    return package_again(ws, request_id, pseudonym=pseudonym)


def my_receipt(ws: Workspace, pseudonym: str, request_id: str) -> dict[str, Any]:
    """The signed receipt of the subject's fulfilled erasure request."""
    return RequestRegistry(ws).receipt(request_id, pseudonym=pseudonym)


@dataclass(frozen=True, slots=True)
class ReceiptCheck:
    """Whether a receipt verifies against this workspace's receipt key, and why not."""

    valid: bool
    message: str
    public_key_pem: str


def check_receipt(ws: Workspace, document: Any) -> ReceiptCheck:
    """Verify ``document`` (a receipt) with the workspace's public receipt key."""
    pem = public_key_pem(ws)
    try:
        verify_receipt(document, public_key(ws))
    except ReceiptInvalidError as exc:
        return ReceiptCheck(False, str(exc), pem)
    return ReceiptCheck(True, "The signature is valid: this receipt was issued by Veil, unaltered.", pem)


def receipt_link_key(ws: Workspace, request_id: str) -> str:
    """The secret part of an erasure request's receipt link (HMAC of its id; nothing stored).

    The erasure deletes the subject's sessions and the address their codes go to, so they
    cannot sign in again: the link, shown while they are signed in, is how they follow the
    request to its signed receipt afterwards."""
    key = ws.keystore.secret(RECEIPT_LINK_SECRET)
    return hmac.new(key, request_id.encode(), hashlib.sha256).hexdigest()[:40]


def receipt_by_link(ws: Workspace, request_id: str, link_key: str) -> SubjectRequest:
    """The erasure request the link names (NotFoundError for a wrong key, as for no request)."""
    right = receipt_link_key(ws, request_id)
    if not hmac.compare_digest(right.encode(), link_key.encode()):
        raise NotFoundError("no such receipt link")
    req = RequestRegistry(ws).get(request_id)
    if req.type is not RequestType.ERASURE:
        raise NotFoundError("no such receipt link")
    return req
