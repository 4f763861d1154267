"""Subjects in the vault: pseudonym, data key, sealed external id."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from veil import clock
from veil.crypto.envelope import DataKey
from veil.schema import subjects

if TYPE_CHECKING:
    from veil.workspace import Workspace

__all__ = ["SUBJECT_DATASET", "SubjectVault"]

#: Dataset name bound into the associated data of a subject's sealed external id.
SUBJECT_DATASET = "_subject"


class SubjectVault:
    def __init__(self, ws: Workspace) -> None:
        self.ws = ws

    def by_pseudonym(self, subject_ids: Iterable[str]) -> dict[str, str]:
        pseudonymize = self.ws.pseudonymize
        return {pseudonymize(s): s for s in subject_ids}

    def ensure(
        self, conn: Connection, by_pseudonym: Mapping[str, str], *, erased: set[str] | None = None
    ) -> tuple[dict[str, DataKey], set[str]]:
        """Make sure each subject has a DEK and a vault row; return (keys, erased pseudonyms).

        ``by_pseudonym`` maps pseudonym to external id (see :meth:`by_pseudonym`);
        ``keys`` maps pseudonym to the subject's data key. Erased subjects (with a
        tombstone) get no key and are returned in the second item, so callers can
        skip them: an erased subject is never silently brought back.
        """
        tombstoned = erased if erased is not None else set(self.ws.keystore.tombstones())
        gone = {p for p in by_pseudonym if p in tombstoned}
        live = [p for p in by_pseudonym if p not in gone]
        keys, _created = self.ws.keystore.get_or_create(live)
        now = clock.now_iso()
        existing: set[str] = set()
        for i in range(0, len(live), 500):
            chunk = live[i : i + 500]
            existing.update(
                r[0]
                for r in conn.execute(sa.select(subjects.c.pseudonym).where(subjects.c.pseudonym.in_(chunk)))
            )
        new_rows = [
            {
                "pseudonym": p,
                "dek_version": keys[p].version,
                "external_id": keys[p].seal_field(
                    by_pseudonym[p], dataset=SUBJECT_DATASET, row_id=p, column="subject_id"
                ),
                "created_at": now,
                "last_seen_at": now,
            }
            for p in live
            if p not in existing
        ]
        if new_rows:
            conn.execute(subjects.insert(), new_rows)
        if existing:
            conn.execute(
                subjects.update().where(subjects.c.pseudonym == sa.bindparam("p")).values(last_seen_at=now),
                [{"p": p} for p in existing],
            )
        return keys, gone

    @staticmethod
    def external_id(key: DataKey, sealed: bytes) -> str:
        return key.open_field(sealed, dataset=SUBJECT_DATASET, row_id=key.pseudonym, column="subject_id")
