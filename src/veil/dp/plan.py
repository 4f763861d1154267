"""Resolve a parsed DP query against a dataset and compile it to engine SQL.

The plan is the privacy-critical part, so it is explicit:

1. ``bounded`` — the dataset's rows, only subjects lawful for the purpose,
   each subject cut to its first ``max_rows_per_subject`` rows in a salted
   random order (the engine supplies this relation, see ``engines/``);
2. ``filtered`` — the user's joins (public tables only, unique join keys, so a
   row never multiplies) and ``WHERE`` filter, projecting group keys as ``_k<i>``;
3. optionally, each subject cut to ``max_groups_per_subject`` groups (only when
   that bound is tighter than the row bound and the query groups);
4. one aggregate per *measurement* — COUNT, clamped SUM, centred SUM and SUM of
   squares, or a histogram over bins within the bounds for quantiles.

Every measurement has a known L1 sensitivity for one subject's whole
contribution; :mod:`veil.dp.query` adds noise scaled to it. Only aggregates
leave the engine.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, cast

import sqlglot
from sqlglot import exp

from veil.consent.purpose import Purpose
from veil.dp.policy import BOUND_MIN, NUMERIC, DpPolicy, check_bounds
from veil.dp.sql import AggFunc, Aggregate, ColumnRef, QuerySpec, UnsupportedSqlError
from veil.dp.where import SqlType, compile_filter, sql_type_of
from veil.errors import InputError
from veil.vault.dataset import Dataset, DType
from veil.vault.release import Release

__all__ = ["ColumnStats", "MeasureKind", "Measurement", "PublicTable", "QueryPlan", "build_plan", "clamp_sql"]

#: Bins of the histogram a quantile is read from (resolution: (high - low) / HIST_BINS).
HIST_BINS = 256
MAX_DECLARED_GROUPS = 100_000


class MeasureKind(StrEnum):
    COUNT = "count"  # COUNT(*) or COUNT(col)
    DISTINCT = "distinct"  # COUNT(DISTINCT subject)
    SUM = "sum"  # SUM(clamped col)
    SUM_C = "sum_c"  # SUM(clamped col - midpoint)
    SUM_C2 = "sum_c2"  # SUM((clamped col - midpoint)^2)
    HIST = "hist"  # COUNT(*) per bin of the clamped col


@dataclass(frozen=True, slots=True)
class Measurement:
    kind: MeasureKind
    column: str | None  # dataset column name (None: COUNT(*) / DISTINCT)
    sensitivity: float
    integer: bool

    @property
    def key(self) -> tuple[str, str | None]:
        return (self.kind.value, self.column)


@dataclass(frozen=True, slots=True)
class PublicTable:
    name: str
    columns: Mapping[str, str]  # name -> logical type (int, float, text, bool)
    #: Distinct values per column (their key sets are public by definition).
    values: Mapping[str, tuple[Any, ...]]
    unique: frozenset[str]  # columns whose values are unique (usable as join keys)


@dataclass(slots=True)
class QueryPlan:
    spec: QuerySpec
    dataset: Dataset
    policy: DpPolicy
    key_names: list[str]  # output names of the group keys, in GROUP BY order
    key_domains: list[tuple[Any, ...] | None]  # declared/public key set per key, None = private
    measurements: list[Measurement]
    groups_per_subject: int  # L0 bound used for partition selection / COUNT DISTINCT
    enforce_groups: bool
    bounds: dict[str, tuple[float, float]]
    public: dict[str, PublicTable]  # alias -> table
    #: the release gate the plan was checked against (dataset, purpose: lawful subjects, columns)
    release: Release
    item_keys: dict[str, int] = field(default_factory=dict)  # SELECTed key alias -> GROUP BY position
    #: SQL pieces in DuckDB dialect (transpiled per engine by :meth:`sql`)
    _filtered: str = ""
    _group_cols: list[str] = field(default_factory=list)

    @property
    def purpose(self) -> Purpose:
        return self.release.purpose

    @property
    def needs_selection(self) -> bool:
        return bool(self.key_names) and any(d is None for d in self.key_domains)

    def sql(
        self,
        bounded: str,
        dialect: str,
        public_names: Mapping[str, str],
        stats: Mapping[str, ColumnStats] | None = None,
        clamped: Mapping[str, str] | None = None,
    ) -> list[str]:
        """The engine SQL: one aggregate query, plus one histogram query per quantiled column.

        ``stats`` (per dataset column: min, max, nulls over the engine's rows, when the
        engine knows them) lets clamps that cannot change a value be left out, and
        ``clamped`` names columns of ``bounded`` that already hold a column clamped to
        this plan's bounds (the DuckDB mirror materialises them): the same result, less
        work in the scan.
        """
        stats = stats or {}
        clamped = clamped or {}
        filtered = self._filtered
        for alias, table in self.public.items():
            filtered = filtered.replace(f"__public_{alias}__", public_names[table.name])
        for name, (lo, hi) in self.bounds.items():
            sql_name = self.dataset.column(name).sql_name
            expr = (
                f'b."{clamped[name]}"'
                if name in clamped
                else _clamp(f'b."{sql_name}"', lo, hi, stats.get(name))
            )
            filtered = filtered.replace(f"__clamp_{sql_name}__", expr)
        ctes = f"WITH bounded AS ({bounded}), filtered AS ({filtered})"
        source = "filtered"
        if self.enforce_groups:
            gkey = " || '|' || ".join(f"COALESCE(CAST({k} AS VARCHAR), '~null')" for k in self._group_cols)
            # Identifiers and numbers from the plan; the salt is checked to be hex in build_plan.
            rank = f"DENSE_RANK() OVER (PARTITION BY _sid ORDER BY md5('{self.policy.salt}' || {gkey}))"
            limit = self.policy.max_groups_per_subject
            grouped = f"SELECT * FROM (SELECT *, {rank} AS _gr FROM filtered) AS g WHERE _gr <= {limit}"  # noqa: S608
            ctes += f", grouped AS ({grouped})"
            source = "grouped"
        keys = ", ".join(self._group_cols)
        group = f" GROUP BY {keys}" if keys else ""
        lead = f"{keys}, " if keys else ""
        out: list[str] = []
        exprs = ", ".join(self._raw_sql(r) for r in self.raw) or "COUNT(*)"
        out.append(f"{ctes} SELECT {lead}{exprs} FROM {source}{group}")  # noqa: S608
        for m in self.measurements:
            if m.kind is MeasureKind.HIST:
                assert m.column is not None
                lo, hi = self.bounds[m.column]
                k = self._clamped(m.column)
                scaled = f"(CAST({k} AS DOUBLE) - {lo!r}) * {HIST_BINS} / {hi - lo!r}"
                bin_ = f"LEAST(CAST(FLOOR({scaled}) AS BIGINT), {HIST_BINS - 1})"
                out.append(
                    f"{ctes} SELECT {lead}{bin_} AS _bin, COUNT(*) FROM {source} "  # noqa: S608
                    f"WHERE {k} IS NOT NULL GROUP BY {lead}{bin_}"
                )
        if dialect == "duckdb":
            return out
        return [sqlglot.transpile(q, read="duckdb", write=dialect)[0] for q in out]

    @property
    def raw(self) -> list[tuple[str, str | None]]:
        """The aggregates the engine returns (deduplicated); measurements are computed from them."""
        out: dict[tuple[str, str | None], None] = {}
        for m in self.measurements:
            if m.kind is MeasureKind.HIST:
                continue
            if m.kind is MeasureKind.COUNT:
                out[("count", m.column)] = None
            elif m.kind is MeasureKind.DISTINCT:
                out[("distinct", None)] = None
            else:
                out[("count", m.column)] = None
                out[("sum", m.column)] = None
                if m.kind is MeasureKind.SUM_C2:
                    out[("sum2", m.column)] = None
        return list(out)

    def measure(self, raw: Mapping[tuple[str, str | None], Any]) -> list[float]:
        """Each non-histogram measurement's true value from the raw aggregates.

        Centred sums are exact rearrangements: sum(x - m) = sum(x) - m n, and
        sum((x - m)^2) = sum(x^2) - 2 m sum(x) + n m^2.
        """
        out: list[float] = []
        for m in self.measurements:
            if m.kind is MeasureKind.HIST:
                continue
            if m.kind is MeasureKind.COUNT:
                out.append(_num(raw[("count", m.column)]))
                continue
            if m.kind is MeasureKind.DISTINCT:
                out.append(_num(raw[("distinct", None)]))
                continue
            assert m.column is not None
            lo, hi = self.bounds[m.column]
            mid = (lo + hi) / 2
            n, s1 = _num(raw[("count", m.column)]), _num(raw[("sum", m.column)])
            if m.kind is MeasureKind.SUM:
                out.append(s1)
            elif m.kind is MeasureKind.SUM_C:
                out.append(s1 - mid * n)
            else:
                out.append(max(0.0, _num(raw[("sum2", m.column)]) - 2 * mid * s1 + n * mid * mid))
        return out

    def _clamped(self, name: str) -> str:
        return f'"k_{self.dataset.column(name).sql_name}"'

    def _col(self, name: str) -> str:
        return f'"c_{self.dataset.column(name).sql_name}"'

    def _raw_sql(self, raw: tuple[str, str | None]) -> str:
        kind, col = raw
        if kind == "count":
            return "COUNT(*)" if col is None else f"COUNT({self._col(col)})"
        if kind == "distinct":
            return "COUNT(DISTINCT _sid)"
        assert col is not None
        k = self._clamped(col)
        if kind == "sum":
            return f"SUM({k})"
        return f"SUM(CAST({k} AS DOUBLE) * CAST({k} AS DOUBLE))"


def _num(v: Any) -> float:
    return 0.0 if v is None else float(v)


@dataclass(frozen=True, slots=True)
class ColumnStats:
    """What an engine knows of a column over all its rows (a superset of any query's rows)."""

    low: float | None
    high: float | None
    nulls: int


_TYPE_CLASS = {
    SqlType.INT: "number",
    SqlType.FLOAT: "number",
    SqlType.BOOL: "boolean",
    SqlType.TEXT: "text",
    SqlType.DATE: "text",
    SqlType.TIMESTAMP: "text",
    SqlType.NULL: "null",
}

#: Integer clamps keep integer sums (exact, and fast) while no sum of them can overflow 64 bits.
INT_SUM_LIMIT = 1e9


def clamp_sql(col: str, lo: float, hi: float, *, integer: bool) -> str:
    """``col`` clamped to [lo, hi]; NULL stays NULL. Integers stay integers where that is exact."""
    if (
        integer
        and float(lo).is_integer()
        and float(hi).is_integer()
        and max(abs(lo), abs(hi)) <= INT_SUM_LIMIT
    ):
        low, high = str(int(lo)), str(int(hi))
        return f"CASE WHEN {col} < {low} THEN {low} WHEN {col} > {high} THEN {high} ELSE {col} END"
    # NaN compares above every number on every engine, so it becomes ``hi``. Where 0 lies within
    # the bounds, values smaller than BOUND_MIN become 0: squares and histogram bins of the
    # clamped value then cannot underflow (PostgreSQL raises on underflow).
    tiny = f"WHEN {col} > {-BOUND_MIN!r} AND {col} < {BOUND_MIN!r} THEN 0.0 " if lo <= 0 <= hi else ""
    return (
        f"CASE WHEN {col} < {lo!r} THEN {lo!r} WHEN {col} > {hi!r} THEN {hi!r} "
        f"{tiny}ELSE CAST({col} AS DOUBLE) END"
    )


def _clamp(col: str, lo: float, hi: float, stats: ColumnStats | None = None) -> str:
    """The column clamped to [lo, hi] as DOUBLE (CASE, not LEAST/GREATEST: faster, and NULL stays NULL)."""
    inside = stats is not None and stats.low is not None and stats.high is not None
    if inside and stats is not None and lo <= float(stats.low or 0) and float(stats.high or 0) <= hi:
        return f"CAST({col} AS DOUBLE)"
    return clamp_sql(col, lo, hi, integer=False)


def build_plan(
    spec: QuerySpec, gate: Release, policy: DpPolicy, public: Mapping[str, PublicTable]
) -> QueryPlan:
    """Check the query against the dataset, its purpose and policy; raise a clear error on anything unsafe.

    Every dataset column the query reads — aggregated, filtered on, grouped by or joined
    on — goes through the release gate first (:meth:`Release.check`): a sealed column or
    one whose category the purpose does not allow is refused here, from the schema alone,
    before the engine runs and before any budget is charged.
    """
    ds = gate.dataset
    if not re.fullmatch(r"[0-9a-f]{0,64}", policy.salt):
        raise InputError(f"dataset {ds.name!r}: its DP policy's salt is not hex; set the policy again")
    if spec.table != ds.name.lower():
        raise InputError(f"the query reads {spec.table!r}, but the dataset asked for is {ds.name!r}")
    by_name = {c.name.lower(): c for c in ds.columns}
    subject = ds.subject_column.lower()
    aliases: dict[str, PublicTable] = {}
    for j in spec.joins:
        if j.table not in public:
            if j.table == ds.name.lower():
                raise UnsupportedSqlError("unsupported in DP SQL: a self-join of the dataset")
            raise InputError(
                f"JOIN {j.table}: not a public table; register non-personal lookup tables with "
                f"`veil table add NAME FILE` (joins with other personal datasets are not supported)"
            )
        aliases[j.alias] = public[j.table]

    def resolve(ref: ColumnRef, where: str) -> str:
        """-> SQL for the column inside ``filtered``'s FROM (``b.<col>`` or ``<alias>.<col>``)."""
        return resolve_typed(ref, where)[0]

    def resolve_typed(ref: ColumnRef, where: str) -> tuple[str, SqlType]:
        """The column's SQL and its type (the dataset's declared type, or the public table's)."""
        name = ref.name.lower()
        if ref.table is not None and ref.table != spec.alias and ref.table != ds.name.lower():
            table = aliases.get(ref.table)
            if table is None:
                raise InputError(f"{where}: unknown table or alias {ref.table!r}")
            if name not in {c.lower() for c in table.columns}:
                raise InputError(f"{where}: public table {table.name!r} has no column {ref.name!r}")
            pub_col = next(c for c in table.columns if c.lower() == name)
            return f'{ref.table}."{pub_col}"', sql_type_of(table.columns[pub_col])
        if name == subject:
            raise InputError(
                f"{where}: the subject column {ds.subject_column!r} is the privacy unit; it can only be "
                "counted (COUNT(DISTINCT ...)), never filtered on or grouped by"
            )
        col = by_name.get(name)
        if col is None:
            owners = [a for a, t in aliases.items() if name in {c.lower() for c in t.columns}]
            if ref.table is None and len(owners) == 1:
                return resolve_typed(ColumnRef(owners[0], ref.name), where)
            if len(owners) > 1:
                raise InputError(f"{where}: column {ref.name!r} is ambiguous; qualify it with a table alias")
            raise InputError(
                f"{where}: dataset {ds.name!r} has no column {ref.name!r}; it has: "
                + ", ".join(c.name for c in ds.columns if not c.sealed)
                + f" (purpose {gate.purpose.name!r} allows: "
                + (", ".join(c.name for c in gate.allowed()) or "none")
                + ")"
            )
        gate.check(col)  # ColumnNotAllowedError: sealed, or not allowed for the purpose
        if ref.table is None and any(name in {c.lower() for c in t.columns} for t in aliases.values()):
            raise InputError(f"{where}: column {ref.name!r} is ambiguous; qualify it with a table alias")
        return f'b."{col.sql_name}"', sql_type_of(col.dtype.value)

    # Joins: equality on a unique public key, so each private row meets at most one public row.
    join_sql: list[str] = []
    for j in spec.joins:
        table = aliases[j.alias]
        conds = []
        for left, right in j.on:
            (lsql, ltype), (rsql, rtype) = resolve_typed(left, "ON"), resolve_typed(right, "ON")
            if _TYPE_CLASS[ltype] != _TYPE_CLASS[rtype]:
                # An engine would convert one side for every row, and fail on some values.
                raise UnsupportedSqlError(
                    f"unsupported in DP SQL: JOIN {j.table} ON {left} = {right} compares "
                    f"{ltype.value} with {rtype.value}"
                )
            pub_side = (
                rsql if rsql.startswith(f"{j.alias}.") else lsql if lsql.startswith(f"{j.alias}.") else None
            )
            if pub_side is None or (lsql.startswith(f"{j.alias}.") and rsql.startswith(f"{j.alias}.")):
                raise UnsupportedSqlError(
                    f"unsupported in DP SQL: JOIN {j.table} must compare a dataset column "
                    f"with a {j.table} column"
                )
            conds.append(f"{lsql} = {rsql}")
        keys = [r.name for _l, r in j.on if resolve(r, "ON").startswith(f"{j.alias}.")] + [
            l_.name for l_, _r in j.on if resolve(l_, "ON").startswith(f"{j.alias}.")
        ]
        if not any(k in table.unique for k in keys):
            raise InputError(
                f"JOIN {j.table}: the join column(s) {', '.join(keys)} are not unique in {j.table}; "
                "a dataset row could match several rows and count more than once"
            )
        kind = "LEFT JOIN" if j.left else "JOIN"
        join_sql.append(f"{kind} __public_{j.alias}__ AS {j.alias} ON {' AND '.join(conds)}")

    # Filter: compiled against the column types into a form that cannot raise on any value
    # (see veil.dp.where): whether the query fails must never depend on the data.
    where_sql = ""
    if spec.where is not None:

        def column(node: exp.Column) -> tuple[exp.Expression, SqlType]:
            sql, typ = resolve_typed(ColumnRef(node.table.lower() or None, node.name), "WHERE")
            return cast(exp.Expression, sqlglot.parse_one(sql, read="duckdb")), typ

        where_sql = " WHERE " + compile_filter(spec.where, column).sql(dialect="duckdb")

    # Group keys and their domains.
    key_names: list[str] = []
    key_domains: list[tuple[Any, ...] | None] = []
    group_cols: list[str] = []
    projections: list[str] = []
    for i, g in enumerate(spec.group_by):
        src = resolve(g, "GROUP BY")
        key_sql = src
        group_cols.append(f"_k{i}")
        key_names.append(g.name)
        if src.startswith("b."):
            col = by_name[g.name.lower()]
            key_domains.append(policy.keys.get(col.name))
            if col.dtype is DType.TEXT and col.name in policy.keys:
                # Declared keys are compared with the stored values as both are normalised
                # (leading and trailing spaces removed: TRIM on every engine, and
                # ``normalise_key`` where keys are declared), so "F " counts as "F".
                key_sql = f"TRIM({src})"
        else:
            alias, _dot, quoted = src.partition(".")
            key_domains.append(aliases[alias].values[quoted.strip('"')])
        projections.append(f"{key_sql} AS _k{i}")
    item_keys: dict[str, int] = {}
    for item in spec.keys:
        same = [i for i, g in enumerate(spec.group_by) if g == item.column]
        named = [i for i, g in enumerate(spec.group_by) if g.name.lower() == item.column.name.lower()]
        if not (same or len(named) == 1):
            raise InputError(f"column {item.column} is in SELECT but not in GROUP BY")
        item_keys[item.alias] = (same or named)[0]
        key_names[item_keys[item.alias]] = item.alias
    declared = [len(d) for d in key_domains if d is not None]
    total = 1
    for n in declared:
        total *= n
    if declared and total > MAX_DECLARED_GROUPS and all(d is not None for d in key_domains):
        raise InputError(f"the declared key sets make {total} groups (more than {MAX_DECLARED_GROUPS})")

    # Measurements and their sensitivities.
    rows = policy.max_rows_per_subject
    # The group bound only tightens COUNT(DISTINCT subject) and private partition selection (a
    # subject's rows already bound every count and sum), and enforcing it costs a window over
    # the rows: do it only for queries that use it.
    wants_groups = any(a.func is AggFunc.COUNT_DISTINCT for a in spec.aggregates) or any(
        _private_key(g, policy, aliases, spec) for g in spec.group_by
    )
    enforce_groups = bool(spec.group_by) and policy.max_groups_per_subject < rows and wants_groups
    groups_per_subject = policy.max_groups_per_subject if enforce_groups else rows
    if not spec.group_by:
        groups_per_subject = 1
    bounds: dict[str, tuple[float, float]] = {}
    measurements: dict[tuple[str, str | None], Measurement] = {}

    def need(kind: MeasureKind, column: str | None, sens: float, integer: bool) -> None:
        m = Measurement(kind, column, sens, integer)
        measurements.setdefault(m.key, m)

    used_cols: set[str] = set()
    for agg in spec.aggregates:
        col_name = _agg_column(agg, resolve, by_name, subject, ds)
        if agg.func is AggFunc.COUNT:
            need(MeasureKind.COUNT, None, rows, True)
            continue
        if agg.func is AggFunc.COUNT_DISTINCT:
            need(MeasureKind.DISTINCT, None, groups_per_subject, True)
            continue
        assert col_name is not None
        used_cols.add(col_name)
        if agg.func is AggFunc.COUNT_COL:
            need(MeasureKind.COUNT, col_name, rows, True)
            continue
        col = ds.column(col_name)
        if col.dtype not in NUMERIC:
            raise InputError(
                f"{agg.func.value.upper()}({col.name}): column {col.name!r} is "
                f"{col.dtype.value}, not a number"
            )
        if col.name not in policy.bounds:
            raise InputError(
                f"{agg.func.value.upper()}({col.name}) needs bounds for {col.name!r}: declare them with "
                f"`veil dataset set {ds.name} --bounds {col.name}=LOW:HIGH` (values outside are clamped)"
            )
        lo, hi = policy.bounds[col.name]
        check_bounds(col.name, lo, hi)
        bounds[col.name] = (lo, hi)
        half = (hi - lo) / 2
        if agg.func is AggFunc.SUM:
            need(MeasureKind.SUM, col.name, rows * max(abs(lo), abs(hi)), False)
        elif agg.func is AggFunc.AVG:
            need(MeasureKind.SUM_C, col.name, rows * half, False)
            need(MeasureKind.COUNT, col.name, rows, True)
        elif agg.func is AggFunc.QUANTILE:
            need(MeasureKind.HIST, col.name, rows, True)
        else:  # variance / stddev
            need(MeasureKind.SUM_C, col.name, rows * half, False)
            need(MeasureKind.SUM_C2, col.name, rows * half * half, False)
            need(MeasureKind.COUNT, col.name, rows, True)

    needed = sorted(used_cols | set(bounds))
    projections = (
        ["b._sid AS _sid"]
        + projections
        + [f'b."{ds.column(c).sql_name}" AS "c_{ds.column(c).sql_name}"' for c in needed]
        # Clamped copies for the aggregates; the engine fills the placeholder (see QueryPlan.sql).
        + [f'__clamp_{ds.column(c).sql_name}__ AS "k_{ds.column(c).sql_name}"' for c in sorted(bounds)]
    )
    plan = QueryPlan(
        spec=spec,
        dataset=ds,
        policy=policy,
        key_names=key_names,
        key_domains=key_domains,
        measurements=list(measurements.values()),
        groups_per_subject=groups_per_subject,
        enforce_groups=enforce_groups,
        bounds=bounds,
        public=dict(aliases),
        release=gate,
        item_keys=item_keys,
    )
    plan._filtered = f"SELECT {', '.join(projections)} FROM bounded AS b {' '.join(join_sql)}{where_sql}"  # noqa: S608
    plan._group_cols = group_cols
    if plan.needs_selection and not any(m.kind is MeasureKind.DISTINCT for m in plan.measurements):
        plan.measurements.append(Measurement(MeasureKind.DISTINCT, None, groups_per_subject, True))
    return plan


def _private_key(g: ColumnRef, policy: DpPolicy, aliases: Mapping[str, PublicTable], spec: QuerySpec) -> bool:
    """Whether GROUP BY column ``g`` has no declared (or public) key set."""
    if g.table is not None and g.table in aliases:
        return False
    if g.table is None and any(g.name.lower() in {c.lower() for c in t.columns} for t in aliases.values()):
        return False
    return not any(k.lower() == g.name.lower() for k in policy.keys)


def _agg_column(
    agg: Aggregate,
    resolve: Any,
    by_name: Mapping[str, Any],
    subject: str,
    ds: Dataset,
) -> str | None:
    if agg.column is None:
        return None
    if agg.func is AggFunc.COUNT_DISTINCT:
        if agg.column.name.lower() != subject:
            raise UnsupportedSqlError(
                f"unsupported in DP SQL: COUNT(DISTINCT {agg.column.name}) — only COUNT(DISTINCT "
                f"{ds.subject_column}) (the number of subjects) is supported"
            )
        return None
    src = resolve(agg.column, f"{agg.func.value.upper()}(...)")
    if not src.startswith("b."):
        raise InputError(f"aggregates must read dataset columns, not public table columns ({agg.column})")
    col = by_name[agg.column.name.lower()]
    if col.dtype is DType.SEALED:
        raise InputError(f"column {col.name!r} is sealed")
    return str(col.name)


def group_keys_product(domains: Sequence[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    import itertools

    return [tuple(k) for k in itertools.product(*domains)]
