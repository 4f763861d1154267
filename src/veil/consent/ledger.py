"""The consent ledger: append-only grants and withdrawals per subject and purpose.

The current state is never stored; it is derived from the events: for each
(subject, purpose) the latest event by time (then by order recorded) decides.
:func:`derive_state` is that rule in Python; :func:`consenting_subjects` is the
same rule in SQL for releases. Tests check that both agree.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from veil import clock
from veil.consent.purpose import LawfulBasis, Purpose, PurposeRegistry
from veil.crypto.envelope import DataKey
from veil.errors import InputError, SubjectErasedError
from veil.schema import consent_events

if TYPE_CHECKING:
    from veil.workspace import Workspace

__all__ = [
    "ConsentAction",
    "ConsentEvent",
    "ConsentImportResult",
    "ConsentLedger",
    "consenting_subjects",
    "derive_state",
    "lawful_subjects",
]

EVIDENCE_DATASET = "_consent"


class ConsentAction(StrEnum):
    GRANT = "grant"
    WITHDRAW = "withdraw"


@dataclass(frozen=True, slots=True)
class ConsentEvent:
    purpose: str
    action: ConsentAction
    ts: str
    seq: int = 0
    evidence: str | None = None
    recorded_at: str = ""

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["action"] = self.action.value
        return data


@dataclass(frozen=True, slots=True)
class ConsentImportResult:
    events: int
    subjects: int
    skipped_erased: int


def derive_state(events: Iterable[ConsentEvent]) -> dict[str, bool]:
    """Purpose -> granted now, from a subject's events (latest by time, then seq, wins)."""
    latest: dict[str, ConsentEvent] = {}
    for event in events:
        cur = latest.get(event.purpose)
        if cur is None or (event.ts, event.seq) >= (cur.ts, cur.seq):
            latest[event.purpose] = event
    return {p: e.action is ConsentAction.GRANT for p, e in latest.items()}


def consenting_subjects(purpose: str) -> sa.Select[Any]:
    """SELECT of the pseudonyms whose latest event for ``purpose`` is a grant."""
    ranked = (
        sa.select(
            consent_events.c.pseudonym,
            consent_events.c.action,
            sa.func.row_number()
            .over(
                partition_by=consent_events.c.pseudonym,
                order_by=(consent_events.c.ts.desc(), consent_events.c.seq.desc()),
            )
            .label("rn"),
        )
        .where(consent_events.c.purpose == purpose)
        .subquery()
    )
    return sa.select(ranked.c.pseudonym).where(ranked.c.rn == 1, ranked.c.action == ConsentAction.GRANT.value)


def lawful_subjects(purpose: Purpose) -> sa.Select[Any] | None:
    """Pseudonyms a release for ``purpose`` may include; None means every subject."""
    if purpose.basis is LawfulBasis.CONSENT:
        return consenting_subjects(purpose.name)
    return None


def _parse_ts(text: str, where: str) -> str:
    try:
        return clock.format_ts(clock.parse_ts(text))
    except ValueError:
        raise InputError(f"{where}: timestamp is not ISO-8601 (e.g. 2024-05-01T10:00:00Z)") from None


