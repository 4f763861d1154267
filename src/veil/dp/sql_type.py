"""The types of a DP query's row filter, literal folding, and the SQL pieces it emits.

A filter (``veil.dp.where``) is typed against the dataset's column types: every value is
a number (``INT``, ``FLOAT``), text (``TEXT``; dates and timestamps are stored as ISO text),
a boolean, or ``NULL``, and operands of a comparison must share one type class. Literals
and casts of literals are evaluated here, at planning, so a bad literal is an error before
anything runs. The SQL pieces are written in the DuckDB dialect (sqlglot transpiles them).
"""

from __future__ import annotations

import math
import re
from datetime import date
from enum import StrEnum
from typing import Any

from sqlglot import exp

from veil import clock
from veil.errors import InputError

__all__ = [
    "CAST_TARGETS",
    "INT64_MAX",
    "SQL_NAMES",
    "TEXTLIKE",
    "TYPE_CLASS",
    "SqlType",
    "bigint",
    "cast_literal",
    "double",
    "dtype",
    "emit_literal",
    "paren",
    "parse_number",
    "sql_type_of",
]

#: The largest magnitude of a non-zero BIGINT.
INT64_MAX = 2**63


class SqlType(StrEnum):
    INT = "integer"
    FLOAT = "double"
    BOOL = "boolean"
    TEXT = "text"
    DATE = "date"
    TIMESTAMP = "timestamp"
    NULL = "null"


#: The type class of each type: operands of a comparison, IN, BETWEEN or COALESCE share one.
TYPE_CLASS = {
    SqlType.INT: "number",
    SqlType.FLOAT: "number",
    SqlType.BOOL: "boolean",
    SqlType.TEXT: "text",
    SqlType.DATE: "text",
    SqlType.TIMESTAMP: "text",
    SqlType.NULL: "null",
}
#: Types stored as text.
TEXTLIKE = (SqlType.TEXT, SqlType.DATE, SqlType.TIMESTAMP)


def sql_type_of(logical: str) -> SqlType:
    """A dataset dtype value or public-table logical type -> its filter type."""
    return {
        "int": SqlType.INT,
        "float": SqlType.FLOAT,
        "bool": SqlType.BOOL,
        "date": SqlType.DATE,
        "timestamp": SqlType.TIMESTAMP,
        "text": SqlType.TEXT,
    }[logical]


#: The SQL type a typed NULL is cast to.
SQL_NAMES = {
    SqlType.INT: "BIGINT",
    SqlType.FLOAT: "DOUBLE",
    SqlType.BOOL: "BOOLEAN",
    SqlType.TEXT: "VARCHAR",
    SqlType.DATE: "VARCHAR",
    SqlType.TIMESTAMP: "VARCHAR",
    SqlType.NULL: "VARCHAR",
}

#: The cast targets a filter may name, and their filter types.
CAST_TARGETS = {
    exp.DataType.Type.BIGINT: SqlType.INT,
    exp.DataType.Type.INT: SqlType.INT,
    exp.DataType.Type.DOUBLE: SqlType.FLOAT,
    exp.DataType.Type.FLOAT: SqlType.FLOAT,
    exp.DataType.Type.DECIMAL: SqlType.FLOAT,
    exp.DataType.Type.VARCHAR: SqlType.TEXT,
    exp.DataType.Type.TEXT: SqlType.TEXT,
    exp.DataType.Type.BOOLEAN: SqlType.BOOL,
    exp.DataType.Type.DATE: SqlType.DATE,
    exp.DataType.Type.TIMESTAMP: SqlType.TIMESTAMP,
}


# -- emitted SQL pieces ---------------------------------------------------------------------


def dtype(name: str) -> exp.DataType:
    return exp.DataType.build(name)


def double(value: float) -> exp.Expression:
    return exp.Cast(this=exp.Literal.number(repr(float(value))), to=dtype("DOUBLE"))


