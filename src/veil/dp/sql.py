"""Parse and check DP SQL: the subset of SELECT a DP aggregate query may use.

Supported::

    SELECT <group columns>, <aggregates>
    FROM <dataset> [AS d] [JOIN <public table> [AS p] ON d.col = p.col ...]
    [WHERE <row filter>] [GROUP BY <columns>] [ORDER BY <output columns>] [LIMIT n]

Aggregates: ``COUNT(*)``, ``COUNT(col)``, ``COUNT(DISTINCT <subject column>)``,
``SUM``, ``AVG``, ``VARIANCE``/``VAR_SAMP``/``VAR_POP``, ``STDDEV``/``STDDEV_SAMP``/
``STDDEV_POP``, ``MEDIAN``, ``QUANTILE_CONT(col, q)`` / ``QUANTILE(col, q)`` and
``PERCENTILE_CONT(q) WITHIN GROUP (ORDER BY col)``, each over a plain column.
The row filter may use comparisons, ``AND``/``OR``/``NOT``, ``IN (list)``,
``BETWEEN``, ``LIKE``, ``IS [NOT] NULL``, arithmetic, ``CAST`` and a few scalar
functions; :mod:`veil.dp.where` types it against the dataset and refuses what could
raise on some values. Anything else (subqueries, CTEs, set operations, window functions,
``HAVING``, ``SELECT *``, expressions over aggregates, non-equi joins) raises
:class:`UnsupportedSqlError` naming the construct: never a silent non-private answer.

Parsing is syntax only; :func:`veil.dp.plan.resolve` checks names against the
dataset (no sealed identifiers, bounds declared, join keys unique).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from enum import StrEnum

import sqlglot
from sqlglot import exp

from veil.errors import InputError, UnsupportedSqlError

__all__ = [
    "AggFunc",
    "Aggregate",
    "ColumnRef",
    "JoinSpec",
    "KeyItem",
    "QuerySpec",
    "UnsupportedSqlError",
    "parse_query",
]


class AggFunc(StrEnum):
    COUNT = "count"  # COUNT(*)
    COUNT_COL = "count_col"  # COUNT(col): non-null values
    COUNT_DISTINCT = "count_distinct"  # COUNT(DISTINCT subject)
    SUM = "sum"
    AVG = "avg"
    VAR_SAMP = "var_samp"
    VAR_POP = "var_pop"
    STDDEV_SAMP = "stddev_samp"
    STDDEV_POP = "stddev_pop"
    QUANTILE = "quantile"


@dataclass(frozen=True, slots=True)
class ColumnRef:
    table: str | None  # qualifier as written (alias or table name), lower-cased
    name: str

    def __str__(self) -> str:
        return f"{self.table}.{self.name}" if self.table else self.name


@dataclass(frozen=True, slots=True)
class Aggregate:
    func: AggFunc
    column: ColumnRef | None
    alias: str
    q: float | None = None


@dataclass(frozen=True, slots=True)
class KeyItem:
    column: ColumnRef
    alias: str


@dataclass(frozen=True, slots=True)
class JoinSpec:
    table: str
    alias: str
    on: tuple[tuple[ColumnRef, ColumnRef], ...]  # equalities, as written
    left: bool = False  # LEFT JOIN (rows without a match keep NULLs)


@dataclass(frozen=True, slots=True)
class QuerySpec:
    table: str
    alias: str
    items: tuple[KeyItem | Aggregate, ...]
    group_by: tuple[ColumnRef, ...]
    where: exp.Expression | None
    joins: tuple[JoinSpec, ...]
    order_by: tuple[tuple[str, bool], ...]  # (output column, descending)
    limit: int | None

    @property
    def aggregates(self) -> list[Aggregate]:
        return [i for i in self.items if isinstance(i, Aggregate)]

    @property
    def keys(self) -> list[KeyItem]:
        return [i for i in self.items if isinstance(i, KeyItem)]


_VAR: dict[type[exp.Expression], AggFunc] = {
    exp.Sum: AggFunc.SUM,
    exp.Avg: AggFunc.AVG,
    exp.Variance: AggFunc.VAR_SAMP,
    exp.VariancePop: AggFunc.VAR_POP,
    exp.Stddev: AggFunc.STDDEV_SAMP,
    exp.StddevSamp: AggFunc.STDDEV_SAMP,
    exp.StddevPop: AggFunc.STDDEV_POP,
}

#: Row-filter building blocks (scalar, deterministic, no data access beyond the row).
_FILTER_NODES: tuple[type[exp.Expression], ...] = (
    exp.And,
    exp.Or,
    exp.Not,
    exp.Paren,
    exp.EQ,
    exp.NEQ,
    exp.GT,
    exp.GTE,
    exp.LT,
    exp.LTE,
    exp.In,
    exp.Between,
    exp.Like,
    exp.ILike,
    exp.Is,
    exp.Null,
    exp.Boolean,
    exp.Literal,
    exp.Column,
    exp.Identifier,
    exp.Cast,
    exp.TryCast,
    exp.DataType,
    exp.Add,
    exp.Sub,
    exp.Mul,
    exp.Div,
    exp.Mod,
    exp.Neg,
    exp.Lower,
    exp.Upper,
    exp.Abs,
    exp.Coalesce,
    exp.Length,
    exp.Trim,
    exp.Substring,
    exp.DPipe,
    exp.Tuple,
)


def _fail(what: str) -> UnsupportedSqlError:
    return UnsupportedSqlError(f"unsupported in DP SQL: {what}")


def _name(node: exp.Expression) -> str:
    return node.sql(dialect="duckdb")[:80]


@functools.lru_cache(maxsize=256)
def parse_query(sql: str) -> QuerySpec:
    """Parse one DP aggregate query; raises UnsupportedSqlError on anything outside the subset.

    Cached by text (analysts repeat queries): callers must not mutate the returned ``where``.
    """
    if not sql or not sql.strip():
        raise InputError("the query is empty")
    try:
        statements = [s for s in sqlglot.parse(sql, read="duckdb") if s is not None]
    except sqlglot.errors.SqlglotError as exc:
        first = str(exc).splitlines()[0] if str(exc) else "syntax error"
        raise InputError(f"cannot parse the query: {first}") from None
    if len(statements) != 1:
        raise _fail("more than one statement")
    tree = statements[0]
    if isinstance(tree, exp.Union | exp.Intersect | exp.Except):
        raise _fail(f"set operation {tree.key.upper()}")
    if not isinstance(tree, exp.Select):
        raise _fail(f"{tree.key.upper()} statements (only SELECT)")
    for arg in ("with", "with_"):
        if tree.args.get(arg):
            raise _fail("WITH (common table expressions)")
    for arg, what in (
        ("having", "HAVING (filter the noisy output instead)"),
        ("qualify", "QUALIFY"),
        ("windows", "WINDOW"),
        ("distinct", "SELECT DISTINCT"),
        ("offset", "OFFSET"),
        ("laterals", "LATERAL"),
        ("pivots", "PIVOT"),
        ("sample", "TABLESAMPLE"),
    ):
        if tree.args.get(arg):
            raise _fail(what)
    for node in tree.find_all(exp.Subquery, exp.Window):
        raise _fail("window functions" if isinstance(node, exp.Window) else "subqueries")
    for sel in tree.find_all(exp.Select):
        if sel is not tree:
            raise _fail("subqueries")

    source = tree.args.get("from") or tree.args.get("from_")
    if source is None:
        raise _fail("a query without FROM")
    table, alias = _table(source.this)
    joins = tuple(_join(j) for j in tree.args.get("joins") or [])
    if any(j.alias == alias for j in joins) or len({j.alias for j in joins}) != len(joins):
        raise InputError("give each table in the query its own alias")

    group_by = tuple(
        _column(g, "GROUP BY") for g in (tree.args["group"].expressions if tree.args.get("group") else [])
    )
    where = tree.args["where"].this if tree.args.get("where") else None
    if where is not None:
        _check_filter(where)

    items: list[KeyItem | Aggregate] = []
    for item in tree.expressions:
        alias_name = item.alias if isinstance(item, exp.Alias) else None
        node = item.this if isinstance(item, exp.Alias) else item
        if isinstance(node, exp.Star):
            raise _fail("SELECT * (name the aggregates you want)")
        if isinstance(node, exp.Column):
            ref = _column(node, "SELECT")
            if ref not in group_by and not any(g.name == ref.name and g.table is None for g in group_by):
                raise InputError(f"column {ref} is in SELECT but not in GROUP BY")
            items.append(KeyItem(ref, alias_name or ref.name))
            continue
        items.append(_aggregate(node, alias_name))
    if not any(isinstance(i, Aggregate) for i in items):
        raise _fail("a query with no aggregate (DP SQL releases only aggregates)")
    names = [i.alias for i in items]
    dup = {n for n in names if names.count(n) > 1}
    if dup:
        raise InputError(f"output column name(s) {', '.join(sorted(dup))} appear twice; use AS to rename")

    order_by: list[tuple[str, bool]] = []
    if tree.args.get("order"):
        for ordered in tree.args["order"].expressions:
            target = ordered.this
            label: str | None = None  # output column this ORDER BY item names
            if isinstance(target, exp.Column) and not target.table and target.name in names:
                label = target.name
            else:
                for i in items:
                    if isinstance(i, Aggregate) and _default_alias_matches(target, i):
                        label = i.alias
            if label is None:
                raise _fail(f"ORDER BY {_name(target)} (order by an output column or its alias)")
            order_by.append((label, bool(ordered.args.get("desc"))))
    limit = None
    if tree.args.get("limit"):
        lim = tree.args["limit"].expression
        if not (isinstance(lim, exp.Literal) and not lim.is_string and lim.this.isdigit()):
            raise _fail("LIMIT other than a whole number")
        limit = int(lim.this)
    return QuerySpec(table, alias, tuple(items), group_by, where, joins, tuple(order_by), limit)


def _table(node: exp.Expression) -> tuple[str, str]:
    if not isinstance(node, exp.Table) or node.args.get("db") or node.args.get("catalog"):
        raise _fail(f"FROM {_name(node)} (name one dataset or public table)")
    if isinstance(node.this, exp.Anonymous | exp.Func):
        raise _fail(f"table functions ({_name(node)})")
    name = node.name.lower()
    return name, (node.alias or name).lower()


def _join(node: exp.Join) -> JoinSpec:
    kind = (node.args.get("kind") or "").upper()
    side = (node.args.get("side") or "").upper()
    if kind not in ("", "INNER") or side not in ("", "LEFT"):
        raise _fail(f"{side or kind} JOIN (only [INNER] JOIN or LEFT JOIN with a public table)")
    if node.args.get("using"):
        raise _fail("JOIN ... USING (write ON a.col = b.col)")
    table, alias = _table(node.this)
    on = node.args.get("on")
    if on is None:
        raise _fail("JOIN without ON (cross joins)")
    pairs: list[tuple[ColumnRef, ColumnRef]] = []
    for cond in _conjuncts(on):
        if not (
            isinstance(cond, exp.EQ)
            and isinstance(cond.this, exp.Column)
            and isinstance(cond.expression, exp.Column)
        ):
            raise _fail(f"join condition {_name(cond)} (only column = column, joined by AND)")
        pairs.append((_column(cond.this, "ON"), _column(cond.expression, "ON")))
    return JoinSpec(table, alias, tuple(pairs), left=side == "LEFT")


def _conjuncts(node: exp.Expression) -> list[exp.Expression]:
    if isinstance(node, exp.Paren):
        return _conjuncts(node.this)
    if isinstance(node, exp.And):
        return _conjuncts(node.this) + _conjuncts(node.expression)
    return [node]


def _column(node: exp.Expression, where: str) -> ColumnRef:
    if not isinstance(node, exp.Column) or isinstance(node.this, exp.Star):
        raise _fail(f"{where} {_name(node)} (only plain column names)")
    table = node.table.lower() if node.table else None
    return ColumnRef(table, node.name)


def _aggregate(node: exp.Expression, alias: str | None) -> Aggregate:
    if isinstance(node, exp.WithinGroup):
        inner, order = node.this, node.expression
        if not isinstance(inner, exp.PercentileCont) or not isinstance(order, exp.Order):
            raise _fail(f"{_name(node)}")
        if len(order.expressions) != 1:
            raise _fail("PERCENTILE_CONT over more than one column")
        col = _column(order.expressions[0].this, "PERCENTILE_CONT")
        q = _quantile(inner.this)
        return Aggregate(AggFunc.QUANTILE, col, alias or f"p{_qname(q)}_{col.name}", q)
    if isinstance(node, exp.Count):
        arg = node.this
        if isinstance(arg, exp.Star):
            return Aggregate(AggFunc.COUNT, None, alias or "count")
        if isinstance(arg, exp.Distinct):
            if len(arg.expressions) != 1:
                raise _fail("COUNT(DISTINCT over several columns)")
            col = _column(arg.expressions[0], "COUNT(DISTINCT ...)")
            return Aggregate(AggFunc.COUNT_DISTINCT, col, alias or "subjects")
        col = _column(arg, "COUNT(...)")
        return Aggregate(AggFunc.COUNT_COL, col, alias or f"count_{col.name}")
    for cls, func in _VAR.items():
        if type(node) is cls:
            if isinstance(node.this, exp.Distinct):
                raise _fail(f"{node.key.upper()}(DISTINCT ...)")
            col = _column(node.this, f"{node.key.upper()}(...)")
            return Aggregate(func, col, alias or f"{func.value}_{col.name}")
    if isinstance(node, exp.Median):
        col = _column(node.this, "MEDIAN(...)")
        return Aggregate(AggFunc.QUANTILE, col, alias or f"median_{col.name}", 0.5)
    if isinstance(node, exp.PercentileCont | exp.Quantile | exp.ApproxQuantile):
        col = _column(node.this, f"{node.key.upper()}(...)")
        q = _quantile(node.args.get("expression") or node.args.get("quantile"))
        return Aggregate(AggFunc.QUANTILE, col, alias or f"p{_qname(q)}_{col.name}", q)
    if isinstance(node, exp.Anonymous) and node.name.lower() in {"quantile", "quantile_cont", "percentile"}:
        if len(node.expressions) != 2:
            raise _fail(f"{node.name.upper()} takes (column, q)")
        col = _column(node.expressions[0], f"{node.name.upper()}(...)")
        q = _quantile(node.expressions[1])
        return Aggregate(AggFunc.QUANTILE, col, alias or f"p{_qname(q)}_{col.name}", q)
    if isinstance(node, exp.AggFunc):
        raise _fail(f"aggregate {node.key.upper()} (see `veil query --help` for the supported ones)")
    raise _fail(f"{_name(node)} in SELECT (only group columns and single aggregates over a column)")


def _quantile(node: exp.Expression | None) -> float:
    try:
        if not isinstance(node, exp.Literal) or node.is_string:
            raise ValueError
        q = float(node.this)
    except ValueError:
        raise _fail("a quantile that is not a number literal") from None
    if not 0 < q < 1:
        raise InputError(f"quantile {q} must be strictly between 0 and 1")
    return q


def _qname(q: float) -> str:
    return re.sub(r"\.?0+$", "", f"{q * 100:.4f}").replace(".", "_")


def _default_alias_matches(target: exp.Expression, agg: Aggregate) -> bool:
    try:
        return _aggregate(target, None) == Aggregate(
            agg.func, agg.column, _aggregate(target, None).alias, agg.q
        )
    except InputError:
        return False


def _check_filter(node: exp.Expression) -> None:
    for sub in node.walk():
        if isinstance(sub, exp.AggFunc):
            raise _fail(f"aggregate {sub.key.upper()} in WHERE")
        if isinstance(sub, exp.In) and sub.args.get("query"):
            raise _fail("IN (subquery)")
        if not isinstance(sub, _FILTER_NODES):
            what = f"function {sub.name.upper()}" if isinstance(sub, exp.Anonymous) else sub.key.upper()
            raise _fail(f"{what} in WHERE ({sub.sql(dialect='duckdb')[:80]})")
