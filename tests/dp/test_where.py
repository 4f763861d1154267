"""The typed WHERE compiler: what it refuses, and that nothing it accepts can raise.

The property tests compile generated filters (``dp/oracle.py``) and run every accepted one
on a table holding the values engines fail on (INT64 limits, 1e308, +-inf, NaN, subnormals,
empty strings, NULLs) — on DuckDB here, and on PostgreSQL and Spark where they run (CI).
An engine error on any of them is a data-dependent failure, i.e. an error oracle.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from typing import Any, cast

import pytest
import sqlglot
from hypothesis import HealthCheck, given, settings
from sqlglot import exp

from dp.oracle import COLUMNS, EXTREME_ROWS, ordinary_rows, where_clauses
from veil.dp.where import SqlType, compile_filter, sql_type_of
from veil.errors import InputError

ROWS = EXTREME_ROWS + ordinary_rows(12)


def resolve(node: exp.Column) -> tuple[exp.Expression, SqlType]:
    name = node.name
    if name not in COLUMNS:
        raise InputError(f"no column {name!r}")
    return exp.column(name, table="b", quoted=True), sql_type_of(COLUMNS[name][0])


def compiled(where: str) -> str | None:
    """The compiled filter (DuckDB dialect), or None when the planner refuses it."""
    try:
        tree = sqlglot.parse_one(where, read="duckdb")
    except sqlglot.errors.SqlglotError:
        return None
    try:
        return compile_filter(cast(exp.Expression, tree), resolve).sql(dialect="duckdb")
    except InputError:
        return None


# -- what is refused, and why ---------------------------------------------------------------

REFUSED = [
    # The attack of issue 10: a data-dependent SUBSTRING start, then a cast of text to INT.
    ("CAST(SUBSTRING('1x', 1 + CAST(i = 3 AS INT), 1) AS INT) = 1", "SUBSTRING start"),
    ("CAST(s AS INT) = 1", "text cannot be cast to integer"),
    ("TRY_CAST(s AS INT) = 1", "TRY_CAST"),
    ("CAST(f AS BIGINT) = 1", "double cannot be cast to integer"),
    ("CAST(s AS DATE) = DATE '2020-01-01'", "text cannot be cast to date"),
    ("s = 5", "mixes integer and text"),
    ("i = 'a'", "mixes integer and text"),
    ("f > 'x'", "mixes double and text"),
    ("s IN (1, 2)", "IN mixes"),
    ("i BETWEEN 'a' AND 'b'", "BETWEEN mixes"),
    ("COALESCE(i, 'a') = 1", "COALESCE mixes"),
    ("b = 1", "mixes boolean and integer"),
    ("i / f > 1", "divide only by a non-zero number literal"),
    ("i / 0 > 1", "divide only by a non-zero number literal"),
    ("i % 0 = 0", "non-zero number literal"),
    ("f % 2 = 0", "% takes an integer"),
    ("SUBSTRING(s, 1, -1) = 'a'", "SUBSTRING length"),
    ("SUBSTRING(s, 0) = 'a'", "SUBSTRING start"),
    ("SUBSTRING(s, 1, 9999999999) = 'a'", "SUBSTRING length"),
    ("s LIKE 'a\\'", "backslash"),
    ("s LIKE s", "not a 'quoted' literal"),
    ("s LIKE 'a' ESCAPE '!'", "ESCAPE"),
    ("i LIKE '1%'", "LIKE on a integer"),
    ("CAST(i AS SMALLINT) = 1", "CAST to SMALLINT"),
    ("CAST('x' AS INT) = i", "not a whole number"),
    ("CAST('2020-02-30' AS DATE) = d", "YYYY-MM-DD"),
    ("i", "not a condition"),
    ("s || 'x'", "not a condition"),
    (" * ".join(["f"] * 32) + " > 0", "could overflow"),  # even with doubles saturated at 1e10
    ("i = ?", "PLACEHOLDER"),
    ("random() < 0.5", "RAND"),
    ("LTRIM(s) = 'a'", "TRIM"),
    ("i IN (SELECT 1)", "IN with query"),
    ("s ~ 'a'", "REGEXP"),
    ("f = 1e999", "not a finite number"),
    ("LOWER(i) = 'a'", "LOWER of a integer"),
]


@pytest.mark.parametrize(("where", "named"), REFUSED)
def test_what_could_raise_on_some_value_is_refused_naming_it(where: str, named: str) -> None:
    with pytest.raises(InputError, match=named):
        compile_filter(cast(exp.Expression, sqlglot.parse_one(where, read="duckdb")), resolve)


ACCEPTED = [
    "i > 3 AND s LIKE 'a%'",
    "i * i > 0",  # in DOUBLE: cannot overflow
    "-i > 3 OR ABS(i) < 2",
    "f * f > 1 AND f / 3 < 2 AND f + f <> 0",
    "i / 2 > 1 AND i % 2 = 0 AND LENGTH(s) % 3 = 1",
    "CAST(b AS INT) + CAST(b AS DOUBLE) = 2",
    "CAST(i AS VARCHAR) = '5' AND CAST(f AS VARCHAR) <> ''",
    "d > '2020-01-01' AND d <= DATE '2021-06-30' AND CAST(ts AS DATE) = d",
    "COALESCE(f, 0) + 1 > 0 AND COALESCE(s, 'x') = 'x'",
    "SUBSTRING(s, 2, 3) = 'x' AND TRIM(LOWER(s)) || UPPER(s) = 'xX'",
    "i IN (1, 2.5, NULL) AND f BETWEEN -1 AND 1e300",
    "CAST('12' AS INT) = i AND CAST('2.5' AS DOUBLE) < f AND CAST('true' AS BOOLEAN) = b",
    "i = -9223372036854775808 OR i = 99999999999999999999",
    "NOT (s NOT LIKE 'x%') AND s ILIKE 'A_'",
    "b IS TRUE AND s IS NOT NULL",
    "NULL",
]


@pytest.mark.parametrize("where", ACCEPTED)
def test_ordinary_filters_are_accepted(where: str) -> None:
    assert compiled(where) is not None


def test_a_filter_is_refused_or_accepted_by_the_query_alone() -> None:
    """Compiling never looks at data: the same text gives the same SQL every time."""
    for where in ACCEPTED:
        assert compiled(where) == compiled(where)


# -- nothing accepted raises, on any engine -------------------------------------------------


def _literal(value: Any, sql_type: str) -> str:
    if value is None:
        return f"CAST(NULL AS {sql_type})"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if math.isnan(value):
            return "CAST('NaN' AS DOUBLE)"
        if math.isinf(value):
            return f"CAST('{'-' if value < 0 else ''}Infinity' AS DOUBLE)"
        return f"CAST({value!r} AS DOUBLE)"
    if isinstance(value, int):
        return f"CAST({value} AS BIGINT)"
    return "'" + str(value).replace("'", "''") + "'"


def values_sql(dialect: str) -> str:
    """The rows as a VALUES list with exact types, in ``dialect``."""
    rows = []
    for row in ROWS:
        cells = [_literal(row[name], sql_type) for name, (_d, sql_type) in COLUMNS.items()]
        rows.append(f"({', '.join(cells)})")
    sql = f"SELECT * FROM (VALUES {', '.join(rows)}) AS v({', '.join(COLUMNS)})"
    return sqlglot.transpile(sql, read="duckdb", write=dialect)[0]


Runner = Callable[[str], None]


def check_never_raises(where: str, run: Runner, dialect: str) -> None:
    sql = compiled(where)
    if sql is None:
        return
    query = sqlglot.transpile(f"SELECT COUNT(*) FROM t AS b WHERE {sql}", read="duckdb", write=dialect)[0]
    run(query)  # must not raise, whatever the rows hold


@pytest.fixture(scope="module")
def duck() -> Iterator[Runner]:
    import duckdb

    conn = duckdb.connect()
    conn.execute(f"CREATE TABLE t AS {values_sql('duckdb')}")
    assert conn.execute("SELECT COUNT(*) FROM t WHERE isnan(f)").fetchall()[0][0] == 1

    def run(q: str) -> None:
        conn.execute(q).fetchall()

    yield run
    conn.close()


@given(where_clauses)
@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_no_accepted_filter_raises_on_duckdb(duck: Runner, where: str) -> None:
    check_never_raises(where, duck, "duckdb")


def test_the_generator_reaches_both_sides_of_the_line() -> None:
    """A generator that only ever produced refused (or accepted) filters would prove nothing."""
    from hypothesis import find

    find(where_clauses, lambda w: compiled(w) is not None and "*" in w)
    find(where_clauses, lambda w: compiled(w) is None)


@pytest.fixture
def pg(postgres_url: str) -> Iterator[Runner]:
    import psycopg

    conn = psycopg.connect(postgres_url.replace("postgresql+psycopg://", "postgresql://"), autocommit=True)
    # Statements without parameters: '%' in the SQL is not a placeholder.
    conn.execute(f"CREATE TEMP TABLE t AS {values_sql('postgres')}")
    assert conn.execute("SELECT COUNT(*) FROM t WHERE f = 'NaN'").fetchall()[0][0] == 1

    def run(q: str) -> None:
        conn.execute(q).fetchall()

    yield run
    conn.close()


@pytest.mark.postgres
@given(where_clauses)
@settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_no_accepted_filter_raises_on_postgres(pg: Runner, where: str) -> None:
    check_never_raises(where, pg, "postgres")


@pytest.fixture(scope="module")
def spark(spark_session: Any) -> Iterator[Runner]:
    session = spark_session.newSession()
    session.sql(values_sql("spark")).createOrReplaceTempView("t")
    assert session.sql("SELECT COUNT(*) FROM t WHERE isnan(f)").collect()[0][0] == 1

    def run(q: str) -> None:
        session.sql(q).collect()

    yield run


@pytest.mark.spark
@pytest.mark.slow
@given(where_clauses)
@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_no_accepted_filter_raises_on_spark(spark: Runner, where: str) -> None:
    check_never_raises(where, spark, "spark")
