"""The linkage attack: link released (generalised) records back to people on their quasi-identifiers.

The attacker holds a table of identified people with their quasi-identifiers as they really
are: the original itself (the prosecutor's view: everyone released is in it) or a public
table (a voter list: people outside the release too, people of the release missing). For a
released record the attacker lists the people whose real values its generalised values
*cover* and guesses one of them at random; the attack succeeds when the guess is the
person the record came from. The random baseline guesses anyone in the attacker's table.

Generalised values are matched by what they say, column by column (:class:`ColumnCover`):

* ``*`` (or any all-``*`` string) covers everything; a row whose every quasi-identifier is
  suppressed is outside the attack (it links to anyone, as the baseline does);
* ``30-39``, ``[30, 40)``, ``[30, 40[``, ``(29, 39]``, ``<30``, ``>=90``, ``90+``: numeric
  intervals (both ends inclusive without brackets);
* ``021**`` (a masked suffix): every value starting ``021``;
* ``2020`` / ``2020-03``: a truncated date covers the dates it is a prefix of;
* ``{a, b}`` / ``a,b`` / ``a|b``: a set of values (Mondrian's categorical partitions);
* a hierarchy's inner node (``Married`` above ``Married-civ-spouse``) from the hierarchy the
  recoding used (``hierarchies``: column → raw value → its generalisations, ARX's rows);
* a numeric released column (microaggregated centroids, or untouched numbers): the released
  values nearest to the real value;
* otherwise equality. A released value equal to a real value is read as that value, never
  as a pattern, so a category spelt like an interval is not misread.

No library does this matching (pyCANON and ARX measure classes of the released table; they
do not link outside records into generalisations), hence written here.

Which released record came from whom is the released table's index: its labels are the
original's (the ``apply`` workflow keeps them until the attacks have run), and a public
table's index labels name the same people.
"""

from __future__ import annotations

import math
import operator
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Literal

import numpy as np
import pandas as pd

from veil.anonymity.classes import SUPPRESSED
from veil.anonymity.hierarchy import MISSING, Hierarchy
from veil.errors import HierarchyError, InputError, MissingDependencyError

__all__ = [
    "ANONYMETER_MISSING",
    "ColumnCover",
    "Hierarchies",
    "LinkageResult",
    "check_truth",
    "linkage_attack",
    "plain_column",
    "raw_text",
    "suppressed_rows",
    "wilson",
]

#: What a missing Anonymeter says (it is installed without its stale pins: see pyproject's ``attacks`` extra).
ANONYMETER_MISSING = (
    "the attacks need Anonymeter: pip install 'veil[attacks]' && pip install --no-deps 'anonymeter==1.1.0'"
)
#: column → a real value (as :func:`raw_text` writes it) → its generalisations, lowest first
#: (ARX's rows), or the :class:`~veil.anonymity.hierarchy.Hierarchy` the recoding used
Hierarchies = Mapping[str, Mapping[str, Sequence[str]] | Hierarchy]
_MISSING_TEXTS = ("nan", "None", "<NA>", "NaT")

_NUM = r"-?\d+(?:\.\d+)?"
_INTERVAL = re.compile(rf"^\s*([\[(\]])?\s*({_NUM})\s*(?:-|–|\.\.|,)\s*({_NUM})\s*([\])\[])?\s*$")
_BOUND = re.compile(rf"^\s*(<=|<|>=|>|≤|≥)\s*({_NUM})\s*$")
_PLUS = re.compile(rf"^\s*({_NUM})\s*\+\s*$")
_DATE_PREFIX = re.compile(r"^\d{4}(?:-\d{2}){0,2}$")
_DECADE = re.compile(r"^(\d{3})0s$")
_DATE_START = re.compile(r"^\d{4}-\d{2}")
_COMPARE: dict[str, Callable[[float, float], bool]] = {
    "<": operator.lt,
    "<=": operator.le,
    "≤": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
    "≥": operator.ge,
}
#: whether a generalised value covers a real value (its text, and its number when it is one)
Predicate = Callable[[str, float | None], bool]


