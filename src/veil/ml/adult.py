"""The UCI Adult census data shipped with Veil (CC BY 4.0; see ``data/README.md``)."""

from __future__ import annotations

import gzip
import shutil
from importlib import resources
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv

__all__ = ["ADULT_COLUMNS", "SENSITIVE", "TARGET", "adult_csv", "load_adult"]

ADULT_COLUMNS = (
    "person_id", "age", "workclass", "fnlwgt", "education", "education_num", "marital_status",
    "occupation", "relationship", "race", "sex", "capital_gain", "capital_loss", "hours_per_week",
    "native_country", "income",
)  # fmt: skip
TARGET = "income"  # ">50K" or "<=50K"
SENSITIVE = ("sex", "race")


def load_adult(rows: int | None = None) -> pa.Table:
    """The Adult training split as an Arrow table (first ``rows`` rows if given)."""
    with resources.files("veil.ml").joinpath("data/adult.csv.gz").open("rb") as fh, gzip.open(fh) as raw:
        table = pacsv.read_csv(raw)
    return table.slice(0, rows) if rows is not None else table


def adult_csv(path: Path, rows: int | None = None) -> Path:
    """Write the Adult data as a plain CSV (e.g. to ``veil ingest`` it); returns ``path``."""
    if rows is None:
        source = resources.files("veil.ml").joinpath("data/adult.csv.gz")
        with source.open("rb") as fh, gzip.open(fh) as raw, path.open("wb") as out:
            shutil.copyfileobj(raw, out)
        return path
    pacsv.write_csv(load_adult(rows), path)
    return path
