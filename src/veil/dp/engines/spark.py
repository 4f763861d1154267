"""The Spark engine: runs a DP plan's SQL on Spark, for data that outgrows one machine.

The planner sends plain Spark SQL that returns only aggregates; this engine registers
each table's Parquet file or directory as a temporary view and collects the few rows
that come back as plain Python tuples (``BIGINT`` as ``int``, ``DOUBLE`` as ``float``,
``DECIMAL`` as ``decimal.Decimal``).

By default every engine runs on one shared local session per process
(:func:`get_session`), each in its own :meth:`SparkSession.newSession` so that views of
two engines never meet. The session is built for a laptop or a CI machine: local
master, no UI, no Hive, driver bound to 127.0.0.1, Spark's logs at ``ERROR`` on stderr
and nothing from the JVM on stdout (the CLI prints JSON there). Pass ``session=`` to
run on a cluster session of your own.

pyspark is imported only when a session is needed, so this module imports without it.
"""

from __future__ import annotations

import atexit
import os
import re
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from veil.errors import ConfigError, InputError

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

    from veil.dp.plan import QueryPlan
    from veil.workspace import Workspace

__all__ = ["SparkEngine", "SparkTables", "get_session"]

MISSING_RUNTIME = (
    "the Spark engine needs pyspark and a Java 17+ runtime: pip install 'veil[spark]' "
    "and apt-get install openjdk-17-jre-headless"
)

# Spark's own log4j2 defaults log at INFO/WARN and announce themselves; this keeps the
# console to errors, on stderr. The root stays at WARN, filtered to ERROR at the appender:
# a pyspark driver counts as Spark's shell, and Spark prints "Setting default log level"
# whenever the root level is not the shell's default (WARN). A failed task's error is not
# printed at all: its message can quote a value from the data (CAST_INVALID_INPUT names it).
_LOG4J2_PROPERTIES = """\
rootLogger.level = warn
rootLogger.appenderRef.stderr.ref = stderr
appender.console.type = Console
appender.console.name = stderr
appender.console.target = SYSTEM_ERR
appender.console.filter.threshold.type = ThresholdFilter
appender.console.filter.threshold.level = error
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = %d{yy/MM/dd HH:mm:ss} %p %c{1}: %m%n%ex
logger.executor.name = org.apache.spark.executor.Executor
logger.executor.level = off
logger.tasks.name = org.apache.spark.scheduler.TaskSetManager
logger.tasks.level = off
"""

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_JAVA_VERSION = re.compile(r'version "(\d+)(?:\.(\d+))?')

_lock = threading.Lock()
_session: SparkSession | None = None


def _java_binary() -> str | None:
    """The ``java`` that spark-submit will run: ``$JAVA_HOME/bin/java``, else the one on ``PATH``."""
    java_home = os.environ.get("JAVA_HOME")
    if java_home:
        candidate = Path(java_home) / "bin" / "java"
        return str(candidate) if os.access(candidate, os.X_OK) else None
    return shutil.which("java")


