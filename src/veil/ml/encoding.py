"""How a training row becomes model inputs: the encoding a model is trained with and saved with.

* numeric columns: clamped to the policy's declared bounds and scaled to [-1, 1];
  without bounds (non-DP only) standardised with the training split's mean and
  standard deviation;
* categorical columns: one-hot over the policy's declared public keys, plus one
  ``(other)`` input for any value not declared (text compared without surrounding
  spaces, like DP queries); a boolean column over ``False``/``True`` (its schema);
  without declared keys (non-DP only) over the values seen in the training split.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from veil.dp.policy import DpPolicy, normalise_key
from veil.vault.dataset import Column, DType

if TYPE_CHECKING:
    from numpy.typing import NDArray

__all__ = ["BOOL_CATEGORIES", "OTHER", "Encoding", "FeatureSpec", "categorical_spec", "numeric_spec"]

#: The one-hot input of a categorical feature that every value outside its declared keys sets.
OTHER = "(other)"
#: A boolean column's categories, from its schema (no key needs declaring).
BOOL_CATEGORIES = ("False", "True")
FeatureKind = Literal["numeric", "categorical"]
Source = Literal["policy", "schema", "data"]


def _text(value: Any, strip: bool) -> str:
    """A stored value as the encoding compares it (declared text keys: without surrounding spaces)."""
    text = str(value)
    return normalise_key(text) if strip else text


@dataclass(frozen=True, slots=True)
class FeatureSpec:
    """How one source column becomes model inputs."""

    name: str
    kind: FeatureKind
    #: numeric: (centre, scale) with x' = (clamp(x) - centre) / scale
    centre: float = 0.0
    scale: float = 1.0
    #: numeric: clamp bounds (declared), or None (non-DP standardisation)
    bounds: tuple[float, float] | None = None
    #: categorical: the one-hot vocabulary (values as strings)
    categories: tuple[str, ...] = ()
    #: "policy" (declared bounds or keys: public), "schema" (a boolean's two values) or "data"
    #: (derived from the training rows: non-DP only)
    source: Source = "policy"
    #: categorical: one more input, set by any value not in ``categories`` (declared keys)
    other: bool = False
    #: categorical: compare values without leading and trailing spaces (declared text keys)
    strip: bool = False

    @property
    def width(self) -> int:
        return 1 if self.kind == "numeric" else len(self.categories) + int(self.other)

    def columns(self) -> list[str]:
        """Names of this feature's encoded inputs (``age``; ``sex=Female``, ..., ``sex=(other)``)."""
        if self.kind == "numeric":
            return [self.name]
        names = [f"{self.name}={c}" for c in self.categories]
        return [*names, f"{self.name}={OTHER}"] if self.other else names

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "kind": self.kind,
            "centre": self.centre,
            "scale": self.scale,
            "bounds": list(self.bounds) if self.bounds is not None else None,
            "categories": list(self.categories),
            "source": self.source,
            "other": self.other,
            "strip": self.strip,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> FeatureSpec:
        b = data.get("bounds")
        return cls(
            name=str(data["name"]),
            kind="numeric" if data["kind"] == "numeric" else "categorical",
            centre=float(data["centre"]),
            scale=float(data["scale"]),
            bounds=(float(b[0]), float(b[1])) if b is not None else None,
            categories=tuple(str(c) for c in data["categories"]),
            source=data["source"] if data["source"] in ("policy", "schema", "data") else "policy",
            other=bool(data.get("other", False)),
            strip=bool(data.get("strip", False)),
        )