def wilson(successes: int, n: int, confidence: float = 0.95) -> tuple[float, float, float]:
    """(rate, low, high): the observed rate and the Wilson score interval, with Anonymeter's
    ``success_rate`` (the same estimator its own attacks report)."""
    try:
        from anonymeter.stats.confidence import success_rate
    except ImportError:
        raise MissingDependencyError(ANONYMETER_MISSING) from None
    if n == 0:
        return math.nan, 0.0, 1.0
    est = success_rate(n_total=n, n_success=successes, confidence_level=confidence)
    centre, error = float(est.value), float(est.error)
    return successes / n, max(0.0, centre - error), min(1.0, centre + error)


def raw_text(value: Any) -> str:
    """A real value as generalisations are compared with it (``34`` not ``34.0``; ISO dates)."""
    if isinstance(value, float | np.floating) and float(value).is_integer():
        return str(int(value))
    if isinstance(value, pd.Timestamp | datetime):
        ts = pd.Timestamp(value)
        return str(ts.date().isoformat() if ts == ts.normalize() else ts.isoformat())
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float | np.floating) and math.isnan(value)) or value is pd.NA


def _number(text: str) -> float | None:
    try:
        x = float(text)
    except ValueError:
        return None
    return x if math.isfinite(x) else None


def _pattern(g: str) -> Predicate | None:
    """A predicate over (text, number) for a generalised value, or None for a plain value."""
    if g and set(g) == {"*"}:
        return lambda _t, _x: True
    if m := _INTERVAL.match(g):
        open_, lo_s, hi_s, close = m.groups()
        lo, hi = float(lo_s), float(hi_s)
        if lo <= hi:
            lo_in = open_ not in ("(", "]")
            hi_in = close not in (")", "[")

            def interval(_t: str, x: float | None) -> bool:
                if x is None:
                    return False
                return (x > lo or (lo_in and x == lo)) and (x < hi or (hi_in and x == hi))

            return interval
    if m := _BOUND.match(g):
        compare, b = _COMPARE[m.group(1)], float(m.group(2))
        return lambda _t, x: x is not None and bool(compare(x, b))
    if m := _PLUS.match(g):
        b = float(m.group(1))
        return lambda _t, x: x is not None and x >= b
    if m := _DECADE.match(g):
        head = m.group(1)
        return lambda t, _x: bool(_DATE_START.match(t)) and t.startswith(head)
    if _DATE_PREFIX.match(g):
        return lambda t, _x: t.startswith(g) and len(t) > len(g) and t[len(g)] in "-T "
    if g.endswith("*"):
        prefix = g.rstrip("*")
        return lambda t, _x: t.startswith(prefix)
    body = g[1:-1] if g.startswith("{") and g.endswith("}") else g
    for sep in (",", "|"):
        if sep in body:
            members = {part.strip() for part in body.split(sep)}
            return lambda t, _x: t in members
    return None


