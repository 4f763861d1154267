"""CLI start-up benchmark: whole ``veil`` processes against bare processes, in the same run.

Every measure is the median wall time of N fresh processes (``subprocess.run``), so it
includes the interpreter's start, imports, opening the workspace and the work itself:

* ``veil --help`` vs ``python -c pass``. Target: <= 0.3 s.
* ``veil query`` (a DP group-by with count and mean) on a 10,000-row dataset ingested
  through ``veil ingest``. Target: <= 0.6 s. For reference, a process that only imports the
  third-party libraries such a query needs (SQLAlchemy, sqlglot, DuckDB, NumPy, PyArrow,
  OpenDP, Typer/Rich, cryptography): the floor Veil's own code cannot go below.
* ``veil query`` (a DP group-by count) on 5,000,000 rows (500,000 subjects x 10 rows,
  generated into the analytics mirror as ``benchmarks/dp.py`` does) vs the same
  non-private SQL in a plain ``python -c "import duckdb; ..."`` process over the same rows.
  Target: <= 3x.

Each line prints the ratio to ``python -c pass`` as well, which shows how loaded the
machine was. The data is generated here (no downloads).

Run: ``python -m benchmarks.cli [--runs N] [--rows N] [--json]`` from the repository root.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.dp import setup as setup_mirror

VEIL = str(Path(sys.executable).parent / "veil")
GROUP_BY_10K = "SELECT ward, COUNT(*) AS n, AVG(cost) AS mean_cost FROM patients GROUP BY ward"
GROUP_BY_BIG = "SELECT state, COUNT(*) FROM people GROUP BY state"
TARGETS = {"help_s": 0.3, "query_10k_s": 0.6, "group_by_ratio": 3.0}
#: The third-party libraries a ``veil query`` process needs, imported and nothing else: the
#: floor of its start-up that Veil's own code cannot remove.
QUERY_LIBS = (
    "import sqlalchemy, sqlglot, duckdb, numpy, pyarrow, opendp.measurements, typer, rich.console, "
    "cryptography.hazmat.primitives.ciphers.aead"
)


def median_wall(cmd: list[str], runs: int) -> float:
    """Median wall time of ``runs`` fresh processes running ``cmd`` (each must succeed)."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True, stdin=subprocess.DEVNULL)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def veil(*args: str) -> None:
    subprocess.run([VEIL, *args], check=True, capture_output=True, stdin=subprocess.DEVNULL)


def setup_10k(root: Path) -> Path:
    """A workspace with 10,000 patients ingested by the CLI, a contract purpose and a DP policy."""
    ws = root / "ws10k"
    rng = random.Random(7)
    data = root / "patients.csv"
    with data.open("w", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(["patient_id", "ward", "age", "cost"])
        for i in range(10_000):
            out.writerow([f"P{i:07d}", f"W{i % 7}", rng.randint(18, 90), round(rng.uniform(10, 5000), 2)])
    veil("init", "-w", str(ws))
    veil("purpose", "add", "billing", "--basis", "contract", "--retention-days", "90", "-w", str(ws))
    veil("ingest", str(data), "--dataset", "patients", "--subject-column", "patient_id", "-w", str(ws))
    veil("budget", "set", "patients", "--epsilon", "1000000", "--delta", "0.5", "-w", str(ws))
    wards = ",".join(f"W{i}" for i in range(7))
    veil("dataset", "set", "patients", "--bounds", "cost=0:5000", "--keys", f"ward={wards}", "-w", str(ws))
    return ws


def query(ws: Path, sql: str, dataset: str, purpose: str) -> list[str]:
    return [VEIL, "query", sql, "--dataset", dataset, "--purpose", purpose, "--epsilon", "0.1", "-w", str(ws)]


def run(runs: int, rows: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="veil-cli-bench-") as tmp:
        root = Path(tmp)
        ws10k = setup_10k(root)
        big_root = root / "big"
        big_root.mkdir()
        setup_mirror(big_root, rows, rows // 10).close()
        big_ws = big_root / "ws"
        plain = (
            "import duckdb; "
            f"duckdb.connect({str(big_root / 'plain.duckdb')!r}, read_only=True)"
            f".sql({GROUP_BY_BIG.replace('people', 'plain')!r}).fetchall()"
        )
        q10k = query(ws10k, GROUP_BY_10K, "patients", "billing")
        qbig = query(big_ws, GROUP_BY_BIG, "people", "analytics")
        for cmd in (q10k, qbig):  # first runs: the DP mirror is built, caches are warm
            subprocess.run(cmd, check=True, capture_output=True)
        python_pass = median_wall([sys.executable, "-c", "pass"], runs)
        measures = {
            "python_pass_s": python_pass,
            "help_s": median_wall([VEIL, "--help"], runs),
            "version_s": median_wall([VEIL, "--version"], runs),
            "query_libs_s": median_wall([sys.executable, "-c", QUERY_LIBS], runs),
            "query_10k_s": median_wall(q10k, runs),
            "query_big_s": median_wall(qbig, runs),
            "duckdb_big_s": median_wall([sys.executable, "-c", plain], runs),
        }
    measures["group_by_ratio"] = measures["query_big_s"] / measures["duckdb_big_s"]
    return {"runs": runs, "rows": rows, **measures}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--rows", type=int, default=5_000_000)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    result = run(args.runs, args.rows)
    if args.json:
        print(json.dumps(result, indent=2))
        return
    base = result["python_pass_s"]
    print(f"median of {args.runs} processes each; python -c pass: {base:.3f} s")
    for key, label in [
        ("help_s", "veil --help"),
        ("version_s", "veil --version"),
        ("query_libs_s", "a process importing only the libraries veil query needs"),
        ("query_10k_s", "veil query, 10k rows (group-by count + mean)"),
        ("query_big_s", f"veil query, {args.rows:,} rows (group-by count)"),
        ("duckdb_big_s", f"plain DuckDB process, {args.rows:,} rows (same SQL)"),
    ]:
        target = TARGETS.get(key)
        verdict = (
            ""
            if target is None
            else f"  target <= {target} s: {'met' if result[key] <= target else 'NOT met'}"
        )
        print(f"{label:55s} {result[key]:7.3f} s  ({result[key] / base:5.1f}x python -c pass){verdict}")
    ratio = result["group_by_ratio"]
    verdict = "met" if ratio <= TARGETS["group_by_ratio"] else "NOT met"
    print(f"{'group-by through the CLI / plain DuckDB':55s} {ratio:7.2f}x  target <= 3x: {verdict}")


if __name__ == "__main__":
    main()
