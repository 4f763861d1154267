"""The UCI Adult census data for tests and benchmarks (CC BY 4.0; see ``adult_data/README.md``).

Not part of the wheel: tests import it as ``tests.support.adult``, benchmarks run from the
repository root (``python -m benchmarks.NAME``) do the same.
"""

from __future__ import annotations

import gzip
import shutil
from collections.abc import Sequence
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv

from veil.ml.federated_spec import FederatedSpec

__all__ = [
    "ADULT_BOUNDS",
    "ADULT_CATEGORIES",
    "ADULT_COLUMNS",
    "ADULT_GZ",
    "ADULT_KEYS",
    "SENSITIVE",
    "TARGET",
    "adult_csv",
    "adult_spec",
    "load_adult",
]

#: The training split (32,561 rows; ``adult_data/README.md`` says how it was prepared).
ADULT_GZ = Path(__file__).with_name("adult_data") / "adult.csv.gz"
ADULT_COLUMNS = (
    "person_id", "age", "workclass", "fnlwgt", "education", "education_num", "marital_status",
    "occupation", "relationship", "race", "sex", "capital_gain", "capital_loss", "hours_per_week",
    "native_country", "income",
)  # fmt: skip
TARGET = "income"  # ">50K" or "<=50K"
SENSITIVE = ("sex", "race")

#: Declared (public) bounds of Adult's numeric features for the federated spec.
ADULT_BOUNDS: dict[str, tuple[float, float]] = {
    "age": (17.0, 90.0),
    "education_num": (1.0, 16.0),
    "hours_per_week": (1.0, 99.0),
    "capital_gain": (0.0, 20000.0),
    "capital_loss": (0.0, 3000.0),
}
#: Declared category lists of Adult's categorical features (from the data set's documentation).
ADULT_CATEGORIES: dict[str, list[str]] = {
    "sex": ["Male", "Female"],
    "marital_status": [
        "Married-civ-spouse", "Never-married", "Divorced", "Separated", "Widowed",
        "Married-spouse-absent", "Married-AF-spouse",
    ],
    "relationship": ["Husband", "Not-in-family", "Own-child", "Unmarried", "Wife", "Other-relative"],
    "workclass": [
        "Private", "Self-emp-not-inc", "Self-emp-inc", "Federal-gov", "Local-gov", "State-gov",
        "Without-pay", "Never-worked",
    ],
    "occupation": [
        "Tech-support", "Craft-repair", "Other-service", "Sales", "Exec-managerial", "Prof-specialty",
        "Handlers-cleaners", "Machine-op-inspct", "Adm-clerical", "Farming-fishing", "Transport-moving",
        "Priv-house-serv", "Protective-serv", "Armed-Forces",
    ],
}  # fmt: skip
#: Declared keys of every Adult categorical column and of the target (the data set's documented
#: values), for ``PolicyStore.update(keys=...)``: DP training reads no category from the data.
ADULT_KEYS: dict[str, list[str]] = {
    **ADULT_CATEGORIES,
    "education": [
        "Bachelors", "Some-college", "11th", "HS-grad", "Prof-school", "Assoc-acdm", "Assoc-voc", "9th",
        "7th-8th", "12th", "Masters", "1st-4th", "10th", "Doctorate", "5th-6th", "Preschool",
    ],
    "race": ["White", "Asian-Pac-Islander", "Amer-Indian-Eskimo", "Other", "Black"],
    "native_country": [
        "United-States", "Cambodia", "England", "Puerto-Rico", "Canada", "Germany",
        "Outlying-US(Guam-USVI-etc)", "India", "Japan", "Greece", "South", "China", "Cuba", "Iran",
        "Honduras", "Philippines", "Italy", "Poland", "Jamaica", "Vietnam", "Mexico", "Portugal",
        "Ireland", "France", "Dominican-Republic", "Laos", "Ecuador", "Taiwan", "Haiti", "Columbia",
        "Hungary", "Guatemala", "Nicaragua", "Scotland", "Thailand", "Yugoslavia", "El-Salvador",
        "Trinadad&Tobago", "Peru", "Hong", "Holand-Netherlands",
    ],
    TARGET: ["<=50K", ">50K"],
}  # fmt: skip


def adult_spec(
    categorical: Sequence[str] = tuple(ADULT_CATEGORIES), *, dataset: str = "adult", purpose: str = "research"
) -> FederatedSpec:
    """The federated :class:`~veil.ml.federated_spec.FederatedSpec` of Adult (income > 50K).

    All of :data:`ADULT_BOUNDS` as numeric features and the ``categorical`` columns of
    :data:`ADULT_CATEGORIES` (default: all of them).
    """
    return FederatedSpec(
        dataset=dataset,
        purpose=purpose,
        target=TARGET,
        positive=">50K",
        numeric=dict(ADULT_BOUNDS),
        categorical={c: list(ADULT_CATEGORIES[c]) for c in categorical},
    )


def load_adult(rows: int | None = None) -> pa.Table:
    """The Adult training split as an Arrow table (first ``rows`` rows if given)."""
    with gzip.open(ADULT_GZ) as raw:
        table = pacsv.read_csv(raw)
    return table.slice(0, rows) if rows is not None else table


def adult_csv(path: Path, rows: int | None = None) -> Path:
    """Write the Adult data as a plain CSV (e.g. to ``veil ingest`` it); returns ``path``."""
    if rows is None:
        with gzip.open(ADULT_GZ) as raw, path.open("wb") as out:
            shutil.copyfileobj(raw, out)
        return path
    pacsv.write_csv(load_adult(rows), path)
    return path
