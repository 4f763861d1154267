"""The Spark engine: runs a DP plan's SQL on Spark, for data that outgrows one machine.

The planner sends plain Spark SQL that returns only aggregates; this engine registers
each table's Parquet file or directory as a temporary view and collects the few rows
that come back as plain Python tuples (``BIGINT`` as ``int``, ``DOUBLE`` as ``float``,
``DECIMAL`` as ``decimal.Decimal``).

By default every engine runs on one shared local session per process
(:func:`get_session`), each in its own :meth:`SparkSession.newSession` so that views of
two engines never meet. The session is built for a laptop or a CI machine: local
master, no UI, no Hive, driver bound to 127.0.0.1, Spark's logs at ``ERROR`` on stderr
and nothing from the JVM on stdout (the CLI prints JSON there; :mod:`veil.spark` starts it).
Pass ``session=`` to run on a cluster session of your own.

pyspark is imported only when a session is needed, so this module imports without it.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from veil.errors import ConfigError, InputError
from veil.spark import condition_of, start_local_spark

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

    from veil.dp.plan import QueryPlan
    from veil.workspace import Workspace

__all__ = ["SparkEngine", "SparkTables", "get_session"]

MISSING_RUNTIME = (
    "the Spark engine needs pyspark and a Java 17+ runtime: pip install 'veil[spark]' "
    "and apt-get install openjdk-17-jre-headless"
)

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")

_lock = threading.Lock()
_session: SparkSession | None = None


def get_session() -> SparkSession:
    """The process's shared local Spark session, started on first use and stopped at exit.

    Raises :class:`~veil.errors.ConfigError` when pyspark or Java is missing.
    """
    global _session
    with _lock:
        if _session is None:
            _session = _start_session()
        return _session


def _start_session() -> SparkSession:
    try:
        from pyspark import SparkContext
        from pyspark.sql import SparkSession
    except ImportError as exc:
        raise ConfigError(MISSING_RUNTIME) from exc
    if SparkContext._active_spark_context is not None:
        # Spark is already running in this process (a notebook, a job that embeds Veil): use it
        # as it is, and leave stopping it to whoever started it.
        return SparkSession.builder.getOrCreate()
    # two cores and few partitions: the aggregates' shuffles are small (veil.spark: the rest)
    return start_local_spark(
        master="local[2]",
        app_name="veil",
        settings={"spark.sql.shuffle.partitions": "4", "spark.default.parallelism": "4"},
        missing=lambda reason: ConfigError(f"{MISSING_RUNTIME} ({reason})"),
    )


class SparkTables:
    """Spark SQL over Parquet files registered as temporary views (what :class:`SparkEngine` runs on)."""

    name = "spark"
    dialect = "spark"  # the sqlglot dialect the planner writes

    def __init__(self, tables: Mapping[str, Path], *, session: SparkSession | None = None) -> None:
        from pyspark.errors import PySparkException

        for table in tables:
            if not _IDENTIFIER.fullmatch(table):
                raise InputError(f"table name {table!r} is not a plain SQL identifier (letters, digits, _)")
        # Our own session shares the process's Spark context but not its views or settings;
        # a session the caller passed in is used as it is.
        self._session = get_session().newSession() if session is None else session
        self._views: list[str] = []
        for table, path in tables.items():
            try:
                self._session.read.parquet(str(path)).createOrReplaceTempView(table)
            except PySparkException as exc:
                self.close()
                raise InputError(
                    f"cannot read table {table!r} from {path} as Parquet ({condition_of(exc)})"
                ) from exc
            self._views.append(table)

    def execute(self, sql: str) -> list[tuple[Any, ...]]:
        """Run one Spark SQL query and return its rows as plain tuples."""
        from pyspark.errors import PySparkException

        try:
            rows = self._session.sql(sql).collect()
        except PySparkException as exc:
            # Spark's messages can quote values from the data; only its error condition is passed on.
            raise InputError(f"Spark could not run the query ({condition_of(exc)})") from exc
        return [tuple(row) for row in rows]

    def close(self) -> None:
        """Drop this engine's views; the shared session itself lives until the process exits."""
        while self._views:
            self._session.catalog.dropTempView(self._views.pop())

    def __enter__(self) -> SparkTables:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


class _PlanRun:
    def __init__(self, engine: SparkTables, queries: list[str]) -> None:
        self.engine = engine
        self.queries = queries

    def execute(self) -> list[list[tuple[Any, ...]]]:
        from veil.dp.engines.base import normalise

        return [[tuple(normalise(v) for v in row) for row in self.engine.execute(q)] for q in self.queries]

    def close(self) -> None:
        self.engine.close()


class SparkEngine:
    """Runs a DP plan on Spark over the dataset's rows, exported from the mirror as Parquet.

    Spark does its own contribution bounding (a window over each subject's rows in
    the salted order the mirror and PostgreSQL use), so its true aggregates equal theirs.
    """

    name = "spark"
    dialect = "spark"

    def __init__(self, ws: Workspace, *, session: SparkSession | None = None) -> None:
        self.ws = ws
        self._session = session

    def prepare(self, plan: QueryPlan) -> _PlanRun:
        from veil.dp.mirror import Mirror
        from veil.dp.public import PublicTables

        if self._session is None:
            get_session()  # pyspark and Java are checked before anything else is done
        mirror = Mirror(self.ws)
        with mirror.release_view(plan.release, plan.policy.salt) as view:
            names_, conditions = view.selection(plan.release)
            rows = view.export_parquet(plan.dataset, self.ws.root / "analytics" / "spark")
        where = f" WHERE {' AND '.join(conditions)}" if conditions else ""
        bounded = (
            f"SELECT * FROM (SELECT {', '.join(names_)}, ROW_NUMBER() OVER (PARTITION BY _sid "  # noqa: S608
            f"ORDER BY md5('{plan.policy.salt}' || _row)) AS _rk FROM veil_rows{where}) AS x "
            f"WHERE _rk <= {plan.policy.max_rows_per_subject}"
        )
        public = PublicTables(self.ws)
        tables: dict[str, Path] = {"veil_rows": rows}
        names: dict[str, str] = {}
        for t in plan.public.values():
            tables[f"pub_{t.name}"] = public.parquet_path(t.name)
            names[t.name] = f"pub_{t.name}"
        queries = plan.sql(bounded, self.dialect, names)
        return _PlanRun(SparkTables(tables, session=self._session), queries)

    def run(self, plan: QueryPlan) -> list[list[tuple[Any, ...]]]:
        from veil.dp.engines.base import run_plan

        return run_plan(self, plan)

    def close(self) -> None:
        return None
