"""The analytics mirror: erased people leave no bytes behind, writers never block readers,
a busy mirror makes erasure retry (having changed nothing), a killed writer loses nothing.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from veil.consent.purpose import PurposeRegistry
from veil.dp.budget import BudgetLedger
from veil.dp.mirror import Mirror
from veil.dp.policy import PolicyStore
from veil.dp.query import DpQuery
from veil.errors import BusyError
from veil.rights.erasure import erase_subject
from veil.vault.category import ColumnCategory
from veil.vault.ingest import Ingestor
from veil.vault.schema_file import SchemaFile
from veil.workspace import Workspace

N = 300
#: A value only subject S0000007 has, long enough to be stored as is (not only as a code).
MARKER = "MARKER-7f3a9c1e5b2d4e6f8a0b1c2d"


@pytest.fixture
def mirrored(ws: Workspace, tmp_path: Path) -> Workspace:
    """A dataset whose ``code`` column holds MARKER for one subject, mirrored by a query."""
    PurposeRegistry(ws).add("research", "legitimate_interests", 365)
    ids = [f"S{k:07d}" for k in range(N) for _ in range(2)]
    codes = [MARKER if i == "S0000007" else f"c{k % 9}" for k, i in enumerate(ids)]
    path = tmp_path / "people.parquet"
    pq.write_table(pa.table({"pid": ids, "code": codes, "age": [20 + k % 50 for k in range(len(ids))]}), path)
    schema = SchemaFile(
        columns={"code": ColumnCategory.SENSITIVE, "age": ColumnCategory.QUASI_IDENTIFIER},
        types={"code": "text", "age": "int"},
    )
    Ingestor(ws).run(path, "people", "pid", schema=schema)
    PolicyStore(ws).update("people", max_rows_per_subject=2, bounds={"age": (0, 100)})
    BudgetLedger(ws).set("people", 100.0)
    DpQuery(ws).run("SELECT COUNT(*) FROM people", "people", "research", 0.1)
    return ws


def raw_bytes(ws: Workspace) -> bytes:
    return b"".join(p.read_bytes() for p in Mirror(ws).files())


def count(ws: Workspace, where: str) -> int:
    from veil.dp.mirror_view import rows_table
    from veil.vault.dataset import DatasetCatalog

    ds = DatasetCatalog(ws).get("people")
    with Mirror(ws).reading() as cur:
        return int(cur.execute(f'SELECT COUNT(*) FROM "{rows_table(ds)}" WHERE {where}').fetchall()[0][0])


def test_an_erased_subjects_values_are_not_in_any_mirror_file(mirrored: Workspace) -> None:
    assert MARKER.encode() in raw_bytes(mirrored)  # the scan can see the value (positive control)
    assert count(mirrored, f"code = '{MARKER}'") == 2
    erase_subject(mirrored, "S0000007")
    assert count(mirrored, f"code = '{MARKER}'") == 0
    assert MARKER.encode() not in raw_bytes(mirrored)  # not in free blocks either
    # ... and queries go on over the rest.
    result = DpQuery(mirrored).run("SELECT COUNT(*) FROM people", "people", "research", 0.1)
    assert result.rows[0]["count"] > 0


def test_a_sync_that_finds_new_tombstones_compacts_as_well(mirrored: Workspace) -> None:
    """If the erasure's own mirror step is still pending, the next query's sync drops the
    subject — and leaves no bytes of it either."""
    pseudonym = mirrored.pseudonymize("S0000007")
    mirrored.keystore.destroy_many([pseudonym], "test")  # tombstone only: the mirror step not run
    DpQuery(mirrored).run("SELECT COUNT(*) FROM people", "people", "research", 0.1)
    assert count(mirrored, f"code = '{MARKER}'") == 0
    assert MARKER.encode() not in raw_bytes(mirrored)


@pytest.fixture
def writer_lock(mirrored: Workspace) -> Iterator[None]:
    """Another writer holds the mirror (flock is per open file, so this is a second holder)."""
    fd = os.open(Mirror(mirrored).dir / "mirror.lock", os.O_RDWR | os.O_CREAT, 0o600)
    fcntl.flock(fd, fcntl.LOCK_EX)
    try:
        yield
    finally:
        os.close(fd)


def test_forget_on_a_busy_mirror_raises_busy_having_changed_nothing(
    mirrored: Workspace, writer_lock: None
) -> None:
    mirror = Mirror(mirrored)
    before = (mirror._pointer(), sorted(p.name for p in mirror.files()), raw_bytes(mirrored))
    pseudonym = mirrored.pseudonymize("S0000007")
    with pytest.raises(BusyError):
        mirror.forget([pseudonym], wait=0.2)
    assert (mirror._pointer(), sorted(p.name for p in mirror.files()), raw_bytes(mirrored)) == before
    assert count(mirrored, f"code = '{MARKER}'") == 2  # readers still work while a writer is busy


def test_forget_completes_once_the_writer_is_done(mirrored: Workspace) -> None:
    pseudonym = mirrored.pseudonymize("S0000007")
    fd = os.open(Mirror(mirrored).dir / "mirror.lock", os.O_RDWR | os.O_CREAT, 0o600)
    fcntl.flock(fd, fcntl.LOCK_EX)
    threading.Timer(0.5, os.close, [fd]).start()  # the other writer finishes in half a second
    assert Mirror(mirrored).forget([pseudonym], wait=10) == 2
    assert MARKER.encode() not in raw_bytes(mirrored)


def test_readers_never_block_a_writer_and_finish_on_their_generation(mirrored: Workspace) -> None:
    """A query in flight keeps reading its generation; erasure publishes the next one."""
    from veil.vault.dataset import DatasetCatalog

    ds = DatasetCatalog(mirrored).get("people")
    policy = PolicyStore(mirrored).get("people")
    view = Mirror(mirrored).view(ds, policy.salt, None, policy.bounds)
    try:
        erase_subject(mirrored, "S0000007")  # does not wait for the open view
        table = view.table.table
        in_flight = view.cursor.execute(f'SELECT COUNT(*) FROM "{table}"').fetchall()[0][0]
        assert in_flight == 2 * N  # the generation it started on
    finally:
        view.close()
    assert count(mirrored, "TRUE") == 2 * N - 2
    assert MARKER.encode() not in raw_bytes(mirrored)


def test_spark_exports_are_deleted_on_erasure(mirrored: Workspace) -> None:
    from veil.vault.dataset import DatasetCatalog

    ds = DatasetCatalog(mirrored).get("people")
    policy = PolicyStore(mirrored).get("people")
    with Mirror(mirrored).view(ds, policy.salt, None) as view:
        export = view.export_parquet(ds, mirrored.root / "analytics" / "spark")
    assert export.exists()
    erase_subject(mirrored, "S0000007")
    assert not export.exists()
    assert MARKER.encode() not in raw_bytes(mirrored)


KILLED_WRITER = """
import os, sys
from pathlib import Path
from veil.workspace import Workspace
from veil.dp.mirror import Mirror
ws = Workspace.open(Path(sys.argv[1]))
mirror = Mirror(ws)
with mirror._write_lock(5), mirror._new_generation(clone=True) as conn:
    conn.execute("CREATE TABLE junk AS SELECT range AS i FROM range(100000)").fetchall()
    os._exit(9)  # killed half-way: the new generation is written but not published
