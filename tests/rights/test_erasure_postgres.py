"""The erasure races on PostgreSQL: the key-store trigger and lock order, the data store's
advisory lock between ingests and an erasure's purge."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from erasure_support import assert_fully_erased, rows_of

from veil.consent.purpose import PurposeRegistry
from veil.crypto.keystore import KeyStore
from veil.crypto.provider import FileKeyProvider
from veil.demo.hospital import write_csv
from veil.rights.access import export_subject
from veil.rights.erasure import erase_subject
from veil.vault.ingest import Ingestor
from veil.workspace import Workspace

pytestmark = pytest.mark.postgres


def test_postgres_key_store_never_gives_a_tombstoned_pseudonym_a_key(
    postgres_url: str, tmp_path: Path
) -> None:
    store = KeyStore.create(postgres_url, FileKeyProvider.create(tmp_path / "kek.json"), "ws-pg")
    try:
        p, q = "a" * 32, "b" * 32
        store.get_or_create([p])
        store.destroy_many([p], "subject_request")
        keys, created = store.get_or_create([p, q])
        assert set(keys) == {q} and created == 1
        with store.engine.begin() as conn:
            conn.exec_driver_sql(
                "INSERT INTO deks (pseudonym, dek_version, kek_version, wrapped, created_at) "
                "VALUES (%s, 1, 'x', '\\x00', 'now')",
                (p,),
            )
        assert store.get(p) is None
        # A key inserted by a transaction still open when the erasure starts: the erasure waits
        # for it (table lock) and then deletes it, so no key survives the tombstone.
        r = "c" * 32
        with store.engine.connect() as other:
            other.exec_driver_sql("BEGIN")
            other.exec_driver_sql(
                "INSERT INTO deks (pseudonym, dek_version, kek_version, wrapped, created_at) "
                "VALUES (%s, 1, 'x', '\\x00', 'now')",
                (r,),
            )
            done: list[Any] = []
            eraser = threading.Thread(
                target=lambda: done.append(store.shred([r], "x", action="subject.erase"))
            )
            eraser.start()
            time.sleep(0.5)
            assert not done  # waiting for the open insert
            other.exec_driver_sql("COMMIT")
            eraser.join(timeout=30)
        assert done and done[0][1] == 1 and store.get(r) is None
    finally:
        store.dispose()


@pytest.mark.parametrize("where", ["first_batch", "last_batch"])
def test_erasure_during_an_ingest_on_postgres(pg_ws: Workspace, tmp_path: Path, where: str) -> None:
    ws = pg_ws
    PurposeRegistry(ws).add("billing", "contract", 90)
    Ingestor(ws).run(write_csv(tmp_path / "patients.csv", 60), "patients", "patient_id")
    target = "P0000005"
    p = ws.pseudonymize(target)
    others = [f"P{i:07d}" for i in range(1, 61) if i != 5]
    order = [target, *others] if where == "first_batch" else [*others, target]
    visits = tmp_path / "visits.csv"
    visits.write_text("patient_id,ward\n" + "".join(f"{i},W{n % 5}\n" for n, i in enumerate(order)))
    other = Workspace.open(ws.root)
    outcome: dict[str, Any] = {}

    def progress(done: int, total: int) -> None:
        if not outcome:
            outcome["erase"] = erase_subject(other, target, wait_s=0.3)

    try:
        result = Ingestor(ws, progress=progress, batch_rows=10).run(visits, "visits", "patient_id")
    finally:
        other.close()
    erased = outcome["erase"]
    # The ingest holds the subjects lock (shared) until it commits: the purge waited and gave up.
    assert erased.status == "pending" and "busy" in erased.pending["data"]
    assert result.rows == 59 and result.skipped_erased_rows == 1
    assert set(rows_of(ws, p).values()) == {0} and ws.keystore.get(p) is None
    # the sessions and breach evidence wait for the data store's step; the codes went at once
    assert export_subject(ws, target).erasure_pending == ["breach_subjects", "data", "mirror", "web_sessions"]
    with Workspace.open(ws.root) as again:
        assert_fully_erased(again, target, tmp_path, dataset="visits", purpose="billing")
        assert len(again.audit.entries(action="subject.erase")) == 1
        with again.engine.connect() as conn:
            assert conn.execute(sa.text("SELECT count(*) FROM ds_patients")).scalar_one() == 59
