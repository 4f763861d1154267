"""The append-only, hash-chained audit log.

Each entry records who did what, for which purpose and dataset, and which
subjects it touched, as pseudonyms (never raw personal data). Entries are
chained::

    h_0 = 64 * "0"
    h_i = SHA-256(bytes(h_{i-1}) || canonical(entry_i))

where ``canonical`` is the entry's fields (all but its own hash) as compact JSON
with sorted keys. The set of subjects an entry touched is kept in
``audit_subjects`` (an index for usage receipts) and committed to by the entry's
``subjects_digest``, so the chain covers it too.

A hash chain alone is no protection against someone who can write the database: they
can cut the tail, or append entries and recompute every hash. Two MACs (HMAC-SHA256
under the *audit key*, a secret in the key store wrapped by the KEK) close that:

* the **checkpoint**: every append stores, with the head ``(seq, h_seq)`` in the same
  transaction, ``MAC("head", workspace, seq, h_seq)``. As ``h_seq`` chains every earlier
  entry, one valid checkpoint authenticates the whole log up to ``seq``; appended or
  rewritten entries cannot carry one without the key. An append never extends a head
  whose MAC fails (it writes no checkpoint then), so tampering is never laundered by the
  next honest write, and the honest write is still recorded.
* the **anchor**: after each commit the head is copied into the key store, which lives
  apart from the log, with ``MAC("anchor", ...)``. It only moves forward, only over an
  authentic head, and a genesis anchor is written when the key store is made, so it is
  never legitimately absent. It catches a cut tail even when the cut log ends in an
  older genuine checkpoint.

``verify`` reports, as a verdict rather than an exception: an edited, deleted or
reordered entry, a changed subject list, a cut tail, forged appended entries, a missing,
forged, rewound or foreign anchor, an empty log in a workspace that holds subjects, and
dropped or damaged audit tables. What no MAC can stop (an attacker who kept an *old copy*
of both stores and puts both back) is in docs/threat-model.md.

Appends happen inside the caller's transaction, so an operation and its audit
entry commit or fail together.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import logging
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from veil import clock
from veil.crypto.keystore import AuditAnchor, KeyStore, audit_mac
from veil.database import bytewise
from veil.errors import AuditError, CryptoError
from veil.schema import AUDIT_TABLES, audit_head, audit_log, audit_subjects, subjects

__all__ = ["GENESIS", "AuditEntry", "AuditLog", "VerifyResult", "canonical", "chain_hash"]

GENESIS = "0" * 64
_log = logging.getLogger(__name__)
_log.addHandler(logging.NullHandler())


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
    #: The entry the key-store anchor vouches for (None when the anchor itself is bad).
    anchor_seq: int | None = None

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


class AuditLog:
    def __init__(self, engine: Engine, keystore: KeyStore, actor: str) -> None:
        self.engine = engine
        self.keystore = keystore
        self.actor = actor

    # -- MACs ------------------------------------------------------------------------------
    def _head_mac(self, seq: int, hash_: str) -> str:
        """The checkpoint MAC of a head (raises AuditError/CryptoError without the audit key)."""
        return audit_mac(self.keystore.audit_key(), "head", self.keystore.cached_workspace_id(), seq, hash_)

    def _head_authentic(self, seq: int, hash_: str, mac: object) -> bool:
        try:
            expected = self._head_mac(seq, hash_)
        except (AuditError, CryptoError):
            return False
        return isinstance(mac, str) and hmac.compare_digest(expected.encode(), mac.encode())

    # -- writing ---------------------------------------------------------------------------
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

        The new head gets a checkpoint MAC only when the head it extends is authentic;
        otherwise the entry is still written (an erasure must not fail because someone
        tampered with the log) but without a MAC, and ``verify`` keeps reporting the
        tampering. Raises :class:`AuditError` when the audit tables are gone.
        """
        try:
            return self._append(conn, action, purpose, dataset, subjects, subject_count, details)
        except sa.exc.DBAPIError as exc:
            damage = _damaged_tables(self.engine)
            if damage:
                raise AuditError(
                    f"the audit log is damaged ({damage}), so nothing can be recorded; "
                    "run `veil audit verify`"
                ) from exc
            raise

    def _append(
        self,
        conn: Connection,
        action: str,
        purpose: str | None,
        dataset: str | None,
        subjects: Sequence[str] | sa.Select[Any],
        subject_count: int | None,
        details: dict[str, Any] | None,
    ) -> AuditEntry:
        head = conn.execute(
            sa.select(audit_head.c.seq, audit_head.c.hash, audit_head.c.mac)
            .where(audit_head.c.id == 1)
            .with_for_update()
        ).first()
        last = conn.execute(
            sa.select(audit_log.c.seq, audit_log.c.hash).order_by(audit_log.c.seq.desc()).limit(1)
        ).first()
        if head is None:
            seq, prev, genuine = self._headless(last)
        elif last is not None and (int(last[0]), str(last[1])) != (int(head[0]), str(head[1])):
            # Entries were slipped in after the head (or the head was moved): continue
            # after the last one so that honest work is still recorded, without a MAC.
            seq, prev, genuine = int(last[0]), str(last[1]), False
        else:
            seq, prev = int(head[0]), str(head[1])
            genuine = self._head_authentic(seq, prev, head[2])
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
        mac = self._head_mac(entry.seq, entry.hash) if genuine else None
        if head is None:
            conn.execute(audit_head.insert().values(id=1, seq=entry.seq, hash=entry.hash, mac=mac))
        else:
            conn.execute(
                audit_head.update()
                .where(audit_head.c.id == 1)
                .values(seq=entry.seq, hash=entry.hash, mac=mac)
            )
        return entry

    def _headless(self, last: Any) -> tuple[int, str, bool]:
        """Where to append when the head row is absent: (seq, hash, genuine).

        Genuine only for a brand-new log (no entry, genesis anchor); a deleted head over
        existing entries is tampering: the log continues after its last entry, unMAC'd.
        """
        if last is not None:
            return int(last[0]), str(last[1]), False
        try:
            genuine = self.keystore.anchor().seq == 0
        except (AuditError, CryptoError):
            genuine = False
        return 0, GENESIS, genuine

    def anchor(self) -> None:
        """Copy the committed head into the key store (call after the commit).

        The anchor only moves along the chain it already vouches for, and only to a head
        whose checkpoint MAC is valid: when the log no longer holds the anchored entry
        unchanged (its tail was cut or rewritten), or the head was forged, the anchor is
        kept, so ``verify`` still reports the damage. Tampering never makes this raise
        (the operation it follows has committed); it is logged and left to ``verify``.
        """
        try:
            moved = self._move_anchor()
        except (AuditError, CryptoError, sa.exc.DBAPIError) as exc:
            _log.warning("audit anchor not moved (%s); run `veil audit verify`", type(exc).__name__)
            return
        if moved is False:
            _log.warning("audit anchor not moved: the log's head is not authentic; run `veil audit verify`")

    def _move_anchor(self) -> bool | None:
        with self.engine.connect() as conn:
            head = conn.execute(
                sa.select(audit_head.c.seq, audit_head.c.hash, audit_head.c.mac).where(audit_head.c.id == 1)
            ).first()
            if head is None:
                return None
            seq, hash_ = int(head[0]), str(head[1])
            if not self._head_authentic(seq, hash_, head[2]):
                return False
            old = self.keystore.anchor()
            if old.seq > seq:
                return False
            if old.seq > 0:
                at = conn.execute(
                    sa.select(audit_log.c.hash).where(audit_log.c.seq == old.seq)
                ).scalar_one_or_none()
                if at is None or not hmac.compare_digest(str(at).encode(), old.hash.encode()):
                    return False
        return self.keystore.set_anchor(AuditAnchor(seq, hash_))

    # -- reading ---------------------------------------------------------------------------
    def head(self) -> tuple[int, str]:
        """(seq, hash) of the newest committed entry; (0, GENESIS) for an empty log."""
        with _readable(), self.engine.connect() as conn:
            row = conn.execute(sa.select(audit_head.c.seq, audit_head.c.hash)).first()
        return (0, GENESIS) if row is None else (int(row[0]), str(row[1]))

    def entries(
        self,
        *,
        since: int = 0,
        limit: int | None = None,
        action: str | None = None,
        actor: str | None = None,
        purpose: str | None = None,
        subject: str | None = None,
    ) -> list[AuditEntry]:
        """Entries after ``since`` in sequence order; each filter given narrows them: exactly
        this ``action``, ``actor`` or ``purpose``, or entries that included the pseudonym
        ``subject``."""
        query = sa.select(audit_log).where(audit_log.c.seq > since).order_by(audit_log.c.seq)
        if action:
            query = query.where(audit_log.c.action == action)
        if actor:
            query = query.where(audit_log.c.actor == actor)
        if purpose:
            query = query.where(audit_log.c.purpose == purpose)
        if subject:
            included = sa.select(audit_subjects.c.seq).where(audit_subjects.c.pseudonym == subject)
            query = query.where(audit_log.c.seq.in_(included))
        if limit:
            query = query.limit(limit)
        with _readable(), self.engine.connect() as conn:
            return [_entry(row) for row in conn.execute(query)]

    def for_subject(self, pseudonym: str) -> list[AuditEntry]:
        """Every entry that included the subject: the usage receipt."""
        query = (
            sa.select(audit_log)
            .join(audit_subjects, audit_subjects.c.seq == audit_log.c.seq)
            .where(audit_subjects.c.pseudonym == pseudonym)
            .order_by(audit_log.c.seq)
        )
        with _readable(), self.engine.connect() as conn:
            return [_entry(row) for row in conn.execute(query)]

    def _iter_rows(self, conn: Connection) -> Iterator[AuditEntry]:
        result = conn.execution_options(yield_per=2000).execute(
            sa.select(audit_log).order_by(audit_log.c.seq)
        )
        for row in result:
            yield _entry(row)

    # -- verification ----------------------------------------------------------------------
    def verify(self) -> VerifyResult:
        """Check the chain, the subject lists, the head's checkpoint MAC and the anchor.

        Always a verdict: dropped or unreadable audit tables are reported, not raised.
        """
        damage = _damaged_tables(self.engine)
        if damage:
            return _bad(0, 0, GENESIS, None, f"the audit log was destroyed or altered: {damage}")
        try:
            return self._verify()
        except sa.exc.DBAPIError:
            return _bad(
                0,
                0,
                GENESIS,
                None,
                "the audit tables cannot be read (their structure was altered): the log was tampered with",
            )

    def _verify(self) -> VerifyResult:
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
            head = conn.execute(
                sa.select(audit_head.c.seq, audit_head.c.hash, audit_head.c.mac).where(audit_head.c.id == 1)
            ).first()
            has_subjects = last_seq <= 1 and conn.execute(sa.select(subjects.c.pseudonym).limit(1)).first()
        if head is None and last_seq:
            return _bad(
                count,
                last_seq,
                prev,
                last_seq + 1,
                f"the log's head record is missing (the log holds {last_seq} entries): it was deleted",
            )
        if head is not None and (int(head[0]), str(head[1])) != (last_seq, prev):
            return _bad(
                count,
                last_seq,
                prev,
                last_seq + 1,
                f"the log ends at entry {last_seq} but its head says {int(head[0])}: "
                "newest entries were deleted",
            )
        try:
            anchor = self.keystore.anchor()
        except (AuditError, CryptoError) as exc:
            return _bad(
                count, last_seq, prev, None, f"{exc.message}; the log cannot be trusted to be complete"
            )
        if anchor.seq > last_seq:
            return _bad(
                count,
                last_seq,
                prev,
                last_seq + 1,
                f"the log ends at entry {last_seq} but the key-store anchor is at "
                f"{anchor.seq}: newest entries were deleted",
                anchor.seq,
            )
        if anchor.seq > 0:
            with self.engine.connect() as conn:
                at = conn.execute(
                    sa.select(audit_log.c.hash).where(audit_log.c.seq == anchor.seq)
                ).scalar_one_or_none()
            if at is None or not hmac.compare_digest(str(at).encode(), anchor.hash.encode()):
                return _bad(
                    count,
                    last_seq,
                    prev,
                    anchor.seq,
                    f"entry {anchor.seq} differs from the copy anchored in the key store",
                    anchor.seq,
                )
        if head is not None and not self._head_authentic(last_seq, prev, head[2]):
            return _bad(
                count,
                last_seq,
                prev,
                anchor.seq + 1,
                f"the entries after {anchor.seq} (the last anchored one) are not authenticated: the "
                "head's MAC does not match, so they were added or rewritten without the audit key",
                anchor.seq,
            )
        if has_subjects:
            return _bad(
                count,
                last_seq,
                prev,
                last_seq + 1,
                f"the data store holds subjects but the log has only {last_seq} entr"
                f"{'y' if last_seq == 1 else 'ies'}: the entries that recorded them were removed",
                anchor.seq,
            )
        return VerifyResult(ok=True, entries=count, head_seq=last_seq, head_hash=prev, anchor_seq=anchor.seq)


