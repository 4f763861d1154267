"""Right to erasure (GDPR Art. 17): crypto-shredding, then every store forgets, durably.

An erasure is one resumable procedure:

1. **prepare** — each participant (see :mod:`veil.rights.participants`) records what it will
   need once the keys are gone (the PII token store: the lookup keys of the subjects'
   tokens). Nothing changes yet.
2. **shred** — one key-store transaction deletes the subjects' data keys, writes their
   tombstones and records the erasure as *pending*, with one step per participant. From
   here every sealed field of the subjects, live or in any backup, is noise; no key can be
   made for them again (the key store's trigger), and no ingest commits rows for them (it
   checks the pending erasures at its commit).
3. **forget** — each participant removes the subjects: PII tokens, the data store (dataset
   rows, consent events, vault row and the audit entry, in one transaction), models (marked
   stale), the DP mirror. A step that meets a busy store (a lock held past ``wait_s``, the
   mirror open in a ``veil query``) stays pending; the others go on.
4. **record** — the steps done are marked in the key store; the record goes with the last.

A process killed after step 2 leaves the record: the next ``Workspace.open`` or
``veil subject erase`` again runs the steps still pending (:func:`resume_erasures`). Every
step is idempotent; the data-store step finds its own audit entry if it committed before
the crash (``erasures_applied``) instead of writing a second one. An erasure that could not
finish reports ``status="pending"`` (the CLI exits 15): the subject is already unreadable
and the rest completes later. While it is pending, releases leave the subject out.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import sqlalchemy as sa

from veil import clock
from veil.crypto.journal import ErasureRecord
from veil.errors import BusyError, NotFoundError, VeilError
from veil.rights.data_store import DataStoreParticipant
from veil.rights.participants import ErasureJob, ErasureParticipant, ParticipantRegistry
from veil.schema import subjects
from veil.vault.subject import collect_orphan_keys, is_lock_timeout

if TYPE_CHECKING:
    from veil.workspace import Workspace

__all__ = [
    "ErasureReport",
    "ErasureResult",
    "default_participants",
    "erase_pseudonyms",
    "erase_subject",
    "recover",
    "resume_erasures",
]

#: Seconds an erasure waits for a busy store before leaving that step pending.
DEFAULT_WAIT_S = 10.0
#: ... and when it is finished in passing by another command's ``Workspace.open``.
RESUME_WAIT_S = 0.25

Status = Literal["complete", "pending"]
#: Called with the name of each point the procedure passes (for progress and crash tests):
#: "prepared", "shredded", "<participant>", "recorded".
StepFn = Callable[[str], None]


@dataclass(frozen=True, slots=True)
class ErasureReport:
    """What one erasure did: its steps done (with their results) and those still pending (why)."""

    erasure_id: str
    subjects: int
    keys_destroyed: int
    status: Status
    done: dict[str, dict[str, Any]] = field(default_factory=dict)
    pending: dict[str, str] = field(default_factory=dict)

    @property
    def audit_seq(self) -> int:
        return int(self.done.get("data", {}).get("audit_seq", 0))

    @property
    def rows_deleted(self) -> dict[str, int]:
        return dict(self.done.get("data", {}).get("rows_deleted", {}))

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class ErasureResult:
    """``veil subject erase``: one subject's erasure (see :class:`ErasureReport` for the steps)."""

    pseudonym: str
    already_erased: bool
    key_destroyed: bool
    status: Status = "complete"
    rows_deleted: dict[str, int] = field(default_factory=dict)
    consent_events_deleted: int = 0
    audit_seq: int = 0
    #: participant -> why it is still to do (empty when complete)
    pending: dict[str, str] = field(default_factory=dict)
    #: participant -> what it removed
    participants: dict[str, dict[str, Any]] = field(default_factory=dict)
    erasure_ids: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def default_participants() -> ParticipantRegistry:
    """Every store's participant: each registered entry point
    (:data:`veil.rights.participants.ENTRY_POINT_GROUP`, by name), then the data store.

    The data store comes after every participant that does not wait for it (the DP mirror,
    rebuilt from it, does), because its step writes the erasure's audit entry, which records
    what the steps before it removed (e.g. the PII tokens forgotten).
    """
    registry = ParticipantRegistry()
    registry.register_entry_points()
    registry.register(DataStoreParticipant.name, DataStoreParticipant)
    return registry


def _step(on_step: StepFn | None, name: str) -> None:
    if on_step is not None:
        on_step(name)


def _run_steps(
    ws: Workspace,
    record: ErasureRecord,
    participants: Sequence[ErasureParticipant],
    *,
    wait_s: float,
    resumed: bool,
    on_step: StepFn | None,
) -> ErasureReport:
    done = dict(record.done)
    newly: dict[str, dict[str, Any]] = {}
    pending: dict[str, str] = {}
    known = {p.name for p in participants}
    for name in record.pending:
        if name not in known:
            pending[name] = "no participant of this name is registered in this Veil"
    for p in participants:
        if p.name not in record.pending:
            continue
        waiting = [a for a in p.after if a in record.pending and a not in done]
        if waiting:
            pending[p.name] = f"waits for {', '.join(waiting)}"
            continue
        job = ErasureJob(
            erasure_id=record.id,
            pseudonyms=record.pseudonyms,
            reason=record.reason,
            action=record.action,
            details=record.details,
            keys_destroyed=record.keys_destroyed,
            wait_s=wait_s,
            payload=record.pending[p.name],
            results=done,
            resumed=resumed,
        )
        try:
            result = p.forget(job)
        except BusyError as exc:
            pending[p.name] = f"busy: {exc.message}"
            continue
        except VeilError as exc:
            pending[p.name] = f"{exc.code}: {exc.message}"
            continue
        except sa.exc.OperationalError as exc:
            reason = "busy: a lock was held too long" if is_lock_timeout(exc) else "database error"
            pending[p.name] = reason
            continue
        except Exception as exc:  # a participant's own failure must not stop the others
            pending[p.name] = f"failed: {type(exc).__name__}"
            continue
        done[p.name] = newly[p.name] = result
        _step(on_step, p.name)
    if newly:
        ws.keystore.journal.finish_steps(record.id, newly, last=newly.keys() == record.pending.keys())
    _step(on_step, "recorded")
    return ErasureReport(
        erasure_id=record.id,
        subjects=len(record.pseudonyms),
        keys_destroyed=record.keys_destroyed,
        status="pending" if pending else "complete",
        done=done,
        pending=pending,
    )


