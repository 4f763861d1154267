"""A COALESCE of NULLs only is compiled as NULL, so no engine can fail on its type.

PostgreSQL types ``COALESCE(NULL, NULL)`` as text: beside a number, or as a condition, it
raised "operator does not exist: text = bigint" on every query (found by the property test
of ``test_where.py`` on PostgreSQL). The failure did not depend on the data, but the query
had been charged; the compiler now writes what the literal ``NULL`` would be.
"""

from __future__ import annotations

import pytest
import sqlglot

from dp.test_where import Runner, compiled, values_sql

#: A filter with a COALESCE of NULLs only, and the same filter written with the literal NULL.
ONLY_NULLS = [
    ("(ABS(COALESCE(NULL, NULL))) IS NULL", "(ABS(NULL)) IS NULL"),
    ("COALESCE(NULL, NULL) = i", "NULL = i"),
    ("COALESCE(NULL, NULL) = f", "NULL = f"),
    ("COALESCE(NULL, NULL) = s", "NULL = s"),
    ("COALESCE(NULL, NULL) IN (1, 2)", "NULL IN (1, 2)"),
    ("COALESCE(NULL, NULL) BETWEEN 1 AND 2", "NULL BETWEEN 1 AND 2"),
    ("COALESCE(NULL, NULL) + 1 > 0", "NULL + 1 > 0"),
    ("-COALESCE(NULL, NULL) > 0", "-NULL > 0"),
    ("NOT COALESCE(NULL, NULL)", "NOT NULL"),
    ("COALESCE(NULL, NULL) AND i = 1", "NULL AND i = 1"),
    ("COALESCE(NULL, NULL) IS TRUE", "NULL IS TRUE"),
    ("COALESCE(COALESCE(NULL, NULL), i) = 1", "COALESCE(NULL, i) = 1"),
    ("COALESCE(COALESCE(NULL, NULL), f) * 2 > 1", "COALESCE(NULL, f) * 2 > 1"),
    ("COALESCE(NULL) = i", "NULL = i"),
]


@pytest.mark.parametrize(("where", "with_literal"), ONLY_NULLS)
def test_a_coalesce_of_nulls_is_the_null_literal(where: str, with_literal: str) -> None:
    sql = compiled(where)
    assert sql is not None
    assert sql == compiled(with_literal)


def _run_all(execute: Runner, dialect: str) -> None:
    for where, _literal in ONLY_NULLS:
        sql = compiled(where)
        assert sql is not None
        execute(
            sqlglot.transpile(f"SELECT COUNT(*) FROM t AS b WHERE {sql}", read="duckdb", write=dialect)[0]
        )


def test_a_coalesce_of_nulls_runs_on_duckdb() -> None:
    import duckdb

    conn = duckdb.connect()
    conn.execute(f"CREATE TABLE t AS {values_sql('duckdb')}")

    def run(q: str) -> None:
        conn.execute(q).fetchall()

    _run_all(run, "duckdb")
    conn.close()


@pytest.mark.postgres
def test_a_coalesce_of_nulls_runs_on_postgres(postgres_url: str) -> None:
    import psycopg

    conn = psycopg.connect(postgres_url.replace("postgresql+psycopg://", "postgresql://"), autocommit=True)
    try:
        conn.execute(f"CREATE TEMP TABLE t AS {values_sql('postgres')}")

        def run(q: str) -> None:
            conn.execute(q).fetchall()

        _run_all(run, "postgres")
    finally:
        conn.close()