def _java_major_version(java: str) -> int | None:
    """The feature version of ``java`` (8, 11, 17, 21...) from ``java -version``; None if it fails."""
    try:
        done = subprocess.run(  # noqa: S603 - the java binary spark-submit itself would run
            [java, "-version"], capture_output=True, text=True, timeout=60, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    found = _JAVA_VERSION.search(done.stderr + done.stdout)
    if done.returncode != 0 or found is None:
        return None
    major, minor = int(found.group(1)), int(found.group(2) or 0)
    return minor if major == 1 else major  # "1.8.0_392" is Java 8


def _check_java() -> None:
    java = _java_binary()
    if java is None:
        where = "$JAVA_HOME/bin/java" if os.environ.get("JAVA_HOME") else "java on PATH"
        raise ConfigError(f"{MISSING_RUNTIME} (no {where})")
    version = _java_major_version(java)
    if version is None:
        raise ConfigError(f"{MISSING_RUNTIME} (`{java} -version` failed)")
    if version < 17:
        raise ConfigError(f"{MISSING_RUNTIME} ({java} is Java {version})")


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
        from pyspark import SparkConf, SparkContext
        from pyspark.errors import PySparkException
        from pyspark.java_gateway import launch_gateway
        from pyspark.sql import SparkSession
    except ImportError as exc:
        raise ConfigError(MISSING_RUNTIME) from exc
    if SparkContext._active_spark_context is not None:
        # Spark is already running in this process (a notebook, a job that embeds Veil): use it
        # as it is, and leave stopping it to whoever started it.
        return SparkSession.builder.getOrCreate()
    _check_java()

    work_dir = Path(tempfile.mkdtemp(prefix="veil-spark-"))
    log_config = work_dir / "log4j2.properties"
    log_config.write_text(_LOG4J2_PROPERTIES, encoding="utf-8")
    java_options = f'-Dlog4j2.configurationFile={log_config.as_uri()} "-Djava.io.tmpdir={work_dir}"'
    conf = (
        SparkConf()
        .setMaster("local[2]")
        .setAppName("veil")
        .set("spark.ui.enabled", "false")
        .set("spark.ui.showConsoleProgress", "false")
        .set("spark.sql.shuffle.partitions", "4")
        .set("spark.default.parallelism", "4")
        .set("spark.driver.bindAddress", "127.0.0.1")
        .set("spark.driver.host", "127.0.0.1")
        .set("spark.sql.catalogImplementation", "in-memory")
        .set("spark.sql.warehouse.dir", (work_dir / "warehouse").as_uri())
        .set("spark.sql.session.timeZone", "UTC")
        .set("spark.local.dir", str(work_dir))
        .set("spark.driver.extraJavaOptions", java_options)
    )
    # Spark otherwise looks up the host name and may pick a network interface over loopback.
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    try:
        # The JVM inherits our stdout unless told otherwise; send whatever it prints to stderr.
        gateway = launch_gateway(conf, popen_kwargs={"stdout": 2})  # type: ignore[no-untyped-call]
        context = SparkContext(conf=conf, gateway=gateway)
    except PySparkException as exc:
        shutil.rmtree(work_dir, ignore_errors=True)
        raise ConfigError(
            f"{MISSING_RUNTIME} (the Java gateway did not start; its error is on stderr above)"
        ) from exc
    context.setLogLevel("ERROR")
    _silence_query_context_loggers()
    session = SparkSession(context)
    atexit.register(_stop, session, work_dir)
    return session


def _silence_query_context_loggers() -> None:
    """PySpark logs a failed query's error message to stderr; the message can quote a value
    from the data (``CAST_INVALID_INPUT`` names the value), so those loggers are switched off.
    Veil reports only the error condition (see :func:`_condition`)."""
    from pyspark.logger import PySparkLogger

    for name in ("SQLQueryContextLogger", "DataFrameQueryContextLogger"):
        PySparkLogger.getLogger(name).disabled = True


def _stop(session: SparkSession, work_dir: Path) -> None:
    """Stop the session, end the JVM and remove its scratch directory (registered with atexit)."""
    from pyspark import SparkContext

    gateway = SparkContext._gateway
    try:
        session.stop()
        if gateway is not None:
            process = getattr(gateway, "proc", None)
            gateway.shutdown()
            SparkContext._gateway = None
            SparkContext._jvm = None
            if process is not None:
                # The gateway server exits when its stdin closes.
                process.stdin.close()
                process.wait(timeout=30)
    except Exception:  # noqa: S110 - at exit a JVM that already died has nothing left to stop
        pass
    finally:
        shutil.rmtree(work_dir, ignore_errors=True)


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
                    f"cannot read table {table!r} from {path} as Parquet ({_condition(exc)})"
                ) from exc
            self._views.append(table)

    def execute(self, sql: str) -> list[tuple[Any, ...]]:
        """Run one Spark SQL query and return its rows as plain tuples."""
        from pyspark.errors import PySparkException

        try:
            rows = self._session.sql(sql).collect()
        except PySparkException as exc:
            # Spark's messages can quote values from the data; only its error condition is passed on.
            raise InputError(f"Spark could not run the query ({_condition(exc)})") from exc
        return [tuple(row) for row in rows]

    def close(self) -> None:
        """Drop this engine's views; the shared session itself lives until the process exits."""
        while self._views:
            self._session.catalog.dropTempView(self._views.pop())

    def __enter__(self) -> SparkTables:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def _condition(exc: Exception) -> str:
    """Spark's error condition (e.g. ``UNRESOLVED_COLUMN.WITH_SUGGESTION``), never its message."""
    getter = getattr(exc, "getCondition", None) or getattr(exc, "getErrorClass", None)
    condition = getter() if getter is not None else None
    return str(condition) if condition else type(exc).__name__


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
