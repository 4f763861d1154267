"""Differentially private synthetic data: MST over subject-bounded records.

``synthesize`` releases a synthetic copy of a table with the MST mechanism (McKenna,
Sheldon and Miklau, "Winning the NIST Contest", 2021) and reports the privacy loss it
spent as ``(epsilon, delta)``. The privacy unit is the *subject*: the table has a subject
column and a declared bound ``R`` on the rows one subject may contribute.

    1. bound      keep at most R rows per subject (a uniformly random choice);
                  every count below then changes by at most R when a subject is added
                  or removed, so every sensitivity is R
    2. discover   categorical columns without a declared domain: their categories are
                  private too and are chosen by OpenDP partition selection
                  (``make_gaussian_threshold``, spends rho and delta); values left out
                  join the reserved ``__other__`` cell, released as null
    3. one-way    every column's 1-way marginal with Gaussian (or Laplace) noise
    4. select     MST: a spanning tree of column pairs chosen with OpenDP's noisy max,
                  one pair at a time among pairs that join two components, scored by
                  how badly the independent (1-way) model explains each pair
    5. two-way    the chosen pairs' marginals with Gaussian (or Laplace) noise
    6. estimate   a graphical model fitted to all noisy marginals (``mbi``, mirror
                  descent) — post-processing, no privacy cost
    7. sample     records drawn from the tree-shaped model (numpy, seedable) and
                  decoded: numeric bins to uniform values within the bin

Every noisy answer comes from an OpenDP measurement, and every loss from that
measurement's privacy map at sensitivity R. All measurements are built and their losses
added up before the data is read, and the run is refused if the total exceeds the
request. With ``delta > 0`` the losses are zCDP (rho, plus the partition-selection
delta) and OpenDP converts the total to ``(epsilon, delta)`` (``make_zCDP_to_approxDP``,
``make_fix_delta``); with ``delta == 0`` every step is pure DP (Laplace) and the
epsilons add up.

Numeric columns are clamped to their declared bounds and cut into ``bins`` equal-width
bins (integer columns: integer bins, at most one per value). Every column has one extra
cell for "missing": a null numeric value, a null or undeclared category. That cell is
released as null, so a synthetic column may hold a few nulls even if the real one held
none (at small epsilon the noise puts a little mass there).
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, partial
from types import ModuleType
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from veil.dp import odp as dp
from veil.errors import ConfigError, InputError

__all__ = ["OTHER_CATEGORY", "SynthColumn", "SynthResult", "check_synthesis", "synthesize"]

OTHER_CATEGORY = "__other__"
"""Reserved cell for null and undeclared values; released as null."""

_KEY_SHARE = 0.1  # of the budget spent discovering undeclared categories, when there are any
_MISSING = 0  # code of the missing/other cell in every column

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
Measure = Literal["zCDP", "pure"]


@dataclass(frozen=True, slots=True)
class SynthColumn:
    """A column to synthesise and its public domain."""

    name: str
    kind: Literal["categorical", "numeric"]
    bounds: tuple[float, float] | None = None  # numeric: required clamp bounds
    categories: tuple[str, ...] | None = None  # categorical: declared public domain, if any
    integer: bool = False  # numeric column of ints (round synthetic values)


@dataclass(frozen=True, slots=True)
class SynthResult:
    """Synthetic rows and what producing them cost."""

    table: pa.Table  # synthetic rows, one column per SynthColumn, no subject column
    epsilon: float
    delta: float
    rows: int
    marginals: list[tuple[str, ...]]  # the marginals MST measured

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready summary (no data)."""
        return {
            "epsilon": self.epsilon,
            "delta": self.delta,
            "rows": self.rows,
            "columns": list(self.table.column_names),
            "marginals": [list(m) for m in self.marginals],
        }


