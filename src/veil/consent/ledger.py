"""The consent ledger: append-only grants and withdrawals per subject and purpose.

The current state is never stored; it is derived from the events. Each event has two
times: ``ts``, the time it is *stated* to have happened (``--at``, the CSV's timestamp;
kept as evidence), and its place in the *record order* (``seq``, increasing with every
event recorded, with ``recorded_at`` the clock time it was recorded). The rule, for one
(subject, purpose):

    consent is granted  <=>  some grant was recorded after every withdrawal AND
                             is stated to have happened strictly after every withdrawal.

So a withdrawal wins over everything recorded before it, whatever time those events
state (a grant dated 2999 cannot outlive a later withdrawal), and a grant recorded later
but stated earlier than a withdrawal (a historical import, a back-dated ``--at``) does not
bring consent back. When the two orders disagree, the answer is "not granted": processing
without consent is unlawful, while a refused release only waits for a fresh grant.

A stated time is used as at most the time the event was recorded (``effective_ts``: an
event cannot have happened after it was written down), and new events stated more than
the clock-skew allowance (``max_future``; ``[consent] max_future_seconds`` in veil.toml,
default 300 s) in the future are refused. Events of one import are recorded in the order
of their stated times (file order for equal times), so a file's own history keeps its
order.

:func:`derive_state` is the rule in Python; :func:`consenting_subjects` is the same rule
in SQL for releases. Tests check that both agree on random histories.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from veil import clock
from veil.config import CONFIG_FILE, read_table
from veil.consent.purpose import LawfulBasis, Purpose, PurposeRegistry
from veil.crypto.envelope import DataKey
from veil.errors import ConfigError, InputError, SubjectErasedError
from veil.schema import consent_events

if TYPE_CHECKING:
    from veil.workspace import Workspace

__all__ = [
    "DEFAULT_MAX_FUTURE",
    "ConsentAction",
    "ConsentEvent",
    "ConsentImportResult",
    "ConsentLedger",
    "SubjectKeys",
    "consenting_subjects",
    "derive_state",
    "lawful_subjects",
    "max_future_of",
]

EVIDENCE_DATASET = "_consent"

#: How far in the future a stated event time may lie (clock skew between machines).
DEFAULT_MAX_FUTURE = timedelta(minutes=5)

# Serialises consent writers on PostgreSQL, so that record order (seq), commit order and
# recorded_at agree (SQLite writers are serialised by BEGIN IMMEDIATE already).
_PG_LOCK_KEY = 0x7665_696C_636E  # "veilcn"


class ConsentAction(StrEnum):
    GRANT = "grant"
    WITHDRAW = "withdraw"


@dataclass(frozen=True, slots=True)
class ConsentEvent:
    """One recorded event: ``ts`` as stated, ``seq``/``recorded_at`` when it was recorded."""

    purpose: str
    action: ConsentAction
    ts: str
    seq: int = 0
    evidence: str | None = None
    recorded_at: str = ""

    @property
    def effective_ts(self) -> str:
        """The stated time, but never later than the recording time (when that is known)."""
        if self.recorded_at and self.recorded_at < self.ts:
            return self.recorded_at
        return self.ts

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
    """Purpose -> granted now, from one subject's events (see the module docstring).

    Granted iff some grant has a larger ``seq`` than every withdrawal and a strictly later
    ``effective_ts`` than every withdrawal. The input order does not matter.
    """
    grants: dict[str, list[ConsentEvent]] = {}
    last_withdrawal: dict[str, tuple[int, str]] = {}  # purpose -> (max seq, max effective ts)
    for event in events:
        if event.action is ConsentAction.GRANT:
            grants.setdefault(event.purpose, []).append(event)
        else:
            seq, ts = last_withdrawal.get(event.purpose, (event.seq, event.effective_ts))
            last_withdrawal[event.purpose] = (max(seq, event.seq), max(ts, event.effective_ts))
    state = dict.fromkeys(last_withdrawal, False)
    for purpose, granted in grants.items():
        bar = last_withdrawal.get(purpose)
        state[purpose] = bar is None or any(g.seq > bar[0] and g.effective_ts > bar[1] for g in granted)
    return state


def _effective(table: sa.Table | Any) -> sa.ColumnElement[Any]:
    """SQL of :attr:`ConsentEvent.effective_ts` (ISO-8601 text sorts as time)."""
    return sa.case((table.c.recorded_at < table.c.ts, table.c.recorded_at), else_=table.c.ts)


def consenting_subjects(purpose: str) -> sa.Select[Any]:
    """SELECT of the pseudonyms granted for ``purpose`` now: :func:`derive_state` in SQL."""
    grant = consent_events.alias("g")
    withdrawals = (
        sa.select(
            consent_events.c.pseudonym,
            sa.func.max(consent_events.c.seq).label("seq"),
            sa.func.max(_effective(consent_events)).label("ts"),
        )
        .where(
            consent_events.c.purpose == purpose,
            consent_events.c.action == ConsentAction.WITHDRAW.value,
        )
        .group_by(consent_events.c.pseudonym)
        .subquery("w")
    )
    return (
        sa.select(grant.c.pseudonym)
        .distinct()
        .select_from(grant.outerjoin(withdrawals, withdrawals.c.pseudonym == grant.c.pseudonym))
        .where(
            grant.c.purpose == purpose,
            grant.c.action == ConsentAction.GRANT.value,
            sa.or_(
                withdrawals.c.pseudonym.is_(None),
                sa.and_(grant.c.seq > withdrawals.c.seq, _effective(grant) > withdrawals.c.ts),
            ),
        )
    )


def lawful_subjects(purpose: Purpose) -> sa.Select[Any] | None:
    """Pseudonyms a release for ``purpose`` may include; None means every subject."""
    if purpose.basis is LawfulBasis.CONSENT:
        return consenting_subjects(purpose.name)
    return None


def max_future_of(root: Path) -> timedelta:
    """``[consent] max_future_seconds`` from the workspace's veil.toml, else the default."""
    path = root / CONFIG_FILE
    value = read_table(root, "consent").get("max_future_seconds")
    if value is None:
        return DEFAULT_MAX_FUTURE
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 86_400:
        raise ConfigError(f"{path}: [consent] max_future_seconds must be a number of seconds from 0 to 86400")
    return timedelta(seconds=value)


