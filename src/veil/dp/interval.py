"""The interval proof that a filter's arithmetic can neither overflow nor underflow.

All arithmetic of a DP filter is done in ``DOUBLE`` (``veil.dp.where``). Each numeric node
carries a :class:`Range`: the magnitudes its *non-zero* values can take (empty: the node is
always 0 or NULL). Integer columns convert exactly enough (non-zero magnitude in
[1, 2^63]); double columns are *saturated* first (:func:`saturate`: NaN and values above
``G`` become ``G``, below ``-G`` become ``-G``, non-zero values smaller than ``1/G`` in
magnitude become 0), so they take magnitudes in [1/G, G]. The rules below bound each
result; :func:`check` refuses (:class:`TooWide`) a range that leaves [1e-300, 1e300].
``G`` is the largest of :data:`SATURATION` for which the proof goes through: it depends
on the query alone, never on the data.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from sqlglot import exp

from veil.dp.sql_type import INT64_MAX, double, paren

__all__ = [
    "EMPTY",
    "INT64",
    "MAX_MAGNITUDE",
    "MIN_MAGNITUDE",
    "SATURATION",
    "Range",
    "TooWide",
    "check",
    "product_range",
    "quotient_range",
    "saturate",
    "saturated_range",
    "sum_range",
]

#: Candidate saturation bounds for double columns (powers of ten), largest first.
SATURATION = (150, 100, 50, 20, 10)
#: Every arithmetic result must stay within these magnitudes (or be exactly zero).
MAX_MAGNITUDE = 1e300
MIN_MAGNITUDE = 1e-300


@dataclass(frozen=True, slots=True)
class Range:
    """Magnitudes the non-zero values of a numeric node can take (empty: always 0 or NULL)."""

    lo: float
    hi: float

    @property
    def empty(self) -> bool:
        return self.lo > self.hi


EMPTY = Range(math.inf, 0.0)
INT64 = Range(1.0, float(INT64_MAX))


class TooWide(Exception):
    """The interval analysis failed at this saturation bound (a smaller one may pass)."""


def check(rng: Range, *, product: bool) -> Range:
    """``rng`` when its magnitudes stay in bounds (a product or quotient must not underflow)."""
    if rng.empty:
        return rng
    if rng.hi > MAX_MAGNITUDE or (product and rng.lo < MIN_MAGNITUDE):
        raise TooWide
    return rng


def product_range(ra: Range, rb: Range) -> Range:
    """Magnitudes of ``a * b`` (checked)."""
    if ra.empty or rb.empty:
        return EMPTY
    return check(Range(ra.lo * rb.lo * (1 - 2**-50), ra.hi * rb.hi), product=True)


def sum_range(ra: Range, rb: Range) -> Range:
    """Magnitudes of ``a + b`` or ``a - b`` (checked)."""
    if ra.empty or rb.empty:
        rng = rb if ra.empty else ra
    else:
        # Doubles of magnitude >= L are multiples of 2^(floor(log2 L) - 52): so is a
        # non-zero sum or difference, whatever the rounding.
        rng = Range(min(ra.lo, rb.lo) * 2**-53, ra.hi + rb.hi)
    return check(rng, product=False)


def quotient_range(ra: Range, c: float) -> Range:
    """Magnitudes of ``a / c`` for a non-zero literal of magnitude ``c`` (checked)."""
    return EMPTY if ra.empty else check(Range(ra.lo / c * (1 - 2**-50), ra.hi / c), product=True)


def saturated_range(power: int) -> Range:
    """Magnitudes of a saturated double: [1/G, G], G = 10^power."""
    return Range(float(f"1e-{power}"), float(f"1e{power}"))


def saturate(node: exp.Expression, power: int) -> exp.Expression:
    """A double of any value (NULL, NaN, +-inf, subnormal) -> NULL, 0 or a magnitude in [1/G, G].

    G = 10^power. NaN compares greater than every number on DuckDB, PostgreSQL and Spark, so
    it becomes G.
    """
    x = paren(node)
    big, tiny = float(f"1e{power}"), float(f"1e-{power}")
    return exp.Case(
        ifs=[
            exp.If(this=exp.GT(this=x.copy(), expression=double(big)), true=double(big)),
            exp.If(this=exp.LT(this=x.copy(), expression=double(-big)), true=double(-big)),
            exp.If(
                this=exp.And(
                    this=exp.GT(this=x.copy(), expression=double(-tiny)),
                    expression=exp.LT(this=x.copy(), expression=double(tiny)),
                ),
                true=double(0.0),
            ),
        ],
        default=x.copy(),
    )
