"""The OpenDP measurements of one MST run: budget split, noise scales and accounting.

Every noisy answer comes from an OpenDP measurement, and every loss from that
measurement's privacy map at sensitivity R. :meth:`Measurements.build` sizes them all
and adds their losses up before the data is read, refusing a run whose total would
exceed the request. With ``delta > 0`` the losses are zCDP (rho, plus the
partition-selection delta) and OpenDP converts the total to ``(epsilon, delta)``; with
``delta == 0`` every step is pure DP (Laplace) and the epsilons add up.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache, partial
from types import ModuleType
from typing import Any, Literal

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from veil.dp import odp as dp
from veil.dp.mst.codec import OTHER_CATEGORY, CategoricalCodec, FloatArray, IntArray, as_strings, counts
from veil.dp.mst.sampling import normalise
from veil.errors import ConfigError, InputError

__all__ = ["Measure", "Measurements", "mbi_module"]

#: Share of the budget spent discovering undeclared categories, when there are any.
_KEY_SHARE = 0.1

#: How losses add up: zCDP (Gaussian noise, delta > 0) or pure DP (Laplace).
Measure = Literal["zCDP", "pure"]


@dataclass(frozen=True, slots=True)
class Measurements:
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
    def build(
        cls, epsilon: float, delta: float, bound: int, *, n_columns: int, n_undeclared: int
    ) -> Measurements:
        """Split the budget (partition selection, 1-way, selection, 2-way) and size the noise.

        Refuses if OpenDP's maps say these measurements would spend more than ``(epsilon, delta)``.
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
        sized = cls(measure, bound, delta, n_columns, n_undeclared, oneway, select, twoway, scale, threshold)
        spent_epsilon, spent_delta = sized.spent()
        if spent_epsilon > epsilon or spent_delta > delta:  # pragma: no cover - guards the arithmetic above
            raise InputError(
                f"the synthesis plan would spend ({spent_epsilon}, {spent_delta}), "
                f"more than the ({epsilon}, {delta}) allowed"
            )
        return sized

    def spent(self) -> tuple[float, float]:
        """Total (epsilon, delta) of every measurement, by OpenDP's privacy maps."""
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

    def discover(self, name: str, values: pa.ChunkedArray) -> tuple[CategoricalCodec, Any | None]:
        """Choose the categories of an undeclared column by partition selection.

        Returns the codec and the released counts of the chosen categories as a
        measurement of all but the other cell (``None`` when nothing was chosen).
        """
        counted = pc.value_counts(pc.drop_null(as_strings(name, values)))
        exact = dict(
            zip(counted.field("values").to_pylist(), counted.field("counts").to_pylist(), strict=True)
        )
        exact.pop(OTHER_CATEGORY, None)  # reserved: such values stay in the other cell
        released: dict[str, int] = self._threshold()(exact)
        categories = sorted(released)
        codec = CategoricalCodec(name, categories)
        if not categories:
            return codec, None
        mbi = mbi_module()
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
        return mbi_module().LinearMeasurement(np.asarray(noisy, dtype=np.float64), clique, stddev=stddev)

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
        share = {n: normalise(noisy[n]) for n in names}
        stddev = self.twoway_scale if self.measure == "zCDP" else self.twoway_scale * math.sqrt(2)
        pairs = [(a, b) for i, a in enumerate(names) for b in names[i + 1 :]]
        scores: list[float] = []
        for a, b in pairs:
            independent = total * np.outer(share[a], share[b]).ravel()
            error = float(np.abs(counts(codes, sizes, (a, b)) - independent).sum())
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


@cache
def mbi_module() -> ModuleType:
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