@contextlib.contextmanager
def _readable() -> Iterator[None]:
    """Turn a database error from reading the audit tables into an AuditError."""
    try:
        yield
    except sa.exc.DBAPIError as exc:
        raise AuditError(
            "the audit log cannot be read: its tables are missing or damaged; run `veil audit verify`"
        ) from exc


def _damaged_tables(engine: Engine) -> str:
    """Which audit tables are dropped or lack columns ("" when none); a description, no data."""
    problems: list[str] = []
    with engine.connect() as conn:  # its own connection: the caller's may be in a failed transaction
        inspector = sa.inspect(conn)
        for table in AUDIT_TABLES:
            if not inspector.has_table(table.name):
                problems.append(f"table {table.name} is missing (dropped)")
                continue
            have = {c["name"] for c in inspector.get_columns(table.name)}
            lost = sorted(set(table.columns.keys()) - have)
            if lost:
                problems.append(f"table {table.name} lost column(s) {', '.join(lost)}")
    return "; ".join(problems)


def _stored_digest(conn: Connection, seq: int) -> tuple[int, str | None]:
    # Per-statement option: Connection.execution_options() would change ``conn`` for good, and on
    # PostgreSQL the caller's next INSERT would then run through a server-side cursor (an error).
    rows = conn.execute(
        sa.select(audit_subjects.c.pseudonym)
        .where(audit_subjects.c.seq == seq)
        .order_by(bytewise(conn, audit_subjects.c.pseudonym)),
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
            audit_subjects.c.seq, bytewise(conn, audit_subjects.c.pseudonym)
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


def _bad(
    count: int, last_seq: int, prev: str, seq: int | None, reason: str, anchor_seq: int | None = None
) -> VerifyResult:
    return VerifyResult(
        ok=False,
        entries=count,
        head_seq=last_seq,
        head_hash=prev,
        first_bad_seq=seq,
        reason=reason,
        anchor_seq=anchor_seq,
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