def erase_pseudonyms(
    ws: Workspace,
    pseudonyms: Sequence[str],
    *,
    reason: str,
    action: str = "subject.erase",
    details: Mapping[str, Any] | None = None,
    participants: ParticipantRegistry | None = None,
    wait_s: float = DEFAULT_WAIT_S,
    on_step: StepFn | None = None,
) -> ErasureReport:
    """Erase these subjects from every participant (see the module docstring)."""
    wanted = list(dict.fromkeys(pseudonyms))
    parts = (participants or default_participants()).build(ws)
    payloads = {p.name: p.prepare(wanted) for p in parts}  # while the keys still exist
    _step(on_step, "prepared")
    erasure_id, destroyed = ws.keystore.shred(
        wanted, reason, action=action, details=dict(details or {}), steps=payloads
    )
    _step(on_step, "shredded")
    record = ErasureRecord(
        id=erasure_id,
        created_at=clock.now_iso(),
        reason=reason,
        action=action,
        details=dict(details or {}),
        keys_destroyed=destroyed,
        pseudonyms=wanted,
        pending=payloads,
    )
    return _run_steps(ws, record, parts, wait_s=wait_s, resumed=False, on_step=on_step)


def resume_erasures(
    ws: Workspace,
    *,
    pseudonym: str | None = None,
    participants: ParticipantRegistry | None = None,
    wait_s: float = DEFAULT_WAIT_S,
    on_step: StepFn | None = None,
) -> list[ErasureReport]:
    """Run the pending steps of unfinished erasures (of ``pseudonym`` only, if given)."""
    records = ws.keystore.journal.pending(pseudonym)
    if not records:
        return []
    registry = participants or default_participants()
    parts = registry.build(ws)
    reports = []
    for record in records:
        if not record.pending and not record.done:
            # Found by a key-store upgrade (a key made after its tombstone): every participant.
            steps: dict[str, dict[str, Any]] = {p.name: {} for p in parts}
            ws.keystore.journal.add_steps(record.id, steps)
            record = ErasureRecord(**{**asdict(record), "pending": steps})
        reports.append(_run_steps(ws, record, parts, wait_s=wait_s, resumed=True, on_step=on_step))
    return reports


def erase_subject(
    ws: Workspace,
    subject_id: str,
    *,
    reason: str = "subject_request",
    participants: ParticipantRegistry | None = None,
    wait_s: float = DEFAULT_WAIT_S,
    on_step: StepFn | None = None,
) -> ErasureResult:
    """Erase one subject; an erasure of them left pending is completed instead of repeated."""
    pseudonym = ws.pseudonymize(subject_id)
    already = ws.keystore.tombstone(pseudonym) is not None
    reports: list[ErasureReport] = []
    if already:
        reports = resume_erasures(
            ws, pseudonym=pseudonym, participants=participants, wait_s=wait_s, on_step=on_step
        )
    else:
        with ws.engine.connect() as conn:
            held = conn.execute(
                sa.select(subjects.c.pseudonym).where(subjects.c.pseudonym == pseudonym)
            ).first()
        if held is None and ws.keystore.get(pseudonym) is None:
            raise NotFoundError("Veil holds no data about this subject (check the subject id)")
    if not reports:
        reports = [
            erase_pseudonyms(
                ws, [pseudonym], reason=reason, participants=participants, wait_s=wait_s, on_step=on_step
            )
        ]
    pending: dict[str, str] = {}
    results: dict[str, dict[str, Any]] = {}
    for report in reports:
        pending.update(report.pending)
        results.update(report.done)
    data = results.get("data", {})
    return ErasureResult(
        pseudonym=pseudonym,
        already_erased=already,
        key_destroyed=not already and any(r.keys_destroyed for r in reports),
        status="pending" if pending else "complete",
        rows_deleted=dict(data.get("rows_deleted", {})),
        consent_events_deleted=int(data.get("consent_events_deleted", 0)),
        audit_seq=int(data.get("audit_seq", 0)),
        pending=pending,
        participants=results,
        erasure_ids=[r.erasure_id for r in reports],
    )


def recover(ws: Workspace, *, wait_s: float = RESUME_WAIT_S) -> None:
    """Finish what killed commands left: orphan data keys of dead ingests, pending erasures.

    Called by ``Workspace.open`` when the key store's journal holds something (two indexed
    reads tell); waits at most ``wait_s`` per busy store and leaves the rest for later.
    """
    if ws.keystore.journal.runs():
        collect_orphan_keys(ws, wait_s=wait_s)
    if ws.keystore.journal.has_pending():
        resume_erasures(ws, wait_s=wait_s)
