"""Subjects in the vault: pseudonym, data key, sealed external id."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from itertools import repeat
from typing import TYPE_CHECKING

from sqlalchemy.engine import Connection

from veil import clock
from veil.crypto.envelope import DataKey, field_aad_prefix, field_aad_suffixes, seal_many
from veil.database import blob_params, marks

if TYPE_CHECKING:
    from veil.workspace import Workspace

__all__ = ["SUBJECT_DATASET", "SubjectVault"]

#: Dataset name bound into the associated data of a subject's sealed external id.
SUBJECT_DATASET = "_subject"
_ID_COLUMN = "subject_id"
_ID_AAD_PREFIX = field_aad_prefix(SUBJECT_DATASET, _ID_COLUMN)


class SubjectVault:
    def __init__(self, ws: Workspace) -> None:
        self.ws = ws

    def by_pseudonym(self, subject_ids: Iterable[str]) -> dict[str, str]:
        pseudonymize = self.ws.pseudonymize
        return {pseudonymize(s): s for s in subject_ids}

    def ensure(
        self,
        conn: Connection,
        by_pseudonym: Mapping[str, str],
        *,
        erased: set[str] | None = None,
        origin: str | None = None,
    ) -> tuple[dict[str, DataKey], set[str], int]:
        """Make sure each subject has a DEK and a vault row.

        ``by_pseudonym`` maps pseudonym to external id (see :meth:`by_pseudonym`).
        Returns ``(keys, erased, created)``: the data key of every live subject, the
        pseudonyms that are erased (tombstoned: they get no key and no row, so an
        erased subject is never silently brought back), and how many keys were new.
        """
        tombstoned = erased if erased is not None else set(self.ws.keystore.tombstones())
        gone = {p for p in by_pseudonym if p in tombstoned}
        live = [p for p in by_pseudonym if p not in gone]
        keys, created = self.ws.keystore.get_or_create(live, origin=origin)
        if live:
            now = clock.now_iso()
            live.sort()  # key order: the primary-key index fills in order
            live_keys = [keys[p] for p in live]
            versions = [k.version for k in live_keys]
            # Each external id is sealed like DataKey.seal_field(id, dataset=_subject,
            # row_id=pseudonym, column=subject_id), column-wise (see veil.crypto.envelope.seal_many).
            sealed = seal_many(
                [k.aead for k in live_keys],
                [by_pseudonym[p].encode() for p in live],
                list(map(_ID_AAD_PREFIX.__add__, field_aad_suffixes(live, live, versions))),
            )
            rows = list(zip(live, versions, blob_params(sealed), repeat(now), repeat(now), strict=False))
            conn.exec_driver_sql(
                "INSERT INTO subjects (pseudonym, dek_version, external_id, created_at, last_seen_at) "  # noqa: S608
                f"VALUES ({marks(conn, 5)}) "
                "ON CONFLICT (pseudonym) DO UPDATE SET last_seen_at = excluded.last_seen_at",
                rows,
            )
        return keys, gone, created

    @staticmethod
    def external_id(key: DataKey, sealed: bytes) -> str:
        return key.open_field(sealed, dataset=SUBJECT_DATASET, row_id=key.pseudonym, column=_ID_COLUMN)
