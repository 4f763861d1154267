"""``DpQuery``: run one DP SQL query end to end and return a plain result.

parse -> plan (typed checks) -> budget pre-check -> engine prepare (connect, runtime,
mirror sync) -> charge (committed) -> engine execute (true aggregates, inside the
engine) -> OpenDP noise, means / variances / quantiles and their 95% intervals -> result.

Whether a query fails, its error and its charge never depend on the data: everything
that can fail without looking at the data is checked before the charge (and fails
uncharged, with its own message); the filter is compiled into SQL that cannot raise
(:mod:`veil.dp.where`); and should anything still fail once the data is read, the
query stays charged and the failure is reported as :class:`QueryFailedError` with one
fixed message that says nothing about the cause.

The budget split is even across the query's measurements; a query that needs
private partition selection spends its ``delta`` (and one share of epsilon) on
the selection. The result says exactly what was spent.
"""

from __future__ import annotations

import functools
import hashlib
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import sqlglot
from sqlglot import exp

from veil.dp.budget import BudgetLedger, check_cost
from veil.dp.engines import ENGINES
from veil.dp.mechanism import NoisyVector, laplace, select_partitions
from veil.dp.plan import HIST_BINS, MeasureKind, Measurement, QueryPlan, build_plan, group_keys_product
from veil.dp.policy import PolicyStore, effective_salt
from veil.dp.public import PublicTables
from veil.dp.sql import AggFunc, Aggregate, parse_query
from veil.errors import ConfigError, InputError, QueryFailedError, VeilError
from veil.vault.release import Release

if TYPE_CHECKING:
    from veil.dp.engines.base import Engine, Prepared
    from veil.workspace import Workspace

__all__ = ["ENGINES", "DpQuery", "DpResult", "QueryFailedError", "make_engine"]

ALPHA = 0.05


def query_failed(epsilon: float, delta: float, audit_seq: int) -> QueryFailedError:
    """The one message of a charged failure: it names the cost, never the cause."""
    return QueryFailedError(
        f"the query could not be answered. It was charged epsilon={epsilon:g}, delta={delta:g} "
        f"(audit entry {audit_seq}) as if it had been: an error after the privacy checks could "
        "depend on the data, so its cause is not reported. The query itself passed every check; "
        "if this repeats, ask the workspace administrator to check the engine."
    )


@dataclass(frozen=True, slots=True)
class DpResult:
    dataset: str
    purpose: str
    engine: str
    rows: list[dict[str, Any]]
    epsilon_spent: float
    delta_spent: float
    budget_remaining: dict[str, float]
    audit_seq: int
    seconds: float
    mechanisms: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


def make_engine(ws: Workspace, name: str) -> Engine:
    if name == "duckdb":
        from veil.dp.engines.duckdb import DuckDBEngine

        return DuckDBEngine(ws)
    if name == "postgres":
        from veil.dp.engines.postgres import PostgresEngine

        return PostgresEngine(ws)
    if name == "spark":
        from veil.dp.engines.spark import SparkEngine

        return SparkEngine(ws)
    raise ConfigError(f"unknown engine {name!r}; choose one of: {', '.join(ENGINES)}")


@functools.lru_cache(maxsize=256)
def redact_sql(sql: str) -> str:
    """The query's shape for the audit log: literals (which may be personal values) become ``?``."""
    try:
        tree = sqlglot.parse_one(sql, read="duckdb")
    except sqlglot.errors.SqlglotError:
        return "<unparsable>"
    for lit in list(tree.find_all(exp.Literal)):
        lit.replace(exp.Placeholder())
    return tree.sql(dialect="duckdb")


