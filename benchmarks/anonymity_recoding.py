"""Recoding benchmark: the optimal lattice search on Adult (k = 5, 8 quasi-identifiers; target
< 10 s) and Mondrian on 1,000,000 synthetic rows × 8 quasi-identifiers (k = 10; target < 60 s and
< 4 GB peak on one core), each beside a plain pandas groupby of the same table's equivalence
classes (the floor) measured in the same run.

Run alone: ``python -m benchmarks.anonymity_recoding [--quick] [--json]``; ``benchmarks/anonymity.py``
calls :func:`run` and prints the result under ``recoding``. Peak memory is the traced Python/NumPy
allocation peak of the Mondrian call (``tracemalloc``, a second run) and the process's peak RSS
(``resource.getrusage``).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import time
import tracemalloc
from typing import Any

import numpy as np
import pandas as pd

from veil.anonymity.classes import equivalence_classes
from veil.anonymity.lattice import optimal_recoding
from veil.anonymity.mondrian import mondrian
from veil.anonymity.suppression import Criteria

__all__ = ["ADULT_QUASI", "SYNTHETIC_QUASI", "main", "run", "synthetic"]

ADULT_QUASI = [
    "age",
    "education",
    "marital_status",
    "native_country",
    "race",
    "sex",
    "workclass",
    "occupation",
]  # fmt: skip  (ARX's Adult example's quasi-identifiers)
SYNTHETIC_QUASI = ["age", "zip", "sex", "race", "marital", "education", "occupation", "hours"]
ADULT_TARGET_S = 10.0
MONDRIAN_TARGET_S = 60.0
MONDRIAN_TARGET_MB = 4096.0


def synthetic(rows: int, seed: int = 0) -> pd.DataFrame:
    """A census-like table: numeric age and hours, 5-digit ZIP codes, skewed categories."""
    rng = np.random.default_rng(seed)

    def skewed(names: str) -> np.ndarray:
        w = 1.0 / np.arange(1, len(names) + 1) ** 0.8
        return np.asarray(list(names))[rng.choice(len(names), size=rows, p=w / w.sum())]

    return pd.DataFrame(
        {
            "age": np.clip(rng.normal(40, 14, rows), 17, 90).astype(np.int64),
            "zip": np.char.zfill(rng.integers(0, 100_000, rows).astype(str), 5),
            "sex": rng.choice(["F", "M"], size=rows),
            "race": skewed("ABCDE"),
            "marital": skewed("abcdefg"),
            "education": skewed("0123456789ABCDEF"),
            "occupation": skewed("abcdefghijklmn"),
            "hours": np.clip(rng.normal(40, 12, rows), 1, 99).astype(np.int64),
            "diagnosis": rng.choice(["flu", "cold", "asthma", "diabetes"], size=rows),
        }
    )


def _timed(fn: Any) -> tuple[Any, float]:
    t0 = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t0


def adult_optimal(max_suppression: float = 0.02) -> dict[str, Any]:
    from tests.support.adult import load_adult

    df = load_adult().to_pandas()
    _, floor_s = _timed(lambda: df.groupby(ADULT_QUASI, dropna=False, observed=True).size())
    res, veil_s = _timed(
        lambda: optimal_recoding(df, ADULT_QUASI, Criteria(5), max_suppression=max_suppression)
    )
    classes = equivalence_classes(res.table, ADULT_QUASI)
    assert classes.k >= 5
    return {
        "rows": len(df),
        "max_suppression": max_suppression,
        "levels": res.levels,
        "lattice_nodes": res.nodes,
        "checked": res.checked,
        "tagged": res.tagged,
        "suppressed": classes.suppressed,
        "ncp": round(res.loss / (len(df) * len(ADULT_QUASI)), 4),
        "veil_s": round(veil_s, 2),
        "floor_pandas_groupby_s": round(floor_s, 4),
        "veil_vs_floor": round(veil_s / floor_s, 1),
        "target_s": ADULT_TARGET_S,
        "within_target": veil_s < ADULT_TARGET_S,
    }


def mondrian_synthetic(rows: int) -> dict[str, Any]:
    df = synthetic(rows)
    _, floor_s = _timed(lambda: df.groupby(SYNTHETIC_QUASI, dropna=False, observed=True).size())
    res, veil_s = _timed(lambda: mondrian(df, SYNTHETIC_QUASI, Criteria(10)))
    classes = equivalence_classes(res.table, SYNTHETIC_QUASI)
    assert classes.k >= 10
    del res
    tracemalloc.start()
    mondrian(df, SYNTHETIC_QUASI, Criteria(10))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    peak_mb = peak / 2**20
    return {
        "rows": rows,
        "quasi_identifiers": len(SYNTHETIC_QUASI),
        "k": classes.k,
        "classes": classes.count,
        "veil_s": round(veil_s, 2),
        "floor_pandas_groupby_s": round(floor_s, 3),
        "veil_vs_floor": round(veil_s / floor_s, 1),
        "traced_peak_mb": round(peak_mb, 1),
        "target_s": MONDRIAN_TARGET_S,
        "target_mb": MONDRIAN_TARGET_MB,
        "within_target": veil_s < MONDRIAN_TARGET_S and peak_mb < MONDRIAN_TARGET_MB,
    }


def run(quick: bool = False) -> dict[str, Any]:
    """Both benchmarks (``quick``: Mondrian on 100,000 rows)."""
    return {
        "adult_optimal_k5": adult_optimal(),
        "mondrian_k10": mondrian_synthetic(100_000 if quick else 1_000_000),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "load_1min": round(os.getloadavg()[0], 2),
    }


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="Mondrian on 100,000 rows")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    result = run(quick=args.quick)
    print(
        json.dumps(result, indent=2, default=str)
        if args.json
        else "\n".join(f"{k}: {v}" for k, v in result.items())
    )
    return result


if __name__ == "__main__":
    main()
