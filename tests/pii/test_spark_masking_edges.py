"""``--engine spark`` on the edges of batching: the output still equals the single-process path.

Each Spark task masks its rows in batches, each distinct input once (see
``veil.pii.tables.masking._mask_columns``). Attacked here: an empty part file (an empty
partition), a part whose masked columns are all null or blank, values recurring across
partitions and within one batch, very long cells (a 200,000-character note with identifiers
at both ends), hostile values (strings shaped like Veil's own tokens, NUL, bidi controls,
quotes, line breaks), and Arrow batches cut across masking batches — with pseudonyms (two
passes, driver-assigned numbers) and with a one-pass keyed operator.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from tests.pii.test_spark_masking import (  # noqa: F401 - fixtures
    MIX,
    RULES,
    SCHEMA,
    single_process,
    spark,
    table_rows,
    twins,
)

from veil.pii.tables.spark import mask_directory
from veil.workspace import Workspace

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

pytestmark = [pytest.mark.spark]

LONG = "Jane Roe " + "lorem ipsum " * 16_000 + "write to jane.roe@example.org"
HOSTILE = [
    "<PERSON_1>",
    "[ENC:EMAIL_ADDRESS:AAAAAAAAAAAAAAAA]",
    "nul\x00byte",
    "\u202eevil\u202c Roe",
    'quote " and \\ back',
    "two\nlines\r\nhere",
    " ",
]


def _edge_parts(folder: Path) -> Path:
    folder.mkdir()
    pq.write_table(pa.Table.from_pylist([], schema=SCHEMA), folder / "part-0.parquet")  # empty
    blank = [
        {"id": 100 + i, "name": v, "email": v, "visits": None, "notes": v}
        for i, v in enumerate([None, "", " "])
    ]
    pq.write_table(pa.Table.from_pylist(blank, schema=SCHEMA), folder / "part-1.parquet")
    for part in (2, 3):  # the same people in both partitions, and within a batch
        rows: list[dict[str, Any]] = []
        for i, hostile in enumerate(HOSTILE):
            name = ["Jane Roe", hostile, "Zoë Ångström"][i % 3]
            email = "jane.roe@example.org" if i % 2 else f"{hostile}@example.org"
            rows.append(
                {
                    "id": part * 1000 + i,
                    "name": name,
                    "email": email,
                    "visits": i,
                    "notes": f"{name} ({email}) said: {hostile} 212-555-01{i}7",
                }
            )
        rows.append({"id": part * 1000 + 99, "name": "Jane Roe", "email": None, "visits": 1, "notes": LONG})
        pq.write_table(pa.Table.from_pylist(rows, schema=SCHEMA), folder / f"part-{part}.parquet")
    return folder


@pytest.mark.slow
@pytest.mark.parametrize(
    "settings",
    [
        {**MIX, "batch_rows": 2},
        {
            "operator": "hash",
            "per_type": {"PHONE_NUMBER": "mask"},
            "columns": ["name", "email"],
            "text_field": "notes",
            "batch_rows": 3,
        },
    ],
    ids=["pseudonyms-two-passes", "keyed-one-pass"],
)
def test_batching_edges_match_the_single_process_path(
    spark: SparkSession,  # noqa: F811
    twins: tuple[Workspace, Workspace],  # noqa: F811
    tmp_path: Path,
    settings: dict[str, Any],
) -> None:
    src = _edge_parts(tmp_path / "in")
    ws_a, ws_b = twins
    single_process(ws_a, src, tmp_path / "single", RULES, settings)
    spark.conf.set("spark.sql.execution.arrow.maxRecordsPerBatch", "3")
    try:
        run = mask_directory(src, tmp_path / "out", ws_b, RULES, session=spark, **settings)
    finally:
        spark.conf.unset("spark.sql.execution.arrow.maxRecordsPerBatch")
    expected, got = table_rows(tmp_path / "single", "parquet"), table_rows(tmp_path / "out", "parquet")
    assert got == expected
    assert run.rows == len(got) == 3 + 2 * (len(HOSTILE) + 1)
    by_id = {r["id"]: r for r in got}
    for i in (100, 101, 102):  # null and blank cells stay as they were
        assert by_id[i]["name"] == by_id[i]["notes"] == [None, "", " "][i - 100]
    # one person, one token in every partition; the long notes masked at both ends
    assert by_id[2000]["name"] == by_id[3000]["name"] != "Jane Roe"
    long_a, long_b = by_id[2099]["notes"], by_id[3099]["notes"]
    assert long_a == long_b and "Jane Roe" not in long_a and "jane.roe@example.org" not in long_a
    assert len(long_a) > 190_000
    assert not any("Jane Roe" in (r["notes"] or "") for r in got)