def synthesize(
    data: pa.Table,
    subject_column: str,
    columns: Sequence[SynthColumn],
    *,
    epsilon: float,
    delta: float,
    max_rows_per_subject: int,
    rows: int | None = None,
    bins: int = 16,
    seed: int | None = None,
    iters: int = 1000,
) -> SynthResult:
    """Release a DP synthetic copy of ``data`` (MST), spending at most ``(epsilon, delta)``.

    ``rows`` defaults to the noisy row count (after bounding). ``seed`` seeds only the
    sampling of records from the fitted model; OpenDP noise and the choice of rows to
    keep per subject are never seeded. ``iters`` is the number of mirror-descent steps.
    """
    _check_request(columns, epsilon, delta, max_rows_per_subject, rows, bins, iters)
    _check_schema(data, subject_column, columns)
    bound = max_rows_per_subject
    undeclared = [c.name for c in columns if c.kind == "categorical" and c.categories is None]
    plan = _Plan.build(epsilon, delta, bound, n_columns=len(columns), n_undeclared=len(undeclared))

    bounded = _bound_contributions(data, subject_column, bound)
    codecs: dict[str, _Codec] = {}
    measurements: list[Any] = []
    for column in columns:
        values = bounded.column(column.name)
        if column.kind == "numeric":
            codecs[column.name] = _NumericCodec.build(column, bins)
        elif column.categories is not None:
            codecs[column.name] = _CategoricalCodec(column.name, column.categories)
        else:
            codec, measurement = plan.discover(column.name, values)
            codecs[column.name] = codec
            if measurement is not None:
                measurements.append(measurement)
    codes = {name: codec.encode(bounded.column(name)) for name, codec in codecs.items()}
    sizes = {name: codec.size for name, codec in codecs.items()}
    names = [c.name for c in columns]

    mbi = _mbi()
    domain = mbi.Domain.fromdict({n: sizes[n] for n in names})
    oneway = [plan.measure_marginal((name,), _counts(codes, sizes, (name,))) for name in names]
    edges = plan.select_tree(
        names, codes, sizes, {m.clique[0]: np.asarray(m.noisy_measurement) for m in oneway}
    )
    twoway = [plan.measure_marginal(edge, _counts(codes, sizes, edge)) for edge in edges]
    model = mbi.estimation.MirrorDescent().estimate(domain, [*measurements, *oneway, *twoway], iters=iters)

    n_rows = rows if rows is not None else max(1, round(float(model.total)))
    rng = np.random.default_rng(seed)
    sampled = _sample_tree(model, names, edges, n_rows, rng)
    table = pa.table({name: codecs[name].decode(sampled[name], rng) for name in names})
    spent_epsilon, spent_delta = plan.spent()
    return SynthResult(
        table=table,
        epsilon=spent_epsilon,
        delta=spent_delta,
        rows=n_rows,
        marginals=[(name,) for name in names] + list(edges),
    )


# -- arguments ----------------------------------------------------------------------------


def check_synthesis(
    columns: Sequence[SynthColumn],
    *,
    epsilon: float,
    delta: float,
    max_rows_per_subject: int,
    rows: int | None = None,
    bins: int = 16,
    iters: int = 1000,
) -> None:
    """Everything :func:`synthesize` checks without the data: arguments, the optional
    dependency (mbi) and that the budget can pay for the plan of measurements.

    Callers that charge a budget run this first, so that nothing that could have been
    known before is found out after the charge.
    """
    _check_request(columns, epsilon, delta, max_rows_per_subject, rows, bins, iters)
    _mbi()
    undeclared = [c.name for c in columns if c.kind == "categorical" and c.categories is None]
    _Plan.build(epsilon, delta, max_rows_per_subject, n_columns=len(columns), n_undeclared=len(undeclared))