"""


def test_a_writer_killed_half_way_loses_nothing(mirrored: Workspace) -> None:
    mirror = Mirror(mirrored)
    before = mirror._pointer()
    assert before is not None
    done = subprocess.run([sys.executable, "-c", KILLED_WRITER, str(mirrored.root)], check=False, timeout=300)
    assert done.returncode == 9
    assert mirror._pointer() == before  # nothing published
    assert count(mirrored, "TRUE") == 2 * N
    erase_subject(mirrored, "S0000007")  # the next writer clears the leftover and goes on
    names = sorted(p.name for p in mirror.files())
    assert names == [f"mirror-{before + 1}.duckdb", "mirror.gen"]
    assert MARKER.encode() not in raw_bytes(mirrored)


def test_the_pre_generation_mirror_file_is_removed(mirrored: Workspace) -> None:
    legacy = Mirror(mirrored).dir / "mirror.duckdb"
    legacy.write_bytes(MARKER.encode())  # a mirror left by an older Veil, holding the subject
    erase_subject(mirrored, "S0000007")
    assert not legacy.exists()


@pytest.mark.skipif(not Path("/proc/self/fd").exists(), reason="reads /proc/self/fd (Linux)")
def test_an_idle_process_lets_go_of_a_replaced_generation(mirrored: Workspace) -> None:
    """The old generation is deleted at erasure; a process that ran a query before must not
    keep its blocks alive on disk while it sits idle (an API server between requests)."""
    import time

    from veil.dp import mirror_view as mirror_module

    def open_deleted_mirror_files() -> list[str]:
        found = []
        for fd in Path("/proc/self/fd").iterdir():
            with contextlib.suppress(OSError):
                target = os.readlink(fd)
                if "mirror-" in target and target.endswith("(deleted)"):
                    found.append(target)
        return found

    erase_subject(mirrored, "S0000007")
    time.sleep(mirror_module.IDLE_CLOSE_S + 1.0)
    assert open_deleted_mirror_files() == []
