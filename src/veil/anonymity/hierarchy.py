"""Generalisation hierarchies: for each quasi-identifier, the ladder of ever coarser values a
recoding may replace it with, from the value itself (level 0) to ``*`` (the top: suppressed).

The kinds follow ARX's hierarchy builders (``aggregates/HierarchyBuilderIntervalBased.java``,
``HierarchyBuilderDate.java``, ``HierarchyBuilderRedactionBased.java``,
``HierarchyBuilderOrderBased.java``) and its value-to-levels table (a CSV whose row is a value
then its generalisations):

* :class:`IntervalHierarchy` — numbers into ``[lo, hi)`` intervals of nested widths;
* :class:`DateHierarchy` — ISO dates truncated day → month → year → decade;
* :class:`PrefixHierarchy` — codes (ZIP, postcode) redacted from the right, ``12345 → 1234* → 123**``;
* :class:`OrderHierarchy` — categories in a given order, grouped into runs of growing size;
* :class:`MapHierarchy` — an explicit table (``value: [level 1, level 2, ...]``).

:func:`auto_hierarchy` builds one from a column's kind and values (so a steward anonymises a
table with no hand-written hierarchy); :func:`load_hierarchies` reads overrides from YAML
(``hierarchies: {column: {type: interval, widths: [5, 10, 20], lower: 0, upper: 120}}``).
Every hierarchy refuses a value it does not cover with :class:`~veil.errors.HierarchyError`
(the message names the column and how many values, never a value): a recoding never invents a
generalisation. Labels are text; a missing value stays :data:`MISSING` below the top.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from veil.errors import HierarchyError

__all__ = [
    "MISSING",
    "TOP",
    "ColumnKind",
    "DateHierarchy",
    "Hierarchy",
    "IntervalHierarchy",
    "MapHierarchy",
    "OrderHierarchy",
    "PrefixHierarchy",
    "auto_hierarchy",
    "hierarchies_for",
    "hierarchy_from_spec",
    "load_hierarchies",
]

#: The top of every hierarchy (ARX's suppression string).
TOP = "*"
#: The label of a missing value below the top.
MISSING = "NULL"

#: What a column holds, as the anonymity mathematics needs it (mapped from Veil's dtypes by
#: ``veil.disclosure``): numbers, ISO dates/timestamps, codes to redact, or categories.
ColumnKind = Literal["numeric", "date", "code", "category"]

_CODE_NAMES = re.compile(r"(zip|postcode|post_code|postal|plz|cap|fsa)", re.IGNORECASE)


def _labels(values: pd.Series) -> pd.Series:
    """Level 0: each value as text (integral floats without ``.0``), missing as :data:`MISSING`."""
    if pd.api.types.is_float_dtype(values.dtype):
        arr = values.to_numpy(dtype=float)
        integral = np.isfinite(arr) & (np.floor(arr) == arr)
        out = values.astype(object).map(str)
        out[integral] = pd.Series(arr[integral].astype(np.int64), index=values.index[integral]).map(str)
    else:
        out = values.astype(object).map(str)
    out[values.isna().to_numpy()] = MISSING
    return out.astype(object)


@dataclass(frozen=True)
class Hierarchy:
    """A ladder of generalisations for one column; subclasses say how each level is made."""

    column: str

    @property
    def height(self) -> int:
        """Number of levels, the value itself (0) and the top included."""
        raise NotImplementedError

    def _level(self, values: pd.Series, level: int) -> pd.Series:
        raise NotImplementedError

    def check(self, values: pd.Series) -> None:
        """Raise :class:`HierarchyError` when a (non-missing) value is outside the hierarchy."""

    def generalise(self, values: pd.Series, level: int) -> pd.Series:
        """The values at ``level`` (0: as text; ``height - 1``: all :data:`TOP`), as text labels."""
        if not 0 <= level < self.height:
            raise HierarchyError(f"column {self.column!r}: level {level} outside 0..{self.height - 1}")
        if level == self.height - 1:
            return pd.Series(TOP, index=values.index, dtype=object)
        if level == 0:
            return _labels(values)
        out = self._level(values, level).astype(object)
        out[values.isna().to_numpy()] = MISSING
        return out

    def levels(self, values: pd.Series) -> list[np.ndarray]:
        """For each level, the label of every value (after :meth:`check`): one array per level."""
        self.check(values)
        return [self.generalise(values, lv).to_numpy(dtype=object) for lv in range(self.height)]

    def to_dict(self) -> dict[str, Any]:
        """The hierarchy as its YAML spec (for certificates and ``--hierarchy`` files)."""
        raise NotImplementedError

    def _refuse(self, count: int, why: str) -> HierarchyError:
        return HierarchyError(
            f"the {type(self).__name__.removesuffix('Hierarchy').lower()} hierarchy of column "
            f"{self.column!r} does not cover {count} value(s): {why}"
        )


def _fmt(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:g}"


@dataclass(frozen=True)
class IntervalHierarchy(Hierarchy):
    """Numbers into half-open intervals ``[lower + j·w, lower + (j+1)·w)`` for each width ``w``.

    Each width must be a multiple of the one before, so the intervals nest (a generalisation of
    a generalisation). Values outside ``[lower, upper]`` are not covered.
    """

    widths: tuple[float, ...] = ()
    lower: float = 0.0
    upper: float = 0.0

    def __post_init__(self) -> None:
        if not self.widths or any(w <= 0 for w in self.widths):
            raise HierarchyError(f"column {self.column!r}: interval widths must be positive")
        for a, b in zip(self.widths, self.widths[1:], strict=False):
            ratio = b / a
            if b <= a or abs(ratio - round(ratio)) > 1e-9:
                raise HierarchyError(
                    f"column {self.column!r}: each interval width must be a multiple of the one before "
                    "(so the intervals nest)"
                )
        if not self.upper >= self.lower:
            raise HierarchyError(f"column {self.column!r}: the interval range is empty")

    @property
    def height(self) -> int:
        return len(self.widths) + 2

    def check(self, values: pd.Series) -> None:
        arr = pd.to_numeric(values, errors="coerce")
        bad = arr.isna() & values.notna()
        if bad.any():
            raise self._refuse(int(bad.sum()), "they are not numbers")
        out = (arr < self.lower) | (arr > self.upper)
        if out.any():
            raise self._refuse(int(out.sum()), f"outside [{_fmt(self.lower)}, {_fmt(self.upper)}]")

    def _level(self, values: pd.Series, level: int) -> pd.Series:
        w = self.widths[level - 1]
        arr = pd.to_numeric(values, errors="coerce").to_numpy(dtype=float)
        start = self.lower + np.floor((arr - self.lower) / w) * w
        # Label each distinct start once (a column has few intervals).
        ok = np.isfinite(start)
        uniq, inv = np.unique(start[ok], return_inverse=True)
        names = np.array([f"[{_fmt(s)}, {_fmt(s + w)})" for s in uniq], dtype=object)
        out = np.full(len(arr), MISSING, dtype=object)
        out[ok] = names[inv]
        return pd.Series(out, index=values.index)

    def to_dict(self) -> dict[str, Any]:
        return {"type": "interval", "widths": list(self.widths), "lower": self.lower, "upper": self.upper}


_DATE_LEVELS = ("month", "year", "decade")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True)
class DateHierarchy(Hierarchy):
    """ISO dates (``YYYY-MM-DD``, timestamps too) truncated to month ``2020-03``, year ``2020``
    and decade ``2020s`` (ARX's ``HierarchyBuilderDate`` granularities)."""

    granularities: tuple[str, ...] = _DATE_LEVELS

    def __post_init__(self) -> None:
        if not self.granularities or any(g not in _DATE_LEVELS for g in self.granularities):
            raise HierarchyError(f"column {self.column!r}: date levels are some of {', '.join(_DATE_LEVELS)}")
        order = [_DATE_LEVELS.index(g) for g in self.granularities]
        if order != sorted(set(order)):
            raise HierarchyError(f"column {self.column!r}: date levels go from fine to coarse")

    @property
    def height(self) -> int:
        return len(self.granularities) + 2

    def check(self, values: pd.Series) -> None:
        text = values.dropna().astype(str)
        bad = ~text.str.match(_DATE)
        if bad.any():
            raise self._refuse(int(bad.sum()), "they are not ISO dates (YYYY-MM-DD)")
        parsed = pd.to_datetime(text.str.slice(0, 10), format="%Y-%m-%d", errors="coerce")
        if parsed.isna().any():
            raise self._refuse(int(parsed.isna().sum()), "they are not valid dates")

    def _level(self, values: pd.Series, level: int) -> pd.Series:
        text = values.astype(object).where(values.notna(), "0000-00-00").astype(str)
        g = self.granularities[level - 1]
        if g == "month":
            return text.str.slice(0, 7)
        if g == "year":
            return text.str.slice(0, 4)
        return text.str.slice(0, 3) + "0s"

    def to_dict(self) -> dict[str, Any]:
        return {"type": "date", "levels": list(self.granularities)}


@dataclass(frozen=True)
class PrefixHierarchy(Hierarchy):
    """Codes redacted from the right, one character per level up to ``length - 1`` (ARX's
    ``HierarchyBuilderRedactionBased``, right to left): ``12345 → 1234* → … → 1****``."""

    length: int = 5

    def __post_init__(self) -> None:
        if self.length < 1:
            raise HierarchyError(f"column {self.column!r}: a code length must be positive")

    @property
    def height(self) -> int:
        return self.length + 1

    def check(self, values: pd.Series) -> None:
        longer = values.dropna().astype(str).str.len() > self.length
        if longer.any():
            raise self._refuse(int(longer.sum()), f"they are longer than {self.length} characters")

    def _level(self, values: pd.Series, level: int) -> pd.Series:
        text = values.astype(object).where(values.notna(), "").astype(str).str.pad(self.length, "right", " ")
        return text.str.slice(0, self.length - level).str.rstrip() + TOP * level

    def to_dict(self) -> dict[str, Any]:
        return {"type": "prefix", "length": self.length}


@dataclass(frozen=True)
class OrderHierarchy(Hierarchy):
    """Categories in ``order`` grouped into consecutive runs of ``groups[i]`` values at level
    ``i + 1`` (ARX's ``HierarchyBuilderOrderBased``); a run is labelled ``first..last``.
    Each group size must be a multiple of the one before (runs nest)."""

    order: tuple[str, ...] = ()
    groups: tuple[int, ...] = ()

    def __post_init__(self) -> None:
        if not self.order or len(set(self.order)) != len(self.order):
            raise HierarchyError(f"column {self.column!r}: an order lists each category once")
        for a, b in zip((1, *self.groups), self.groups, strict=False):
            if b <= a or b % a:
                raise HierarchyError(
                    f"column {self.column!r}: each group size must be a multiple of the one before"
                )

    @property
    def height(self) -> int:
        return len(self.groups) + 2

    def check(self, values: pd.Series) -> None:
        unknown = ~values.dropna().astype(str).isin(self.order)
        if unknown.any():
            raise self._refuse(int(unknown.sum()), "they are not in its order of categories")

    def _level(self, values: pd.Series, level: int) -> pd.Series:
        size = self.groups[level - 1]
        names = []
        for start in range(0, len(self.order), size):
            run = self.order[start : start + size]
            names.extend([run[0] if len(run) == 1 else f"{run[0]}..{run[-1]}"] * len(run))
        table = dict(zip(self.order, names, strict=True))
        return values.astype(object).where(values.notna(), None).map(lambda v: table.get(str(v), MISSING))

    def to_dict(self) -> dict[str, Any]:
        return {"type": "order", "order": list(self.order), "groups": list(self.groups)}


@dataclass(frozen=True)
class MapHierarchy(Hierarchy):
    """An explicit table: each value and its generalisations, finest first (the top ``*`` is
    implied). Every value has the same number of levels, and a label has one parent."""

    table: Mapping[str, tuple[str, ...]] = None  # type: ignore[assignment]

    def __post_init__(self) -> None:
        if not self.table:
            raise HierarchyError(f"column {self.column!r}: a mapped hierarchy lists at least one value")
        depths = {len(v) for v in self.table.values()}
        if len(depths) != 1:
            raise HierarchyError(f"column {self.column!r}: every value needs the same number of levels")
        depth = depths.pop()
        for lv in range(depth):
            parent: dict[str, str] = {}
            for levels in self.table.values():
                below = levels[lv - 1] if lv else None
                if below is not None and parent.setdefault(below, levels[lv]) != levels[lv]:
                    raise HierarchyError(
                        f"column {self.column!r}: a label at level {lv} has two parents at level {lv + 1}"
                    )

    @property
    def height(self) -> int:
        return len(next(iter(self.table.values()))) + 2

    def check(self, values: pd.Series) -> None:
        unknown = ~_labels(values.dropna()).isin(list(self.table))
        if unknown.any():
            raise self._refuse(int(unknown.sum()), "they are not in its table")

    def _level(self, values: pd.Series, level: int) -> pd.Series:
        lookup = {k: v[level - 1] for k, v in self.table.items()}
        return _labels(values).map(lambda v: lookup.get(v, MISSING))

    def to_dict(self) -> dict[str, Any]:
        return {"type": "map", "levels": {k: list(v) for k, v in self.table.items()}}


def _nice(x: float) -> float:
    """The smallest of 1, 2, 5 × 10^p at least ``x``."""
    if x <= 0:
        return 1.0
    p = 10.0 ** math.floor(math.log10(x))
    for m in (1, 2, 5, 10):
        if m * p >= x - 1e-12:
            return float(m * p)
    return 10 * p  # pragma: no cover


def _interval(column: str, values: pd.Series) -> IntervalHierarchy:
    arr = pd.to_numeric(values, errors="coerce").dropna().to_numpy(dtype=float)
    lo, hi = (float(arr.min()), float(arr.max())) if arr.size else (0.0, 0.0)
    span = max(hi - lo, 1.0)
    base = _nice(span / 16)
    if pd.api.types.is_integer_dtype(values.dtype) or (arr.size and np.all(np.floor(arr) == arr)):
        base = max(base, 1.0)
    lower = math.floor(lo / base) * base
    widths = [base]
    while widths[-1] * 2 < span:
        widths.append(widths[-1] * 2)
    return IntervalHierarchy(column, widths=tuple(widths), lower=lower, upper=hi)


def _groups(count: int) -> tuple[int, ...]:
    """Run sizes for ``count`` ordered categories: powers of a fan-out that keep ≤ 3 levels."""
    if count <= 2:
        return ()
    fan = max(2, math.ceil(count ** (1 / 4)))
    sizes: list[int] = []
    size = fan
    while size < count and len(sizes) < 3:
        sizes.append(size)
        size *= fan
    return tuple(sizes)


def auto_hierarchy(column: str, values: pd.Series, kind: ColumnKind | None = None) -> Hierarchy:
    """A hierarchy for ``values`` from the column's kind (inferred when ``None``): numbers →
    nested intervals; dates → month/year/decade; codes (a ZIP/postcode-like name, or digits of
    one length) → right-to-left redaction; anything else → its sorted categories in runs."""
    if kind is None:
        kind = _infer_kind(column, values)
    if kind == "numeric":
        return _interval(column, values)
    if kind == "date":
        return DateHierarchy(column)
    text = values.dropna().astype(str)
    if kind == "code":
        return PrefixHierarchy(column, length=max(int(text.str.len().max()) if len(text) else 1, 1))
    order = tuple(sorted(text.unique().tolist()))
    if not order:
        order = (MISSING,)
    return OrderHierarchy(column, order=order, groups=_groups(len(order)))


def _infer_kind(column: str, values: pd.Series) -> ColumnKind:
    if pd.api.types.is_bool_dtype(values.dtype):
        return "category"
    if pd.api.types.is_numeric_dtype(values.dtype):
        return "numeric"
    text = values.dropna().astype(str)
    if len(text) and text.str.match(_DATE).all():
        return "date"
    if _CODE_NAMES.search(column) and len(text) and text.str.fullmatch(r"[0-9A-Za-z ]+").all():
        return "code"
    return "category"


def hierarchy_from_spec(column: str, spec: Mapping[str, Any]) -> Hierarchy:
    """One hierarchy from its YAML spec (see the module docstring)."""
    if not isinstance(spec, Mapping) or "type" not in spec:
        raise HierarchyError(f"the hierarchy of column {column!r} needs a 'type'")
    kind = spec["type"]
    try:
        if kind == "interval":
            widths = tuple(float(w) for w in spec["widths"])
            return IntervalHierarchy(
                column, widths=widths, lower=float(spec["lower"]), upper=float(spec["upper"])
            )
        if kind == "date":
            return DateHierarchy(column, tuple(spec.get("levels", _DATE_LEVELS)))
        if kind == "prefix":
            return PrefixHierarchy(column, length=int(spec["length"]))
        if kind == "order":
            order = tuple(str(v) for v in spec["order"])
            groups = spec.get("groups")
            return OrderHierarchy(
                column, order=order, groups=tuple(int(g) for g in groups) if groups else _groups(len(order))
            )
        if kind == "map":
            levels = spec["levels"]
            return MapHierarchy(column, table={str(k): tuple(str(x) for x in v) for k, v in levels.items()})
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise HierarchyError(f"the hierarchy of column {column!r} is malformed: {exc!r}") from None
    raise HierarchyError(
        f"the hierarchy of column {column!r} has unknown type {kind!r} (interval, date, prefix, order, map)"
    )


def load_hierarchies(path: Path) -> dict[str, Hierarchy]:
    """Hierarchies by column from a YAML file: ``hierarchies: {column: spec}``."""
    import yaml

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise HierarchyError(f"cannot read hierarchy file {path.name}: {type(exc).__name__}") from None
    specs = data.get("hierarchies") if isinstance(data, dict) else None
    if not isinstance(specs, dict) or not specs:
        raise HierarchyError(f"hierarchy file {path.name} needs a 'hierarchies:' mapping of column to spec")
    return {str(col): hierarchy_from_spec(str(col), spec) for col, spec in specs.items()}


def hierarchies_for(
    df: pd.DataFrame,
    quasi: Sequence[str],
    kinds: Mapping[str, ColumnKind] | None = None,
    overrides: Mapping[str, Hierarchy] | None = None,
) -> dict[str, Hierarchy]:
    """A checked hierarchy for each of ``quasi``: the override if given, else built from the
    column's kind and values. Refuses a hierarchy that does not cover a value."""
    out: dict[str, Hierarchy] = {}
    for q in quasi:
        h = (overrides or {}).get(q) or auto_hierarchy(q, df[q], (kinds or {}).get(q))
        h.check(df[q])
        out[q] = h
    return out