def _check_request(
    columns: Sequence[SynthColumn],
    epsilon: float,
    delta: float,
    bound: int,
    rows: int | None,
    bins: int,
    iters: int,
) -> None:
    """Checks that need neither the data nor its schema."""
    if not (math.isfinite(epsilon) and epsilon > 0):
        raise InputError(f"epsilon must be a positive number, got {epsilon}")
    if not (math.isfinite(delta) and 0 <= delta < 1):
        raise InputError(f"delta must be in [0, 1), got {delta}")
    if isinstance(bound, bool) or not isinstance(bound, int) or bound < 1:
        raise InputError(f"max_rows_per_subject must be a positive integer, got {bound}")
    if rows is not None and (isinstance(rows, bool) or not isinstance(rows, int) or rows < 1):
        raise InputError(f"rows must be a positive integer, got {rows}")
    if bins < 2:
        raise InputError(f"bins must be at least 2, got {bins}")
    if iters < 1:
        raise InputError(f"iters must be positive, got {iters}")
    if not columns:
        raise InputError("choose at least one column to synthesise")
    seen: set[str] = set()
    for column in columns:
        name = column.name
        if name in seen:
            raise InputError(f"column {name!r} is listed twice")
        seen.add(name)
        if column.kind == "numeric":
            if column.bounds is None:
                raise InputError(f"numeric column {name!r} needs bounds (lower, upper)")
            lower, upper = column.bounds
            if not (math.isfinite(lower) and math.isfinite(upper) and lower < upper):
                raise InputError(f"bounds of column {name!r} must be finite with lower < upper")
            if column.integer and math.ceil(lower) > math.floor(upper):
                raise InputError(f"bounds of integer column {name!r} contain no integer")
        elif column.kind == "categorical":
            if column.categories is not None:
                cats = column.categories
                if not cats:
                    raise InputError(f"declared categories of column {name!r} are empty")
                if len(set(cats)) != len(cats):
                    raise InputError(f"declared categories of column {name!r} repeat a value")
                if OTHER_CATEGORY in cats:
                    raise InputError(f"{OTHER_CATEGORY!r} is reserved and cannot be a category ({name!r})")
            elif delta == 0:
                raise InputError(
                    f"column {name!r} has no declared categories, so they must be discovered privately, "
                    "which needs delta > 0: pass a delta (e.g. 1e-6) or declare the categories"
                )
        else:
            raise InputError(f"column {name!r} has unknown kind {column.kind!r}")


def _check_schema(data: pa.Table, subject_column: str, columns: Sequence[SynthColumn]) -> None:
    """Checks of the table's schema (never of its rows: an empty table is synthesised too,
    since whether the real one is empty must not decide whether the release succeeds)."""
    if subject_column not in data.column_names:
        raise InputError(f"subject column {subject_column!r} is not in the dataset")
    for column in columns:
        name = column.name
        if name == subject_column:
            raise InputError(f"the subject column {name!r} cannot be synthesised")
        if name not in data.column_names:
            raise InputError(f"column {name!r} is not in the dataset")
        if column.kind == "numeric":
            kind = data.schema.field(name).type
            if not (pa.types.is_integer(kind) or pa.types.is_floating(kind) or pa.types.is_null(kind)):
                raise InputError(f"column {name!r} is declared numeric but holds {kind} values")


# -- contribution bounding ----------------------------------------------------------------


def _bound_contributions(data: pa.Table, subject_column: str, bound: int) -> pa.Table:
    """Keep at most ``bound`` uniformly chosen rows per subject (null subject: one group).

    The choice is never seeded: each subject's kept rows must not depend on other
    subjects' rows, which fresh random keys guarantee in distribution.
    """
    subjects = data.column(subject_column).combine_chunks().dictionary_encode()
    group = np.asarray(pc.fill_null(subjects.indices, -1).to_numpy(zero_copy_only=False), dtype=np.int64)
    n = len(group)
    if n == 0:
        return data
    keys = np.random.default_rng().random(n)
    order = np.lexsort((keys, group))
    sorted_group = group[order]
    starts = np.ones(n, dtype=bool)
    starts[1:] = sorted_group[1:] != sorted_group[:-1]
    first = np.maximum.accumulate(np.where(starts, np.arange(n), 0))
    rank = np.arange(n) - first
    if rank.max() < bound:
        return data
    keep = np.sort(order[rank < bound])
    return data.take(pa.array(keep))


# -- encoding -----------------------------------------------------------------------------


class _Codec(ABC):
    """Maps a column to integer codes in ``[0, size)``; code 0 is missing/other."""

    name: str
    size: int

    @abstractmethod
    def encode(self, values: pa.ChunkedArray) -> IntArray: ...

    @abstractmethod
    def decode(self, codes: IntArray, rng: np.random.Generator) -> pa.Array: ...


