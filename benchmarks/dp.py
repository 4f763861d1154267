"""DP SQL benchmark: Veil's per-query time vs plain DuckDB SQL and vs OpenDP Context + Polars.

One run, one generated table (default 10M rows: 1M subjects x 10 rows, 50 states,
income), four releases — count, sum, mean, group-by-state count:

* Veil (``DpQuery.run``: parse, plan, budget pre-check, mirror sync check, DuckDB
  scan with contribution bounding, OpenDP noise, budget charge + audit entry in one
  transaction) vs the same non-private SQL on DuckDB over the same rows.
  Target: Veil <= 1.5x DuckDB + 30 ms.
* vs OpenDP Context + Polars doing the same releases with the same privacy unit
  (a subject, up to 10 rows: ``identifier`` + ``truncate_per_group(10)``).
  Target: Veil >= 10x faster. OpenDP with the row-level unit ``contributions=10``
  (no truncation; a weaker unit) is reported for context.
* Accuracy: mean absolute error of repeated Veil releases vs the mechanism's
  theoretical error for the chosen epsilon.

The rows are generated straight into the analytics mirror (the vault ingest path
is measured in ``benchmarks/vault.py``); everything a query does is the
production path.

Run: ``python benchmarks/dp.py [--rows N] [--subjects S] [--repeat K] [--json]``.
"""

from __future__ import annotations

import argparse
import importlib
import json
import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path
from typing import Any

import duckdb

from veil.consent.purpose import PurposeRegistry
from veil.dp.budget import BudgetLedger
from veil.dp.mirror import Mirror
from veil.dp.mirror_view import rows_table
from veil.dp.policy import PolicyStore
from veil.dp.query import DpQuery
from veil.vault.category import ColumnCategory
from veil.vault.dataset import Column, DatasetCatalog, DType
from veil.workspace import Workspace

STATES = [f"S{i:02d}" for i in range(50)]
ROWS_PER_SUBJECT = 10
HIGH = 200_000
QUERIES = {
    "count": "SELECT COUNT(*) FROM people",
    "sum": "SELECT SUM(income) FROM people",
    "mean": "SELECT AVG(income) FROM people",
    "group_by_state": "SELECT state, COUNT(*) FROM people GROUP BY state",
}
PLAIN = {
    "count": "SELECT COUNT(*) FROM plain",
    "sum": "SELECT SUM(income) FROM plain",
    "mean": "SELECT AVG(income) FROM plain",
    "group_by_state": "SELECT state, COUNT(*) FROM plain GROUP BY state",
}


def setup(root: Path, rows: int, subjects: int) -> Workspace:
    ws = Workspace.init(root / "ws")
    PurposeRegistry(ws).add("analytics", "legitimate_interests", 365)
    columns = [
        Column("state", "state", ColumnCategory.QUASI_IDENTIFIER, DType.TEXT, 0),
        Column("income", "income", ColumnCategory.SENSITIVE, DType.INT, 1),
    ]
    with ws.transaction() as conn:
        ds = DatasetCatalog(ws).create(conn, "people", "person_id", columns)
    policy = PolicyStore(ws).update(
        "people",
        max_rows_per_subject=ROWS_PER_SUBJECT,
        max_groups_per_subject=1,
        bounds={"income": (0, HIGH)},
        keys={"state": tuple(STATES)},
    )
    BudgetLedger(ws).set("people", 1e9, 0.5)
    ds = DatasetCatalog(ws).get("people")
    per = max(1, rows // subjects)
    states = ", ".join(f"'{s}'" for s in STATES)
    # Generated rows in the shape the vault hands the mirror (row id, pseudonym, columns);
    # each subject lives in one state, incomes vary by row (a few above the bound).
    Mirror(ws).load_staged(
        ds,
        policy.salt,
        "SELECT s.i || ':' || r.j AS _row, printf('%032x', s.i) AS _pseudonym, "
        f"([{states}])[1 + (hash(s.i) % 50)::INT] AS state, "
        f"CAST(hash(s.i * 31 + r.j) % {HIGH + 50_000} AS BIGINT) AS income "
        f"FROM range(1, {subjects + 1}) s(i) CROSS JOIN range(1, {per + 1}) r(j)",
    )
    # The same rows for plain DuckDB, in a database of their own.
    plain = duckdb.connect(str(root / "plain.duckdb"))
    with Mirror(ws).reading() as cur:
        arrow = cur.sql(f'SELECT _sid AS person_id, state, income FROM "{rows_table(ds)}"').to_arrow_table()
    plain.register("arrow_rows", arrow)
    plain.execute("CREATE TABLE plain AS SELECT * FROM arrow_rows").fetchall()
    plain.unregister("arrow_rows")
    plain.execute("CHECKPOINT").fetchall()
    plain.close()
    return ws


def timed(fn: Any, repeat: int) -> tuple[float, Any]:
    times, out = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), out


