"""Records drawn from MST's fitted tree-shaped model (numpy, seedable)."""

from __future__ import annotations

from typing import Any

import numpy as np

from veil.dp.mst.codec import FloatArray, IntArray

__all__ = ["draw", "marginal", "normalise", "sample_tree"]


def sample_tree(
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
        sampled[root] = draw(marginal(model, (root,)), n_rows, rng)
        frontier = [root]
        while frontier:
            parent = frontier.pop()
            for child in neighbours[parent]:
                if child in sampled:
                    continue
                joint = marginal(model, (parent, child))
                order = np.argsort(sampled[parent], kind="stable")
                starts = np.searchsorted(sampled[parent][order], np.arange(len(joint) + 1))
                out = np.zeros(n_rows, dtype=np.int64)
                for value in range(len(joint)):
                    rows_at = order[starts[value] : starts[value + 1]]
                    if len(rows_at):
                        out[rows_at] = draw(joint[value], len(rows_at), rng)
                sampled[child] = out
                frontier.append(child)
    return sampled


def marginal(model: Any, clique: tuple[str, ...]) -> FloatArray:
    """The model's marginal over ``clique``, from a fitted table that covers it (numpy)."""
    covering = next(cl for cl in model.marginals.cliques if set(clique) <= set(cl))
    factor = model.marginals[covering]
    attrs = list(factor.domain.attributes)
    values = np.asarray(factor.values, dtype=np.float64)
    values = values.sum(axis=tuple(i for i, a in enumerate(attrs) if a not in clique))
    kept = [a for a in attrs if a in clique]
    return np.asarray(np.clip(np.transpose(values, [kept.index(a) for a in clique]), 0.0, None), np.float64)


def normalise(weights: FloatArray) -> FloatArray:
    """Non-negative weights summing to one (uniform when none is positive)."""
    clipped = np.clip(weights, 0.0, None)
    total = clipped.sum()
    return clipped / total if total > 0 else np.full(len(weights), 1 / len(weights))


def draw(weights: FloatArray, n: int, rng: np.random.Generator) -> IntArray:
    """``n`` codes whose counts are a randomised rounding of ``n * weights / sum``, shuffled."""
    probs = normalise(weights)
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
