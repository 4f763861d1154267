"""The declared specification every site of a federated run shares, and how it is declared.

A :class:`FederatedSpec` names the dataset, purpose, target and positive label, and the
features with their *declared* encoding (numeric bounds, category lists): never learned
from a site's data, so every site encodes alike and nothing about one site's values leaves
it through the encoding. :func:`declare_spec` builds one from what a user gave (features,
bounds, categories, the positive label) and fills the rest from the first site's DP
policy (``veil dataset set --bounds/--keys``): the bounds and keys of features not given,
and, without a positive label, the target's two declared values (the second in sorted
order is the positive one, as ``veil train`` picks it).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from veil.dp.policy import PolicyStore
from veil.errors import InputError
from veil.workspace import Workspace

__all__ = ["FederatedSpec", "declare_spec"]

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class FederatedSpec:
    """What every site reads and how it encodes it (declared, never learned from data).

    ``numeric``: column -> (low, high) bounds; values are clamped and scaled to [0, 1]
    (missing -> the middle). ``categorical``: column -> the category list; one column
    per category, an unknown or missing value encodes as all zeros.
    """

    dataset: str
    purpose: str
    target: str
    positive: str
    numeric: dict[str, tuple[float, float]] = field(default_factory=dict)
    categorical: dict[str, list[str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.numeric and not self.categorical:
            raise InputError("name at least one feature (numeric with bounds or categorical with categories)")
        for name, (lo, hi) in self.numeric.items():
            if not (math.isfinite(lo) and math.isfinite(hi) and lo < hi):
                raise InputError(f"bounds of {name!r} must be finite with low < high")
        for name, cats in self.categorical.items():
            if not cats or len(set(cats)) != len(cats):
                raise InputError(f"categories of {name!r} must be a non-empty list without duplicates")
        overlap = set(self.numeric) & set(self.categorical)
        if overlap or self.target in self.numeric or self.target in self.categorical:
            raise InputError("a column is declared twice (features must be distinct and not the target)")

    @property
    def features(self) -> list[str]:
        return [*self.numeric, *self.categorical]

    @property
    def columns(self) -> list[str]:
        """Column names of the encoded matrix, in order."""
        return [*self.numeric, *[f"{c}={v}" for c, cats in self.categorical.items() for v in cats]]

    @property
    def width(self) -> int:
        return len(self.numeric) + sum(len(c) for c in self.categorical.values())

    def encode(self, columns: Mapping[str, Sequence[Any]], n: int) -> FloatArray:
        """The design matrix (n x width) of raw column values."""
        x = np.zeros((n, self.width), dtype=np.float64)
        j = 0
        for name, (lo, hi) in self.numeric.items():
            raw = np.array([np.nan if v is None else float(v) for v in columns[name]], dtype=np.float64)
            scaled = (np.clip(raw, lo, hi) - lo) / (hi - lo)
            x[:, j] = np.where(np.isnan(scaled), 0.5, scaled)
            j += 1
        for name, cats in self.categorical.items():
            index = {v: i for i, v in enumerate(cats)}
            for row, v in enumerate(columns[name]):
                k = index.get(str(v).strip()) if v is not None else None
                if k is not None:
                    x[row, j + k] = 1.0
            j += len(cats)
        return x

    def labels(self, values: Sequence[Any]) -> FloatArray:
        return np.array([1.0 if str(v).strip() == self.positive else 0.0 for v in values], dtype=np.float64)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["numeric"] = {k: [lo, hi] for k, (lo, hi) in self.numeric.items()}
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> FederatedSpec:
        return cls(
            dataset=str(data["dataset"]),
            purpose=str(data["purpose"]),
            target=str(data["target"]),
            positive=str(data["positive"]),
            numeric={str(k): (float(v[0]), float(v[1])) for k, v in data["numeric"].items()},
            categorical={str(k): [str(x) for x in v] for k, v in data["categorical"].items()},
        )


def declare_spec(
    dataset: str,
    purpose: str,
    target: str,
    features: Sequence[str],
    *,
    positive: str | None = None,
    bounds: Mapping[str, tuple[float, float]] | None = None,
    categories: Mapping[str, Sequence[str]] | None = None,
    policy_site: Path | None = None,
) -> FederatedSpec:
    """The spec of a federated run from what was given, completed from ``policy_site``'s DP policy.

    Each feature needs a declared encoding: ``bounds`` (numeric) or ``categories``, else the
    bounds or keys declared for it in ``policy_site`` (the first site). Without ``positive``
    the target's two declared keys there decide it (the second in sorted order, as
    ``veil train`` picks it). The policy is read only when something is missing; it holds
    declared, public values, never a row.
    """
    names = list(dict.fromkeys(f for f in features if f))
    if not names:
        raise InputError("--features: name at least one column")
    numeric = dict(bounds or {})
    cats = {k: [str(v) for v in vs] for k, vs in (categories or {}).items()}
    missing = [n for n in names if n not in numeric and n not in cats]
    if (missing or positive is None) and policy_site is not None:
        declared_bounds, declared_keys = _declared(policy_site, dataset, [*missing, target])
        numeric.update({n: declared_bounds[n] for n in missing if n in declared_bounds})
        cats.update({n: declared_keys[n] for n in missing if n in declared_keys and n not in numeric})
        if positive is None:
            positive = _positive_of(declared_keys.get(target), dataset, target)
    if positive is None:
        raise InputError(_POSITIVE_HINT.format(dataset=dataset, target=target))
    undeclared = [n for n in names if n not in numeric and n not in cats]
    if undeclared:
        raise InputError(
            f"no declared encoding for {', '.join(undeclared)}: give --bounds COLUMN=LOW:HIGH or "
            "--categories COLUMN=V1,V2,... (or declare them with `veil dataset set` in the first site)"
        )
    extra = [n for n in [*numeric, *cats] if n not in names]
    if extra:
        raise InputError(f"--bounds/--categories name columns that are not in --features: {', '.join(extra)}")
    return FederatedSpec(
        dataset=dataset,
        purpose=purpose,
        target=target,
        positive=positive,
        numeric={n: numeric[n] for n in names if n in numeric},
        categorical={n: cats[n] for n in names if n in cats},
    )


_POSITIVE_HINT = (
    "name the target's positive class with --positive, or declare its two values in the first site "
    "(`veil dataset set {dataset} --keys {target}=NEGATIVE,POSITIVE`)"
)


def _positive_of(keys: list[str] | None, dataset: str, target: str) -> str:
    """The positive label from the target's declared keys: exactly two, the second in sorted order."""
    values = sorted(dict.fromkeys(k.strip() for k in keys or [] if k.strip()))
    if len(values) != 2:
        raise InputError(_POSITIVE_HINT.format(dataset=dataset, target=target))
    return values[1]


def _declared(site: Path, dataset: str, columns: list[str]) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """Public bounds and key sets declared in a site's DP policy (``veil dataset set``)."""
    ws = Workspace.open(site)
    try:
        policy = PolicyStore(ws).get(dataset)
    finally:
        ws.close()
    bounds = {c: policy.bounds[c] for c in columns if c in policy.bounds}
    keys = {c: [str(v) for v in policy.keys[c]] for c in columns if c in policy.keys}
    return bounds, keys
