"""Anonymity benchmark: Veil's risk measures on 1,000,000 rows with 8 quasi-identifiers.

A synthetic census-like table (default 1,000,000 rows; age, sex, race, marital status,
education, occupation, a 3-digit ZIP, an hours band; a Zipf-distributed diagnosis as the
sensitive attribute) is measured three ways, each in this process:

* **floor**: a plain pandas group-by of the equivalence classes (``df.groupby(quasi).size()``)
  and nothing else;
The quasi-identifiers are coarsened as a release would have them (age in decades, grouped
education, ZIP regions, hours in bands): about 2 million combinations, so a million rows
hold unique records, small classes and large ones alike.

* **Veil**: ``veil.anonymity.measures.measure_table`` — classes, k, ARX's prosecutor/journalist/
  marketer figures, discernibility, AECS, the four population-uniqueness estimators (N = 10·n),
  estimated k-map, and the sensitive attribute's ℓ (distinct, entropy, recursive), (α,k),
  t-closeness (equal distance), β-likeness (basic, enhanced) and δ-disclosure — target < 5 s;
  SUDA (MSUs of up to 2 attributes) timed apart;
* **pyCANON** (``pycanon``, checks only; a pure-Python loop over the classes): its k-anonymity
  on the whole table, beside Veil's equivalence classes; and its k-anonymity,
  ℓ-diversity, entropy ℓ, (α,k), basic β, δ-disclosure and t-closeness on the first
  ``--pycanon-rows`` rows (default 2,000: pyCANON takes minutes for a few thousand rows and
  would run for days on a million), beside Veil's
  figures on the same rows, which must be equal (pyCANON's δ uses ln, Veil's log₂: compared
  × ln 2).

Recoding sections (Mondrian, optimal lattice search, ...) come from
``benchmarks/anonymity_recoding.py`` when it exists: its ``run(quick: bool) -> dict`` is called
and its result printed under ``recoding``.

Run: ``python -m benchmarks.anonymity [--rows N] [--pycanon-rows M] [--quick] [--json]``.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import json
import math
import os
import resource
import time
from typing import Any

import numpy as np
import pandas as pd

from veil.anonymity.classes import equivalence_classes
from veil.anonymity.closeness import equal_distance_t
from veil.anonymity.distribution import sensitive_distribution
from veil.anonymity.measures import measure_table
from veil.anonymity.privacy_models import alpha_k, basic_beta, delta_disclosure, distinct_l, entropy_l
from veil.anonymity.suda import suda

QUASI = ["age", "sex", "race", "marital", "education", "occupation", "zip3", "hours"]
SENSITIVE = "diagnosis"
TARGET_S = 5.0


def synthetic(rows: int, seed: int = 0) -> pd.DataFrame:
    """A census-like table: skewed categorical quasi-identifiers and a Zipf sensitive attribute."""
    rng = np.random.default_rng(seed)

    def skewed(k: int) -> np.ndarray:
        weights = 1.0 / np.arange(1, k + 1) ** 0.8
        return rng.choice(k, size=rows, p=weights / weights.sum())

    return pd.DataFrame(
        {
            "age": (np.clip(rng.normal(40, 14, rows), 17, 90) // 10 * 10).astype(np.int64),  # decades
            "sex": rng.choice(["F", "M"], size=rows),
            "race": skewed(5),
            "marital": skewed(7),
            "education": skewed(5),  # grouped levels
            "occupation": skewed(14),
            "zip3": (100 + skewed(10)).astype(str),  # 3-digit ZIP regions
            "hours": (np.clip(rng.normal(40, 12, rows), 1, 99) // 20).astype(np.int64),  # bands
            SENSITIVE: np.minimum(rng.zipf(1.5, rows), 40),
        }
    )


def _timed(fn: Any) -> tuple[Any, float]:
    t0 = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t0


def _veil_checks(df: pd.DataFrame) -> dict[str, Any]:
    d = sensitive_distribution(df, equivalence_classes(df, QUASI), SENSITIVE)
    return {
        "k": d.classes.k,
        "l_distinct": distinct_l(d),
        "l_entropy_floor": math.floor(entropy_l(d)),
        "alpha": alpha_k(d).alpha,
        "beta_basic": basic_beta(d),
        "delta_disclosure_ln": delta_disclosure(d) * math.log(2),
        "t_closeness": equal_distance_t(d),
    }


def _pycanon_k(df: pd.DataFrame) -> int | None:
    """pyCANON's k-anonymity (a group-by, then one index array per class) on the whole table."""
    try:
        from pycanon import anonymity  # type: ignore[import-untyped]
    except ImportError:
        return None
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return int(anonymity.k_anonymity(df, QUASI))


