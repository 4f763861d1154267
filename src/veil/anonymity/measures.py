"""Every measure of one table at once: what ``veil anonymity check`` reports.

:func:`measure_table` computes the equivalence classes once and derives from them the privacy
models, ARX's risk figures, the population-uniqueness estimates (given a population size),
k-map and δ-presence (given a population size or an identification table), SUDA and the
utility figures. The result is plain data (:meth:`TableMeasures.to_dict` for JSON).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from veil.anonymity.classes import equivalence_classes, population_sizes
from veil.anonymity.closeness import equal_distance_t, hierarchical_t, ordered_t
from veil.anonymity.distribution import sensitive_distribution
from veil.anonymity.privacy_models import (
    AlphaK,
    DeltaPresence,
    KMap,
    alpha_k,
    basic_beta,
    delta_disclosure,
    delta_presence,
    distinct_l,
    enhanced_beta,
    entropy_l,
    k_map,
    k_map_estimated,
    recursive_c,
)
from veil.anonymity.risk import SampleRisk, average_class_size, discernibility, sample_risk
from veil.anonymity.suda import SudaResult, suda
from veil.anonymity.uniqueness import PopulationUniqueness, population_uniqueness
from veil.errors import InputError

__all__ = ["SensitiveMeasures", "SudaSummary", "TableMeasures", "measure_table"]


@dataclass(frozen=True, slots=True)
class SensitiveMeasures:
    """The attribute-disclosure models of one sensitive attribute."""

    attribute: str
    alpha_k: AlphaK
    distinct_l: int
    entropy_l: float
    #: the bound c of recursive (c, ℓ)-diversity at ``recursive_l`` (holds for every c above it)
    recursive_c: float
    recursive_l: int
    #: t-closeness, equal ground distance
    t_equal: float
    #: t-closeness, ordered ground distance (numeric or ordered values; None for unordered text)
    t_ordered: float | None
    #: t-closeness, hierarchical ground distance (None without a hierarchy)
    t_hierarchical: float | None
    beta_basic: float
    beta_enhanced: float
    delta_disclosure: float


@dataclass(frozen=True, slots=True)
class SudaSummary:
    max_size: int
    special_uniques: int
    records_with_msu: int
    contributions: dict[str, float]


@dataclass(frozen=True, slots=True)
class TableMeasures:
    """What one table's quasi-identifiers (and sensitive attributes) give away."""

    quasi: tuple[str, ...]
    rows: int
    suppressed: int
    classes: int
    k: int
    risk: SampleRisk
    discernibility: int
    aecs: float
    sensitive: tuple[SensitiveMeasures, ...]
    population: int | None
    uniqueness: PopulationUniqueness | None
    k_map: KMap | None
    delta_presence: DeltaPresence | None
    suda: SudaSummary | None

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe: infinities as the string ``"inf"``."""
        out: dict[str, Any] = _jsonable(dataclasses.asdict(self))
        return out


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return "inf" if value > 0 else ("-inf" if value < 0 else None)
    if isinstance(value, np.generic):
        return _jsonable(value.item())
    return value


def _ordered(values: pd.Series) -> bool:
    return bool(pd.api.types.is_numeric_dtype(values) or pd.api.types.is_datetime64_any_dtype(values))


def measure_table(
    df: pd.DataFrame,
    quasi: Sequence[str],
    *,
    sensitive: Sequence[str] = (),
    population: int | None = None,
    identification: pd.DataFrame | None = None,
    threshold: float = 0.2,
    recursive_l: int = 2,
    hierarchies: Mapping[str, Mapping[Any, Sequence[Any]]] | None = None,
    orders: Mapping[str, Sequence[Any]] | None = None,
    suda_max_size: int | None = 3,
    suppressed: np.ndarray | None = None,
) -> TableMeasures:
    """Measure ``df`` over ``quasi`` (see the module docstring).

    ``population``: the number of people the table is a sample of (uniqueness estimators and
    the estimated k-map). ``identification``: a table of the population with the same
    quasi-identifier columns (journalist risk, exact k-map, δ-presence). ``orders``: the value
    order of ordinal sensitive attributes (ordered t-closeness), ``hierarchies``: their
    generalisation paths (hierarchical t-closeness). ``suda_max_size=None`` skips SUDA.
    """
    if len(df) == 0:
        raise InputError("the dataset is empty: there is nothing to measure")
    classes = equivalence_classes(df, quasi, suppressed=suppressed)
    if classes.count == 0:
        raise InputError("every row is suppressed: there is nothing to measure")
    if population is not None and identification is not None:
        raise InputError("give a population size or an identification table, not both")
    pop_sizes = None
    if identification is not None:
        if len(identification) == 0:
            raise InputError("the identification table is empty")
        pop_sizes = population_sizes(df, classes, identification)
    if population is not None and population < classes.n:
        raise InputError(f"the population ({population}) is smaller than the dataset ({classes.n} rows)")
    sens: list[SensitiveMeasures] = []
    for attribute in sensitive:
        dist = sensitive_distribution(df, classes, attribute)
        hierarchy = (hierarchies or {}).get(attribute)
        order = (orders or {}).get(attribute)
        sens.append(
            SensitiveMeasures(
                attribute=attribute,
                alpha_k=alpha_k(dist),
                distinct_l=distinct_l(dist),
                entropy_l=entropy_l(dist),
                recursive_c=recursive_c(dist, recursive_l),
                recursive_l=recursive_l,
                t_equal=equal_distance_t(dist),
                t_ordered=ordered_t(dist, order) if order is not None or _ordered(df[attribute]) else None,
                t_hierarchical=hierarchical_t(dist, hierarchy) if hierarchy is not None else None,
                beta_basic=basic_beta(dist),
                beta_enhanced=enhanced_beta(dist),
                delta_disclosure=delta_disclosure(dist),
            )
        )
    summary: SudaSummary | None = None
    if suda_max_size is not None:
        kept = df.loc[classes.kept]
        result: SudaResult = suda(kept, classes.quasi, max_size=min(suda_max_size, len(classes.quasi)))
        summary = SudaSummary(
            max_size=result.max_size,
            special_uniques=result.special_uniques,
            records_with_msu=result.records_with_msu,
            contributions=result.contributions,
        )
    return TableMeasures(
        quasi=classes.quasi,
        rows=classes.rows,
        suppressed=classes.suppressed,
        classes=classes.count,
        k=classes.k,
        risk=sample_risk(classes, threshold=threshold, population_sizes=pop_sizes),
        discernibility=discernibility(classes),
        aecs=average_class_size(classes, classes.k),
        sensitive=tuple(sens),
        population=population,
        uniqueness=population_uniqueness(classes, population) if population is not None else None,
        k_map=(
            k_map(df, classes, identification)
            if identification is not None
            else (k_map_estimated(classes, population) if population is not None else None)
        ),
        delta_presence=delta_presence(df, classes.quasi, identification)
        if identification is not None
        else None,
        suda=summary,
    )
