"""Typed compilation of a DP query's row filter (``WHERE``): nothing it emits can raise.

Why: whether a DP query fails, and how, must never depend on the data. A filter such
as ``CAST(SUBSTRING('1x', 1 + CAST(<condition> AS INT), 1) AS INT) = 1`` raises a
conversion error only when some row satisfies ``<condition>``, which answers the
condition exactly (issue 10). So every sub-expression is typed against the dataset's
column types (and public tables' types), and the filter is compiled into SQL that
cannot raise for ANY value of the columns, on DuckDB, PostgreSQL and Spark (ANSI mode)
alike. What cannot be made so is refused at planning, naming the construct.

What the engines raise on, and what this compiler does about it (measured on DuckDB 2.0,
PostgreSQL 15 and Spark 4.x ANSI; ``tests/dp/test_where.py`` holds the list):

* implicit casts: ``text_col = 5`` casts the column (conversion errors) -> comparisons,
  ``IN``, ``BETWEEN`` and ``COALESCE`` need operands of one type class: numbers, text
  (dates and timestamps are stored as ISO text), or booleans;
* explicit casts of a column that can fail on some value (text -> number/date/boolean,
  double -> integer) -> refused (PostgreSQL has no ``TRY_CAST``; sqlglot writes
  ``TRY_CAST`` for PostgreSQL as a plain ``CAST``). Casts of literals are evaluated here,
  so a bad literal is an error before anything runs;
* integer overflow (``+ - *``, ``ABS``, unary minus on ``BIGINT``; PostgreSQL, Spark,
  DuckDB for ``*``/``ABS``) and double overflow *and underflow* (PostgreSQL raises
  "value out of range: underflow" when a product or quotient of non-zero values rounds
  to zero) -> all arithmetic is done in ``DOUBLE``. Integer columns convert exactly
  enough (non-zero magnitude in [1, 2^63]); double columns are *saturated* first:
  NaN and values above ``G`` become ``G``, below ``-G`` become ``-G``, non-zero values
  smaller than ``1/G`` in magnitude become 0. An interval analysis of the non-zero
  magnitudes each node can take then proves every intermediate result stays within
  [1e-300, 1e300] (or is exactly 0): ``G`` is the largest of 1e150, 1e100, 1e50, 1e20,
  1e10 for which the proof goes through (it depends on the query alone, never on the
  data); otherwise the filter is refused;
* division and modulo by zero (PostgreSQL, Spark; DuckDB for ``%``) -> ``/`` only by a
  non-zero number literal, ``%`` only of an integer by a non-zero integer literal;
* ``SUBSTRING`` with a negative length (PostgreSQL) or beyond 32 bits (Spark) -> start
  and length only as integer literals in [1, 10^6] and [0, 10^6];
* ``LIKE`` patterns ending in or containing the escape character (PostgreSQL, Spark)
  -> patterns only as literals, without a backslash;
* anything else (functions not listed, ``ESCAPE``, ``COLLATE``, placeholders, arrays,
  ``TRY_CAST`` from text, ...) -> refused.

Semantics worth knowing: arithmetic is in double precision (``7 / 2`` is 3.5 on every
engine); integers beyond 2^53 lose precision in arithmetic (not in plain comparisons);
double values beyond +-G saturate and tiny ones flush to zero *inside arithmetic only*.

Where the parts are: the filter's types, literal folding and the SQL pieces it emits in
:mod:`veil.dp.sql_type`; the interval proof and the saturation in :mod:`veil.dp.interval`;
the walk over the expression (:func:`compile_filter`) here.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlglot import exp

from veil.dp.interval import (
    EMPTY,
    INT64,
    MAX_MAGNITUDE,
    SATURATION,
    Range,
    TooWide,
    product_range,
    quotient_range,
    saturate,
    saturated_range,
    sum_range,
)
from veil.dp.sql_type import (
    CAST_TARGETS,
    INT64_MAX,
    SQL_NAMES,
    TEXTLIKE,
    TYPE_CLASS,
    SqlType,
    bigint,
    cast_literal,
    double,
    dtype,
    emit_literal,
    paren,
    parse_number,
    sql_type_of,
)
from veil.errors import UnsupportedFilterError

__all__ = ["SqlType", "UnsupportedFilterError", "compile_filter", "sql_type_of"]

#: SUBSTRING start and length literals stay within this.
MAX_SUBSTRING = 1_000_000
#: A WHERE clause of more parts than this is refused.
MAX_NODES = 2_000


_NO_VALUE = object()


@dataclass(frozen=True, slots=True)
class _Typed:
    node: exp.Expression  # the compiled SQL (DuckDB dialect), safe for every value
    type: SqlType
    value: Any = _NO_VALUE  # a literal's value, folded at planning
    #: For numbers: the non-zero magnitudes the node takes in DOUBLE arithmetic, when known.
    #: ``None`` for a double of unknown range (a column): it is saturated before arithmetic.
    range: Range | None = None
    #: For numbers built from several parts (COALESCE): its form for use in arithmetic.
    arith: tuple[exp.Expression, Range] | None = None

    @property
    def literal(self) -> bool:
        return self.value is not _NO_VALUE


ColumnResolver = Callable[[exp.Column], tuple[exp.Expression, SqlType]]


def _fail(what: str) -> UnsupportedFilterError:
    return UnsupportedFilterError(f"unsupported in DP SQL: {what}")


def _show(node: exp.Expression) -> str:
    return node.sql(dialect="duckdb")[:80]


def compile_filter(where: exp.Expression, column: ColumnResolver) -> exp.Expression:
    """Type-check ``where`` and return its safe form; raises UnsupportedFilterError/InputError.

    ``column`` maps a column reference to its SQL (DuckDB dialect) and type; it raises
    InputError for columns the query may not read.
    """
    if sum(1 for _ in where.walk()) > MAX_NODES:
        raise _fail(f"a WHERE clause of more than {MAX_NODES} parts")
    for power in SATURATION:
        try:
            typed = _Compiler(column, power).expr(where)
        except TooWide:
            continue
        if typed.type not in (SqlType.BOOL, SqlType.NULL):
            raise _fail(f"WHERE {_show(where)} is {typed.type.value}, not a condition (true/false)")
        return typed.node
    raise _fail(
        "arithmetic in WHERE that could overflow or underflow for some values "
        f"(results must stay within {MAX_MAGNITUDE:g} in magnitude); simplify the expression"
    )


def _only(node: exp.Expression, *allowed: str) -> None:
    """Refuse a node that carries an argument this compiler does not interpret."""
    for key, value in node.args.items():
        if key not in allowed and value not in (None, False, [], ""):
            raise _fail(f"{_show(node)} ({node.key.upper()} with {key})")


# -- the compiler ---------------------------------------------------------------------------


class _Compiler:
    def __init__(self, column: ColumnResolver, power: int) -> None:
        self.column = column
        self.power = power

    # Dispatch ---------------------------------------------------------------------------
    def expr(self, node: exp.Expression) -> _Typed:
        if isinstance(node, exp.Paren):
            _only(node, "this")
            inner = self.expr(node.this)
            return _Typed(exp.Paren(this=inner.node), inner.type, inner.value, inner.range, inner.arith)
        if isinstance(node, exp.Literal):
            if node.is_string:
                return _Typed(exp.Literal.string(node.this), SqlType.TEXT, node.this)
            value, typ = parse_number(node.this)
            return self._number_literal(value, typ)
        if isinstance(node, exp.Boolean):
            return _Typed(exp.Boolean(this=bool(node.this)), SqlType.BOOL, bool(node.this))
        if isinstance(node, exp.Null):
            return _Typed(exp.Null(), SqlType.NULL, None, EMPTY)
        if isinstance(node, exp.Column):
            if node.args.get("db") or node.args.get("catalog") or isinstance(node.this, exp.Star):
                raise _fail(f"column reference {_show(node)}")
            sql, typ = self.column(node)
            if typ is SqlType.INT:
                return _Typed(sql, typ, range=INT64)
            return _Typed(sql, typ)
        for kind, handler in self._handlers():
            if isinstance(node, kind):
                typed: _Typed = handler(node)
                return typed
        if isinstance(node, exp.AggFunc):
            raise _fail(f"aggregate {node.key.upper()} in WHERE")
        if isinstance(node, exp.Subquery | exp.Select):
            raise _fail("subqueries")
        what = f"function {node.name.upper()}" if isinstance(node, exp.Anonymous) else node.key.upper()
        raise _fail(f"{what} in WHERE ({_show(node)})")

    def _handlers(self) -> Sequence[tuple[type[exp.Expression] | tuple[type[exp.Expression], ...], Any]]:
        return (
            ((exp.And, exp.Or), self._logic),
            (exp.Not, self._not),
            ((exp.EQ, exp.NEQ, exp.GT, exp.GTE, exp.LT, exp.LTE), self._compare),
            (exp.In, self._in),
            (exp.Between, self._between),
            ((exp.Like, exp.ILike), self._like),
            (exp.Is, self._is),
            (exp.Cast, self._cast),  # TryCast is a Cast: same rules (no TRY_CAST on PostgreSQL)
            ((exp.Add, exp.Sub, exp.Mul), self._arith),
            (exp.Div, self._div),
            (exp.Mod, self._mod),
            (exp.Neg, self._neg),
            (exp.Abs, self._abs),
            ((exp.Lower, exp.Upper), self._case_fold),
            (exp.Trim, self._trim),
            (exp.Length, self._length),
            (exp.Substring, self._substring),
            (exp.DPipe, self._concat),
            (exp.Coalesce, self._coalesce),
        )

    # Booleans ----------------------------------------------------------------------------
    def _bool(self, node: exp.Expression, where: str) -> _Typed:
        typed = self.expr(node)
        if typed.type not in (SqlType.BOOL, SqlType.NULL):
            raise _fail(f"{where} needs a condition, not {typed.type.value} ({_show(node)})")
        return typed

    def _logic(self, node: exp.Expression) -> _Typed:
        _only(node, "this", "expression")
        what = node.key.upper()
        left, right = self._bool(node.this, what), self._bool(node.expression, what)
        out = type(node)(this=paren(left.node), expression=paren(right.node))
        return _Typed(out, SqlType.BOOL)

    def _not(self, node: exp.Not) -> _Typed:
        _only(node, "this")
        inner = self._bool(node.this, "NOT")
        return _Typed(exp.Not(this=paren(inner.node)), SqlType.BOOL)

    def _is(self, node: exp.Is) -> _Typed:
        _only(node, "this", "expression")
        left = self.expr(node.this)
        right = node.expression
        if isinstance(right, exp.Null):
            return _Typed(exp.Is(this=paren(left.node), expression=exp.Null()), SqlType.BOOL)
        if isinstance(right, exp.Boolean):
            if left.type not in (SqlType.BOOL, SqlType.NULL):
                raise _fail(f"IS TRUE/FALSE of a {left.type.value} ({_show(node)})")
            out = exp.Is(this=paren(left.node), expression=exp.Boolean(this=bool(right.this)))
            return _Typed(out, SqlType.BOOL)
        raise _fail(f"IS {_show(right)} (only IS [NOT] NULL, TRUE or FALSE)")

    # Comparisons -------------------------------------------------------------------------
    def _unify(self, items: list[_Typed], what: str) -> tuple[list[exp.Expression], SqlType]:
        """Operands of one type class, converted to a common type that cannot fail."""
        classes = {TYPE_CLASS[t.type] for t in items} - {"null"}
        if len(classes) > 1:
            kinds = " and ".join(sorted({t.type.value for t in items if t.type is not SqlType.NULL}))
            raise _fail(
                f"{what} mixes {kinds}: engines would convert values and fail on some; compare like "
                "with like (text with a 'quoted' literal, numbers with numbers)"
            )
        if classes == {"number"}:
            if any(t.type is SqlType.FLOAT for t in items):
                return [self._as_double(t) for t in items], SqlType.FLOAT
            return [t.node for t in items], SqlType.INT
        types = {t.type for t in items} - {SqlType.NULL}
        typ = types.pop() if len(types) == 1 else (SqlType.TEXT if classes == {"text"} else SqlType.NULL)
        if typ is SqlType.NULL and classes == {"boolean"}:
            typ = SqlType.BOOL
        return [t.node for t in items], typ

    def _as_double(self, t: _Typed) -> exp.Expression:
        if t.literal:
            return exp.Null() if t.value is None else double(float(t.value))
        if t.type is SqlType.INT:
            return exp.Cast(this=t.node, to=dtype("DOUBLE"))
        return t.node

    def _compare(self, node: exp.Expression) -> _Typed:
        _only(node, "this", "expression")
        what = {"eq": "=", "neq": "<>", "gt": ">", "gte": ">=", "lt": "<", "lte": "<="}[node.key]
        (left, right), _typ = self._unify([self.expr(node.this), self.expr(node.expression)], what)
        return _Typed(type(node)(this=paren(left), expression=paren(right)), SqlType.BOOL)

    def _in(self, node: exp.In) -> _Typed:
        _only(node, "this", "expressions")
        if not node.expressions:
            raise _fail("IN with an empty list")
        items = [self.expr(node.this)] + [self.expr(e) for e in node.expressions]
        nodes, _typ = self._unify(items, "IN")
        return _Typed(exp.In(this=paren(nodes[0]), expressions=nodes[1:]), SqlType.BOOL)

    def _between(self, node: exp.Between) -> _Typed:
        _only(node, "this", "low", "high")
        items = [self.expr(node.this), self.expr(node.args["low"]), self.expr(node.args["high"])]
        (this, low, high), _typ = self._unify(items, "BETWEEN")
        return _Typed(exp.Between(this=paren(this), low=paren(low), high=paren(high)), SqlType.BOOL)

    def _like(self, node: exp.Expression) -> _Typed:
        _only(node, "this", "expression", "negate")
        what = node.key.upper()
        left = self.expr(node.this)
        if left.type not in (*TEXTLIKE, SqlType.NULL):
            raise _fail(f"{what} on a {left.type.value} ({_show(node)}); it applies to text")
        pattern = node.expression
        if not (isinstance(pattern, exp.Literal) and pattern.is_string):
            raise _fail(f"{what} with a pattern that is not a 'quoted' literal ({_show(node)})")
        if "\\" in pattern.this:
            raise _fail(f"{what} pattern with a backslash (engines treat it as an escape differently)")
        out = type(node)(this=paren(left.node), expression=exp.Literal.string(pattern.this))
        if node.args.get("negate"):
            out = exp.Not(this=exp.Paren(this=out))
        return _Typed(out, SqlType.BOOL)

    # Casts -------------------------------------------------------------------------------
    def _cast(self, node: exp.Cast) -> _Typed:
        _only(node, "this", "to", "safe")
        to = node.to
        target = CAST_TARGETS.get(to.this)
        if target is None or to.expressions or to.args.get("nested"):
            raise _fail(
                f"CAST to {to.sql(dialect='duckdb')} (supported: BIGINT/INT, DOUBLE, VARCHAR, BOOLEAN, "
                "DATE, TIMESTAMP; integers are 64-bit, decimals are doubles)"
            )
        source = self.expr(node.this)
        if source.literal:
            value = cast_literal(source.value, source.type, target)
            if target is SqlType.INT:
                return self._number_literal(value, SqlType.INT) if value is not None else self._null(target)
            if target is SqlType.FLOAT:
                return self._number_literal(value, SqlType.FLOAT) if value is not None else self._null(target)
            if value is None:
                return self._null(target)
            return _Typed(emit_literal(value, target), target, value)
        src = source.type
        shown = _show(node)
        if src is target or (src in TEXTLIKE and target is SqlType.TEXT):
            return _Typed(source.node, target, range=source.range, arith=source.arith)
        if target is SqlType.FLOAT and src is SqlType.INT:
            return _Typed(exp.Cast(this=source.node, to=dtype("DOUBLE")), target, range=source.range)
        if target is SqlType.TEXT and src in (SqlType.INT, SqlType.FLOAT, SqlType.BOOL):
            return _Typed(exp.Cast(this=source.node, to=dtype("VARCHAR")), target)
        if src is SqlType.BOOL and target in (SqlType.INT, SqlType.FLOAT):
            # A simple CASE names the condition once; NULL matches neither branch and stays NULL.
            one, zero = (bigint(1), bigint(0)) if target is SqlType.INT else (double(1.0), double(0.0))
            out = exp.Case(
                this=paren(source.node),
                ifs=[
                    exp.If(this=exp.Boolean(this=True), true=one),
                    exp.If(this=exp.Boolean(this=False), true=zero),
                ],
            )
            return _Typed(out, target, range=Range(1.0, 1.0))
        if src is SqlType.TIMESTAMP and target is SqlType.DATE:
            # Timestamps are stored as ISO 8601 text: the date is their first ten characters.
            day = exp.Substring(this=source.node, start=exp.Literal.number(1), length=exp.Literal.number(10))
            return _Typed(day, target)
        if src is SqlType.DATE and target is SqlType.TIMESTAMP:
            midnight = exp.DPipe(this=source.node, expression=exp.Literal.string("T00:00:00.000000Z"))
            return _Typed(midnight, target)
        if src is SqlType.NULL:
            return _Typed(exp.Cast(this=exp.Null(), to=dtype(SQL_NAMES[target])), target, None, EMPTY)
        if src in TEXTLIKE:
            why = "it fails on values that are not numbers/dates (PostgreSQL has no TRY_CAST)"
        elif src is SqlType.FLOAT and target is SqlType.INT:
            why = "it fails on values out of the integer range and on NaN"
        else:
            why = "it can fail on some values"
        raise _fail(f"{shown}: a {src.value} cannot be cast to {target.value} in DP SQL ({why})")

    def _null(self, target: SqlType) -> _Typed:
        node = exp.Cast(this=exp.Null(), to=dtype(SQL_NAMES[target]))
        return _Typed(node, target, None, EMPTY)

    # Arithmetic (DOUBLE, with the interval proof) ----------------------------------------
    def _number_literal(self, value: Any, typ: SqlType) -> _Typed:
        mag = abs(float(value))
        rng = EMPTY if mag == 0 else Range(mag, mag)
        return _Typed(emit_literal(value, typ), typ, value, rng)

    def _operand(self, node: exp.Expression, what: str) -> tuple[exp.Expression, Range]:
        t = self.expr(node)
        if TYPE_CLASS[t.type] not in ("number", "null"):
            raise _fail(f"{what} of a {t.type.value} ({_show(node)}); arithmetic needs numbers")
        return self._numeric(t)

    def _numeric(self, t: _Typed) -> tuple[exp.Expression, Range]:
        """``t`` as a DOUBLE for arithmetic, and the magnitudes its non-zero values take."""
        if t.arith is not None:
            return t.arith
        if t.literal:
            node = exp.Cast(this=exp.Null(), to=dtype("DOUBLE")) if t.value is None else double(t.value)
            assert t.range is not None
            return node, t.range
        if t.range is not None:
            node = exp.Cast(this=t.node, to=dtype("DOUBLE")) if t.type is SqlType.INT else t.node
            return node, t.range
        return saturate(t.node, self.power), saturated_range(self.power)

    def _result(self, node: exp.Expression, rng: Range) -> _Typed:
        return _Typed(exp.Paren(this=node), SqlType.FLOAT, range=rng)

    def _arith(self, node: exp.Expression) -> _Typed:
        _only(node, "this", "expression")
        what = {"add": "+", "sub": "-", "mul": "*"}[node.key]
        (a, ra), (b, rb) = self._operand(node.this, what), self._operand(node.expression, what)
        rng = product_range(ra, rb) if isinstance(node, exp.Mul) else sum_range(ra, rb)
        return self._result(type(node)(this=paren(a), expression=paren(b)), rng)

    def _divisor(self, node: exp.Expression, what: str) -> _Typed:
        t = self.expr(node)
        if not (t.literal and t.type in (SqlType.INT, SqlType.FLOAT) and t.value != 0):
            raise _fail(
                f"{what} by {_show(node)}: divide only by a non-zero number literal "
                "(a column could be zero on some rows)"
            )
        return t

    def _div(self, node: exp.Div) -> _Typed:
        _only(node, "this", "expression", "typed", "safe")
        a, ra = self._operand(node.this, "/")
        divisor = self._divisor(node.expression, "/")
        c = abs(float(divisor.value))
        rng = quotient_range(ra, c)
        return self._result(exp.Div(this=paren(a), expression=double(float(divisor.value))), rng)

    def _mod(self, node: exp.Mod) -> _Typed:
        _only(node, "this", "expression")
        left = self.expr(node.this)
        divisor = self._divisor(node.expression, "%")
        if left.type is not SqlType.INT or divisor.type is not SqlType.INT:
            raise _fail(
                f"{_show(node)}: % takes an integer and a non-zero integer literal (use / for doubles)"
            )
        c = int(divisor.value)
        if left.literal:
            a = int(left.value)
            value = int(math.copysign(abs(a) % abs(c), a)) if a else 0
            return self._number_literal(value, SqlType.INT)
        rng = Range(1.0, float(abs(c) - 1)) if abs(c) > 1 else EMPTY
        return _Typed(
            exp.Paren(this=exp.Mod(this=paren(left.node), expression=bigint(c))), SqlType.INT, range=rng
        )

    def _neg(self, node: exp.Neg) -> _Typed:
        _only(node, "this")
        if isinstance(node.this, exp.Literal) and not node.this.is_string:
            value, typ = parse_number("-" + node.this.this)  # -9223372036854775808 is a BIGINT
            return self._number_literal(value, typ)
        inner = self.expr(node.this)
        if inner.literal and inner.type in (SqlType.INT, SqlType.FLOAT) and inner.value is not None:
            value = -inner.value
            typ = inner.type
            if typ is SqlType.INT and not (-INT64_MAX <= value < INT64_MAX):
                value, typ = float(value), SqlType.FLOAT
            return self._number_literal(value, typ)
        if TYPE_CLASS[inner.type] not in ("number", "null"):
            raise _fail(f"unary minus of a {inner.type.value} ({_show(node)})")
        a, ra = self._numeric(inner)
        return self._result(exp.Neg(this=paren(a)), ra)

    def _abs(self, node: exp.Abs) -> _Typed:
        _only(node, "this")
        a, ra = self._operand(node.this, "ABS")
        return self._result(exp.Abs(this=a), ra)

    # Text --------------------------------------------------------------------------------
    def _text(self, node: exp.Expression, what: str) -> _Typed:
        t = self.expr(node)
        if t.type not in (*TEXTLIKE, SqlType.NULL):
            raise _fail(f"{what} of a {t.type.value} ({_show(node)}); CAST it AS VARCHAR first")
        return t

    def _case_fold(self, node: exp.Expression) -> _Typed:
        _only(node, "this")
        inner = self._text(node.this, node.key.upper())
        return _Typed(type(node)(this=inner.node), SqlType.TEXT)

    def _trim(self, node: exp.Trim) -> _Typed:
        _only(node, "this")
        if node.args.get("position") not in (None, "", "BOTH"):
            raise _fail(f"{_show(node)} (only TRIM(text))")
        inner = self._text(node.this, "TRIM")
        return _Typed(exp.Trim(this=inner.node), SqlType.TEXT)

    def _length(self, node: exp.Length) -> _Typed:
        _only(node, "this")
        inner = self._text(node.this, "LENGTH")
        # At most a few billion characters: exact in DOUBLE, no saturation needed.
        return _Typed(exp.Length(this=inner.node), SqlType.INT, range=Range(1.0, 2.0**40))

    def _position(self, node: exp.Expression | None, what: str, low: int) -> int:
        if node is None:
            raise _fail(f"SUBSTRING without a {what}")
        t = self.expr(node)
        if not (t.literal and t.type is SqlType.INT and low <= int(t.value) <= MAX_SUBSTRING):
            raise _fail(
                f"SUBSTRING {what} {_show(node)}: only an integer literal in [{low}, {MAX_SUBSTRING}]"
            )
        return int(t.value)

    def _substring(self, node: exp.Substring) -> _Typed:
        _only(node, "this", "start", "length")
        inner = self._text(node.this, "SUBSTRING")
        start = self._position(node.args.get("start"), "start", 1)
        length = node.args.get("length")
        args: dict[str, Any] = {"this": inner.node, "start": exp.Literal.number(start)}
        if length is not None:
            args["length"] = exp.Literal.number(self._position(length, "length", 0))
        return _Typed(exp.Substring(**args), SqlType.TEXT)

    def _concat(self, node: exp.DPipe) -> _Typed:
        _only(node, "this", "expression", "safe")
        left, right = self._text(node.this, "||"), self._text(node.expression, "||")
        return _Typed(exp.DPipe(this=paren(left.node), expression=paren(right.node)), SqlType.TEXT)

    def _coalesce(self, node: exp.Coalesce) -> _Typed:
        _only(node, "this", "expressions")
        items = [self.expr(node.this)] + [self.expr(e) for e in node.expressions]
        nodes, typ = self._unify(items, "COALESCE")
        if typ is SqlType.NULL:
            # Only NULLs: NULL, like the literal. PostgreSQL types COALESCE(NULL, NULL) as text,
            # which fails beside a number or in a condition whatever the rows hold.
            return _Typed(exp.Null(), SqlType.NULL, None, EMPTY)
        out = exp.Coalesce(this=nodes[0], expressions=nodes[1:])
        if TYPE_CLASS[typ] != "number":
            return _Typed(out, typ)
        parts = [self._numeric(t) for t in items]
        lo = min((r.lo for _n, r in parts), default=math.inf)
        hi = max((r.hi for _n, r in parts), default=0.0)
        arith = (exp.Coalesce(this=parts[0][0], expressions=[n for n, _r in parts[1:]]), Range(lo, hi))
        exact = typ is SqlType.INT
        return _Typed(out, typ, range=Range(lo, hi) if exact else None, arith=None if exact else arith)