class _CategoricalCodec(_Codec):
    def __init__(self, name: str, categories: Sequence[str]) -> None:
        self.name = name
        self.categories = tuple(categories)
        self.size = len(self.categories) + 1

    def encode(self, values: pa.ChunkedArray) -> IntArray:
        strings = _as_strings(self.name, values)
        index = pc.index_in(strings, value_set=pa.array(self.categories, pa.string()))
        codes = pc.fill_null(pc.add(index, 1), _MISSING)
        return np.asarray(codes.to_numpy(), dtype=np.int64)

    def decode(self, codes: IntArray, rng: np.random.Generator) -> pa.Array:
        lookup = pa.array((None, *self.categories), pa.string())
        return lookup.take(pa.array(codes))


class _NumericCodec(_Codec):
    def __init__(self, name: str, edges: FloatArray, integer: bool) -> None:
        self.name = name
        self.edges = edges  # bins + 1 increasing edges; integer columns: integers, last one exclusive
        self.integer = integer
        self.size = len(edges)  # the bins and the missing cell

    @classmethod
    def build(cls, column: SynthColumn, bins: int) -> _NumericCodec:
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
        return np.where(missing, _MISSING, bin_index + 1)

    def decode(self, codes: IntArray, rng: np.random.Generator) -> pa.Array:
        missing = codes == _MISSING
        bin_index = np.maximum(codes - 1, 0)
        low, high = self.edges[bin_index], self.edges[bin_index + 1]
        if self.integer:
            ints = rng.integers(low.astype(np.int64), high.astype(np.int64))
            return pa.array(ints, pa.int64(), mask=missing)
        floats = np.minimum(low + rng.random(len(codes)) * (high - low), self.edges[-1])
        return pa.array(floats, pa.float64(), mask=missing)


def _as_strings(name: str, values: pa.ChunkedArray) -> pa.ChunkedArray:
    try:
        return pc.cast(values, pa.string())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:
        raise InputError(f"column {name!r} cannot be read as categories (text)") from exc


def _counts(codes: dict[str, IntArray], sizes: dict[str, int], clique: tuple[str, ...]) -> IntArray:
    """Exact marginal counts over ``clique``, flattened row-major (mbi's order)."""
    flat = np.zeros(len(codes[clique[0]]), dtype=np.int64)
    for name in clique:
        flat = flat * sizes[name] + codes[name]
    return np.bincount(flat, minlength=math.prod(sizes[n] for n in clique)).astype(np.int64)