def bigint(value: int) -> exp.Expression:
    return exp.Cast(this=exp.Literal.number(str(int(value))), to=dtype("BIGINT"))


def emit_literal(value: Any, typ: SqlType) -> exp.Expression:
    if value is None:
        return exp.Null()
    if typ is SqlType.INT:
        return bigint(value)
    if typ is SqlType.FLOAT:
        return double(value)
    if typ is SqlType.BOOL:
        return exp.Boolean(this=bool(value))
    return exp.Literal.string(str(value))


def paren(node: exp.Expression) -> exp.Expression:
    return node if isinstance(node, exp.Paren | exp.Column | exp.Literal | exp.Cast) else exp.Paren(this=node)


# -- literal folding ------------------------------------------------------------------------

_INT_TEXT = re.compile(r"[+-]?[0-9]+")
_FLOAT_TEXT = re.compile(r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?")
_DATE_TEXT = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def parse_number(text: str) -> tuple[Any, SqlType]:
    """A number literal's value and type (BIGINT when it fits, else DOUBLE); InputError if not finite."""
    if _INT_TEXT.fullmatch(text):
        value = int(text)
        if -INT64_MAX <= value < INT64_MAX:
            return value, SqlType.INT
        return float(value), SqlType.FLOAT
    if _FLOAT_TEXT.fullmatch(text):
        f = float(text)
        if math.isfinite(f):
            return f, SqlType.FLOAT
    raise InputError(f"the number literal {text[:40]!r} is not a finite number")


def cast_literal(value: Any, source: SqlType, target: SqlType) -> Any:
    """CAST(<literal> AS target), evaluated here; InputError when it cannot succeed."""
    if value is None or source is target:
        return value
    shown = str(value)[:40]
    if target is SqlType.INT:
        if source is SqlType.BOOL:
            return int(value)
        if source is SqlType.FLOAT and float(value).is_integer() and abs(value) < INT64_MAX:
            return int(value)
        if source in TEXTLIKE and _INT_TEXT.fullmatch(str(value).strip()):
            number = int(str(value).strip())
            if -INT64_MAX <= number < INT64_MAX:
                return number
        raise InputError(f"CAST({shown!r} AS INTEGER): the literal is not a whole number in range")
    if target is SqlType.FLOAT:
        if source in (SqlType.INT, SqlType.BOOL):
            return float(value)
        if source in TEXTLIKE and _FLOAT_TEXT.fullmatch(str(value).strip()):
            f = float(str(value).strip())
            if math.isfinite(f):
                return f
        raise InputError(f"CAST({shown!r} AS DOUBLE): the literal is not a finite number")
    if target is SqlType.TEXT:
        if source is SqlType.BOOL:
            return "true" if value else "false"
        if source is SqlType.INT or source in TEXTLIKE:
            return str(value)
        raise InputError(
            f"CAST({shown} AS VARCHAR): engines write doubles differently; write the text you mean"
        )
    if target is SqlType.BOOL:
        if source in TEXTLIKE and str(value).strip().lower() in ("true", "false"):
            return str(value).strip().lower() == "true"
        raise InputError(f"CAST({shown!r} AS BOOLEAN): write TRUE or FALSE")
    if target is SqlType.DATE and source in TEXTLIKE:
        text = str(value).strip()
        if source is SqlType.TIMESTAMP:
            return text[:10]
        if _DATE_TEXT.fullmatch(text):
            try:
                return date.fromisoformat(text).isoformat()
            except ValueError:
                pass
        raise InputError(f"CAST({shown!r} AS DATE): write a date as 'YYYY-MM-DD'")
    if target is SqlType.TIMESTAMP and source in TEXTLIKE:
        try:
            return clock.format_ts(clock.parse_ts(str(value).strip()))
        except (ValueError, TypeError, OverflowError):
            raise InputError(f"CAST({shown!r} AS TIMESTAMP): write an ISO 8601 timestamp") from None
    raise InputError(f"CAST of a {source.value} literal to {target.value} is not supported")
