"""Vault benchmark: encrypted ingest rate vs plain SQLite, erase and export latency.

Measured in one run on generated hospital subjects (default 100,000):

* encrypted ingest rate vs a plain SQLite bulk insert of the same rows (same CSV,
  same streaming reader, one transaction, same journal settings): target ratio >= 0.5;
* ``subject erase`` latency p50/p99 in the full vault (in-process): target p99 <= 20 ms;
* ``subject export`` latency p50/p99 (in-process): target p99 <= 20 ms.

Run: ``python benchmarks/vault.py [--subjects N] [--samples K] [--json]``.
"""

from __future__ import annotations

import argparse
import json
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from veil.consent.purpose import PurposeRegistry
from veil.demo.hospital import COLUMNS, write_csv
from veil.rights.access import export_subject
from veil.rights.erasure import erase_subject
from veil.vault.ingest import Ingestor
from veil.vault.reader import open_table
from veil.workspace import Workspace


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1))))
    return ordered[k]


def plain_sqlite_insert(csv_path: Path, db_path: Path, *, keyed: bool = False) -> float:
    """Baseline: the same rows, read the same way, bulk-inserted into plain SQLite.

    ``keyed`` gives the table a primary key on the subject id, as a real patients table
    would have (reported for context; the target is against the plain table).
    """
    started = time.perf_counter()
    db = sqlite3.connect(db_path, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    cols = ", ".join(f'"{c}"' + (" PRIMARY KEY" if keyed and c == "patient_id" else "") for c in COLUMNS)
    db.execute(f"CREATE TABLE patients ({cols})")
    marks = ", ".join("?" * len(COLUMNS))
    reader = open_table(csv_path)
    db.execute("BEGIN")
    for batch in reader:
        rows = list(zip(*(batch.columns[c] for c in COLUMNS), strict=True))
        db.executemany(f"INSERT INTO patients VALUES ({marks})", rows)
    db.execute("COMMIT")
    db.close()
    reader.close()
    return time.perf_counter() - started


def run(subjects: int, samples: int, workdir: Path) -> dict[str, Any]:
    csv_path = write_csv(workdir / "patients.csv", subjects)
    baseline_s = plain_sqlite_insert(csv_path, workdir / "plain.db")
    keyed_s = plain_sqlite_insert(csv_path, workdir / "keyed.db", keyed=True)

    ws = Workspace.init(workdir / "ws")
    try:
        PurposeRegistry(ws).add("research", "consent", 365)
        started = time.perf_counter()
        result = Ingestor(ws).run(csv_path, "patients", "patient_id")
        veil_s = time.perf_counter() - started
        assert result.rows == subjects

        rng = random.Random(1)
        picks = rng.sample(range(1, subjects + 1), 2 * samples)
        export_ids = [f"P{i:07d}" for i in picks[:samples]]
        erase_ids = [f"P{i:07d}" for i in picks[samples:]]
        export_ms = []
        for sid in export_ids:
            t0 = time.perf_counter()
            exported = export_subject(ws, sid)
            export_ms.append((time.perf_counter() - t0) * 1000)
            assert exported.status == "active"
        erase_ms = []
        for sid in erase_ids:
            t0 = time.perf_counter()
            erase_subject(ws, sid)
            erase_ms.append((time.perf_counter() - t0) * 1000)
        verified = ws.audit.verify().ok
    finally:
        ws.close()
    return {
        "subjects": subjects,
        "baseline_plain_sqlite_s": round(baseline_s, 3),
        "baseline_rows_per_s": round(subjects / baseline_s),
        "baseline_keyed_sqlite_s": round(keyed_s, 3),
        "veil_ingest_s": round(veil_s, 3),
        "veil_rows_per_s": round(subjects / veil_s),
        "ingest_rate_ratio": round(baseline_s / veil_s, 3),
        "ingest_rate_ratio_vs_keyed": round(keyed_s / veil_s, 3),
        "erase_ms_p50": round(statistics.median(erase_ms), 2),
        "erase_ms_p99": round(percentile(erase_ms, 99), 2),
        "export_ms_p50": round(statistics.median(export_ms), 2),
        "export_ms_p99": round(percentile(export_ms, 99), 2),
        "samples": samples,
        "audit_verified": verified,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--subjects", type=int, default=100_000)
    parser.add_argument("--samples", type=int, default=300)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="veil-bench-") as tmp:
        numbers = run(args.subjects, args.samples, Path(tmp))
    if args.json:
        print(json.dumps(numbers, indent=2))
        return
    print(f"vault benchmark, {numbers['subjects']} subjects")
    print(
        f"  plain SQLite bulk insert : {numbers['baseline_plain_sqlite_s']:.2f} s "
        f"({numbers['baseline_rows_per_s']} rows/s)"
    )
    print(
        f"  Veil encrypted ingest    : {numbers['veil_ingest_s']:.2f} s ({numbers['veil_rows_per_s']} rows/s)"
    )
    ok = numbers["ingest_rate_ratio"] >= 0.5
    print(
        f"  ingest rate ratio        : {numbers['ingest_rate_ratio']:.2f}  (target >= 0.5: "
        f"{'met' if ok else 'NOT met'})"
    )
    for op in ("erase", "export"):
        p99 = numbers[f"{op}_ms_p99"]
        print(
            f"  {op:<6} latency          : p50 {numbers[f'{op}_ms_p50']:.2f} ms, p99 {p99:.2f} ms "
            f"(target p99 <= 20 ms: {'met' if p99 <= 20 else 'NOT met'})"
        )
    sys.stdout.flush()


if __name__ == "__main__":
    main()
