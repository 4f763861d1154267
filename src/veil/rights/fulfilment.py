"""Fulfilling access, portability and erasure requests with the library's own rights functions.

* **access / portability** -> :func:`veil.rights.access.export_subject` (audit-logged by it)
  made into an :class:`~veil.rights.package.AccessPackage` (JSON, CSV, HTML, with the
  Art. 15(1) information). The subject's id is read back from the vault (sealed under their
  data key); for a subject Veil does not hold (never, or no longer), the caller gives it, and
  it must match the request's pseudonym.
* **erasure** -> the erasure participants (:func:`veil.rights.erasure.erase_pseudonyms`, or
  :func:`~veil.rights.erasure.resume_erasures` for a subject whose erasure was left pending),
  then an Ed25519-signed receipt (:mod:`veil.rights.receipt`) over the request id, the
  subject's pseudonym, the times and the participants' reports. An erasure that a busy store
  left pending raises :class:`~veil.errors.ErasurePendingError` and leaves the request in
  progress (the keys are gone already); fulfilling it again completes it and signs.

The request must be ``in_progress`` (verified); it becomes ``fulfilled`` in the same
transaction that stores the fulfilment's summary (no personal data) and the receipt.
"""

from __future__ import annotations

import hmac
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from veil import clock
from veil.errors import ErasurePendingError, InputError, InvalidTransitionError, NotFoundError
from veil.rights.access import export_subject
from veil.rights.erasure import DEFAULT_WAIT_S, ErasureReport, erase_pseudonyms, resume_erasures
from veil.rights.package import AccessPackage
from veil.rights.receipt import sign_receipt
from veil.rights.requests import FULFILLED_BY_VEIL, RequestRegistry, RequestState, RequestType, SubjectRequest
from veil.schema import subjects
from veil.vault.subject import SubjectVault

if TYPE_CHECKING:
    from veil.workspace import Workspace

__all__ = ["RECEIPT_KIND", "Fulfilment", "fulfil", "package_again"]

RECEIPT_KIND = "veil.erasure_receipt"


@dataclass(frozen=True, slots=True)
class Fulfilment:
    """A fulfilled request, with its access package or its signed erasure receipt."""

    request: SubjectRequest
    package: AccessPackage | None = None
    receipt: dict[str, Any] | None = None


def _held_id(ws: Workspace, pseudonym: str) -> str | None:
    """The subject's id as the vault holds it (sealed under their data key), or None."""
    key = ws.keystore.get(pseudonym)
    if key is None:
        return None
    with ws.engine.connect() as conn:
        row = conn.execute(sa.select(subjects.c.external_id).where(subjects.c.pseudonym == pseudonym)).first()
    return None if row is None else SubjectVault.external_id(key, bytes(row[0]))


def _subject_id(ws: Workspace, req: SubjectRequest, given: str | None) -> str:
    if given is not None:
        if not hmac.compare_digest(ws.pseudonymize(given), req.pseudonym):
            raise InputError("the subject id given is not the subject of this request")
        return given
    held = _held_id(ws, req.pseudonym)
    if held is None:
        raise InputError(
            "Veil holds no identity for this request's subject (never held, or erased): the package "
            "needs the subject's id given with it (`veil request fulfil ID --subject SUBJECT`, or "
            "`subject` in the API's body)"
        )
    return held


def _erase(ws: Workspace, req: SubjectRequest, wait_s: float) -> tuple[str, list[ErasureReport]]:
    """Erase the request's subject; (status, the participants' reports)."""
    pseudonym = req.pseudonym
    if ws.keystore.tombstone(pseudonym) is not None:
        return "erased", resume_erasures(ws, pseudonym=pseudonym, wait_s=wait_s)
    with ws.engine.connect() as conn:
        held = conn.execute(sa.select(subjects.c.pseudonym).where(subjects.c.pseudonym == pseudonym)).first()
    if held is None and ws.keystore.get(pseudonym) is None:
        return "not_held", []
    report = erase_pseudonyms(
        ws,
        [pseudonym],
        reason="subject_request",
        details={"request": req.id},
        wait_s=wait_s,
    )
    return "erased", [report]


def fulfil(
    ws: Workspace,
    request_id: str,
    *,
    subject_id: str | None = None,
    actor: str | None = None,
    wait_s: float = DEFAULT_WAIT_S,
) -> Fulfilment:
    """Fulfil an access, portability or erasure request that is in progress (see the module
    docstring); other types are closed with ``RequestRegistry.transition``."""
    registry = RequestRegistry(ws)
    req = registry.get(request_id)
    by = actor or ws.actor
    if req.type not in FULFILLED_BY_VEIL:
        raise InvalidTransitionError(
            f"Veil does not carry out {req.type.value} requests itself: do it, then "
            f"`veil request transition {req.id} fulfilled`"
        )
    if req.state is not RequestState.IN_PROGRESS:
        raise InvalidTransitionError(
            f"only a request in progress can be fulfilled; this one is {req.state.value}"
            + (" (verify the subject first)" if req.is_open else "")
        )
    if req.type is RequestType.ERASURE:
        if subject_id is not None:
            _subject_id(ws, req, subject_id)
        status, reports = _erase(ws, req, wait_s)
        pending = {name: why for r in reports for name, why in r.pending.items()}
        if pending:
            raise ErasurePendingError(
                "the erasure is recorded and the subject's keys are destroyed, but these stores were "
                f"busy: {', '.join(sorted(pending))}; fulfil the request again to complete it and get "
                "the signed receipt"
            )
        body = {
            "kind": RECEIPT_KIND,
            "version": 1,
            "workspace_id": ws.keystore.cached_workspace_id(),
            "request_id": req.id,
            "request_type": req.type.value,
            "regime": req.regime.value,
            "received_at": req.received_at,
            "subject_pseudonym": req.pseudonym,
            "status": status,
            "erased_at": ws.keystore.tombstone(req.pseudonym),
            "issued_at": clock.now_iso(),
            "reports": [r.to_dict() for r in reports],
        }
        receipt = sign_receipt(ws, body)
        summary = {
            "kind": "erasure_receipt",
            "status": status,
            "erasure_ids": [r.erasure_id for r in reports],
            "keys_destroyed": sum(r.keys_destroyed for r in reports),
        }
        with ws.transaction() as conn:
            current = registry.locked(conn, req.id)
            registry.close(
                conn, current, result=summary, receipt=json.dumps(receipt, sort_keys=True), actor=by
            )
        return Fulfilment(registry.get(req.id), receipt=receipt)
    sid = _subject_id(ws, req, subject_id)
    export = export_subject(ws, sid)
    package = AccessPackage.build(ws, req, export)
    with ws.transaction() as conn:
        current = registry.locked(conn, req.id)
        registry.close(conn, current, result=package.summary(), receipt=None, actor=by)
    return Fulfilment(registry.get(req.id), package=package)


def package_again(
    ws: Workspace, request_id: str, *, pseudonym: str | None = None, subject_id: str | None = None
) -> AccessPackage:
    """A fulfilled access or portability request's package, made again from what Veil holds now
    (a package is never stored). With ``pseudonym``, only that subject's request (else
    :class:`NotFoundError`, as for an unknown id); the export is audit-logged again."""
    req = RequestRegistry(ws).get(request_id, pseudonym=pseudonym)
    if (
        req.type not in (RequestType.ACCESS, RequestType.PORTABILITY)
        or req.state is not RequestState.FULFILLED
    ):
        raise NotFoundError(
            "this request has no access package (only a fulfilled access or portability request)"
        )
    return AccessPackage.build(ws, req, export_subject(ws, _subject_id(ws, req, subject_id)))
