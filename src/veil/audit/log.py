"""The append-only, hash-chained audit log.

Each entry records who did what, for which purpose and dataset, and which
subjects it touched, as pseudonyms (never raw personal data). Entries are
chained::

    h_0 = 64 * "0"
    h_i = SHA-256(bytes(h_{i-1}) || canonical(entry_i))

where ``canonical`` is the entry's fields (all but its own hash) as compact JSON
with sorted keys. The set of subjects an entry touched is kept in
``audit_subjects`` (an index for usage receipts) and committed to by the entry's
``subjects_digest``, so the chain covers it too. After every commit the newest
(seq, hash) is also anchored in the key store, which lives apart from the log:
``verify`` then detects an edited, deleted or reordered entry, a truncated tail,
and a changed subject list.

Appends happen inside the caller's transaction, so an operation and its audit
entry commit or fail together.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from veil import clock
from veil.crypto.keystore import AuditAnchor, KeyStore
from veil.schema import audit_head, audit_log, audit_subjects

__all__ = ["GENESIS", "AuditEntry", "AuditLog", "VerifyResult", "canonical", "chain_hash"]

GENESIS = "0" * 64


@dataclass(frozen=True, slots=True)
class AuditEntry:
    seq: int
    ts: str
    actor: str
    action: str
    purpose: str | None
    dataset: str | None
    subject_count: int
    subjects_digest: str | None
    details: dict[str, Any] = field(default_factory=dict)
    prev_hash: str = GENESIS
    hash: str = ""

    def body(self) -> dict[str, Any]:
        data = asdict(self)
        del data["hash"]
        return data

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class VerifyResult:
    ok: bool
    entries: int
    head_seq: int
    head_hash: str
    first_bad_seq: int | None = None
    reason: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def canonical(body: dict[str, Any]) -> bytes:
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def chain_hash(prev_hash: str, body: dict[str, Any]) -> str:
    return hashlib.sha256(bytes.fromhex(prev_hash) + canonical(body)).hexdigest()


def subjects_digest(pseudonyms: Iterable[str], *, presorted: bool = False) -> str:
    """SHA-256 over the pseudonyms in byte order, one per line."""
    h = hashlib.sha256()
    for p in pseudonyms if presorted else sorted(pseudonyms):
        h.update(p.encode())
        h.update(b"\n")
    return h.hexdigest()


def _bytewise(conn: Connection, column: Any) -> Any:
    """Order by bytes on every backend (PostgreSQL's default collation may not)."""
    return sa.collate(column, "C") if conn.dialect.name == "postgresql" else column


class AuditLog:
    def __init__(self, engine: Engine, keystore: KeyStore, actor: str) -> None:
        self.engine = engine
        self.keystore = keystore
        self.actor = actor

    def append(
        self,
        conn: Connection,
        action: str,
        *,
        purpose: str | None = None,
        dataset: str | None = None,
        subjects: Sequence[str] | sa.Select[Any] = (),
        subject_count: int | None = None,
        details: dict[str, Any] | None = None,
    ) -> AuditEntry:
        """Append one entry in ``conn``'s transaction (which also takes the log's lock).

        ``subjects`` is a list of pseudonyms, or a SELECT of one pseudonym column
        (evaluated inside the database, so a release of millions of subjects
        never holds them all in memory).
        """
        head = conn.execute(
            sa.select(audit_head.c.seq, audit_head.c.hash).where(audit_head.c.id == 1).with_for_update()
        ).first()
        seq, prev = (0, GENESIS) if head is None else (int(head[0]), str(head[1]))
        new_seq = seq + 1
        if isinstance(subjects, sa.Select):
            members = subjects.subquery()
            conn.execute(
                audit_subjects.insert().from_select(
                    ["seq", "pseudonym"],
                    sa.select(sa.literal(new_seq), members.c[0]).distinct(),
                )
            )
            count, digest = _stored_digest(conn, new_seq)
        else:
            unique = sorted(set(subjects))
            if unique:
                conn.execute(audit_subjects.insert(), [{"seq": new_seq, "pseudonym": p} for p in unique])
            count, digest = len(unique), (subjects_digest(unique, presorted=True) if unique else None)
        entry = AuditEntry(
            seq=new_seq,
            ts=clock.now_iso(),
            actor=self.actor,
            action=action,
            purpose=purpose,
            dataset=dataset,
            subject_count=count if subject_count is None else subject_count,
            subjects_digest=digest,
            details=details or {},
            prev_hash=prev,
        )
        entry = AuditEntry(**{**entry.body(), "hash": chain_hash(prev, entry.body())})
        conn.execute(
            audit_log.insert().values(
                seq=entry.seq,
                ts=entry.ts,
                actor=entry.actor,
                action=entry.action,
                purpose=entry.purpose,
                dataset=entry.dataset,
                subject_count=entry.subject_count,
                subjects_digest=entry.subjects_digest,
                details=json.dumps(entry.details, sort_keys=True),
                prev_hash=entry.prev_hash,
                hash=entry.hash,
            )
        )
        if head is None:
            conn.execute(audit_head.insert().values(id=1, seq=entry.seq, hash=entry.hash))
        else:
            conn.execute(
                audit_head.update().where(audit_head.c.id == 1).values(seq=entry.seq, hash=entry.hash)
            )
        return entry

    def anchor(self) -> None:
        """Copy the committed head into the key store (call after the commit).

        The anchor only moves along the chain it already vouches for: when the log
        no longer holds the anchored entry unchanged (its tail was cut or
        rewritten), the anchor is kept, so ``verify`` still reports the damage.
        """
        seq, hash_ = self.head()
        if not seq:
            return
        old = self.keystore.anchor()
        if old is not None and old.seq <= seq:
            with self.engine.connect() as conn:
                at = conn.execute(
                    sa.select(audit_log.c.hash).where(audit_log.c.seq == old.seq)
                ).scalar_one_or_none()
            if at != old.hash:
                return
        self.keystore.set_anchor(AuditAnchor(seq, hash_))

    # -- reading ---------------------------------------------------------------------------
    def head(self) -> tuple[int, str]:
        """(seq, hash) of the newest committed entry; (0, GENESIS) for an empty log."""
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(audit_head.c.seq, audit_head.c.hash)).first()
        return (0, GENESIS) if row is None else (int(row[0]), str(row[1]))

    def entries(
        self, *, since: int = 0, limit: int | None = None, action: str | None = None
    ) -> list[AuditEntry]:
        query = sa.select(audit_log).where(audit_log.c.seq > since).order_by(audit_log.c.seq)
        if action:
            query = query.where(audit_log.c.action == action)
        if limit:
            query = query.limit(limit)
        with self.engine.connect() as conn:
            return [_entry(row) for row in conn.execute(query)]

    def for_subject(self, pseudonym: str) -> list[AuditEntry]:
        """Every entry that included the subject: the usage receipt."""
        query = (
            sa.select(audit_log)
            .join(audit_subjects, audit_subjects.c.seq == audit_log.c.seq)
            .where(audit_subjects.c.pseudonym == pseudonym)
            .order_by(audit_log.c.seq)
        )
        with self.engine.connect() as conn:
            return [_entry(row) for row in conn.execute(query)]

    def _iter_rows(self, conn: Connection) -> Iterator[AuditEntry]:
        result = conn.execution_options(yield_per=2000).execute(
            sa.select(audit_log).order_by(audit_log.c.seq)
        )
        for row in result:
            yield _entry(row)

    def verify(self) -> VerifyResult:
        prev, count, last_seq = GENESIS, 0, 0
        with self.engine.connect() as conn:
            digests = _membership_digests(conn)
            for entry in self._iter_rows(conn):
                count += 1
                expected_seq = last_seq + 1
                if entry.seq != expected_seq:
                    return _bad(
                        count,
                        last_seq,
                        prev,
                        expected_seq,
                        f"entry {expected_seq} is missing (next present is {entry.seq})",
                    )
                if entry.prev_hash != prev:
                    return _bad(
                        count,
                        last_seq,
                        prev,
                        entry.seq,
                        f"entry {entry.seq} does not follow entry {last_seq}: "
                        "an entry before it was deleted, replaced or reordered",
                    )
                if chain_hash(prev, entry.body()) != entry.hash:
                    return _bad(
                        count,
                        last_seq,
                        prev,
                        entry.seq,
                        f"entry {entry.seq} was modified after it was written",
                    )
                if digests.get(entry.seq) != entry.subjects_digest:
                    return _bad(
                        count,
                        last_seq,
                        prev,
                        entry.seq,
                        f"the subject list of entry {entry.seq} was modified",
                    )
                prev, last_seq = entry.hash, entry.seq
            head = conn.execute(sa.select(audit_head.c.seq, audit_head.c.hash)).first()
        if head is not None and (int(head[0]), str(head[1])) != (last_seq, prev):
            return _bad(
                count,
                last_seq,
                prev,
                last_seq + 1,
                f"the log ends at entry {last_seq} but its head says {int(head[0])}: "
                "newest entries were deleted",
            )
        anchor = self.keystore.anchor()
        if anchor is not None and anchor.seq > last_seq:
            return _bad(
                count,
                last_seq,
                prev,
                last_seq + 1,
                f"the log ends at entry {last_seq} but the key-store anchor is at "
                f"{anchor.seq}: newest entries were deleted",
            )
        if anchor is not None and anchor.seq > 0:
            with self.engine.connect() as conn:
                at = conn.execute(
                    sa.select(audit_log.c.hash).where(audit_log.c.seq == anchor.seq)
                ).scalar_one_or_none()
            if at != anchor.hash:
                return _bad(
                    count,
                    last_seq,
                    prev,
                    anchor.seq,
                    f"entry {anchor.seq} differs from the copy anchored in the key store",
                )
        return VerifyResult(ok=True, entries=count, head_seq=last_seq, head_hash=prev)