class DpQuery:
    def __init__(self, ws: Workspace) -> None:
        self.ws = ws

    def plan(self, sql: str, dataset: str, purpose: str) -> QueryPlan:
        """The checked plan of ``sql`` for ``purpose``: reads no data, charges nothing."""
        spec = parse_query(sql)
        gate = Release.open(self.ws, dataset, purpose, actor="veil query")
        ds = gate.dataset
        policy = PolicyStore(self.ws).get(ds.name)
        if not policy.salt:
            from dataclasses import replace

            policy = replace(policy, salt=effective_salt(policy, ds))
        public = PublicTables(self.ws)
        tables = {j.table: public.get(j.table) for j in spec.joins if j.table != ds.name.lower()}
        return build_plan(spec, gate, policy, tables)

    def run(
        self,
        sql: str,
        dataset: str,
        purpose: str,
        epsilon: float,
        delta: float = 0.0,
        *,
        engine: str | Engine = "duckdb",
    ) -> DpResult:
        started = time.perf_counter()
        check_cost(epsilon, delta, what="query")
        plan = self.plan(sql, dataset, purpose)
        p = plan.purpose
        if plan.needs_selection and delta <= 0:
            private = [n for n, d in zip(plan.key_names, plan.key_domains, strict=True) if d is None]
            raise InputError(
                f"GROUP BY {', '.join(private)}: the group keys are not declared, so which groups exist is "
                f"itself private; pass --delta (e.g. 1e-6) to select groups privately, or declare the keys "
                f"with `veil dataset set {dataset} --keys {private[0]}=V1,V2,...`"
            )
        delta_used = delta if plan.needs_selection else 0.0
        # Each measurement gets an equal share; the Laplace ones are pure share-DP, so
        # share^2/2-zCDP each; private partition selection is approximate DP (basic).
        share = epsilon / len(plan.measurements)
        pure = len(plan.measurements) - (1 if plan.needs_selection else 0)
        rho = pure * share * share / 2
        other = share if plan.needs_selection else 0.0
        ledger = BudgetLedger(self.ws)
        # Refuse before any engine work when the cost cannot fit.
        ledger.precheck(plan.dataset.name, epsilon, delta_used, rho=rho, epsilon_other=other)
        runner = make_engine(self.ws, engine) if isinstance(engine, str) else engine
        try:
            # Before the data: connect, check the runtime, bring the mirror up to date. These
            # fail with a VeilError saying what to fix, uncharged. Anything else is unexpected
            # here and could depend on the data: it is charged like an answer (below).
            prepared: Prepared | None
            try:
                prepared = runner.prepare(plan)
            except VeilError:
                raise
            except Exception:  # reported below, as a charged failure
                prepared = None
            details = {
                "sql": redact_sql(sql),
                "sql_sha256": hashlib.sha256(sql.encode()).hexdigest(),
                "engine": runner.name,
                "measurements": [f"{m.kind.value}({m.column or '*'})" for m in plan.measurements],
                "max_rows_per_subject": plan.policy.max_rows_per_subject,
            }
            try:
                # The charge is committed before the data is read, and stands whatever happens next.
                charge, _ = ledger.charge(
                    plan.dataset.name,
                    epsilon,
                    delta_used,
                    kind="query",
                    purpose=p.name,
                    details=details,
                    rho=rho,
                    epsilon_other=other,
                )
                if prepared is None:
                    raise query_failed(epsilon, delta_used, charge.audit_seq)
                release = _Release(plan, [], epsilon, delta_used)
                try:
                    release.results = prepared.execute()
                    rows = release.run()
                except Exception:  # any cause could depend on the data
                    raise query_failed(epsilon, delta_used, charge.audit_seq) from None
            finally:
                if prepared is not None:
                    prepared.close()
        finally:
            if isinstance(engine, str):
                runner.close()
        return DpResult(
            dataset=plan.dataset.name,
            purpose=p.name,
            engine=runner.name,
            rows=rows,
            epsilon_spent=epsilon,
            delta_spent=delta_used,
            budget_remaining={
                "epsilon": round(charge.budget.epsilon_remaining, 12),
                "delta": charge.budget.delta_remaining,
            },
            audit_seq=charge.audit_seq,
            seconds=round(time.perf_counter() - started, 4),
            mechanisms=release.mechanisms,
        )