@dataclass(slots=True)
class ColumnCover:
    """Which released values of one column cover which real values (both as integer codes)."""

    #: distinct released values (the released column's codes index it)
    released: list[Any]
    #: distinct real values (texts; the real columns' codes index it)
    raw: list[str]
    #: released code → the real codes it covers
    covered: list[np.ndarray]

    @classmethod
    def build(
        cls,
        released: pd.Series,
        raw_values: Sequence[Any],
        hierarchy: Mapping[str, Sequence[str]] | Hierarchy | None = None,
    ) -> ColumnCover:
        rel_values = list(pd.unique(released))
        firsts: dict[str, Any] = {}
        for v in raw_values:
            firsts.setdefault(raw_text(v), v)
        texts = list(firsts)
        index = {t: j for j, t in enumerate(texts)}
        if isinstance(hierarchy, Hierarchy):
            hierarchy = _ancestors(hierarchy, list(firsts.values()), texts)
        covered: list[list[int]] = [[] for _ in rel_values]
        numeric = pd.api.types.is_numeric_dtype(released) and not pd.api.types.is_bool_dtype(released)
        if numeric:
            cls._nearest(rel_values, texts, covered)
        else:
            numbers = [_number(t) for t in texts]
            ancestors: dict[str, list[int]] = {}
            for t, j in index.items():
                for a in (hierarchy or {}).get(t, ()):
                    ancestors.setdefault(str(a), []).append(j)
            for i, g in enumerate(rel_values):
                if _missing(g) or str(g) == MISSING:
                    covered[i] = [j for j, t in enumerate(texts) if t in _MISSING_TEXTS]
                    continue
                text = str(g)
                if text in index:
                    covered[i] = [index[text]]
                    continue
                if text in ancestors:
                    covered[i] = ancestors[text]
                    continue
                test = _pattern(text)
                if test is not None:
                    covered[i] = [j for j, t in enumerate(texts) if test(t, numbers[j])]
        return cls(rel_values, texts, [np.asarray(sorted(set(c)), dtype=np.int64) for c in covered])

    @staticmethod
    def _nearest(rel_values: list[Any], texts: list[str], covered: list[list[int]]) -> None:
        """Numbers: each real value is covered by the nearest released value(s) (ties: all)."""
        finite = [(float(v), i) for i, v in enumerate(rel_values) if not _missing(v)]
        missing = [i for i, v in enumerate(rel_values) if _missing(v)]
        if not finite:
            for i in missing:
                covered[i] = list(range(len(texts)))
            return
        finite.sort()
        points = np.array([v for v, _ in finite])
        for j, t in enumerate(texts):
            x = _number(t)
            if x is None:
                for i in missing:
                    covered[i].append(j)
                continue
            at = int(np.searchsorted(points, x))
            near = [k for k in (at - 1, at) if 0 <= k < len(points)]
            best = min(abs(points[k] - x) for k in near)
            for k in near:
                if abs(points[k] - x) == best:
                    covered[finite[k][1]].append(j)

    def codes(self, values: pd.Series) -> np.ndarray:
        """Codes of real values into :attr:`raw` (-1 for a value it was not built with)."""
        index = {t: j for j, t in enumerate(self.raw)}
        return np.fromiter((index.get(raw_text(v), -1) for v in values), dtype=np.int64, count=len(values))

    def mask(self, released_code: int) -> np.ndarray:
        """A boolean over :attr:`raw`: the real values released code ``released_code`` covers."""
        out = np.zeros(len(self.raw) + 1, dtype=np.bool_)  # the last: a value not known (code -1)
        out[self.covered[released_code]] = True
        return out

    def most_specific(self) -> list[Any]:
        """For each real value, the released value covering it that covers the fewest (then the
        first released); the value itself (as text) when none covers it."""
        best: list[Any] = list(self.raw)
        width = [math.inf] * len(self.raw)
        for i, codes in enumerate(self.covered):
            n = len(codes)
            for j in codes.tolist():
                if n < width[j]:
                    best[j], width[j] = self.released[i], n
        return best


def _ancestors(hierarchy: Hierarchy, values: list[Any], texts: list[str]) -> dict[str, list[str]]:
    """A hierarchy object's generalisations of each real value (text → labels, level 1 up); none
    for values it does not cover (a public table's outsiders), which then match by pattern only."""
    try:
        series = pd.Series(values, dtype=object)
        if all(isinstance(v, int | float | np.integer | np.floating) for v in values if not _missing(v)):
            series = pd.to_numeric(series)
        levels = [
            hierarchy.generalise(series, lv).to_numpy(dtype=object) for lv in range(1, hierarchy.height)
        ]
    except (HierarchyError, ValueError, TypeError):
        return {}
    return {t: [str(level[j]) for level in levels] for j, t in enumerate(texts)}


def plain_column(col: pd.Series) -> pd.Series:
    """A released column as plain values: a categorical one (Mondrian's output) as objects, so its
    codes and distinct values follow the order of appearance like any other column."""
    return col.astype(object) if isinstance(col.dtype, pd.CategoricalDtype) else col


def suppressed_rows(released: pd.DataFrame, quasi: Sequence[str]) -> np.ndarray:
    """Rows whose every quasi-identifier is suppressed (``*``) or missing."""
    out = np.ones(len(released), dtype=np.bool_)
    for q in quasi:
        col = released[q]
        out &= (col.astype("string") == SUPPRESSED).fillna(False).to_numpy(
            dtype=np.bool_
        ) | col.isna().to_numpy()
    return out


def check_truth(original: pd.DataFrame, released: pd.DataFrame) -> None:
    """Refuse a released table whose index does not name the original's rows it came from."""
    if not released.index.is_unique or not original.index.is_unique:
        raise InputError(
            "the original's and the released table's index labels must be unique (one per person)"
        )
    if not released.index.isin(original.index).all():
        raise InputError(
            "the released table's index must hold the original's index labels of the rows it came from "
            "(keep them through the recoding and shuffle; drop them only when writing the output)"
        )