def _pycanon_checks(df: pd.DataFrame) -> dict[str, Any] | None:
    try:
        from pycanon import anonymity
    except ImportError:
        return None
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sens = [SENSITIVE]
        text = df.assign(**{SENSITIVE: df[SENSITIVE].astype(str)})  # equal-distance t (categorical)
        return {
            "k": anonymity.k_anonymity(df, QUASI),
            "l_distinct": anonymity.l_diversity(df, QUASI, sens),
            "l_entropy_floor": anonymity.entropy_l_diversity(df, QUASI, sens),
            "alpha": anonymity.alpha_k_anonymity(df, QUASI, sens)[0],
            "beta_basic": anonymity.basic_beta_likeness(df, QUASI, sens),
            "delta_disclosure_ln": anonymity.delta_disclosure(df, QUASI, sens),
            "t_closeness": anonymity.t_closeness(text, QUASI, sens),
        }


def _equal(a: dict[str, Any], b: dict[str, Any]) -> bool:
    return all(math.isclose(float(a[k]), float(b[k]), rel_tol=1e-9, abs_tol=1e-12) for k in a)


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--pycanon-rows", type=int, default=2_000)
    parser.add_argument("--quick", action="store_true", help="100,000 rows and 500 for pyCANON")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    if args.quick:
        args.rows, args.pycanon_rows = 100_000, 500
    df, build_s = _timed(lambda: synthetic(args.rows))
    groups, floor_s = _timed(lambda: df.groupby(QUASI, dropna=False, observed=True).size())
    measures, veil_s = _timed(
        lambda: measure_table(df, QUASI, sensitive=[SENSITIVE], population=10 * args.rows, suda_max_size=None)
    )
    assert measures.k == int(groups.min()) and measures.classes == len(groups)
    _, classes_s = _timed(lambda: equivalence_classes(df, QUASI))
    msus, suda_s = _timed(lambda: suda(df, QUASI, max_size=2))
    k_full, pycanon_k_s = _timed(lambda: _pycanon_k(df))
    small = df.iloc[: args.pycanon_rows]
    ours, ours_s = _timed(lambda: _veil_checks(small))
    theirs, theirs_s = _timed(lambda: _pycanon_checks(small))
    result: dict[str, Any] = {
        "rows": args.rows,
        "quasi_identifiers": len(QUASI),
        "classes": measures.classes,
        "k": measures.k,
        "sample_uniques": measures.risk.sample_uniques,
        "build_s": round(build_s, 2),
        "floor_pandas_groupby_s": round(floor_s, 3),
        "veil_classes_s": round(classes_s, 3),
        "veil_classes_vs_floor": round(classes_s / floor_s, 2),
        "veil_all_measures_s": round(veil_s, 3),
        "veil_all_measures_vs_floor": round(veil_s / floor_s, 2),
        "target_s": TARGET_S,
        "within_target": veil_s < TARGET_S,
        "veil_suda_msu2_s": round(suda_s, 2),
        "suda_special_uniques": msus.special_uniques,
        "dankar_population_uniques": measures.uniqueness.dankar if measures.uniqueness else None,
        "pycanon_k_anonymity_full_table_s": round(pycanon_k_s, 2) if k_full is not None else None,
        "pycanon_k_full_vs_veil_classes": round(pycanon_k_s / classes_s, 1) if k_full is not None else None,
        "pycanon_k_full_equal": k_full == measures.k if k_full is not None else None,
        "pycanon_rows": len(small),
        "veil_checks_on_pycanon_rows_s": round(ours_s, 4),
        "pycanon_checks_s": round(theirs_s, 2) if theirs is not None else None,
        "pycanon_vs_veil": round(theirs_s / ours_s, 1) if theirs is not None else None,
        "pycanon_results_equal": _equal(ours, theirs) if theirs is not None else None,
        "pycanon_installed": theirs is not None,
    }
    if importlib.util.find_spec("benchmarks.anonymity_recoding") is not None:
        recoding = importlib.import_module("benchmarks.anonymity_recoding")
        result["recoding"] = recoding.run(quick=args.quick)
    result["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    result["cpus"] = os.cpu_count()
    result["load_1min"] = round(os.getloadavg()[0], 2)
    if args.json:
        print(json.dumps(result, indent=2, default=str))
    else:
        for k, v in result.items():
            print(f"{k:>32}: {v}")
    return result


if __name__ == "__main__":
    main()