class _Release:
    """Noise and post-processing of one plan's true aggregates (runs inside the budget charge)."""

    def __init__(
        self, plan: QueryPlan, results: list[list[tuple[Any, ...]]], epsilon: float, delta: float
    ) -> None:
        self.plan = plan
        self.results = results
        self.epsilon = epsilon
        self.delta = delta
        self.mechanisms: list[dict[str, Any]] = []

    def run(self) -> list[dict[str, Any]]:
        plan = self.plan
        nk = len(plan.key_names)
        scalar = [m for m in plan.measurements if m.kind is not MeasureKind.HIST]
        hists = [m for m in plan.measurements if m.kind is MeasureKind.HIST]
        share = self.epsilon / len(plan.measurements)
        true: dict[tuple[Any, ...], tuple[Any, ...]] = {}
        raw_keys = plan.raw
        for row in self.results[0]:
            key = tuple(row[:nk])
            if _declared_ok(key, plan.key_domains):
                true[key] = tuple(plan.measure(dict(zip(raw_keys, row[nk:], strict=False))))
        noisy: dict[tuple[str, str | None], NoisyVector] = {}
        # 1. Which groups exist.
        if not plan.key_names:
            universe: list[tuple[Any, ...]] = [()]
        elif not plan.needs_selection:
            universe = group_keys_product([d for d in plan.key_domains if d is not None])
        else:
            di = next(i for i, m in enumerate(scalar) if m.kind is MeasureKind.DISTINCT)
            counts = {k: int(v[di] or 0) for k, v in true.items()}
            sel = select_partitions(counts, plan.groups_per_subject, share, self.delta)
            universe = sorted(sel.counts, key=_sort_key)
            noisy[(MeasureKind.DISTINCT.value, None)] = NoisyVector(
                [float(sel.counts[k]) for k in universe], sel.scale, sel.epsilon, True
            )
            self.mechanisms.append(
                {
                    "measurement": "partition_selection(distinct subjects)",
                    "mechanism": "laplace_threshold",
                    "scale": sel.scale,
                    "threshold": sel.threshold,
                    "epsilon": sel.epsilon,
                    "delta": sel.delta,
                }
            )
        # 2. Noise every measurement over those groups.
        for i, m in enumerate(scalar):
            if m.key in noisy:
                continue
            values = [_num(true.get(k, ())[i] if k in true else 0) for k in universe]
            noisy[m.key] = self._noise(m, values, share)
        hist: dict[str, dict[tuple[Any, ...], list[float]]] = {}
        for j, m in enumerate(hists):
            assert m.column is not None
            counts_by: dict[tuple[Any, ...], list[int]] = {k: [0] * HIST_BINS for k in universe}
            for row in self.results[1 + j]:
                key, b, c = tuple(row[:nk]), int(row[nk]), int(row[nk + 1])
                if key in counts_by:
                    counts_by[key][b] += c
            flat = [c for k in universe for c in counts_by[k]]
            vec = self._noise(m, flat, share)
            noisy[m.key] = vec
            hist[m.column] = {
                k: vec.values[n * HIST_BINS : (n + 1) * HIST_BINS] for n, k in enumerate(universe)
            }
        # 3. Derive the outputs.
        rows = []
        for n, key in enumerate(universe):
            out: dict[str, Any] = dict(zip(plan.key_names, key, strict=True))
            for item in plan.spec.items:
                if isinstance(item, Aggregate):
                    value, ci = self._derive(item, n, key, noisy, hist)
                    out[item.alias] = value
                    out[f"{item.alias}_ci95"] = ci
                else:
                    out[item.alias] = key[plan.item_keys[item.alias]]
            rows.append(out)
        for name, desc in reversed(plan.spec.order_by):
            rows.sort(key=_by(name), reverse=desc)
        if plan.spec.limit is not None:
            rows = rows[: plan.spec.limit]
        return rows

    def _noise(self, m: Measurement, values: Sequence[float], epsilon: float) -> NoisyVector:
        vec = laplace(values, m.sensitivity, epsilon, integer=m.integer)
        self.mechanisms.append(
            {
                "measurement": f"{m.kind.value}({m.column or '*'})",
                "mechanism": "discrete_laplace" if m.integer else "laplace",
                "sensitivity": m.sensitivity,
                "scale": vec.scale,
                "epsilon": vec.epsilon,
            }
        )
        return vec

    def _derive(
        self,
        agg: Aggregate,
        n: int,
        key: tuple[Any, ...],
        noisy: dict[tuple[str, str | None], NoisyVector],
        hist: dict[str, dict[tuple[Any, ...], list[float]]],
    ) -> tuple[float, list[float]]:
        col = (
            self.plan.dataset.column(agg.column.name).name
            if agg.column and agg.func is not AggFunc.COUNT_DISTINCT
            else None
        )
        if agg.func in (AggFunc.COUNT, AggFunc.COUNT_COL, AggFunc.COUNT_DISTINCT):
            kind = MeasureKind.DISTINCT if agg.func is AggFunc.COUNT_DISTINCT else MeasureKind.COUNT
            vec = noisy[(kind.value, col if agg.func is AggFunc.COUNT_COL else None)]
            v, h = vec.values[n], vec.half_width(ALPHA)
            return max(0.0, v), [max(0.0, v - h), max(0.0, v + h)]
        assert col is not None
        lo, hi = self.plan.bounds[col]
        mid, half = (lo + hi) / 2, (hi - lo) / 2
        if agg.func is AggFunc.SUM:
            vec = noisy[(MeasureKind.SUM.value, col)]
            v, h = vec.values[n], vec.half_width(ALPHA)
            return v, [v - h, v + h]
        if agg.func is AggFunc.QUANTILE:
            assert agg.q is not None
            return _quantile(hist[col][key], agg.q, lo, hi, noisy[(MeasureKind.HIST.value, col)].scale)
        count = noisy[(MeasureKind.COUNT.value, col)]
        s1 = noisy[(MeasureKind.SUM_C.value, col)]
        c = count.values[n]
        if agg.func is AggFunc.AVG:
            # Union bound: each of the two noisy parts within its 97.5% interval.
            hs, hc = s1.half_width(ALPHA / 2), count.half_width(ALPHA / 2)
            value = mid + s1.values[n] / max(c, 1.0)
            lo_i, hi_i = _ratio(s1.values[n] - hs, s1.values[n] + hs, c - hc, c + hc, -half, half)
            return _clip(value, lo, hi), [_clip(mid + lo_i, lo, hi), _clip(mid + hi_i, lo, hi)]
        s2 = noisy[(MeasureKind.SUM_C2.value, col)]
        a3 = ALPHA / 3
        hs1, hs2, hc = s1.half_width(a3), s2.half_width(a3), count.half_width(a3)
        cc = max(c, 1.0)
        var = s2.values[n] / cc - (s1.values[n] / cc) ** 2
        e2 = _ratio(s2.values[n] - hs2, s2.values[n] + hs2, c - hc, c + hc, 0.0, half * half)
        e1 = _ratio(s1.values[n] - hs1, s1.values[n] + hs1, c - hc, c + hc, -half, half)
        sq_lo = 0.0 if e1[0] <= 0 <= e1[1] else min(e1[0] ** 2, e1[1] ** 2)
        sq_hi = max(e1[0] ** 2, e1[1] ** 2)
        v_lo, v_hi = e2[0] - sq_hi, e2[1] - sq_lo
        top = half * half
        var, v_lo, v_hi = _clip(var, 0, top), _clip(v_lo, 0, top), _clip(v_hi, 0, top)
        if agg.func in (AggFunc.VAR_SAMP, AggFunc.STDDEV_SAMP) and c > 1:
            f = c / (c - 1)
            var, v_lo, v_hi = var * f, v_lo * f, v_hi * f
        if agg.func in (AggFunc.STDDEV_SAMP, AggFunc.STDDEV_POP):
            return math.sqrt(var), [math.sqrt(v_lo), math.sqrt(v_hi)]
        return var, [v_lo, v_hi]