# -- privacy: the plan of measurements ----------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Plan:
    """Every OpenDP measurement the run will make, sized (and its cost checked) up front."""

    measure: Measure
    bound: int  # R: the sensitivity of every count
    delta: float  # requested total delta
    n_columns: int
    n_undeclared: int
    oneway_scale: float
    select_scale: float | None  # None with a single column: nothing to select or pair
    twoway_scale: float | None
    discover_scale: float | None  # None without undeclared categorical columns
    discover_threshold: int | None

    @classmethod
    def build(cls, epsilon: float, delta: float, bound: int, *, n_columns: int, n_undeclared: int) -> _Plan:
        """Split the budget (partition selection, 1-way, selection, 2-way) and size the noise.

        Refuses if OpenDP's maps say the plan would spend more than ``(epsilon, delta)``.
        """
        dp.enable_features("contrib")
        measure: Measure = "zCDP" if delta > 0 else "pure"
        pairs = n_columns - 1
        delta_discover = delta / 2 if n_undeclared else 0.0
        total = _max_rho(epsilon, delta_discover, delta) if measure == "zCDP" else epsilon
        discover_share = _KEY_SHARE if n_undeclared else 0.0
        rest = total * (1 - discover_share)
        per_column = (rest / 3 if pairs else rest) / n_columns
        per_pair = rest / 3 / pairs if pairs else 0.0
        d_in = bound
        oneway = dp.binary_search_param(partial(_make_noise, measure), d_in, per_column, T=float)
        select = twoway = None
        if pairs:
            select = dp.binary_search_param(partial(_make_select, measure), float(d_in), per_pair, T=float)
            twoway = dp.binary_search_param(partial(_make_noise, measure), d_in, per_pair, T=float)
        scale: float | None = None
        threshold: int | None = None
        if n_undeclared:
            share = total * discover_share / n_undeclared
            scale, threshold = _threshold_search(bound, share, delta_discover / n_undeclared)
        plan = cls(measure, bound, delta, n_columns, n_undeclared, oneway, select, twoway, scale, threshold)
        spent_epsilon, spent_delta = plan.spent()
        if spent_epsilon > epsilon or spent_delta > delta:  # pragma: no cover - guards the arithmetic above
            raise InputError(
                f"the synthesis plan would spend ({spent_epsilon}, {spent_delta}), "
                f"more than the ({epsilon}, {delta}) allowed"
            )
        return plan

    def spent(self) -> tuple[float, float]:
        """Total (epsilon, delta) of every measurement in the plan, by OpenDP's privacy maps."""
        pairs = self.n_columns - 1
        loss = self.n_columns * float(_loss(_make_noise(self.measure, self.oneway_scale), self.bound))
        if self.select_scale is not None and self.twoway_scale is not None:
            loss += pairs * float(_loss(_make_select(self.measure, self.select_scale), float(self.bound)))
            loss += pairs * float(_loss(_make_noise(self.measure, self.twoway_scale), self.bound))
        delta_discover = 0.0
        if self.n_undeclared:
            rho, delta_one = _loss(self._threshold(), _l02inf(self.bound))
            loss += self.n_undeclared * float(rho)
            delta_discover = self.n_undeclared * float(delta_one)
        if self.measure == "pure":
            return loss, 0.0
        return _epsilon_of(loss, delta_discover, self.delta), self.delta

    def _threshold(self) -> dp.Measurement:
        assert self.discover_scale is not None and self.discover_threshold is not None
        return _make_threshold(self.discover_scale, self.discover_threshold)

    def discover(self, name: str, values: pa.ChunkedArray) -> tuple[_CategoricalCodec, Any | None]:
        """Choose the categories of an undeclared column by partition selection.

        Returns the codec and the released counts of the chosen categories as a
        measurement of all but the other cell (``None`` when nothing was chosen).
        """
        counted = pc.value_counts(pc.drop_null(_as_strings(name, values)))
        exact = dict(
            zip(counted.field("values").to_pylist(), counted.field("counts").to_pylist(), strict=True)
        )
        exact.pop(OTHER_CATEGORY, None)  # reserved: such values stay in the other cell
        released: dict[str, int] = self._threshold()(exact)
        categories = sorted(released)
        codec = _CategoricalCodec(name, categories)
        if not categories:
            return codec, None
        mbi = _mbi()
        noisy = np.array([released[c] for c in categories], dtype=np.float64)
        measurement = mbi.LinearMeasurement(
            noisy, (name,), stddev=self.discover_scale, query=mbi.SlicedQuery(start=1)
        )
        return codec, measurement

    def measure_marginal(self, clique: tuple[str, ...], exact: IntArray) -> Any:
        """One noisy marginal (1-way or a selected pair), as an mbi measurement."""
        scale = self.oneway_scale if len(clique) == 1 else self.twoway_scale
        assert scale is not None
        noisy: list[int] = _make_noise(self.measure, scale)(exact.tolist())
        stddev = scale if self.measure == "zCDP" else scale * math.sqrt(2)
        return _mbi().LinearMeasurement(np.asarray(noisy, dtype=np.float64), clique, stddev=stddev)

    def select_tree(
        self,
        names: list[str],
        codes: dict[str, IntArray],
        sizes: dict[str, int],
        noisy: dict[str, FloatArray],
    ) -> list[tuple[str, str]]:
        """MST's selection: a spanning tree of pairs, each picked by noisy max.

        A pair's score is the L1 distance between its exact marginal and the product of
        the two noisy 1-way marginals (it moves by at most R per subject), less the
        expected L1 noise of measuring the pair (a public constant favouring small pairs).
        """
        if self.select_scale is None or self.twoway_scale is None:
            return []
        select = _make_select(self.measure, self.select_scale)
        total = max(float(np.mean([noisy[n].sum() for n in names])), 1.0)
        share = {n: _normalise(noisy[n]) for n in names}
        stddev = self.twoway_scale if self.measure == "zCDP" else self.twoway_scale * math.sqrt(2)
        pairs = [(a, b) for i, a in enumerate(names) for b in names[i + 1 :]]
        scores: list[float] = []
        for a, b in pairs:
            independent = total * np.outer(share[a], share[b]).ravel()
            error = float(np.abs(_counts(codes, sizes, (a, b)) - independent).sum())
            scores.append(error - math.sqrt(2 / math.pi) * stddev * sizes[a] * sizes[b])
        component = {n: n for n in names}

        def root(n: str) -> str:
            while component[n] != n:
                n = component[n]
            return n

        chosen: list[tuple[str, str]] = []
        for _ in range(len(names) - 1):
            candidates = [i for i, (a, b) in enumerate(pairs) if root(a) != root(b)]
            picked = pairs[candidates[int(select([scores[i] for i in candidates]))]]
            chosen.append(picked)
            component[root(picked[1])] = root(picked[0])
        return chosen


