"""The local Spark context that Veil starts when no Spark is running in the process.

Two capabilities run on Spark: the DP engine (:mod:`veil.dp.engines.spark`, SQL aggregates)
and table masking (:mod:`veil.pii.tables.spark`, pandas UDFs). They may not import each other
(``veil.dp`` and ``veil.pii`` are independent layers), so the start-up they share lives here:

- the Java runtime is checked first (17 or later), with the caller's error and message;
- no UI, no Hive, the driver bound to 127.0.0.1, scratch files in a private temporary
  directory that is removed at exit, where the JVM is also stopped;
- Spark's logs at ``ERROR`` on stderr, nothing from the JVM on stdout (the CLI prints JSON
  there), and no failed task or query printed at all: its message can quote a value from the
  data (``CAST_INVALID_INPUT`` names the value, a Python worker's traceback shows its row).
  Callers report only the error condition (:func:`condition_of`).

Each caller decides what to do with a context that is already running (a notebook's, the
other capability's) before calling :func:`start_local_spark`.
"""

from __future__ import annotations

import atexit
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

__all__ = ["condition_of", "java_version", "start_local_spark"]

# Spark's own log4j2 defaults log at INFO/WARN and announce themselves; this keeps the console
# to errors, on stderr. The root stays at WARN, filtered to ERROR at the appender: a pyspark
# driver counts as Spark's shell, and Spark prints "Setting default log level" whenever the root
# level is not the shell's default (WARN). A failed task is not printed (its error, a Python
# traceback too, can quote values): not by the executor, the task set, the file writer (which
# logs the aborted task), Spark's utilities or the task context.
# (No logger under org.apache.spark.api.python: Spark would take it for the shell's level.)
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
logger.writer.name = org.apache.spark.sql.execution.datasources
logger.writer.level = off
logger.utils.name = org.apache.spark.util.Utils
logger.utils.level = off
logger.context.name = org.apache.spark.TaskContextImpl
logger.context.level = off
"""

_JAVA_VERSION = re.compile(r'version "(\d+)(?:\.(\d+))?')


def _java_binary() -> str | None:
    """The ``java`` that spark-submit will run: ``$JAVA_HOME/bin/java``, else the one on ``PATH``."""
    java_home = os.environ.get("JAVA_HOME")
    if java_home:
        candidate = Path(java_home) / "bin" / "java"
        return str(candidate) if os.access(candidate, os.X_OK) else None
    return shutil.which("java")


def java_version(java: str) -> int | None:
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


def _check_java(missing: Callable[[str], Exception]) -> None:
    java = _java_binary()
    if java is None:
        raise missing(f"no {'$JAVA_HOME/bin/java' if os.environ.get('JAVA_HOME') else 'java on PATH'}")
    version = java_version(java)
    if version is None:
        raise missing(f"`{java} -version` failed")
    if version < 17:
        raise missing(f"{java} is Java {version}")


def start_local_spark(
    *,
    master: str,
    app_name: str,
    settings: Mapping[str, str],
    missing: Callable[[str], Exception],
) -> SparkSession:
    """Start a local Spark context (see the module's notes) and return its first session.

    ``settings`` are added to the common configuration. ``missing(reason)`` builds the error
    raised when pyspark or a Java 17+ runtime is missing (``reason`` says which), so each
    capability names its own extra and error type. Call only when no Spark context is running.
    """
    try:
        from pyspark import SparkConf, SparkContext
        from pyspark.errors import PySparkException
        from pyspark.java_gateway import launch_gateway
        from pyspark.sql import SparkSession
    except ImportError as exc:
        raise missing("pyspark is not installed") from exc
    _check_java(missing)
    work_dir = Path(tempfile.mkdtemp(prefix="veil-spark-"))
    log_config = work_dir / "log4j2.properties"
    log_config.write_text(_LOG4J2_PROPERTIES, encoding="utf-8")
    java_options = f'-Dlog4j2.configurationFile={log_config.as_uri()} "-Djava.io.tmpdir={work_dir}"'
    conf = (
        SparkConf()
        .setMaster(master)
        .setAppName(app_name)
        .set("spark.ui.enabled", "false")
        .set("spark.ui.showConsoleProgress", "false")
        .set("spark.driver.bindAddress", "127.0.0.1")
        .set("spark.driver.host", "127.0.0.1")
        .set("spark.sql.catalogImplementation", "in-memory")
        .set("spark.sql.warehouse.dir", (work_dir / "warehouse").as_uri())
        .set("spark.sql.session.timeZone", "UTC")
        .set("spark.local.dir", str(work_dir))
        .set("spark.driver.extraJavaOptions", java_options)
    )
    for key, value in settings.items():
        conf.set(key, value)
    # Spark otherwise looks up the host name and may pick a network interface over loopback.
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    try:
        # The JVM inherits our stdout unless told otherwise; send whatever it prints to stderr.
        gateway = launch_gateway(conf, popen_kwargs={"stdout": 2})  # type: ignore[no-untyped-call]
        context = SparkContext(conf=conf, gateway=gateway)
    except PySparkException as exc:
        shutil.rmtree(work_dir, ignore_errors=True)
        raise missing("the Java gateway did not start; its error is on stderr above") from exc
    context.setLogLevel("ERROR")
    _silence_query_context_loggers()
    session = SparkSession(context)
    atexit.register(_stop, session, work_dir)
    return session


def _silence_query_context_loggers() -> None:
    """PySpark 4 logs a failed query's error message to stderr; the message can quote a value
    from the data, so those loggers are switched off (pyspark 3.5 has none)."""
    try:
        from pyspark.logger import PySparkLogger
    except ImportError:
        return
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
                process.stdin.close()  # the gateway server exits when its stdin closes
                process.wait(timeout=30)
    except Exception:  # noqa: S110 - at exit a JVM that already died has nothing left to stop
        pass
    finally:
        shutil.rmtree(work_dir, ignore_errors=True)


def condition_of(exc: BaseException) -> str:
    """Spark's error condition (e.g. ``FAILED_READ_FILE``), never its message (it can quote data)."""
    getter = getattr(exc, "getCondition", None) or getattr(exc, "getErrorClass", None)
    try:
        found = getter() if getter is not None else None
    except Exception:
        found = None
    return str(found) if found else type(exc).__name__