class ConsentLedger:
    def __init__(self, ws: Workspace) -> None:
        self.ws = ws
        self.purposes = PurposeRegistry(ws)

    def record(
        self,
        subject_id: str,
        purpose: str,
        action: ConsentAction | str,
        *,
        evidence: str | None = None,
        at: datetime | None = None,
    ) -> ConsentEvent:
        """Append one grant or withdrawal (creating the subject's vault entry if new)."""
        from veil.vault.subject import SubjectVault

        act = ConsentAction(action)
        ts = clock.format_ts(at) if at else clock.now_iso()
        with self.ws.transaction() as conn:
            p = self.purposes.get(purpose, conn)
            vault = SubjectVault(self.ws)
            keys, erased, _ = vault.ensure(conn, vault.by_pseudonym([subject_id]))
            pseudonym = self.ws.pseudonymize(subject_id)
            if pseudonym in erased:
                raise SubjectErasedError(
                    "this subject was erased; consent cannot be recorded for an erased subject"
                )
            event = self._insert(conn, pseudonym, p.name, act, ts, evidence, keys[pseudonym])
            self.ws.audit.append(
                conn,
                f"consent.{act.value}",
                purpose=p.name,
                subjects=[pseudonym],
                details={"has_evidence": evidence is not None, "effective_at": ts},
            )
        return event

    def _insert(
        self,
        conn: Connection,
        pseudonym: str,
        purpose: str,
        action: ConsentAction,
        ts: str,
        evidence: str | None,
        key: DataKey,
    ) -> ConsentEvent:
        recorded = clock.now_iso()
        sealed = None
        if evidence is not None:
            sealed = key.seal_field(
                evidence, dataset=EVIDENCE_DATASET, row_id=f"{purpose}|{ts}", column="evidence"
            )
        result = conn.execute(
            consent_events.insert().values(
                pseudonym=pseudonym,
                purpose=purpose,
                action=action.value,
                ts=ts,
                evidence=sealed,
                recorded_at=recorded,
            )
        )
        seq = int(result.inserted_primary_key[0]) if result.inserted_primary_key else 0
        return ConsentEvent(purpose, action, ts, seq, evidence, recorded)

    def import_csv(self, path: Path) -> ConsentImportResult:
        """Import events from CSV (subject, purpose, action, timestamp, evidence); all or nothing."""
        from veil.vault.subject import SubjectVault

        try:
            fh = path.open(newline="", encoding="utf-8")
        except OSError as exc:
            raise InputError(f"cannot read {path}: {exc.strerror}") from None
        with fh:
            reader = csv.DictReader(fh)
            required = {"subject", "purpose", "action"}
            missing = required - set(reader.fieldnames or [])
            if missing:
                raise InputError(
                    f"{path}: missing column(s) {', '.join(sorted(missing))}; expected "
                    "subject, purpose, action, timestamp, evidence"
                )
            rows: list[tuple[int, dict[str, str]]] = list(enumerate(reader, start=2))
        known = {p.name for p in self.purposes.list()}
        parsed: list[tuple[str, str, ConsentAction, str, str | None]] = []
        now = clock.now_iso()
        for line, row in rows:
            where = f"{path}, line {line}"
            subject = (row.get("subject") or "").strip()
            purpose = (row.get("purpose") or "").strip()
            if not subject:
                raise InputError(f"{where}: empty subject")
            if purpose not in known:
                raise InputError(f"{where}: unknown purpose {purpose!r}")
            try:
                action = ConsentAction((row.get("action") or "").strip().lower())
            except ValueError:
                raise InputError(f"{where}: action must be 'grant' or 'withdraw'") from None
            ts_text = (row.get("timestamp") or "").strip()
            ts = _parse_ts(ts_text, where) if ts_text else now
            evidence = row.get("evidence") or None
            parsed.append((subject, purpose, action, ts, evidence))
        vault = SubjectVault(self.ws)
        skipped = 0
        seen: set[str] = set()
        with self.ws.transaction() as conn:
            keys, erased, _ = vault.ensure(conn, vault.by_pseudonym(p[0] for p in parsed))
            by_purpose: dict[str, list[str]] = {}
            for subject, purpose, action, ts, evidence in parsed:
                pseudonym = self.ws.pseudonymize(subject)
                if pseudonym in erased:
                    skipped += 1
                    continue
                self._insert(conn, pseudonym, purpose, action, ts, evidence, keys[pseudonym])
                by_purpose.setdefault(purpose, []).append(pseudonym)
                seen.add(pseudonym)
            for purpose, members in sorted(by_purpose.items()):
                self.ws.audit.append(
                    conn,
                    "consent.import",
                    purpose=purpose,
                    subjects=members,
                    details={"events": len(members), "file": path.name},
                )
        return ConsentImportResult(events=len(parsed) - skipped, subjects=len(seen), skipped_erased=skipped)

    def history(self, subject_id: str) -> list[ConsentEvent]:
        pseudonym = self.ws.pseudonymize(subject_id)
        return self.history_of(pseudonym)

    def history_of(self, pseudonym: str) -> list[ConsentEvent]:
        key = self.ws.keystore.get(pseudonym)
        with self.ws.engine.connect() as conn:
            rows = conn.execute(
                sa.select(consent_events)
                .where(consent_events.c.pseudonym == pseudonym)
                .order_by(consent_events.c.ts, consent_events.c.seq)
            ).all()
        events = []
        for r in rows:
            evidence = None
            if r.evidence is not None and key is not None:
                evidence = key.open_field(
                    r.evidence, dataset=EVIDENCE_DATASET, row_id=f"{r.purpose}|{r.ts}", column="evidence"
                )
            events.append(
                ConsentEvent(r.purpose, ConsentAction(r.action), r.ts, int(r.seq), evidence, r.recorded_at)
            )
        return events

    def state(self, subject_id: str) -> dict[str, bool]:
        return derive_state(self.history(subject_id))

    def count_consenting(self, purpose: str) -> int:
        sub = consenting_subjects(purpose).subquery()
        with self.ws.engine.connect() as conn:
            return int(conn.execute(sa.select(sa.func.count()).select_from(sub)).scalar_one())
