"""Fixtures for the DP tests.

``spark_session`` starts the process's shared local Spark session once; without pyspark or
Java the Spark tests skip on a laptop and fail under ``CI=true`` (as the PostgreSQL ones do).
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

import pytest

from veil.errors import ConfigError

if TYPE_CHECKING:
    from pyspark.sql import SparkSession


@pytest.fixture(scope="session")
def spark_session() -> SparkSession:
    """The shared local Spark session (``veil.dp.engines.spark.get_session``), started once."""
    from veil.dp.engines.spark import get_session

    try:
        return get_session()
    except ConfigError as exc:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"no Spark under CI=true ({exc.message}): .ci/run must install Java")
        pytest.skip(f"no Spark: {exc.message}")