def opendp_times(plain_path: Path, epsilon: float, identifier: bool) -> dict[str, float]:
    # OpenDP's Polars plugin (the .dp namespace) is untyped: handle both modules as Any.
    dp: Any = importlib.import_module("opendp.prelude")
    pl: Any = importlib.import_module("polars")
    dp.enable_features("contrib")
    cur = duckdb.connect(str(plain_path), read_only=True)
    arrow = cur.sql("SELECT person_id, state, CAST(income AS DOUBLE) AS income FROM plain").to_arrow_table()
    frame = pl.from_arrow(arrow)
    assert isinstance(frame, pl.DataFrame)
    cur.close()
    n = frame.height
    unit = (
        dp.unit_of(contributions=1, identifier=pl.col("person_id"))
        if identifier
        else dp.unit_of(contributions=ROWS_PER_SUBJECT)
    )
    ctx = dp.Context.compositor(
        data=frame.lazy(),
        privacy_unit=unit,
        privacy_loss=dp.loss_of(epsilon=epsilon * 4),
        split_evenly_over=4,
        margins=[
            dp.polars.Margin(by=(), max_length=n, invariant="lengths"),
            dp.polars.Margin(by=("state",), max_length=n, invariant="keys"),
        ],
    )
    keys = pl.LazyFrame({"state": STATES})

    def base() -> Any:
        q = ctx.query()
        return q.truncate_per_group(ROWS_PER_SUBJECT) if identifier else q

    releases: dict[str, Any] = {
        "count": lambda: base().select(dp.len()),
        "sum": lambda: base().select(pl.col("income").fill_null(0).dp.sum((0, HIGH))),
        "mean": lambda: base().select(pl.col("income").fill_null(0).dp.mean((0, HIGH))),
        "group_by_state": lambda: base().group_by("state").agg(dp.len()).join(keys, on="state", how="right"),
    }
    out = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for name, make in releases.items():
            t = time.perf_counter()
            make().release().collect()
            out[name] = time.perf_counter() - t
    return out


