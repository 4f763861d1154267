"""The local Spark session that masks tables (``veil pii mask --engine spark``).

It is started by :mod:`veil.spark`, like the DP engine's (no UI, no Hive, driver bound to
127.0.0.1, scratch files removed at exit, no failed task's message printed, nothing from the
JVM on stdout). The master is ``local[*]``: masking is CPU-bound Python in every core. A
failed task is not retried: masking is deterministic, a retry would fail alike. A Spark
context already running in the process (the DP engine's, a notebook's) is used as it is.

Python workers run the interpreter that runs Veil (``PYSPARK_PYTHON`` unless set), so
they import the same ``veil`` and PII engine as the driver.
"""

from __future__ import annotations

import os
import sys
import threading
import warnings
from typing import TYPE_CHECKING

from veil.errors import MissingDependencyError
from veil.spark import condition_of, start_local_spark

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

__all__ = ["MISSING_RUNTIME", "condition_of", "spark_session"]

MISSING_RUNTIME = (
    "masking with --engine spark needs pyspark and a Java 17+ runtime: pip install 'veil[spark]' "
    "and apt-get install openjdk-17-jre-headless"
)

_lock = threading.Lock()
_session: SparkSession | None = None


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
        from pyspark import SparkContext
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
    return start_local_spark(
        master="local[*]",
        app_name="veil-pii-mask",
        settings={"spark.task.maxFailures": "1"},
        missing=lambda reason: MissingDependencyError(f"{MISSING_RUNTIME} ({reason})"),
    )