def _parse_ts(text: str, where: str) -> datetime:
    try:
        return clock.parse_ts(text)
    except ValueError:
        raise InputError(f"{where}: timestamp is not ISO-8601 (e.g. 2024-05-01T10:00:00Z)") from None


class SubjectKeys(Protocol):
    """What recording consent needs of the subject vault (``veil.vault.subject.SubjectVault``):
    each subject's data key (to seal the evidence), a vault entry made for a subject first
    met here, and which subjects are erased. The ledger is below the vault, so it is given
    one (by default the workspace's, :attr:`Workspace.subjects`) and never imports it."""

    def by_pseudonym(self, subject_ids: Iterable[str]) -> dict[str, str]: ...

    def ensure(
        self, conn: Connection, by_pseudonym: Mapping[str, str]
    ) -> tuple[dict[str, DataKey], set[str], int]: ...


class ConsentLedger:
    """Records consent events and answers who is granted (see the module docstring)."""

    def __init__(
        self,
        ws: Workspace,
        *,
        max_future: timedelta | None = None,
        subjects: SubjectKeys | None = None,
    ) -> None:
        self.ws = ws
        self._subjects = subjects
        self.purposes = PurposeRegistry(ws)
        self.max_future = max_future_of(ws.root) if max_future is None else max_future
        if self.max_future < timedelta(0):
            raise ConfigError("max_future must not be negative")

    @property
    def subjects(self) -> SubjectKeys:
        """The subject vault this ledger records subjects in (the workspace's by default)."""
        return self._subjects if self._subjects is not None else self.ws.subjects

    def _check_not_future(self, at: datetime, now: datetime, where: str) -> None:
        if at > now + self.max_future:
            ahead = int((at - now).total_seconds())
            raise InputError(
                f"{where}: the event time lies {ahead} s in the future (allowed: "
                f"{int(self.max_future.total_seconds())} s of clock skew); record an event when it "
                "has happened, or fix the clock"
            )

    def record(
        self,
        subject_id: str,
        purpose: str,
        action: ConsentAction | str,
        *,
        evidence: str | None = None,
        at: datetime | None = None,
    ) -> ConsentEvent:
        """Append one grant or withdrawal (creating the subject's vault entry if new).

        ``at`` (default: now) is the stated time; it may lie in the past (back-dating
        cannot undo a withdrawal recorded earlier) but not further in the future than
        ``max_future``.
        """
        act = ConsentAction(action)
        if at is not None:
            self._check_not_future(at, clock.now(), "--at")
        with self.ws.transaction() as conn:
            _serialise_writers(conn)
            ts = clock.format_ts(at) if at else clock.now_iso()
            p = self.purposes.get(purpose, conn)
            vault = self.subjects
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
        """Import events from CSV (subject, purpose, action, timestamp, evidence); all or nothing.

        Rows are recorded in the order of their stated times (file order for equal times),
        after everything recorded before: an imported withdrawal wins over every earlier
        recorded grant, and an imported grant counts only if it is dated after every
        withdrawal. A timestamp further in the future than ``max_future`` fails the import.
        """
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
            rows = [(f"{path}, line {line}", row) for line, row in enumerate(reader, start=2)]
        return self.import_events(rows, source=path.name)

    def import_events(
        self, rows: Sequence[tuple[str, Mapping[str, str | None]]], *, source: str
    ) -> ConsentImportResult:
        """Import events given as (where, {subject, purpose, action, timestamp, evidence}) pairs,
        all or nothing, with the rules of :meth:`import_csv` (which reads them from a file; the
        API sends them as JSON). ``where`` names a row in errors; ``source`` goes in the audit log."""
        known = {p.name for p in self.purposes.list()}
        parsed: list[tuple[str, str, ConsentAction, str, str | None]] = []
        now = clock.now()
        for where, row in rows:
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
            at = _parse_ts(ts_text, where) if ts_text else now
            self._check_not_future(at, now, where)
            evidence = row.get("evidence") or None
            parsed.append((subject, purpose, action, clock.format_ts(at), evidence))
        parsed.sort(key=lambda event: event[3])  # stable: file order among equal times
        vault = self.subjects
        skipped = 0
        seen: set[str] = set()
        with self.ws.transaction() as conn:
            _serialise_writers(conn)
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
                    details={"events": len(members), "file": source},
                )
        return ConsentImportResult(events=len(parsed) - skipped, subjects=len(seen), skipped_erased=skipped)

    def history(self, subject_id: str) -> list[ConsentEvent]:
        """A subject's events in record order."""
        pseudonym = self.ws.pseudonymize(subject_id)
        return self.history_of(pseudonym)

    def history_of(self, pseudonym: str) -> list[ConsentEvent]:
        key = self.ws.keystore.get(pseudonym)
        with self.ws.engine.connect() as conn:
            rows = conn.execute(
                sa.select(consent_events)
                .where(consent_events.c.pseudonym == pseudonym)
                .order_by(consent_events.c.seq)
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

    def standing(
        self, subject_id: str, purpose: str | None = None
    ) -> tuple[list[ConsentEvent], dict[str, bool]]:
        """A subject's events in record order and purpose -> granted now (``veil consent show``,
        the API). With ``purpose``: its events only, and its state alone (not granted without events)."""
        history = self.history(subject_id)
        if purpose is None:
            return history, derive_state(history)
        history = [e for e in history if e.purpose == purpose]
        return history, {purpose: derive_state(history).get(purpose, False)}

    def count_consenting(self, purpose: str) -> int:
        sub = consenting_subjects(purpose).subquery()
        with self.ws.engine.connect() as conn:
            return int(conn.execute(sa.select(sa.func.count()).select_from(sub)).scalar_one())


def _serialise_writers(conn: Connection) -> None:
    if conn.dialect.name == "postgresql":
        conn.execute(sa.select(sa.func.pg_advisory_xact_lock(_PG_LOCK_KEY)))