def run(
    rows: int, subjects: int, repeat: int, epsilon: float, accuracy_runs: int, opendp: bool
) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        ws = setup(Path(tmp), rows, subjects)
        setup_s = time.perf_counter() - started
        q = DpQuery(ws)
        cur = duckdb.connect(str(Path(tmp) / "plain.duckdb"), read_only=True)
        truth = {
            "count": cur.execute("SELECT COUNT(*) FROM plain").fetchall()[0][0],
            "sum": cur.execute(f"SELECT SUM(LEAST(income, {HIGH})) FROM plain").fetchall()[0][0],
            "mean": cur.execute(f"SELECT AVG(LEAST(income, {HIGH})) FROM plain").fetchall()[0][0],
        }
        results: dict[str, Any] = {}
        for name, sql in QUERIES.items():
            q.run(sql, "people", "analytics", epsilon)  # warm: plan caches, DuckDB buffers
            veil_s, _ = timed(lambda sql=sql: q.run(sql, "people", "analytics", epsilon), repeat)
            plain_s, _ = timed(lambda name=name: cur.execute(PLAIN[name]).fetchall(), repeat)
            results[name] = {
                "veil_ms": round(veil_s * 1000, 2),
                "duckdb_ms": round(plain_s * 1000, 2),
                "ratio": round(veil_s / plain_s, 2),
                "overhead_vs_1_5x_ms": round((veil_s - 1.5 * plain_s) * 1000, 2),
                "target_met": veil_s <= 1.5 * plain_s + 0.030,
            }
        cur.close()
        # Accuracy: repeated releases vs the theoretical error of the mechanism.
        accuracy: dict[str, Any] = {}
        for name in ("count", "sum", "mean"):
            errs = []
            key = {"count": "count", "sum": "sum_income", "mean": "avg_income"}[name]
            for _ in range(accuracy_runs):
                r = q.run(QUERIES[name], "people", "analytics", epsilon)
                errs.append(abs(r.rows[0][key] - float(truth[name])))
            scale = {
                "count": ROWS_PER_SUBJECT / epsilon,
                "sum": ROWS_PER_SUBJECT * HIGH / epsilon,
                # mean = mid + S/C, S ~ Laplace(R * HIGH/2 / (eps/2)); the count's noise is negligible here
                "mean": ROWS_PER_SUBJECT * (HIGH / 2) / (epsilon / 2) / truth["count"],
            }[name]
            accuracy[name] = {
                "mae": statistics.fmean(errs),
                "theoretical_mae": scale,  # E|Laplace(b)| = b
                "ratio": statistics.fmean(errs) / scale,
            }
        if opendp:
            same_unit = opendp_times(Path(tmp) / "plain.duckdb", epsilon, identifier=True)
            row_unit = opendp_times(Path(tmp) / "plain.duckdb", epsilon, identifier=False)
            for name in QUERIES:
                veil_s = results[name]["veil_ms"] / 1000
                results[name]["opendp_subject_unit_ms"] = round(same_unit[name] * 1000, 1)
                results[name]["speedup_vs_opendp"] = round(same_unit[name] / veil_s, 1)
                results[name]["opendp_row_unit_ms"] = round(row_unit[name] * 1000, 1)
                results[name]["speedup_vs_opendp_row_unit"] = round(row_unit[name] / veil_s, 1)
        ws.close()
        Mirror.close_all()
    return {
        "rows": rows,
        "subjects": subjects,
        "epsilon_per_query": epsilon,
        "setup_s": round(setup_s, 1),
        "queries": results,
        "accuracy": accuracy,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=10_000_000)
    ap.add_argument("--subjects", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=7, help="timed runs per query (median)")
    ap.add_argument("--epsilon", type=float, default=1.0)
    ap.add_argument("--accuracy-runs", type=int, default=30)
    ap.add_argument("--no-opendp", action="store_true", help="skip the (slow) OpenDP baseline")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    out = run(args.rows, args.subjects, args.repeat, args.epsilon, args.accuracy_runs, not args.no_opendp)
    if args.json:
        json.dump(out, sys.stdout, indent=2)
        sys.stdout.write("\n")
        return
    print(f"{out['rows']:,} rows, {out['subjects']:,} subjects, epsilon {out['epsilon_per_query']} per query")
    for name, r in out["queries"].items():
        line = (
            f"  {name:15s} veil {r['veil_ms']:8.1f} ms  duckdb {r['duckdb_ms']:7.1f} ms  "
            f"ratio {r['ratio']:5.2f}  (veil - 1.5x duckdb = {r['overhead_vs_1_5x_ms']:6.1f} ms; "
            f"target <= 30: {'met' if r['target_met'] else 'NOT met'})"
        )
        if "opendp_subject_unit_ms" in r:
            line += (
                f"\n  {'':15s} opendp (subject unit) {r['opendp_subject_unit_ms']:8.0f} ms -> veil "
                f"{r['speedup_vs_opendp']:.0f}x faster; "
                f"opendp (row unit) {r['opendp_row_unit_ms']:6.0f} ms -> "
                f"{r['speedup_vs_opendp_row_unit']:.0f}x"
            )
        print(line)
    for name, a in out["accuracy"].items():
        print(
            f"  accuracy {name:6s} MAE {a['mae']:.4g} vs theoretical {a['theoretical_mae']:.4g} "
            f"(x{a['ratio']:.2f})"
        )


if __name__ == "__main__":
    main()
