"""The local Spark session that masks tables (``veil pii mask --engine spark``).

It follows the conventions of the DP engine's session (:mod:`veil.dp.engines.spark`,
which this package may not import: ``veil.dp`` and ``veil.pii`` are independent
layers): no UI, no Hive, driver bound to 127.0.0.1, scratch files in a private temp
directory removed at exit, Spark's logs at ``ERROR`` on stderr with failed tasks'
messages switched off (they can quote a value from the data) and nothing from the JVM on
stdout. The master is ``local[*]``: masking is CPU-bound Python in every core. A Spark
context already running in the process (the DP engine's, a notebook's) is used as it is.

Python workers run the interpreter that runs Veil (``PYSPARK_PYTHON`` unless set), so
they import the same ``veil`` and PII engine as the driver.
"""

from __future__ import annotations

import atexit
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import warnings
from pathlib import Path
from typing import TYPE_CHECKING

from veil.errors import MissingDependencyError

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

__all__ = ["MISSING_RUNTIME", "condition_of", "spark_session"]

MISSING_RUNTIME = (
    "masking with --engine spark needs pyspark and a Java 17+ runtime: pip install 'veil[spark]' "
    "and apt-get install openjdk-17-jre-headless"
)

# As in veil.dp.engines.spark: errors only, on stderr; a failed task is not printed (its error,
# a Python traceback too, can quote values): not by the executor, the task set, the file
# writer (which logs the aborted task) or Spark's utilities.
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
_lock = threading.Lock()
_session: SparkSession | None = None


def _check_java() -> None:
    java_home = os.environ.get("JAVA_HOME")
    java = str(Path(java_home) / "bin" / "java") if java_home else shutil.which("java")
    if java is None or not os.access(java, os.X_OK):
        raise MissingDependencyError(
            f"{MISSING_RUNTIME} (no {'$JAVA_HOME/bin/java' if java_home else 'java'})"
        )
    try:
        done = subprocess.run(  # noqa: S603 - the java binary spark-submit itself would run
            [java, "-version"], capture_output=True, text=True, timeout=60, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        raise MissingDependencyError(f"{MISSING_RUNTIME} (`{java} -version` failed)") from None
    found = _JAVA_VERSION.search(done.stderr + done.stdout)
    if done.returncode != 0 or found is None:
        raise MissingDependencyError(f"{MISSING_RUNTIME} (`{java} -version` failed)")
    major, minor = int(found.group(1)), int(found.group(2) or 0)
    version = minor if major == 1 else major
    if version < 17:
        raise MissingDependencyError(f"{MISSING_RUNTIME} ({java} is Java {version})")


def spark_session() -> SparkSession:
    """A new session (own settings and views) on the process's shared local Spark context.

    Raises :class:`~veil.errors.MissingDependencyError` when pyspark or Java is missing.
    """
    global _session
    with _lock, warnings.catch_warnings():
        # PySpark warns (FutureWarning) that it has not been tried with pandas 3; nothing here uses pandas
        warnings.filterwarnings(
            "ignore", message="PySpark does not yet fully support pandas", category=FutureWarning
        )
        if _session is None:
            _session = _start()
        return _session.newSession()


def _start() -> SparkSession:
    try:
        from pyspark import SparkConf, SparkContext
        from pyspark.errors import PySparkException
        from pyspark.java_gateway import launch_gateway
        from pyspark.sql import SparkSession
    except ImportError as exc:
        raise MissingDependencyError(MISSING_RUNTIME) from exc
    chosen = os.environ.get("PYSPARK_PYTHON")  # the user's choice, if any, before ours
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    active = SparkContext._active_spark_context
    if active is not None:
        # A context another part of Veil started (the DP engine runs no Python on workers, so it
        # leaves pyspark's default "python3" from PATH, which may not have Veil): workers must run
        # this interpreter unless the user named one.
        if chosen is None and active.pythonExec != sys.executable:
            active.pythonExec = sys.executable
        return SparkSession.builder.getOrCreate()
    _check_java()
    work_dir = Path(tempfile.mkdtemp(prefix="veil-pii-spark-"))
    log_config = work_dir / "log4j2.properties"
    log_config.write_text(_LOG4J2_PROPERTIES, encoding="utf-8")
    java_options = f'-Dlog4j2.configurationFile={log_config.as_uri()} "-Djava.io.tmpdir={work_dir}"'
    conf = (
        SparkConf()
        .setMaster("local[*]")
        .setAppName("veil-pii-mask")
        .set("spark.ui.enabled", "false")
        .set("spark.ui.showConsoleProgress", "false")
        .set("spark.driver.bindAddress", "127.0.0.1")
        .set("spark.driver.host", "127.0.0.1")
        .set("spark.sql.catalogImplementation", "in-memory")
        .set("spark.sql.warehouse.dir", (work_dir / "warehouse").as_uri())
        .set("spark.sql.session.timeZone", "UTC")
        .set("spark.local.dir", str(work_dir))
        .set("spark.driver.extraJavaOptions", java_options)
        # a failed task is not retried: masking is deterministic, a retry would fail alike
        .set("spark.task.maxFailures", "1")
    )
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    try:
        gateway = launch_gateway(conf, popen_kwargs={"stdout": 2})  # type: ignore[no-untyped-call]
        context = SparkContext(conf=conf, gateway=gateway)
    except PySparkException as exc:
        shutil.rmtree(work_dir, ignore_errors=True)
        raise MissingDependencyError(
            f"{MISSING_RUNTIME} (the Java gateway did not start; its error is on stderr above)"
        ) from exc
    context.setLogLevel("ERROR")
    try:
        from pyspark.logger import PySparkLogger  # pyspark 4: logs a failed query's message (values)
    except ImportError:  # pyspark 3.5 has no such loggers
        pass
    else:
        for name in ("SQLQueryContextLogger", "DataFrameQueryContextLogger"):
            PySparkLogger.getLogger(name).disabled = True
    session = SparkSession(context)
    atexit.register(_stop, session, work_dir)
    return session


def _stop(session: SparkSession, work_dir: Path) -> None:
    """Stop the session and its JVM, remove the scratch directory (registered with atexit)."""
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
