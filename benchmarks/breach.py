"""Breach assessment benchmark: who and what a leak exposes, on a 10-million-row vault.

The vault is made in a fresh workspace: a small real ingest creates the ``patients`` dataset
(its catalog, sealed and clear columns, pseudonym index), then N rows (default 10,000,000)
over S subjects (default 1,000,000) are written straight into its table with SQLite's bulk
SQL, in the vault's layout (random 16-byte pseudonyms, sealed columns as random blobs of a
sealed field's size, clear columns as values), and S data keys into the key store, half of
them wrapped by a second KEK version. Ingesting ten million rows first would measure ingest
(``benchmarks/vault.py``), not the assessment.

Timed, each in this process: the worst case ``dataset:patients`` + ``key-store`` +
``kek:<old version>`` (every distinct pseudonym merged with the key store's keys in one
pass, and one evidence row per subject written), and beside it the floor: the one SQL query
``SELECT COUNT(DISTINCT _pseudonym)`` on the same table. Target: < 300 s.

Run: ``python -m benchmarks.breach [--rows N] [--subjects S] [--json]``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sqlite3
import tempfile
import time
from pathlib import Path
from typing import Any

from veil.breach.register import BreachRegister
from veil.demo.hospital import write_csv
from veil.vault.dataset import DatasetCatalog
from veil.vault.ingest import Ingestor
from veil.workspace import Workspace

TARGET_S = 300.0


def _fill(ws: Workspace, rows: int, subjects: int) -> str:
    """Bulk rows and keys in the vault's layout; returns the older KEK version."""
    ds = DatasetCatalog(ws).get("patients")
    old = ws.provider.current_version()
    new = ws.provider.generate()
    db = sqlite3.connect(ws.root / "veil.db")
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=OFF")
    db.execute(f'DROP INDEX IF EXISTS "ix_{ds.table_name}_pseudonym"')
    db.execute("CREATE TEMP TABLE subj(i INTEGER PRIMARY KEY, p TEXT)")
    db.execute(
        "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < ?) "
        "INSERT INTO subj SELECT i, lower(hex(randomblob(16))) FROM n",
        (subjects,),
    )
    values = []
    for c in ds.columns:
        if c.sealed:
            values.append("randomblob(60)")
        elif c.dtype.value in ("int", "float"):
            values.append("abs(random()) % 100")
        else:
            values.append("'v' || (abs(random()) % 1000)")
    cols = ", ".join(f'"{c.sql_name}"' for c in ds.columns)
    db.execute(
        f'INSERT INTO "{ds.table_name}" (_row, _pseudonym, _ingest, {cols}) '
        "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < ?) "
        f"SELECT 'b' || n.i, subj.p, 'bench', {', '.join(values)} FROM n JOIN subj ON subj.i = n.i % ?",
        (rows, subjects),
    )
    db.execute(f'CREATE INDEX "ix_{ds.table_name}_pseudonym" ON "{ds.table_name}" (_pseudonym)')
    db.commit()
    keys = sqlite3.connect(ws.keystore.sqlite_path(ws.config.key_path(ws.root)))
    keys.execute("PRAGMA synchronous=OFF")
    rows_ = db.execute("SELECT p, i FROM subj ORDER BY i").fetchall()
    keys.executemany(
        "INSERT INTO deks (pseudonym, dek_version, kek_version, wrapped, created_at, origin) "
        "VALUES (?, 1, ?, randomblob(60), '2026-01-01T00:00:00Z', 'bench')",
        ((p, old if i % 2 == 0 else new) for p, i in rows_),
    )
    keys.commit()
    keys.close()
    db.close()
    return old


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--subjects", type=int, default=1_000_000)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    os.environ.setdefault("VEIL_ACTOR", "benchmark")
    with tempfile.TemporaryDirectory(prefix="veil-breach-bench-") as tmp:
        root = Path(tmp)
        ws = Workspace.init(root / "ws")
        try:
            Ingestor(ws).run(write_csv(root / "p.csv", 50), "patients", "patient_id")
            t0 = time.perf_counter()
            old = _fill(ws, args.rows, args.subjects)
            build_s = time.perf_counter() - t0
            ds = DatasetCatalog(ws).get("patients")
            t0 = time.perf_counter()
            with ws.engine.connect() as conn:
                distinct = conn.exec_driver_sql(
                    f'SELECT COUNT(DISTINCT _pseudonym) FROM "{ds.table_name}"'
                ).scalar_one()
            floor_s = time.perf_counter() - t0
            reg = BreachRegister(ws)
            record = reg.open("benchmark", ["dataset:patients", "key-store", f"kek:{old}"])
            t0 = time.perf_counter()
            record = reg.assess(record.id)
            assess_s = time.perf_counter() - t0
        finally:
            ws.close()
    assert record.assessment is not None
    exposure = record.assessment["exposure"]
    result = {
        "rows": args.rows + 50,
        "subjects": int(distinct),
        "build_s": round(build_s, 1),
        "floor_count_distinct_s": round(floor_s, 2),
        "assess_s": round(assess_s, 2),
        "assess_vs_floor": round(assess_s / floor_s, 2) if floor_s else None,
        "target_s": TARGET_S,
        "within_target": assess_s < TARGET_S,
        "subjects_exposed": exposure["subjects"],
        "key_states": exposure["key_states"],
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "cpus": os.cpu_count(),
        "load_1min": round(os.getloadavg()[0], 2),
    }
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        for k, v in result.items():
            print(f"{k:>24}: {v}")
    return result


if __name__ == "__main__":
    main()
