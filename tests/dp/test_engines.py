"""The same DP plan gives the same true (pre-noise) aggregates on DuckDB, PostgreSQL and Spark."""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from dp.factory import write_people
from veil.consent.ledger import ConsentLedger
from veil.consent.purpose import PurposeRegistry
from veil.dp.budget import BudgetLedger
from veil.dp.engines.duckdb import DuckDBEngine
from veil.dp.engines.postgres import PostgresEngine
from veil.dp.engines.spark import SparkEngine
from veil.dp.policy import PolicyStore
from veil.dp.public import PublicTables
from veil.dp.query import DpQuery
from veil.errors import ConfigError
from veil.vault.ingest import Ingestor
from veil.workspace import Workspace

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

QUERIES = [
    "SELECT COUNT(*), COUNT(DISTINCT person_id) FROM people",
    "SELECT state, COUNT(*), SUM(income), AVG(income), STDDEV(age) FROM people GROUP BY state",
    "SELECT state, visits, COUNT(*) FROM people WHERE age BETWEEN 30 AND 60 AND state IN ('CA', 'TX') "
    "GROUP BY state, visits",
    "SELECT MEDIAN(income), QUANTILE_CONT(age, 0.9) FROM people WHERE state LIKE 'N%'",
    "SELECT r.region, COUNT(*), VAR_POP(visits) FROM people p JOIN regions r ON p.state = r.state "
    "GROUP BY r.region",
    "SELECT visits, COUNT(DISTINCT person_id) FROM people GROUP BY visits",
]


def _canon(results: list[list[tuple[Any, ...]]]) -> list[list[tuple[Any, ...]]]:
    def norm(v: Any) -> Any:
        if isinstance(v, float):
            return round(v, 6)
        return v

    return [sorted((tuple(norm(v) for v in row) for row in rows), key=repr) for rows in results]


@pytest.fixture
def pg_people(pg_ws: Workspace, tmp_path: Path) -> Workspace:
    PurposeRegistry(pg_ws).add("research", "consent", 365)
    Ingestor(pg_ws).run(write_people(tmp_path / "people.csv", 300, heavy_rows=500), "people", "person_id")
    ledger = ConsentLedger(pg_ws)
    for i in range(0, 300, 3):
        ledger.record(f"P{i:07d}", "research", "grant")
    ledger.record("H0000001", "research", "grant")
    ledger.record("P0000003", "research", "withdraw")  # never granted: stays out
    PolicyStore(pg_ws).update(
        "people",
        max_rows_per_subject=2,
        max_groups_per_subject=1,
        bounds={"income": (0, 200_000), "age": (0, 100), "visits": (0, 10)},
        keys={"state": ("CA", "NY", "TX", "WA", "FL"), "visits": tuple(range(13))},
    )
    regions = tmp_path / "regions.csv"
    regions.write_text("state,region\nCA,west\nWA,west\nNY,east\nFL,east\nTX,south\n")
    PublicTables(pg_ws).add("regions", regions)
    BudgetLedger(pg_ws).set("people", 100.0, 1e-4)
    return pg_ws


@pytest.mark.postgres
@pytest.mark.spark
@pytest.mark.slow
def test_duckdb_postgres_and_spark_agree_before_noise(
    pg_people: Workspace, spark_session: SparkSession
) -> None:
    for sql in QUERIES:
        plan = DpQuery(pg_people).plan(sql, "people", "research")
        duck = DuckDBEngine(pg_people).run(plan)
        pg = PostgresEngine(pg_people).run(plan)
        spark = SparkEngine(pg_people, session=spark_session).run(plan)
        assert _canon(duck) == _canon(pg), sql
        assert _canon(duck) == _canon(spark), sql
        assert duck[0], sql  # not vacuous


@pytest.mark.spark
def test_spark_engine_answers_a_dp_query(ws: Workspace, tmp_path: Path, spark_session: SparkSession) -> None:
    PurposeRegistry(ws).add("research", "legitimate_interests", 365)
    Ingestor(ws).run(write_people(tmp_path / "people.csv", 100), "people", "person_id")
    PolicyStore(ws).update("people", max_rows_per_subject=2, bounds={"income": (0, 200_000)})
    BudgetLedger(ws).set("people", 10.0)
    r = DpQuery(ws).run(
        "SELECT AVG(income) AS m FROM people",
        "people",
        "research",
        1.0,
        engine=SparkEngine(ws, session=spark_session),
    )
    assert r.engine == "spark" and 0 <= r.rows[0]["m"] <= 200_000


@pytest.mark.postgres
def test_postgres_engine_answers_a_dp_query(pg_people: Workspace) -> None:
    r = DpQuery(pg_people).run(
        "SELECT state, COUNT(*) AS n FROM people GROUP BY state", "people", "research", 1.0, engine="postgres"
    )
    assert r.engine == "postgres" and len(r.rows) == 5
    assert all(math.isfinite(row["n"]) for row in r.rows)


def test_postgres_engine_needs_a_postgres_workspace(ws: Workspace) -> None:
    with pytest.raises(ConfigError, match="postgres"):
        PostgresEngine(ws)


@pytest.mark.postgres
def test_concurrent_queries_never_overspend_on_postgres(pg_people: Workspace) -> None:
    import threading

    from veil.dp.budget import BudgetExceededError

    BudgetLedger(pg_people).set("people", 2.0, 1e-4)  # nothing spent yet: it may be lowered
    ok: list[int] = []
    refused: list[int] = []

    def one() -> None:
        try:
            DpQuery(pg_people).run(
                "SELECT COUNT(*) FROM people", "people", "research", 0.5, engine="postgres"
            )
            ok.append(1)
        except BudgetExceededError:
            refused.append(1)

    threads = [threading.Thread(target=one) for _ in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    budget = BudgetLedger(pg_people).show("people")
    assert budget.charges == len(ok) and len(ok) + len(refused) == 10
    assert budget.epsilon_spent <= 2.0 + 1e-9 and budget.epsilon_spent_basic == pytest.approx(0.5 * len(ok))


@pytest.mark.postgres
@pytest.mark.spark
@pytest.mark.slow
def test_declared_text_keys_are_trimmed_on_every_engine(
    pg_ws: Workspace, tmp_path: Path, spark_session: SparkSession
) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    from veil.vault.category import ColumnCategory
    from veil.vault.schema_file import SchemaFile

    PurposeRegistry(pg_ws).add("research", "legitimate_interests", 365)
    sexes = ["F", "F ", " M", "M", "M  ", "F\t"]
    path = tmp_path / "padded.parquet"
    pq.write_table(
        pa.table({"pid": [f"S{k}" for k in range(120)], "sex": [sexes[k % 6] for k in range(120)]}), path
    )
    Ingestor(pg_ws).run(
        path, "people", "pid", schema=SchemaFile(columns={"sex": ColumnCategory.QUASI_IDENTIFIER})
    )
    PolicyStore(pg_ws).update("people", keys={"sex": ("F", "M")})
    plan = DpQuery(pg_ws).plan("SELECT sex, COUNT(*) FROM people GROUP BY sex", "people", "research")
    for engine in (DuckDBEngine(pg_ws), PostgresEngine(pg_ws), SparkEngine(pg_ws, session=spark_session)):
        counts = {r[0]: r[1] for r in engine.run(plan)[0]}
        assert (counts["F"], counts["M"], counts["F\t"]) == (40, 60, 20), engine.name
