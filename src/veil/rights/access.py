"""Right of access and portability (GDPR Art. 15/20): everything held about a subject.

The export decrypts the subject's identity and every dataset row, lists their
consent history and current state, and adds a usage receipt: every release,
query and export that included them, straight from the audit log.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import sqlalchemy as sa

from veil.consent.ledger import ConsentLedger, derive_state
from veil.rights.erasure import default_participants
from veil.schema import subjects
from veil.vault.dataset import DatasetCatalog
from veil.vault.release import subject_records
from veil.vault.subject import SubjectVault

if TYPE_CHECKING:
    from veil.workspace import Workspace

__all__ = ["SubjectExport", "export_subject"]

Status = Literal["active", "erased", "not_held"]


@dataclass(frozen=True, slots=True)
class SubjectExport:
    subject: str
    pseudonym: str
    status: Status
    erased_at: str | None = None
    created_at: str | None = None
    last_seen_at: str | None = None
    datasets: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    consent_history: list[dict[str, Any]] = field(default_factory=list)
    consent_state: dict[str, bool] = field(default_factory=dict)
    usage: list[dict[str, Any]] = field(default_factory=list)
    #: For an erased subject whose erasure is not finished: the stores still to forget them
    #: (the keys are gone already; the next Veil command or `veil subject erase` completes it).
    erasure_pending: list[str] = field(default_factory=list)
    #: Models trained on the subject: each keeps what it learnt from them (even after their
    #: erasure, as a stale model) until it is retrained or deleted (`veil models delete`).
    models: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _held_elsewhere(ws: Workspace, pseudonym: str) -> list[dict[str, Any]]:
    """What derived stores still hold from the subject, from the erasure participants that say
    (the model registry's: models trained on them), so rights/ imports no capability."""
    out: list[dict[str, Any]] = []
    for participant in default_participants().build(ws):
        held_for = getattr(participant, "held_for", None)
        if held_for is not None:
            out += held_for(pseudonym)
    return out


def export_subject(ws: Workspace, subject_id: str) -> SubjectExport:
    """Everything held about ``subject_id``; the export itself is audit-logged."""
    pseudonym = ws.pseudonymize(subject_id)
    erased_at = ws.keystore.tombstone(pseudonym)
    with ws.transaction() as conn:
        ws.audit.append(
            conn,
            "subject.export",
            subjects=[pseudonym],
            details={"status": "erased" if erased_at else "held"},
        )
    usage = [e.to_dict() for e in ws.audit.for_subject(pseudonym)]
    if erased_at:
        pending = sorted({n for r in ws.keystore.journal.pending(pseudonym) for n in (r.pending or ["all"])})
        return SubjectExport(
            subject_id,
            pseudonym,
            "erased",
            erased_at=erased_at,
            usage=usage,
            erasure_pending=pending,
            models=_held_elsewhere(ws, pseudonym),
        )
    key = ws.keystore.get(pseudonym)
    with ws.engine.connect() as conn:
        row = conn.execute(sa.select(subjects).where(subjects.c.pseudonym == pseudonym)).first()
        if row is None or key is None:
            return SubjectExport(subject_id, pseudonym, "not_held", usage=usage)
        sid = SubjectVault.external_id(key, bytes(row.external_id))
        data = {ds.name: subject_records(conn, ds, key, sid) for ds in DatasetCatalog(ws).list()}
    history = ConsentLedger(ws).history_of(pseudonym)
    return SubjectExport(
        subject=sid,
        pseudonym=pseudonym,
        status="active",
        created_at=row.created_at,
        last_seen_at=row.last_seen_at,
        datasets={k: v for k, v in data.items() if v},
        consent_history=[e.to_dict() for e in history],
        consent_state=derive_state(history),
        usage=usage,
        models=_held_elsewhere(ws, pseudonym),
    )