@dataclass(frozen=True, slots=True)
class LinkageResult:
    """The linkage attack's outcome: success rate vs the random baseline, Wilson 95 % intervals."""

    source: Literal["original", "public"]
    attacks: int
    successes: int
    success_rate: float
    ci: tuple[float, float]
    #: the mean over the attacked records of 1/|candidates| when the person is a candidate
    expected_success: float
    baseline_rate: float
    baseline_ci: tuple[float, float]
    #: 1 / (people in the attacker's table): the baseline's expectation
    baseline_expected: float
    mean_candidates: float
    #: released rows outside the attack (every quasi-identifier suppressed)
    suppressed: int
    #: attacked records whose person is not in the attacker's table (public tables)
    not_in_table: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "attacks": self.attacks,
            "successes": self.successes,
            "success_rate": self.success_rate,
            "ci": list(self.ci),
            "expected_success": self.expected_success,
            "baseline_rate": self.baseline_rate,
            "baseline_ci": list(self.baseline_ci),
            "baseline_expected": self.baseline_expected,
            "mean_candidates": self.mean_candidates,
            "suppressed": self.suppressed,
            "not_in_table": self.not_in_table,
        }


def linkage_attack(
    original: pd.DataFrame,
    released: pd.DataFrame,
    quasi: Sequence[str],
    *,
    public: pd.DataFrame | None = None,
    hierarchies: Hierarchies | None = None,
    n_attacks: int = 500,
    rng: np.random.Generator,
) -> LinkageResult:
    """Attack ``n_attacks`` random released records (not suppressed) by linkage; see the module."""
    check_truth(original, released)
    attacker = original if public is None else public
    missing = [q for q in quasi if q not in attacker.columns]
    if missing:
        raise InputError(f"the public table lacks quasi-identifier column(s): {', '.join(missing)}")
    if len(attacker) == 0:
        raise InputError("the attacker's table is empty")
    if not attacker.index.is_unique:
        raise InputError("the public table's index labels must be unique (one per person)")
    covers: list[ColumnCover] = []
    rel_codes: list[np.ndarray] = []
    att_codes: list[np.ndarray] = []
    for q in quasi:
        column = plain_column(released[q])
        cover = ColumnCover.build(column, attacker[q].tolist(), (hierarchies or {}).get(q))
        covers.append(cover)
        codes, _ = pd.factorize(column, use_na_sentinel=False)
        rel_codes.append(codes.astype(np.int64))
        att_codes.append(cover.codes(attacker[q]))
    suppressed = suppressed_rows(released, quasi)
    eligible = np.flatnonzero(~suppressed)
    n = min(int(n_attacks), len(eligible))
    if n < 1:
        raise InputError("no released record to attack: every row is suppressed (or n_attacks < 1)")
    targets = np.sort(rng.choice(eligible, size=n, replace=False))
    labels = attacker.index
    truth_pos = labels.get_indexer(released.index[targets])
    successes = base_successes = not_in_table = 0
    expected = 0.0
    sizes = 0
    for t, true_at in zip(targets.tolist(), truth_pos.tolist(), strict=True):
        mask = np.ones(len(attacker), dtype=np.bool_)
        for cover, rc, ac in zip(covers, rel_codes, att_codes, strict=True):
            mask &= cover.mask(int(rc[t]))[ac]
        candidates = np.flatnonzero(mask)
        sizes += len(candidates)
        if true_at < 0:
            not_in_table += 1
        if len(candidates):
            guess = int(candidates[rng.integers(len(candidates))])
            successes += int(guess == true_at)
            if true_at >= 0 and mask[true_at]:
                expected += 1.0 / len(candidates)
        base_successes += int(int(rng.integers(len(attacker))) == true_at)
    rate, lo, hi = wilson(successes, n)
    brate, blo, bhi = wilson(base_successes, n)
    return LinkageResult(
        source="original" if public is None else "public",
        attacks=n,
        successes=successes,
        success_rate=rate,
        ci=(lo, hi),
        expected_success=expected / n,
        baseline_rate=brate,
        baseline_ci=(blo, bhi),
        baseline_expected=1.0 / len(attacker),
        mean_candidates=sizes / n,
        suppressed=int(suppressed.sum()),
        not_in_table=not_in_table,
    )
