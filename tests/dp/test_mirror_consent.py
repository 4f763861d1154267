"""DP queries follow every consent event, also after an erasure deleted the newest ones.

A query lays the consent events recorded since the mirror's generation (``seq > since``)
over its bits, and a refresh applies them to the bits (see ``veil.dp.mirror``). SQLite
reuses the largest rowid once its row is deleted, so an erasure that removed the newest
events would let the next event take a number the mirror has already seen, and a
withdrawal would never reach DP queries. ``consent_events`` is AUTOINCREMENT for that.
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import sqlalchemy as sa

from veil.consent.ledger import ConsentLedger
from veil.consent.purpose import PurposeRegistry
from veil.dp.budget import BudgetLedger
from veil.dp.mirror import Mirror
from veil.dp.mirror_view import rows_table
from veil.dp.policy import PolicyStore
from veil.dp.query import DpQuery
from veil.rights.erasure import erase_subject
from veil.schema import consent_events
from veil.vault.category import ColumnCategory
from veil.vault.dataset import DatasetCatalog
from veil.vault.ingest import Ingestor
from veil.vault.schema_file import SchemaFile
from veil.workspace import Workspace

from .mirror_probe import seen


def _lawful_in_mirror(ws: Workspace) -> int:
    """Subjects whose consent bit for 'research' is set (the mirror's own view)."""
    ds = DatasetCatalog(ws).get("people")
    with Mirror(ws).reading() as cur:
        sql = f'SELECT COUNT(*) FROM "{rows_table(ds)}" WHERE _lawful <> 0'
        return int(cur.execute(sql).fetchall()[0][0])


def test_a_withdrawal_after_an_erasure_of_the_newest_events_reaches_the_mirror(
    ws: Workspace, tmp_path: Path
) -> None:
    PurposeRegistry(ws).add("research", "consent", 365)
    ids = ["A", "B", "C"]
    path = tmp_path / "people.parquet"
    pq.write_table(pa.table({"pid": ids, "age": [30, 40, 50]}), path)
    Ingestor(ws).run(
        path,
        "people",
        "pid",
        schema=SchemaFile(columns={"age": ColumnCategory.QUASI_IDENTIFIER}, types={"age": "int"}),
    )
    PolicyStore(ws).update("people", max_rows_per_subject=1, bounds={"age": (0, 100)})
    BudgetLedger(ws).set("people", 100.0)
    ledger = ConsentLedger(ws)
    for subject in ids:  # C's grant is the newest event
        ledger.record(subject, "research", "grant")
    DpQuery(ws).run("SELECT COUNT(*) FROM people", "people", "research", 0.1)  # mirror synced
    assert _lawful_in_mirror(ws) == 3
    with ws.engine.connect() as conn:
        newest = conn.execute(sa.select(sa.func.max(consent_events.c.seq))).scalar_one()

    erase_subject(ws, "C")  # deletes the newest event
    withdrawal = ledger.record("B", "research", "withdraw")
    assert withdrawal.seq > newest  # never a number the mirror has seen

    DpQuery(ws).run("SELECT COUNT(*) FROM people", "people", "research", 0.1)
    assert seen(ws, "people", "research") == {ws.pseudonymize("A")}  # B withdrew, C is erased
