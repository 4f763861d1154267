"""The PII token store as an erasure participant (see :mod:`veil.rights.participants`).

Pseudonym and surrogate tokens are sealed under a workspace key, not the subject's, so
shredding the subject's key alone would leave them unmaskable. While the key still
exists, :meth:`TokenStoreParticipant.prepare` reads the subject's id and direct
identifiers and records the lookup keys (keyed MACs) of the tokens they have; after the
shred, :meth:`TokenStoreParticipant.forget` forgets those tokens: old masked files never
unmask to the erased person again. It also records keyed hashes of those identity values
(:class:`veil.pii.mapping.ErasedValues`), which ``veil pii unmask`` refuses to restore: an
``[ENC:...]`` token is a ciphertext under the workspace's encrypt key, which the shred does
not reach.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from veil.pii.entity import EntityType
from veil.pii.mapping import ERASURE_STEP, MAPPING_KEY_NAME, ErasedValues, TokenStore
from veil.pii.operators import ENCRYPT_KEY_NAME
from veil.schema import subjects
from veil.vault.category import ColumnCategory
from veil.vault.dataset import PSEUDONYM, ROW, DatasetCatalog
from veil.vault.subject import SubjectVault, subject_writer

if TYPE_CHECKING:
    from veil.rights.participants import ErasureJob
    from veil.workspace import Workspace

__all__ = ["NAMESPACES", "TokenStoreParticipant", "identity_values"]

#: The token namespaces whose values can name a subject.
NAMESPACES = ("pseudonym", "surrogate")


def identity_values(ws: Workspace, pseudonyms: Sequence[str]) -> list[str]:
    """The subjects' decrypted subject ids and direct identifiers (needs their keys)."""
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


class TokenStoreParticipant:
    name = ERASURE_STEP
    after: tuple[str, ...] = ()
    holds: tuple[str, ...] = ("pii_tokens", "pii_erased")

    def __init__(self, ws: Workspace) -> None:
        self.ws = ws

    def _store(self) -> TokenStore | None:
        """The token store, or None when this workspace never made a token (no mapping key)."""
        try:
            secret = self.ws.keystore.secret(MAPPING_KEY_NAME, create=False)
        except KeyError:
            return None
        return TokenStore(self.ws.engine, secret)

    def _masked_before(self) -> bool:
        """Whether this workspace ever made a reversible mask (its keys exist): if not, no
        earlier file can unmask to the subject and there is nothing to record."""
        for name in (MAPPING_KEY_NAME, ENCRYPT_KEY_NAME):
            try:
                self.ws.keystore.secret(name, create=False)
            except KeyError:
                continue
            return True
        return False

    def prepare(self, pseudonyms: Sequence[str]) -> dict[str, Any]:
        store = self._store()
        if store is None and not self._masked_before():
            return {"macs": [], "erased": []}
        values = identity_values(self.ws, pseudonyms)
        items = [(t.value, v) for t in EntityType for v in values]
        # Keyed hashes of the identity values: unmask refuses them (covers [ENC:...] tokens,
        # which are under the workspace's encrypt key and so out of the shredded key's reach).
        erased = ErasedValues(self.ws.engine, self.ws.keystore.secret(MAPPING_KEY_NAME)).macs(values)
        return {"macs": store.existing_macs(NAMESPACES, items) if store is not None else [], "erased": erased}

    def forget(self, job: ErasureJob) -> dict[str, Any]:
        macs = [str(m) for m in job.payload.get("macs", [])]
        erased = [str(m) for m in job.payload.get("erased", [])]
        store = self._store() if macs else None
        if store is None and not erased:
            return {"forgotten": 0, "erased_values": 0}
        with subject_writer(self.ws, wait_s=job.wait_s) as conn:
            forgotten = store.forget_macs(macs, conn) if store is not None else 0
            recorded = (
                ErasedValues(self.ws.engine, self.ws.keystore.secret(MAPPING_KEY_NAME)).record(erased, conn)
                if erased
                else 0
            )
        return {"forgotten": forgotten, "erased_values": recorded}
