"""What a model file says about its inputs: which raw columns it reads and how they are encoded.

A model file may carry its ``inputs`` (:class:`InputEncoding`): numeric columns clamped to
their bounds and scaled, categorical ones one-hot encoded (with an ``(other)`` input for a
``veil train`` model's undeclared values), missing values given a fixed input. Then a client
encrypts raw rows (a ``veil release`` Parquet file, or CSV) and :meth:`InputEncoding.encode`
does the rest: the path from ``veil train`` or ``veil federated`` to ``veil he score`` needs
no hand-made matrix.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from veil.errors import InputError

__all__ = ["FloatArray", "InputEncoding", "InputFeature", "as_matrix", "floats"]

FloatArray = npt.NDArray[np.float64]


def floats(values: Any, what: str) -> tuple[float, ...]:
    try:
        out = tuple(float(v) for v in values)
    except (TypeError, ValueError) as exc:
        raise InputError(f"model {what} must be a list of numbers") from exc
    if not all(math.isfinite(v) for v in out):
        raise InputError(f"model {what} must be finite")
    return out


def as_matrix(X: Any, n_features: int | None = None) -> FloatArray:
    arr = np.asarray(X, dtype=np.float64)
    if arr.ndim == 1:
        arr = arr.reshape(1, -1)
    if arr.ndim != 2:
        raise InputError("features must be a 2-D array (samples x features)")
    if n_features is not None and arr.shape[1] != n_features:
        raise InputError(f"features have {arr.shape[1]} columns, the model expects {n_features}")
    if not np.isfinite(arr).all():
        bad = sorted({int(j) for j in np.nonzero(~np.isfinite(arr))[1]})
        raise InputError(f"features contain missing or non-finite values in column(s) {bad}")
    return arr


@dataclass(frozen=True)
class InputFeature:
    """How one raw column becomes model inputs (one for a numeric column, one per category)."""

    name: str
    kind: Literal["numeric", "categorical"]
    #: numeric: input = (clamp(x, bounds) - centre) / scale; a missing value gives ``missing``
    centre: float = 0.0
    scale: float = 1.0
    bounds: tuple[float, float] | None = None
    missing: float = 0.0
    #: categorical: one input per category (1 for the row's value, all 0 when missing or unknown)
    categories: tuple[str, ...] = ()
    #: categorical: compare values with surrounding spaces removed (the federated encoding)
    strip: bool = False
    #: categorical: one more input, ``NAME=(other)``, set by any value outside the categories
    #: (a ``veil train`` model's declared keys)
    other: bool = False

    def __post_init__(self) -> None:
        if self.kind not in ("numeric", "categorical"):
            raise InputError(f"model input {self.name!r}: kind must be numeric or categorical")
        if self.kind == "numeric":
            numbers = [self.centre, self.scale, self.missing, *(self.bounds or ())]
            if not all(math.isfinite(v) for v in numbers) or self.scale == 0:
                raise InputError(
                    f"model input {self.name!r}: centre, scale, bounds must be finite, scale non-zero"
                )
        elif not self.categories:
            raise InputError(f"model input {self.name!r}: a categorical input needs its categories")

    @property
    def columns(self) -> list[str]:
        if self.kind == "numeric":
            return [self.name]
        names = [f"{self.name}={c}" for c in self.categories]
        return [*names, f"{self.name}=(other)"] if self.other else names

    def to_dict(self) -> dict[str, Any]:
        if self.kind == "numeric":
            return {
                "name": self.name,
                "kind": "numeric",
                "centre": self.centre,
                "scale": self.scale,
                "bounds": list(self.bounds) if self.bounds is not None else None,
                "missing": self.missing,
            }
        return {
            "name": self.name,
            "kind": "categorical",
            "categories": list(self.categories),
            "strip": self.strip,
            "other": self.other,
        }

    @classmethod
    def from_dict(cls, d: Any) -> InputFeature:
        if not isinstance(d, dict) or not isinstance(d.get("name"), str):
            raise InputError("model inputs: each feature needs a name")
        if d.get("kind") == "numeric":
            b = d.get("bounds")
            lo_hi = floats(b, "input bounds") if b is not None else None
            if lo_hi is not None and (len(lo_hi) != 2 or lo_hi[0] > lo_hi[1]):
                raise InputError(f"model input {d['name']!r}: bounds must be [low, high]")
            return cls(
                d["name"],
                "numeric",
                centre=floats([d.get("centre", 0.0)], "input centre")[0],
                scale=floats([d.get("scale", 1.0)], "input scale")[0],
                bounds=(lo_hi[0], lo_hi[1]) if lo_hi is not None else None,
                missing=floats([d.get("missing", 0.0)], "input missing value")[0],
            )
        cats = d.get("categories")
        if not isinstance(cats, list):
            raise InputError(f"model input {d['name']!r}: categories must be a list")
        return cls(
            d["name"],
            "categorical",
            categories=tuple(str(c) for c in cats),
            strip=bool(d.get("strip")),
            other=bool(d.get("other")),
        )


@dataclass(frozen=True)
class InputEncoding:
    """The raw columns a model reads and how they are encoded (carried in its model file)."""

    features: tuple[InputFeature, ...]

    @property
    def columns(self) -> list[str]:
        """Names of the encoded inputs, in the model's order (``age``, ``sex=Female``, ...)."""
        return [c for f in self.features for c in f.columns]

    @property
    def raw_columns(self) -> list[str]:
        return [f.name for f in self.features]

    def encode(self, columns: Mapping[str, Sequence[Any]], n: int, what: str = "input") -> FloatArray:
        """The (n x inputs) matrix of raw column values; errors name columns, never values."""
        missing = [f.name for f in self.features if f.name not in columns]
        if missing:
            raise InputError(f"{what} has no column(s) {', '.join(missing)} (the model's raw inputs)")
        x = np.zeros((n, len(self.columns)), dtype=np.float64)
        at = 0
        for f in self.features:
            values = columns[f.name]
            if f.kind == "numeric":
                lo, hi = f.bounds if f.bounds is not None else (-math.inf, math.inf)
                for i, v in enumerate(values):
                    if v is None or (isinstance(v, float) and math.isnan(v)):
                        x[i, at] = f.missing
                        continue
                    try:
                        number = float(v)
                    except (TypeError, ValueError):
                        raise InputError(f"{what}: column {f.name} holds a non-numeric value") from None
                    if not math.isfinite(number):
                        x[i, at] = f.missing
                        continue
                    x[i, at] = (min(max(number, lo), hi) - f.centre) / f.scale
                at += 1
            else:
                index = {c: j for j, c in enumerate(f.categories)}
                other = len(f.categories) if f.other else None
                for i, v in enumerate(values):
                    if v is None:
                        continue
                    j = index.get(str(v).strip() if f.strip else str(v), other)
                    if j is not None:
                        x[i, at + j] = 1.0
                at += len(f.categories) + int(f.other)
        return x

    def to_dict(self) -> dict[str, Any]:
        return {"features": [f.to_dict() for f in self.features]}

    @classmethod
    def from_dict(cls, d: Any) -> InputEncoding:
        if not isinstance(d, dict) or not isinstance(d.get("features"), list) or not d["features"]:
            raise InputError("model inputs must list the features")
        return cls(tuple(InputFeature.from_dict(f) for f in d["features"]))

    @classmethod
    def from_training(cls, encoding: dict[str, Any]) -> InputEncoding:
        """From a ``veil train`` model's saved encoding (``veil.ml.data_prep.Encoding.to_dict``)."""
        out = []
        for f in encoding["features"]:
            if f["kind"] == "numeric":
                b = f.get("bounds")
                out.append(
                    InputFeature(
                        str(f["name"]),
                        "numeric",
                        centre=float(f["centre"]),
                        scale=float(f["scale"]),
                        bounds=(float(b[0]), float(b[1])) if b is not None else None,
                        missing=0.0,  # Encoding.encode leaves a missing value at 0 (the centre)
                    )
                )
            else:
                out.append(
                    InputFeature(
                        str(f["name"]),
                        "categorical",
                        categories=tuple(f["categories"]),
                        strip=bool(f.get("strip", False)),
                        other=bool(f.get("other", False)),
                    )
                )
        return cls(tuple(out))

    @classmethod
    def from_federated(cls, spec: dict[str, Any]) -> InputEncoding:
        """From a ``veil federated`` spec: numeric scaled to [0, 1] (missing: 0.5), categories stripped."""
        out = []
        for name, (lo, hi) in spec["numeric"].items():
            lo, hi = float(lo), float(hi)
            out.append(
                InputFeature(str(name), "numeric", centre=lo, scale=hi - lo, bounds=(lo, hi), missing=0.5)
            )
        for name, cats in spec["categorical"].items():
            out.append(
                InputFeature(str(name), "categorical", categories=tuple(str(c) for c in cats), strip=True)
            )
        return cls(tuple(out))