def _make_noise(measure: Measure, scale: float) -> dp.Measurement:
    """Gaussian (zCDP) or Laplace (pure DP) noise on an integer count vector."""
    domain = dp.vector_domain(dp.atom_domain(T="i64"))
    if measure == "zCDP":
        return dp.m.make_gaussian(domain, dp.l2_distance(T="i64"), scale=scale)
    return dp.m.make_laplace(domain, dp.l1_distance(T="i64"), scale=scale)


def _make_select(measure: Measure, scale: float) -> dp.Measurement:
    """Noisy max over scores that move by at most the input distance, either way."""
    domain = dp.vector_domain(dp.atom_domain(T=float, nan=False))
    metric = dp.linf_distance(T=float, monotonic=False)
    output = dp.zero_concentrated_divergence() if measure == "zCDP" else dp.max_divergence()
    return dp.m.make_noisy_max(domain, metric, output, scale=scale)


def _l02inf(bound: int) -> tuple[int, int, int]:
    """A subject's R rows touch at most R categories, each by at most R (l2 <= R too)."""
    return (bound, bound, bound)


def _make_threshold(scale: float, threshold: int) -> dp.Measurement:
    domain = dp.map_domain(dp.atom_domain(T=str), dp.atom_domain(T="i64"))
    metric = dp.l02inf_distance(dp.absolute_distance(T="i64"))
    return dp.m.make_gaussian_threshold(domain, metric, scale=scale, threshold=threshold)


def _threshold_search(bound: int, rho: float, delta: float) -> tuple[float, int]:
    """Scale for ``rho`` and the smallest threshold whose delta is <= ``delta``."""
    d_in = _l02inf(bound)
    never = 2**62

    def rho_ok(scale: float) -> bool:
        return float(_loss(_make_threshold(scale, never), d_in)[0]) <= rho

    scale = float(dp.binary_search(rho_ok, T=float))
    low, high = bound, 2 * bound
    while float(_loss(_make_threshold(scale, high), d_in)[1]) > delta:
        low, high = high, 2 * high
    while low < high:  # the smallest threshold whose delta fits (delta falls as it grows)
        middle = (low + high) // 2
        if float(_loss(_make_threshold(scale, middle), d_in)[1]) <= delta:
            high = middle
        else:
            low = middle + 1
    return scale, high


def _loss(measurement: dp.Measurement, d_in: Any) -> Any:
    """OpenDP's privacy map of ``measurement`` at input distance ``d_in``."""
    return measurement.map(d_in)  # type: ignore[no-untyped-call]


def _epsilon_of(rho: float, delta_discover: float, delta: float) -> float:
    """Epsilon at total ``delta`` of a (rho, delta_discover)-approximate-zCDP release.

    The conversion is OpenDP's (``make_zCDP_to_approxDP``, ``make_fix_delta``), applied to
    a reference Gaussian mechanism whose zCDP map is exactly ``rho`` at distance
    ``sqrt(2 rho)``: the conversion depends on the curve only through rho.
    """
    if delta <= delta_discover:
        return math.inf
    reference = dp.m.make_gaussian(
        dp.atom_domain(T=float, nan=False), dp.absolute_distance(T=float), scale=1.0
    )
    converted = dp.c.make_fix_delta(dp.c.make_zCDP_to_approxDP(reference), delta - delta_discover)
    try:
        return float(_loss(converted, math.sqrt(2 * rho))[0])
    except dp.OpenDPException:  # overflow: rho far beyond any epsilon worth asking for
        return math.inf


