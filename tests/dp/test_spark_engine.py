"""The Spark engine on real Spark (local mode): every query is written once in DuckDB's
dialect, transpiled with sqlglot as the planner does, and must give exactly what DuckDB
gives on the same Parquet files — values and Python types."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import sqlglot

from veil.dp.engines.spark import SparkTables
from veil.errors import ConfigError, InputError

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

pytestmark = pytest.mark.spark

GROUPS = ["north", "south", "east", "west", None]


def write_tables(root: Path) -> dict[str, Path]:
    """``visits``: one Parquet directory of three files, several rows per subject, NULLs in
    ``ward`` and ``amount``; ``subjects``: one Parquet file. Doubles are multiples of 0.25,
    so sums are exact whatever order an engine adds them in."""
    rng = random.Random(20250601)
    visits_dir = root / "visits"
    visits_dir.mkdir(parents=True)
    next_id = 0
    for part in range(3):
        ids, subject_ids, wards, amounts, scores = [], [], [], [], []
        for _ in range(400):
            ids.append(next_id)
            subject_ids.append(f"S{rng.randrange(150):04d}")
            wards.append(rng.choice(GROUPS))
            amounts.append(None if rng.random() < 0.1 else rng.randrange(-20, 120))
            scores.append(rng.randrange(0, 400) / 4)
            next_id += 1
        table = pa.table(
            {
                "id": pa.array(ids, pa.int64()),
                "subject_id": pa.array(subject_ids, pa.string()),
                "ward": pa.array(wards, pa.string()),
                "amount": pa.array(amounts, pa.int32()),
                "score": pa.array(scores, pa.float64()),
            }
        )
        pq.write_table(table, visits_dir / f"part-{part}.parquet")
    subjects_file = root / "subjects.parquet"
    pq.write_table(
        pa.table(
            {
                "subject_id": [f"S{i:04d}" for i in range(150)],
                "age": pa.array([18 + (i * 7) % 70 for i in range(150)], pa.int64()),
            }
        ),
        subjects_file,
    )
    return {"visits": visits_dir, "subjects": subjects_file}


@pytest.fixture(scope="module")
def tables(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return write_tables(tmp_path_factory.mktemp("spark-tables"))


@pytest.fixture(scope="module")
def spark(spark_session: SparkSession, tables: dict[str, Path]) -> Iterator[SparkTables]:
    engine = SparkTables(tables)
    try:
        yield engine
    finally:
        engine.close()


@pytest.fixture(scope="module")
def duck(tables: dict[str, Path]) -> Iterator[duckdb.DuckDBPyConnection]:
    conn = duckdb.connect()
    try:
        for name, path in tables.items():
            pattern = str(path / "*.parquet") if path.is_dir() else str(path)
            conn.execute(f"CREATE VIEW {name} AS SELECT * FROM read_parquet('{pattern}')")
        yield conn
    finally:
        conn.close()


def to_spark(sql: str) -> str:
    (spark_sql,) = sqlglot.transpile(sql, read="duckdb", write="spark")
    return spark_sql


QUERIES = {
    "count_sum_avg": """
        SELECT COUNT(*) AS n, COUNT(amount) AS n_amount, SUM(amount) AS s, AVG(amount) AS mean,
               SUM(score) AS s_score, AVG(score) AS mean_score, COUNT(DISTINCT subject_id) AS subjects
        FROM visits
    """,
    "group_by_with_null_group": """
        SELECT ward, COUNT(*) AS n, SUM(amount) AS s, AVG(score) AS mean
        FROM visits GROUP BY ward ORDER BY ward
    """,
    "least_greatest_rows": """
        SELECT id, LEAST(amount, 10) AS lo, GREATEST(amount, 10) AS hi,
               LEAST(GREATEST(score, 12.5), 80.0) AS clamped
        FROM visits ORDER BY id LIMIT 50
    """,
    "md5_is_the_same_hash": """
        SELECT id, md5(CAST(id AS VARCHAR)) AS h, md5(subject_id) AS hs FROM visits ORDER BY id LIMIT 20
    """,
    # The planner's contribution bounding: at most 3 rows per subject, picked in a fixed
    # pseudo-random order, values clamped to [0, 50].
    "bounded_contributions": """
        SELECT ward, COUNT(*) AS n, SUM(LEAST(GREATEST(amount, 0), 50)) AS s,
               SUM(LEAST(GREATEST(score, 0.0), 25.0)) AS s_score
        FROM (
            SELECT ward, amount, score,
                   ROW_NUMBER() OVER (PARTITION BY subject_id ORDER BY md5(CAST(id AS VARCHAR))) AS rn
            FROM visits
        ) AS bounded
        WHERE rn <= 3
        GROUP BY ward
        ORDER BY ward
    """,
    "row_number_picks_the_same_rows": """
        SELECT subject_id, id
        FROM (
            SELECT subject_id, id,
                   ROW_NUMBER() OVER (PARTITION BY subject_id ORDER BY md5(CAST(id AS VARCHAR))) AS rn
            FROM visits
        ) AS bounded
        WHERE rn <= 2
        ORDER BY subject_id, id
    """,
    # Per-subject totals clamped, then summed: the shape of a bounded SUM over subjects.
    "per_subject_then_total": """
        SELECT COUNT(*) AS subjects, SUM(LEAST(GREATEST(total, -10), 200)) AS s
        FROM (SELECT subject_id, SUM(amount) AS total FROM visits GROUP BY subject_id) AS per_subject
    """,
    "join_two_tables": """
        SELECT CASE WHEN s.age < 40 THEN 'young' ELSE 'old' END AS band, COUNT(*) AS n, SUM(v.amount) AS s
        FROM visits AS v JOIN subjects AS s ON v.subject_id = s.subject_id
        GROUP BY band ORDER BY band
    """,
}


def cell_types(rows: list[tuple[Any, ...]]) -> list[tuple[type, ...]]:
    return [tuple(type(value) for value in row) for row in rows]


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_spark_matches_duckdb(name: str, spark: SparkTables, duck: duckdb.DuckDBPyConnection) -> None:
    sql = QUERIES[name]
    expected = duck.execute(sql).fetchall()
    got = spark.execute(to_spark(sql))
    assert expected, "the query must return rows to compare"
    assert got == expected
    assert cell_types(got) == cell_types(expected)


def test_integer_aggregates_are_int_and_doubles_are_float(spark: SparkTables) -> None:
    ((n, total, mean, score_total),) = spark.execute(
        to_spark("SELECT COUNT(*), SUM(amount), AVG(amount), SUM(score) FROM visits")
    )
    assert type(n) is int and n == 1200
    assert type(total) is int
    assert type(mean) is float
    assert type(score_total) is float


def test_rows_are_plain_tuples(spark: SparkTables) -> None:
    rows = spark.execute("SELECT ward, COUNT(*) FROM visits GROUP BY ward")
    assert len(rows) == len(GROUPS)
    assert all(type(row) is tuple for row in rows)


def test_engines_do_not_share_views(spark_session: SparkSession, tables: dict[str, Path]) -> None:
    with SparkTables({"visits": tables["subjects"]}) as other:
        assert other.execute("SELECT COUNT(*) FROM visits") == [(150,)]
    with SparkTables({"visits": tables["visits"]}) as again:
        assert again.execute("SELECT COUNT(*) FROM visits") == [(1200,)]


def test_close_drops_the_views(spark_session: SparkSession, tables: dict[str, Path]) -> None:
    engine = SparkTables({"subjects": tables["subjects"]})
    engine.close()
    with pytest.raises(InputError, match="TABLE_OR_VIEW_NOT_FOUND"):
        engine.execute("SELECT COUNT(*) FROM subjects")


def test_a_session_passed_in_is_used(spark_session: SparkSession, tables: dict[str, Path]) -> None:
    own = spark_session.newSession()
    with SparkTables({"subjects": tables["subjects"]}, session=own):
        assert own.sql("SELECT COUNT(*) FROM subjects").collect()[0][0] == 150
    assert not own.catalog.tableExists("subjects")


def test_a_running_spark_is_reused_not_started_twice(spark_session: SparkSession) -> None:
    from veil.dp.engines import spark as spark_module

    assert spark_module.get_session() is spark_session
    assert spark_module._start_session().sparkContext is spark_session.sparkContext


def test_query_errors_name_the_condition_never_the_data(spark: SparkTables) -> None:
    with pytest.raises(InputError) as caught:
        spark.execute("SELECT CAST(subject_id AS INT) FROM visits")  # ANSI mode: 'S0001' is not an int
    message = caught.value.message
    assert "CAST_INVALID_INPUT" in message
    assert "S0" not in message
    with pytest.raises(InputError, match="UNRESOLVED_COLUMN"):
        spark.execute("SELECT no_such_column FROM visits")


def test_missing_parquet_is_an_input_error(spark_session: SparkSession, tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"cannot read table 'visits'.*PATH_NOT_FOUND"):
        SparkTables({"visits": tmp_path / "missing.parquet"})


@pytest.mark.parametrize("name", ["visits; DROP", "a.b", "1st", ""])
def test_table_names_must_be_identifiers(name: str, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="plain SQL identifier"):
        SparkTables({name: tmp_path / "t.parquet"})


# ---------------------------------------------------------------------------------------------
# Without pyspark or Java: a ConfigError that says what to install. These need no JVM.


def test_module_imports_without_loading_pyspark() -> None:
    code = "import sys, veil.dp.engines.spark; print('pyspark' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_missing_pyspark_is_a_config_error(monkeypatch: pytest.MonkeyPatch) -> None:
    from veil.dp.engines import spark as spark_module

    monkeypatch.setitem(sys.modules, "pyspark", None)
    with pytest.raises(ConfigError, match=r"pip install 'veil\[spark\]'"):
        spark_module._start_session()


def no_running_spark(monkeypatch: pytest.MonkeyPatch) -> None:
    """Hide the session other tests in this process may have started, as in a fresh process."""
    pyspark = pytest.importorskip("pyspark")
    monkeypatch.setattr(pyspark.SparkContext, "_active_spark_context", None)


def test_missing_java_is_a_config_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    no_running_spark(monkeypatch)
    from veil.dp.engines import spark as spark_module

    monkeypatch.setenv("JAVA_HOME", str(tmp_path / "no-java"))
    with pytest.raises(ConfigError, match=r"openjdk-17-jre-headless \(no \$JAVA_HOME/bin/java\)"):
        spark_module._start_session()


@pytest.mark.parametrize(
    ("version_output", "exit_code", "reason"),
    [
        ('openjdk version "11.0.22" 2024-01-16', 0, "is Java 11"),
        ('java version "1.8.0_392"', 0, "is Java 8"),
        ("Error: could not create the Java Virtual Machine.", 1, "-version` failed"),
    ],
)
def test_java_older_than_17_or_broken_is_a_config_error(
    version_output: str, exit_code: int, reason: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    no_running_spark(monkeypatch)
    from veil.dp.engines import spark as spark_module

    java = tmp_path / "jre" / "bin" / "java"
    java.parent.mkdir(parents=True)
    java.write_text(f"#!/bin/sh\necho '{version_output}' >&2\nexit {exit_code}\n")
    java.chmod(0o755)
    monkeypatch.setenv("JAVA_HOME", str(java.parent.parent))
    with pytest.raises(ConfigError, match=reason):
        spark_module._start_session()


# ---------------------------------------------------------------------------------------------


@pytest.mark.slow
def test_startup_prints_nothing_on_stdout(spark_session: SparkSession, tmp_path: Path) -> None:
    """The CLI prints JSON on stdout: a fresh process that starts Spark, runs a query and
    exits must print exactly its own line there."""
    code = (
        "import json, warnings; warnings.simplefilter('error')\n"
        "from veil.dp.engines.spark import get_session\n"
        "print(json.dumps(get_session().sql('SELECT COUNT(*) FROM range(10)').collect()[0][0]))\n"
    )
    env = {**os.environ, "TMPDIR": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=300, check=False
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == 10
    assert done.stdout == "10\n"
    assert "Setting default log level" not in done.stderr
    assert list(tmp_path.iterdir()) == [], "the session's scratch directory must be removed at exit"


@pytest.mark.slow
def test_a_failing_query_prints_no_value_from_the_data(spark_session: SparkSession, tmp_path: Path) -> None:
    """Spark's error for a bad cast quotes the value; neither the raised error nor anything
    Spark logs to the console (the driver's query-context logger, the executor's task
    error) may carry it. A fresh process, so that the JVM's own stderr is what is read."""
    path = tmp_path / "secret.parquet"
    pq.write_table(pa.table({"s": ["1", "2", "secret-value-4711"]}), path)
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from veil.dp.engines.spark import SparkTables\n"
        "from veil.errors import InputError\n"
        "try:\n"
        "    with SparkTables({'t': Path(sys.argv[1])}) as engine:\n"
        "        engine.execute('SELECT SUM(CAST(s AS INT)) FROM t')\n"
        "except InputError as exc:\n"
        "    print(exc.message)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(path)], capture_output=True, text=True, timeout=300, check=False
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "CAST_INVALID_INPUT" in done.stdout
    assert "secret-value-4711" not in done.stdout + done.stderr
