"""Noise for released aggregates, from OpenDP's samplers, with its privacy maps.

Nothing here draws randomness itself: integer counts get OpenDP's discrete
Laplace, sums get its float-safe continuous Laplace, and unknown group keys go
through OpenDP's Laplace-threshold (stable histogram) mechanism. Every
mechanism's privacy loss is read back from OpenDP's own privacy map for the
stated sensitivity (never from a hand-written formula), and the scale is
raised if OpenDP says the first guess spends more than its share.

Each noisy vector also carries its accuracy *before you look*: the half-width
``a`` with P(|noise| > a) = alpha, from OpenDP's accuracy functions.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from veil.dp import odp as dp

dp.enable_features("contrib")

__all__ = ["NoisyVector", "laplace", "select_partitions"]


@dataclass(frozen=True, slots=True)
class NoisyVector:
    values: list[float]
    scale: float
    epsilon: float
    discrete: bool

    def half_width(self, alpha: float = 0.05) -> float:
        """Half-width of the (1 - alpha) interval of each value's noise."""
        if self.discrete:
            return float(dp.discrete_laplacian_scale_to_accuracy(self.scale, alpha))
        return float(dp.laplacian_scale_to_accuracy(self.scale, alpha))


def laplace(values: Sequence[float], sensitivity: float, epsilon: float, *, integer: bool) -> NoisyVector:
    """Add Laplace noise to a vector whose L1 sensitivity (one subject) is ``sensitivity``.

    ``integer`` vectors (counts) get discrete Laplace noise and stay integers.
    """
    if epsilon <= 0:
        raise ValueError("epsilon must be positive")
    if integer:
        space: Any = (dp.vector_domain(dp.atom_domain(T=int)), dp.l1_distance(T=int))
        d_in: Any = math.ceil(sensitivity)
        data: list[Any] = [int(v) for v in values]
    else:
        space = (dp.vector_domain(dp.atom_domain(T=float, nan=False)), dp.l1_distance(T=float))
        d_in = float(sensitivity)
        data = [float(v) for v in values]
    scale = max(float(sensitivity) / epsilon, 1e-12)
    meas = dp.m.make_laplace(space[0], space[1], scale)
    spent = float(meas.map(d_in))  # type: ignore[no-untyped-call]
    while spent > epsilon:  # OpenDP's map may add float slack: widen until it fits
        scale *= spent / epsilon * (1 + 1e-9)
        meas = dp.m.make_laplace(space[0], space[1], scale)
        spent = float(meas.map(d_in))  # type: ignore[no-untyped-call]
    noisy = meas(data) if data else []
    return NoisyVector([float(v) for v in noisy], scale, spent, integer)


@dataclass(frozen=True, slots=True)
class Selection:
    """Group keys released by partition selection, with their noisy subject counts."""

    counts: dict[tuple[Any, ...], int]
    scale: float
    threshold: int
    epsilon: float
    delta: float


def select_partitions(
    subject_counts: Mapping[tuple[Any, ...], int], groups_per_subject: int, epsilon: float, delta: float
) -> Selection:
    """Keep the groups whose noisy count of distinct subjects clears a threshold.

    Each subject is in at most ``groups_per_subject`` groups and counts once in
    each, so (l0, l1, linf) = (k, k, 1). The threshold is the smallest one for
    which OpenDP's map stays within ``delta``: a group seen in only a few
    subjects' rows is dropped with probability at least 1 - delta.
    """
    if delta <= 0:
        raise ValueError("partition selection needs delta > 0")
    k = max(1, int(groups_per_subject))
    domain = dp.map_domain(dp.atom_domain(T=str), dp.atom_domain(T=int))
    metric = dp.l01inf_distance(dp.absolute_distance(T=int))
    d_in = (k, k, 1)
    scale = k / epsilon

    def build(s: float, t: int) -> Any:
        return dp.m.make_laplace_threshold(domain, metric, scale=s, threshold=t)

    # Start from the textbook threshold, then let OpenDP's map decide.
    threshold = max(2, math.ceil(1 + scale * math.log(k / (2 * delta))))
    meas = build(scale, threshold)
    eps_used, delta_used = meas.map(d_in)
    while eps_used > epsilon:
        scale *= eps_used / epsilon * (1 + 1e-9)
        meas = build(scale, threshold)
        eps_used, delta_used = meas.map(d_in)
    lo, hi = 1, threshold
    while delta_used > delta:  # grow until it fits, then binary-search the smallest that does
        lo, hi = hi, hi * 2
        eps_used, delta_used = build(scale, hi).map(d_in)
    while lo + 1 < hi:
        mid = (lo + hi) // 2
        if build(scale, mid).map(d_in)[1] <= delta:
            hi = mid
        else:
            lo = mid
    threshold = hi
    meas = build(scale, threshold)
    eps_used, delta_used = meas.map(d_in)
    encoded = {json.dumps(list(key), default=str): int(v) for key, v in subject_counts.items()}
    decode = {json.dumps(list(key), default=str): key for key in subject_counts}
    released = meas(encoded) if encoded else {}
    return Selection(
        {decode[k_]: int(v) for k_, v in released.items()},
        scale,
        threshold,
        float(eps_used),
        float(delta_used),
    )
