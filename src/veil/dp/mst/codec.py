"""Columns to integer codes and back: the cells MST counts and samples.

Numeric columns are clamped to their declared bounds and cut into ``bins`` equal-width
bins (integer columns: integer bins, at most one per value). Every column has one extra
cell, code 0, for "missing": a null numeric value, a null or undeclared category. That
cell is released as null.
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from veil.errors import InputError

__all__ = [
    "MISSING",
    "OTHER_CATEGORY",
    "CategoricalCodec",
    "Codec",
    "FloatArray",
    "IntArray",
    "NumericCodec",
    "SynthColumn",
    "as_strings",
    "counts",
]

OTHER_CATEGORY = "__other__"
"""Reserved cell for null and undeclared values; released as null."""

#: Code of the missing/other cell in every column.
MISSING = 0

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class SynthColumn:
    """A column to synthesise and its public domain."""

    name: str
    kind: Literal["categorical", "numeric"]
    bounds: tuple[float, float] | None = None  # numeric: required clamp bounds
    categories: tuple[str, ...] | None = None  # categorical: declared public domain, if any
    integer: bool = False  # numeric column of ints (round synthetic values)


class Codec(ABC):
    """Maps a column to integer codes in ``[0, size)``; code 0 is missing/other."""

    name: str
    size: int

    @abstractmethod
    def encode(self, values: pa.ChunkedArray) -> IntArray: ...

    @abstractmethod
    def decode(self, codes: IntArray, rng: np.random.Generator) -> pa.Array: ...


class CategoricalCodec(Codec):
    def __init__(self, name: str, categories: Sequence[str]) -> None:
        self.name = name
        self.categories = tuple(categories)
        self.size = len(self.categories) + 1

    def encode(self, values: pa.ChunkedArray) -> IntArray:
        strings = as_strings(self.name, values)
        index = pc.index_in(strings, value_set=pa.array(self.categories, pa.string()))
        codes = pc.fill_null(pc.add(index, 1), MISSING)
        return np.asarray(codes.to_numpy(), dtype=np.int64)

    def decode(self, codes: IntArray, rng: np.random.Generator) -> pa.Array:
        lookup = pa.array((None, *self.categories), pa.string())
        return lookup.take(pa.array(codes))


class NumericCodec(Codec):
    def __init__(self, name: str, edges: FloatArray, integer: bool) -> None:
        self.name = name
        self.edges = edges  # bins + 1 increasing edges; integer columns: integers, last one exclusive
        self.integer = integer
        self.size = len(edges)  # the bins and the missing cell

    @classmethod
    def build(cls, column: SynthColumn, bins: int) -> NumericCodec:
        assert column.bounds is not None  # checked by _check_request
        lower, upper = column.bounds
        if column.integer:
            low, high = math.ceil(lower), math.floor(upper)
            n_values = high - low + 1
            n_bins = min(bins, n_values)
            edges = low + np.floor(np.arange(n_bins + 1) * n_values / n_bins)
        else:
            edges = np.linspace(lower, upper, bins + 1)
        return cls(column.name, np.asarray(edges, dtype=np.float64), column.integer)

    def encode(self, values: pa.ChunkedArray) -> IntArray:
        try:
            floats = pc.cast(values, pa.float64())
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:
            raise InputError(
                f"column {self.name!r} is declared numeric but holds non-numeric values"
            ) from exc
        x = np.asarray(floats.to_numpy(zero_copy_only=False), dtype=np.float64)  # nulls become NaN
        missing = np.isnan(x)
        n_bins = len(self.edges) - 1
        low, high = self.edges[0], self.edges[-1]
        if self.integer:  # edges are integers and the last one is exclusive
            position = np.searchsorted(self.edges, np.round(np.clip(x, low, high - 1)), side="right") - 1.0
        else:
            position = np.floor((np.clip(x, low, high) - low) / ((high - low) / n_bins))
        bin_index = np.clip(np.nan_to_num(position), 0, n_bins - 1).astype(np.int64)
        return np.where(missing, MISSING, bin_index + 1)

    def decode(self, codes: IntArray, rng: np.random.Generator) -> pa.Array:
        missing = codes == MISSING
        bin_index = np.maximum(codes - 1, 0)
        low, high = self.edges[bin_index], self.edges[bin_index + 1]
        if self.integer:
            ints = rng.integers(low.astype(np.int64), high.astype(np.int64))
            return pa.array(ints, pa.int64(), mask=missing)
        floats = np.minimum(low + rng.random(len(codes)) * (high - low), self.edges[-1])
        return pa.array(floats, pa.float64(), mask=missing)


def as_strings(name: str, values: pa.ChunkedArray) -> pa.ChunkedArray:
    try:
        return pc.cast(values, pa.string())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:
        raise InputError(f"column {name!r} cannot be read as categories (text)") from exc


def counts(codes: dict[str, IntArray], sizes: dict[str, int], clique: tuple[str, ...]) -> IntArray:
    """Exact marginal counts over ``clique``, flattened row-major (mbi's order)."""
    flat = np.zeros(len(codes[clique[0]]), dtype=np.int64)
    for name in clique:
        flat = flat * sizes[name] + codes[name]
    return np.bincount(flat, minlength=math.prod(sizes[n] for n in clique)).astype(np.int64)