@dataclass(frozen=True, slots=True)
class Encoding:
    """The feature encoding a model was trained with (saved with its weights)."""

    features: tuple[FeatureSpec, ...]
    target: str
    labels: tuple[str, str]  # (negative, positive)
    #: compare the target's values without surrounding spaces (declared text keys)
    target_strip: bool = False

    @property
    def width(self) -> int:
        return sum(f.width for f in self.features)

    def columns(self) -> list[str]:
        """Names of the encoded inputs (``age``, ``sex=Female``, ..., ``sex=(other)``)."""
        return [c for f in self.features for c in f.columns()]

    def encode(self, rows: list[dict[str, Any]]) -> NDArray[np.float32]:
        x = np.zeros((len(rows), self.width), dtype=np.float32)
        at = 0
        for f in self.features:
            if f.kind == "numeric":
                lo, hi = f.bounds if f.bounds is not None else (-math.inf, math.inf)
                for i, row in enumerate(rows):
                    v = row.get(f.name)
                    if v is not None and not (isinstance(v, float) and math.isnan(v)):
                        x[i, at] = (min(max(float(v), lo), hi) - f.centre) / f.scale
                    # a missing value stays 0: the centre of the column
            else:
                index = {c: j for j, c in enumerate(f.categories)}
                other = len(f.categories) if f.other else None
                for i, row in enumerate(rows):
                    v = row.get(f.name)
                    if v is None:
                        continue  # missing: all zeros
                    j = index.get(_text(v, f.strip), other)
                    if j is not None:
                        x[i, at + j] = 1.0
                    # a value outside the categories: the (other) input, else (data-derived) all zeros
            at += f.width
        return x

    def labels_of(self, rows: list[dict[str, Any]]) -> NDArray[np.float32]:
        """1 for the positive label, else 0 (see :meth:`labelled` for which rows have a label)."""
        positive = self.labels[1]
        target, strip = self.target, self.target_strip
        return np.array(
            [1.0 if r[target] is not None and _text(r[target], strip) == positive else 0.0 for r in rows],
            dtype=np.float32,
        )

    def labelled(self, rows: list[dict[str, Any]]) -> NDArray[np.bool_]:
        """Which rows' target is one of the two labels (others, e.g. missing, train nothing)."""
        labels = set(self.labels)
        return np.array(
            [r[self.target] is not None and _text(r[self.target], self.target_strip) in labels for r in rows],
            dtype=np.bool_,
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "features": [f.to_dict() for f in self.features],
            "target": self.target,
            "labels": list(self.labels),
            "target_strip": self.target_strip,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Encoding:
        neg, pos = (str(v) for v in data["labels"])
        return cls(
            features=tuple(FeatureSpec.from_dict(f) for f in data["features"]),
            target=str(data["target"]),
            labels=(neg, pos),
            target_strip=bool(data.get("target_strip", False)),
        )


def numeric_spec(col: Column, values: list[Any], policy: DpPolicy, *, private: bool) -> FeatureSpec:
    if col.name in policy.bounds:
        lo, hi = policy.bounds[col.name]
        return FeatureSpec(col.name, "numeric", centre=(lo + hi) / 2, scale=(hi - lo) / 2, bounds=(lo, hi))
    if private:  # plan_training refuses a DP plan with an unbounded numeric feature
        raise RuntimeError(f"a DP training plan without bounds for {col.name!r}")
    # Non-DP only: standardise with the training split's own mean and standard deviation.
    present = np.array([float(v) for v in values if v is not None], dtype=np.float64)
    present = present[np.isfinite(present)]
    centre = float(present.mean()) if present.size else 0.0
    std = float(present.std()) if present.size else 0.0
    return FeatureSpec(col.name, "numeric", centre=centre, scale=std if std > 0 else 1.0, source="data")


def categorical_spec(col: Column, values: list[Any], policy: DpPolicy, *, private: bool) -> FeatureSpec:
    declared = policy.keys.get(col.name)
    if declared:
        # Public: the declared keys, and one input for every value outside them (so the model's
        # inputs say nothing about which values occur).
        return FeatureSpec(
            col.name,
            "categorical",
            categories=tuple(dict.fromkeys(str(v) for v in declared)),
            other=True,
            strip=col.dtype is DType.TEXT,
        )
    if col.dtype is DType.BOOL:
        return FeatureSpec(col.name, "categorical", categories=BOOL_CATEGORIES, source="schema")
    if private:  # plan_training refuses a DP plan with an undeclared categorical feature
        raise RuntimeError(f"a DP training plan without keys for {col.name!r}")
    # Non-DP only: every value seen in the training split (read from the data).
    seen = tuple(sorted({str(v) for v in values if v is not None}))
    return FeatureSpec(col.name, "categorical", categories=seen, source="data")