def _max_rho(epsilon: float, delta_discover: float, delta: float) -> float:
    """The largest rho whose conversion stays within ``(epsilon, delta)``."""
    rho = float(
        dp.binary_search(lambda r: _epsilon_of(r, delta_discover, delta) <= epsilon, bounds=(0.0, epsilon))
    )
    if rho <= 0:
        raise InputError(f"(epsilon={epsilon}, delta={delta}) is too small to release anything")
    return rho


# -- sampling -----------------------------------------------------------------------------


def _sample_tree(
    model: Any, names: list[str], edges: list[tuple[str, str]], n_rows: int, rng: np.random.Generator
) -> dict[str, IntArray]:
    """Draw codes from the tree-shaped model: the root's marginal, then child | parent.

    Counts are randomised roundings of the model's (conditional) marginals, so the
    synthetic marginals along the tree match the model's up to rounding.
    """
    neighbours: dict[str, list[str]] = {n: [] for n in names}
    for a, b in edges:
        neighbours[a].append(b)
        neighbours[b].append(a)
    sampled: dict[str, IntArray] = {}
    for root in names:
        if root in sampled:
            continue
        sampled[root] = _draw(_marginal(model, (root,)), n_rows, rng)
        frontier = [root]
        while frontier:
            parent = frontier.pop()
            for child in neighbours[parent]:
                if child in sampled:
                    continue
                joint = _marginal(model, (parent, child))
                order = np.argsort(sampled[parent], kind="stable")
                starts = np.searchsorted(sampled[parent][order], np.arange(len(joint) + 1))
                out = np.zeros(n_rows, dtype=np.int64)
                for value in range(len(joint)):
                    rows_at = order[starts[value] : starts[value + 1]]
                    if len(rows_at):
                        out[rows_at] = _draw(joint[value], len(rows_at), rng)
                sampled[child] = out
                frontier.append(child)
    return sampled


def _marginal(model: Any, clique: tuple[str, ...]) -> FloatArray:
    """The model's marginal over ``clique``, from a fitted table that covers it (numpy)."""
    covering = next(cl for cl in model.marginals.cliques if set(clique) <= set(cl))
    factor = model.marginals[covering]
    attrs = list(factor.domain.attributes)
    values = np.asarray(factor.values, dtype=np.float64)
    values = values.sum(axis=tuple(i for i, a in enumerate(attrs) if a not in clique))
    kept = [a for a in attrs if a in clique]
    return np.asarray(np.clip(np.transpose(values, [kept.index(a) for a in clique]), 0.0, None), np.float64)


def _normalise(weights: FloatArray) -> FloatArray:
    """Non-negative weights summing to one (uniform when none is positive)."""
    clipped = np.clip(weights, 0.0, None)
    total = clipped.sum()
    return clipped / total if total > 0 else np.full(len(weights), 1 / len(weights))


def _draw(weights: FloatArray, n: int, rng: np.random.Generator) -> IntArray:
    """``n`` codes whose counts are a randomised rounding of ``n * weights / sum``, shuffled."""
    probs = _normalise(weights)
    expected = probs * n
    counts = np.floor(expected).astype(np.int64)
    short = n - int(counts.sum())
    if short > 0:
        fraction = np.clip(expected - counts, 0.0, None)
        if np.count_nonzero(fraction) >= short:
            extra = rng.choice(len(weights), size=short, replace=False, p=fraction / fraction.sum())
        else:  # float round-off left fewer fractional cells than rows to place
            extra = rng.choice(len(weights), size=short, replace=True, p=probs)
        np.add.at(counts, extra, 1)
    return rng.permutation(np.repeat(np.arange(len(weights), dtype=np.int64), counts))


@cache
def _mbi() -> ModuleType:
    """Import mbi (the optional ``synth`` extra) with JAX set up as it needs.

    64-bit floats (mbi diverges in float32 on large tables) and no persistent
    compilation cache (mbi compiles many small programs). Both settings are process-wide.
    """
    import jax

    jax.config.update("jax_enable_x64", True)  # type: ignore[no-untyped-call]
    jax.config.update("jax_enable_compilation_cache", False)  # type: ignore[no-untyped-call]
    try:
        import mbi  # type: ignore[import-untyped]
    except ImportError as exc:  # pragma: no cover - depends on the installation
        raise ConfigError("synthetic data needs the 'synth' extra: pip install 'veil[synth]'") from exc
    module: ModuleType = mbi
    return module
