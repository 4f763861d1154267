"""Right to erasure (GDPR Art. 17) by crypto-shredding.

Erasing a subject, in this order:

1. the key store destroys the subject's data key and records a tombstone (one
   transaction, ``secure_delete`` on). From here every sealed field of the
   subject, live or in any backup, is unreadable for good;
2. the data store deletes the subject's dataset rows, consent events and vault
   row, and the audit log records the erasure by pseudonym (one transaction);
3. SQLite's WAL is checkpointed and truncated so no old page image remains.

If step 2 fails the tombstone already stands: the subject reads as erased, a
re-run of ``erase`` finishes the deletion, and a restore replays it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from veil.database import checkpoint
from veil.errors import NotFoundError
from veil.schema import consent_events, subjects
from veil.vault.classify import ColumnCategory
from veil.vault.dataset import PSEUDONYM, ROW, DatasetCatalog
from veil.vault.subject import SubjectVault

if TYPE_CHECKING:
    from veil.workspace import Workspace

__all__ = ["ErasureResult", "erase_pseudonyms", "erase_subject", "purge_rows"]


@dataclass(frozen=True, slots=True)
class ErasureResult:
    pseudonym: str
    already_erased: bool
    key_destroyed: bool
    rows_deleted: dict[str, int] = field(default_factory=dict)
    consent_events_deleted: int = 0
    audit_seq: int = 0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def purge_rows(conn: Connection, ws: Workspace, pseudonyms: Sequence[str]) -> tuple[dict[str, int], int]:
    """Delete every data-store row of ``pseudonyms`` (dataset rows, consent, vault row)."""
    rows: dict[str, int] = {}
    events = 0
    dsets = DatasetCatalog(ws).list()
    for i in range(0, len(pseudonyms), 500):
        chunk = list(pseudonyms[i : i + 500])
        for ds in dsets:
            n = conn.execute(ds.table.delete().where(ds.table.c[PSEUDONYM].in_(chunk))).rowcount or 0
            if n:
                rows[ds.name] = rows.get(ds.name, 0) + n
        events += (
            conn.execute(consent_events.delete().where(consent_events.c.pseudonym.in_(chunk))).rowcount or 0
        )
        conn.execute(subjects.delete().where(subjects.c.pseudonym.in_(chunk)))
    return rows, events


def identity_values(ws: Workspace, pseudonyms: Sequence[str]) -> list[str]:
    """The subjects' decrypted subject ids and direct identifiers (for forgetting their tokens)."""
    values: set[str] = set()
    keys = ws.keystore.load(pseudonyms)
    if not keys:
        return []
    dsets = DatasetCatalog(ws).list()
    with ws.engine.connect() as conn:
        for i in range(0, len(pseudonyms), 500):
            chunk = [p for p in pseudonyms[i : i + 500] if p in keys]
            for p, sealed in conn.execute(
                sa.select(subjects.c.pseudonym, subjects.c.external_id).where(subjects.c.pseudonym.in_(chunk))
            ):
                values.add(SubjectVault.external_id(keys[p], bytes(sealed)))
            for ds in dsets:
                cols = [c for c in ds.columns if c.category is ColumnCategory.DIRECT_IDENTIFIER]
                if not cols:
                    continue
                t = ds.table
                query = sa.select(t.c[PSEUDONYM], t.c[ROW], *[t.c[c.sql_name] for c in cols]).where(
                    t.c[PSEUDONYM].in_(chunk)
                )
                for row in conn.execute(query):
                    key = keys[row[0]]
                    for col, blob in zip(cols, row[2:], strict=True):
                        if blob is not None:
                            values.add(
                                key.open_field(
                                    bytes(blob), dataset=ds.name, row_id=row[1], column=col.sql_name
                                )
                            )
    return sorted(v for v in values if v.strip())


def forget_pii_tokens(ws: Workspace, values: Sequence[str]) -> int:
    """Forget pseudonym/surrogate tokens of these values (masked files never unmask to them again).

    The token store seals values under a workspace key, not the subject's, so shredding
    the subject's key alone would not reach it.
    """
    if not values or not sa.inspect(ws.engine).has_table("pii_tokens"):
        return 0
    from veil.pii.entity import EntityType  # light modules: no NLP model is loaded
    from veil.pii.mapping import MAPPING_KEY_NAME, TokenStore

    store = TokenStore(ws.engine, ws.keystore.secret(MAPPING_KEY_NAME))
    items = [(t.value, v) for t in EntityType for v in values]
    return store.forget(["pseudonym", "surrogate"], items)


def erase_pseudonyms(
    ws: Workspace,
    pseudonyms: Sequence[str],
    *,
    reason: str,
    action: str = "subject.erase",
    details: dict[str, Any] | None = None,
) -> tuple[dict[str, int], int, int, int]:
    """Shred keys, delete rows, audit once. Returns (rows, events, keys destroyed, audit seq)."""
    identity = identity_values(ws, pseudonyms)  # read while the keys still exist
    destroyed = ws.keystore.destroy_many(pseudonyms, reason)
    forgotten = forget_pii_tokens(ws, identity)
    with ws.transaction() as conn:
        rows, events = purge_rows(conn, ws, pseudonyms)
        entry = ws.audit.append(
            conn,
            action,
            subjects=list(pseudonyms),
            details={
                "reason": reason,
                "rows_deleted": sum(rows.values()),
                "consent_events_deleted": events,
                "keys_destroyed": destroyed,
                "pii_tokens_forgotten": forgotten,
                **(details or {}),
            },
        )
    checkpoint(ws.engine)
    # The DP analytics mirror holds the subjects' non-identifying columns: drop them now too
    # (a DP query would also drop them before it runs, but deletion should not wait for one).
    from veil.dp.mirror import Mirror

    Mirror(ws).forget(pseudonyms)
    # Models trained on these subjects keep what they learnt from them: mark them stale
    # (`veil models retrain --stale` trains them again without the erased subjects).
    from veil.ml.registry import ModelRegistry

    ModelRegistry(ws).mark_stale(pseudonyms)
    return rows, events, destroyed, entry.seq


def erase_subject(ws: Workspace, subject_id: str, *, reason: str = "subject_request") -> ErasureResult:
    pseudonym = ws.pseudonymize(subject_id)
    already = ws.keystore.tombstone(pseudonym) is not None
    if not already:
        with ws.engine.connect() as conn:
            held = conn.execute(
                sa.select(subjects.c.pseudonym).where(subjects.c.pseudonym == pseudonym)
            ).first()
        if held is None and ws.keystore.get(pseudonym) is None:
            raise NotFoundError("Veil holds no data about this subject (check the subject id)")
    rows, events, destroyed, seq = erase_pseudonyms(ws, [pseudonym], reason=reason)
    return ErasureResult(pseudonym, already, bool(destroyed), rows, events, seq)