def _stored_digest(conn: Connection, seq: int) -> tuple[int, str | None]:
    # Per-statement option: Connection.execution_options() would change ``conn`` for good, and on
    # PostgreSQL the caller's next INSERT would then run through a server-side cursor (an error).
    rows = conn.execute(
        sa.select(audit_subjects.c.pseudonym)
        .where(audit_subjects.c.seq == seq)
        .order_by(_bytewise(conn, audit_subjects.c.pseudonym)),
        execution_options={"yield_per": 10000},
    )
    h, count = hashlib.sha256(), 0
    for (p,) in rows:
        h.update(str(p).encode())
        h.update(b"\n")
        count += 1
    return count, (h.hexdigest() if count else None)


def _membership_digests(conn: Connection) -> dict[int, str]:
    """Digest of every entry's stored subject list, streamed in (seq, byte) order."""
    digests: dict[int, str] = {}
    current: int | None = None
    h = hashlib.sha256()
    result = conn.execution_options(yield_per=10000).execute(
        sa.select(audit_subjects.c.seq, audit_subjects.c.pseudonym).order_by(
            audit_subjects.c.seq, _bytewise(conn, audit_subjects.c.pseudonym)
        )
    )
    for seq, pseudonym in result:
        if seq != current:
            if current is not None:
                digests[current] = h.hexdigest()
            current, h = int(seq), hashlib.sha256()
        h.update(str(pseudonym).encode())
        h.update(b"\n")
    if current is not None:
        digests[current] = h.hexdigest()
    return digests


def _bad(count: int, last_seq: int, prev: str, seq: int, reason: str) -> VerifyResult:
    return VerifyResult(
        ok=False, entries=count, head_seq=last_seq, head_hash=prev, first_bad_seq=seq, reason=reason
    )


def _entry(row: Any) -> AuditEntry:
    return AuditEntry(
        seq=int(row.seq),
        ts=row.ts,
        actor=row.actor,
        action=row.action,
        purpose=row.purpose,
        dataset=row.dataset,
        subject_count=int(row.subject_count),
        subjects_digest=row.subjects_digest,
        details=json.loads(row.details),
        prev_hash=row.prev_hash,
        hash=row.hash,
    )
