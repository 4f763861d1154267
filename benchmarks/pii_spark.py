"""Masking a generated table with Spark against the single-process path (issue 14).

A table of N rows (default 10,000,000) is generated with pyarrow, in chunks, into P Parquet
part files in a temporary directory: ``id``, three identifier columns (``name``, ``email``,
``phone``) and a short free-text column (``notes``, naming the row's person, phone and
e-mail, its order number and a phone number and e-mail address of its own). Identifier values
recur across rows and parts (a pool of names; e-mails and phones repeat every 1,000 and
10,000 rows), as in real tables; no note recurs (each holds values unique to its row), so
masking each distinct value once cannot spare any note's detection. The distinct counts of
every column are measured and printed.

Both paths mask the same columns with the same workspace settings (identifier columns whole,
``notes`` by detection; the PII engine of the workspace's ``[pii]`` settings, rules only
unless ``--ner``) and the same operator (default ``replace``):

* single process: :func:`veil.pii.tables.masking.mask_table` on the first ``--single-rows``
  rows (one part file's head; all N with ``--single-rows 0``); for N rows beyond those its
  time is **extrapolated** from that rate and labelled so;
* Spark: :func:`veil.pii.tables.spark.mask_directory` on all N rows (``local[*]``), timed
  from a started session (the JVM start-up is reported apart).

Printed: rows/s of each, the ratio, the machine's cores and load average before and after,
the driver's peak resident memory (Spark's JVM and Python workers are other processes).
Run: ``python -m benchmarks.pii_spark [--rows N] [--parts P] [--single-rows M] [--json]``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from veil.pii import PiiConfig, PiiEngine
from veil.pii.anonymizer import Anonymizer
from veil.pii.tables.masking import mask_table
from veil.pii.tables.spark import mask_directory
from veil.pii.tables.spark_session import spark_session
from veil.workspace import Workspace

CHUNK = 250_000
FIRST = ["Maria", "John", "Aiko", "Jean", "Olga", "Pedro", "Fatima", "Liam", "Chen", "Anna", "Noah", "Zoë"]
LAST = ["Garcia", "Smith", "Tanaka", "Dubois", "Ivanova", "Silva", "Khan", "Murphy", "Wang", "Novak", "Berg"]
COLUMNS = ["name", "email", "phone"]


def generate(folder: Path, rows: int, parts: int, seed: int = 7) -> None:
    """``rows`` rows in ``parts`` Parquet files, written chunk by chunk (flat memory)."""
    rng = np.random.default_rng(seed)
    first = pa.array(FIRST)
    last = pa.array(LAST)
    per_part = -(-rows // parts)
    done = 0
    for part in range(parts):
        n_part = min(per_part, rows - done)
        with pq.ParquetWriter(folder / f"part-{part:05d}.parquet", _schema()) as writer:
            for start in range(0, n_part, CHUNK):
                n = min(CHUNK, n_part - start)
                ids = np.arange(done + start, done + start + n, dtype=np.int64)
                f = pc.take(first, pa.array(rng.integers(0, len(FIRST), n)))
                s = pc.take(last, pa.array(rng.integers(0, len(LAST), n)))
                name = pc.binary_join_element_wise(f, s, " ")
                user = pc.utf8_lower(pc.binary_join_element_wise(f, s, "."))
                num = pa.array((ids % 1000).astype(str))
                email = pc.binary_join_element_wise(user, num, pa.scalar("@example.com"), "")
                phone = pa.array(np.char.add("212-555-", np.char.zfill((ids % 10_000).astype(str), 4)))
                # row-specific values in every note (unique up to 10^7 rows), so that no note
                # recurs and caching cannot spare its detection
                own_phone = pa.array(
                    np.char.add(
                        np.char.add("+44 20 7", np.char.zfill((ids // 10_000 % 1000).astype(str), 3)),
                        np.char.add(" ", np.char.zfill((ids % 10_000).astype(str), 4)),
                    )
                )
                own_mail = pa.array(np.char.add(np.char.add("c", ids.astype(str)), "@mail.example.org"))
                notes = pc.binary_join_element_wise(
                    pa.scalar("Call "), name, pa.scalar(" at "), phone, pa.scalar(" or "), email,
                    pa.scalar(" about order "), pa.array(ids.astype(str)), pa.scalar("; new line "),
                    own_phone, pa.scalar(", replies to "), own_mail, pa.scalar("."), "",
                )  # fmt: skip
                writer.write_table(pa.table([pa.array(ids), name, email, phone, notes], schema=_schema()))
        done += n_part


def distinct_counts(folder: Path) -> dict[str, int]:
    """Distinct values of each text column over every part file (one column in memory at a time)."""
    files = sorted(folder.iterdir())
    counts = {}
    for name in [*COLUMNS, "notes"]:
        column = pa.chunked_array(
            [pq.read_table(f, columns=[name]).column(name).combine_chunks() for f in files]
        )
        counts[name] = pc.count_distinct(column).as_py()
        del column
    return counts


def _schema() -> pa.Schema:
    return pa.schema(
        [("id", pa.int64()), ("name", pa.string()), ("email", pa.string()), ("phone", pa.string()),
         ("notes", pa.string())]
    )  # fmt: skip


def run(
    rows: int,
    parts: int,
    single_rows: int,
    operator: str,
    ner: bool,
    keep: Path | None,
    target: int = 10_000_000,
) -> dict[str, Any]:
    root = Path(tempfile.mkdtemp(prefix="veil-bench-pii-spark-"))
    load_before = os.getloadavg()
    try:
        src = root / "table"
        src.mkdir()
        t = time.perf_counter()
        generate(src, rows, parts)
        gen_s = time.perf_counter() - t
        size = sum(p.stat().st_size for p in src.iterdir())
        distinct = distinct_counts(src)
        os.environ.setdefault("VEIL_ACTOR", "benchmark")
        ws = Workspace.init(root / "ws")
        config = PiiConfig(ner=ner)
        # single process: the head of the first part, as its own file
        if single_rows and single_rows < rows:
            head = root / "head.parquet"
            first_part = pq.ParquetFile(next(iter(sorted(src.iterdir()))))
            pq.write_table(first_part.read().slice(0, single_rows), head)
        else:  # every row, as one file
            head = root / "all.parquet"
            pq.write_table(pq.ParquetDataset(src).read(), head)
        engine = PiiEngine(config)
        anon = Anonymizer(ws, engine, default=operator)
        t = time.perf_counter()
        single = mask_table(head, root / "head-masked.parquet", anon, columns=COLUMNS, text_field="notes")
        single_s = time.perf_counter() - t
        # Spark: every row; the session (JVM) started first and timed apart
        t = time.perf_counter()
        session = spark_session()
        session_s = time.perf_counter() - t
        t = time.perf_counter()
        spark = mask_directory(
            src, root / "masked", ws, config, operator=operator, columns=COLUMNS, text_field="notes",
            engine=engine, session=session,
        )  # fmt: skip
        spark_s = time.perf_counter() - t
        ws.close()
        if keep is not None:
            shutil.copytree(root / "masked", keep, dirs_exist_ok=False)
        single_rate = single.rows / single_s
        spark_rate = spark.rows / spark_s
        return {
            "rows": rows,
            "parts": parts,
            "table_bytes": size,
            "operator": operator,
            "ner": ner,
            "cores": os.cpu_count(),
            "load_before": [round(x, 2) for x in load_before],
            "load_after": [round(x, 2) for x in os.getloadavg()],
            "generate_s": round(gen_s, 1),
            "distinct": distinct,
            "driver_peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
            "single_rows": single.rows,
            "single_s": round(single_s, 2),
            "single_rows_per_s": round(single_rate),
            "single_full_s_extrapolated": None if single.rows >= rows else round(rows / single_rate, 1),
            "spark_session_start_s": round(session_s, 1),
            "spark_rows": spark.rows,
            "spark_s": round(spark_s, 1),
            "spark_rows_per_s": round(spark_rate),
            "spark_passes": spark.passes,
            "spark_entities": spark.entities,
            "single_entities_per_row": round(single.entities / single.rows, 3),
            "spark_entities_per_row": round(spark.entities / spark.rows, 3),
            "ratio_spark_over_single": round(spark_rate / single_rate, 2),
            "target_rows": target,
            "single_target_s_extrapolated": round(target / single_rate),
            "spark_target_s_extrapolated": None if rows >= target else round(target / spark_rate),
        }
    finally:
        shutil.rmtree(root, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--parts", type=int, default=16)
    parser.add_argument(
        "--single-rows", type=int, default=100_000, help="rows the single process masks (0: all)"
    )
    parser.add_argument("--operator", default="replace")
    parser.add_argument("--ner", action="store_true", help="spaCy NER too (default: rules and gazetteers)")
    parser.add_argument("--keep", type=Path, help="copy the masked table here")
    parser.add_argument("--json", action="store_true")
    parser.add_argument(
        "--target-rows",
        type=int,
        default=10_000_000,
        help="rows the times are extrapolated to, when --rows is less",
    )
    args = parser.parse_args()
    result = run(
        args.rows, args.parts, args.single_rows, args.operator, args.ner, args.keep, args.target_rows
    )
    if args.json:
        print(json.dumps(result, indent=2))
        return
    r = result
    mb = r["table_bytes"] / 1e6
    print(
        f"table: {r['rows']:,} rows in {r['parts']} Parquet parts ({mb:.0f} MB), "
        f"generated in {r['generate_s']} s"
    )
    print("distinct values: " + ", ".join(f"{k} {v:,}" for k, v in r["distinct"].items()))
    print(f"machine: {r['cores']} cores, load average {r['load_before']} before, {r['load_after']} after")
    single = f"single process (measured on {r['single_rows']:,} rows): {r['single_s']} s, "
    single += f"{r['single_rows_per_s']:,} rows/s"
    if r["single_full_s_extrapolated"] is not None:
        single += f"; {r['rows']:,} rows would take ~{r['single_full_s_extrapolated']:,} s (extrapolated)"
    print(single)
    print(
        f"spark local[*] (all {r['spark_rows']:,} rows, {r['spark_passes']} pass): {r['spark_s']} s, "
        f"{r['spark_rows_per_s']:,} rows/s (JVM start {r['spark_session_start_s']} s, apart)"
    )
    print(f"ratio spark / single process (rows/s): {r['ratio_spark_over_single']}x")
    print(f"entities per row: single {r['single_entities_per_row']}, spark {r['spark_entities_per_row']}")
    print(f"driver peak RSS: {r['driver_peak_rss_mb']:,} MB (the JVM and Python workers not included)")
    if r["spark_target_s_extrapolated"] is not None:
        print(
            f"extrapolated to {r['target_rows']:,} rows at these rates (not measured): single process "
            f"~{r['single_target_s_extrapolated']:,} s, spark ~{r['spark_target_s_extrapolated']:,} s"
        )


if __name__ == "__main__":
    main()
