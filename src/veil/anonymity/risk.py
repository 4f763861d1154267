"""Re-identification risk under ARX's three attacker models, per record and summarised.

Transcribed from ARX's ``RiskModelSampleSummary`` (``arx-deidentifier/arx``,
``src/main/org/deidentifier/arx/risk/RiskModelSampleSummary.java``):

* **prosecutor** (the attacker knows the person is in the data): a record's risk is
  1/|class|; rA = share of records whose risk exceeds the threshold, rB = highest risk
  (1/smallest class), rM = lowest (1/largest class), rC = success rate = classes / records;
* **journalist** (the attacker links from a population table): as the prosecutor with each
  class's size in the population F instead of its size f in the sample; rC = max(classes / ΣF,
  Σ (f/F) / records). Without a population table ARX's population *is* the sample, and the
  journalist's figures are the prosecutor's;
* **marketer** (re-identify as many as possible): rC = Σ (f/F) / records (= classes / records
  without a population table).

Suppressed records are outside every class and carry no risk (ARX groups non-outliers only).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from veil.anonymity.classes import EquivalenceClasses
from veil.errors import InputError

__all__ = [
    "RiskSummary",
    "SampleRisk",
    "average_class_size",
    "discernibility",
    "record_risks",
    "sample_risk",
]


@dataclass(frozen=True, slots=True)
class RiskSummary:
    """ARX's figures for one attacker model (all in [0, 1])."""

    #: the threshold rA counts records above
    threshold: float
    #: share of records whose risk exceeds the threshold
    records_at_risk: float
    #: highest risk of a record (rB)
    highest: float
    #: lowest risk of a record (rM)
    lowest: float
    #: success rate: expected share of records re-identified (rC)
    success_rate: float


@dataclass(frozen=True, slots=True)
class SampleRisk:
    """Prosecutor, journalist and marketer risk of one table (ARX ``RiskModelSampleSummary``)."""

    prosecutor: RiskSummary
    journalist: RiskSummary
    #: the marketer's success rate (rC)
    marketer: float
    #: "sample" (no population table: journalist = prosecutor) or "identification table"
    population_source: str
    records: int
    classes: int
    #: records alone in their class
    sample_uniques: int


def _summary(threshold: float, f: np.ndarray, big_f: np.ndarray, success: float) -> RiskSummary:
    records = f.sum()
    at_risk = float(f[1.0 / big_f > threshold].sum() / records)
    return RiskSummary(
        threshold=threshold,
        records_at_risk=at_risk,
        highest=float(1.0 / big_f.min()),
        lowest=float(1.0 / big_f.max()),
        success_rate=float(success),
    )


def _population(classes: EquivalenceClasses, population_sizes: np.ndarray | None) -> np.ndarray:
    f = classes.sizes
    if population_sizes is None:
        return f
    big_f = np.asarray(population_sizes, dtype=np.int64)
    if big_f.shape != f.shape:
        raise InputError(f"{big_f.size} population class sizes for {f.size} classes")
    # A sample is a subset of its population: a class the population table lacks (or holds
    # fewer times) has at least its sample records there.
    out: np.ndarray = np.maximum(big_f, f)
    return out


def sample_risk(
    classes: EquivalenceClasses, *, threshold: float = 0.2, population_sizes: np.ndarray | None = None
) -> SampleRisk:
    """The three attacker models' figures; ``population_sizes``: each class's size in an
    identification table (:func:`veil.anonymity.classes.population_sizes`)."""
    if not 0 < threshold <= 1:
        raise InputError("the risk threshold must lie in (0, 1]")
    f = classes.sizes.astype(np.float64)
    if classes.count == 0:
        zero = RiskSummary(threshold, 0.0, 0.0, 0.0, 0.0)  # ARX: an empty sample has no risk
        return SampleRisk(zero, zero, 0.0, "sample", 0, 0, 0)
    records = f.sum()
    prosecutor = _summary(threshold, f, f, classes.count / records)
    big_f = _population(classes, population_sizes).astype(np.float64)
    marketer = float((f / big_f).sum() / records)
    if population_sizes is None:
        journalist, source = prosecutor, "sample"
    else:
        rc = max(classes.count / big_f.sum(), marketer)
        journalist, source = _summary(threshold, f, big_f, rc), "identification table"
    return SampleRisk(
        prosecutor=prosecutor,
        journalist=journalist,
        marketer=marketer,
        population_source=source,
        records=int(records),
        classes=classes.count,
        sample_uniques=classes.uniques(),
    )


def record_risks(classes: EquivalenceClasses, population_sizes: np.ndarray | None = None) -> np.ndarray:
    """Each row's re-identification probability: 1/|class| (prosecutor), or 1/F with population
    class sizes (journalist); 0 for a suppressed row."""
    big_f = _population(classes, population_sizes).astype(np.float64)
    out = np.zeros(len(classes.codes))
    kept = classes.kept
    out[kept] = 1.0 / big_f[classes.codes[kept]]
    return out


def discernibility(classes: EquivalenceClasses) -> int:
    """Discernibility metric: Σ |class|² + n·|suppressed| (ARX ``MetricSDDiscernability``;
    each suppressed record is indistinguishable from all n records)."""
    return int((classes.sizes.astype(np.int64) ** 2).sum()) + classes.rows * classes.suppressed


def average_class_size(classes: EquivalenceClasses, k: int) -> float:
    """Normalised average equivalence class size (AECS): n / (classes · k) (LeFevre et al. 2006;
    ARX's ``MetricSDAECS``, pyCANON's ``average_ecsize``); n counts the records in classes."""
    if k < 1:
        raise InputError("AECS needs k ≥ 1")
    if classes.count == 0:
        return 0.0
    return classes.n / (classes.count * k)