def _ratio(
    num_lo: float, num_hi: float, den_lo: float, den_hi: float, floor: float, ceil: float
) -> tuple[float, float]:
    """Interval of num/den for num, den in their intervals, clipped to [floor, ceil]."""
    if den_lo <= 0:
        return floor, ceil
    corners = [num_lo / den_lo, num_lo / den_hi, num_hi / den_lo, num_hi / den_hi]
    return _clip(min(corners), floor, ceil), _clip(max(corners), floor, ceil)


def _quantile(counts: list[float], q: float, lo: float, hi: float, scale: float) -> tuple[float, list[float]]:
    """The q-quantile of a noisy histogram (post-processing) with an approximate 95% interval.

    The interval bands the cumulative counts by 1.96 standard deviations of the
    summed discrete Laplace noise (variance 2 * scale^2 per bin) and reads where
    the band crosses q * n: approximate, plus the bin width.
    """
    width = (hi - lo) / len(counts)
    total = sum(counts)
    target = q * total

    def crossing(offset: list[float]) -> float:
        cum = 0.0
        for i, c in enumerate(counts):
            prev = cum
            cum += c
            if cum + offset[i] >= target:
                inside = 0.0 if c <= 0 else min(1.0, max(0.0, (target - prev - offset[i]) / c))
                return lo + (i + inside) * width
        return hi

    zero = [0.0] * len(counts)
    band = [1.96 * math.sqrt(2.0 * (i + 1)) * scale for i in range(len(counts))]
    value = crossing(zero)
    low = crossing(band)
    high = crossing([-b for b in band])
    return value, [_clip(min(low, value) - width, lo, hi), _clip(max(high, value) + width, lo, hi)]


def _by(name: str) -> Callable[[dict[str, Any]], tuple[Any, ...]]:
    return lambda row: _sort_key((row[name],))


def _clip(v: float, lo: float, hi: float) -> float:
    return min(max(v, lo), hi)


def _num(v: Any) -> float:
    return 0.0 if v is None else float(v)


def _declared_ok(key: tuple[Any, ...], domains: Sequence[tuple[Any, ...] | None]) -> bool:
    return all(d is None or k in d for k, d in zip(key, domains, strict=True))


def _sort_key(key: tuple[Any, ...]) -> tuple[Any, ...]:
    return tuple((v is None, str(type(v)), v if v is not None else 0) for v in key)
