"""WHERE expressions from (and around) the DP SQL grammar, and rows with extreme values.

Used by the error-oracle tests: every filter the planner accepts must run without error
on every engine for every value (``test_where.py``), and whether a query fails, its message
and its charge must be the same on two neighbouring datasets (``test_error_oracle.py``).
The generator also writes things the planner must refuse (mixed types, casts of text,
division by a column, negative SUBSTRING lengths, escapes in LIKE...), so both sides of
the line are exercised.
"""

from __future__ import annotations

import math
from typing import Any

from hypothesis import strategies as st

#: name -> (vault dtype, SQL type for a bare engine table)
COLUMNS = {
    "i": ("int", "BIGINT"),
    "f": ("float", "DOUBLE"),
    "s": ("text", "VARCHAR"),
    "b": ("bool", "BOOLEAN"),
    "d": ("date", "VARCHAR"),
    "ts": ("timestamp", "VARCHAR"),
}

INT64_MAX = 2**63 - 1
INT64_MIN = -(2**63)

#: One subject's rows with the values engines choke on (the "extreme" neighbour).
EXTREME_ROWS: list[dict[str, Any]] = [
    {"i": INT64_MAX, "f": 1e308, "s": "", "b": True, "d": "2020-01-01", "ts": "2020-01-01T00:00:00.000000Z"},
    {
        "i": INT64_MIN,
        "f": -1e308,
        "s": "1x",
        "b": False,
        "d": "9999-12-31",
        "ts": "0001-01-01T00:00:00.000000Z",
    },
    {"i": 9 * 10**18, "f": math.inf, "s": "a\\b", "b": None, "d": None, "ts": None},
    {
        "i": -1,
        "f": -math.inf,
        "s": "O'Brien %_",
        "b": True,
        "d": "1970-01-01",
        "ts": "1999-12-31T23:59:59.999999Z",
    },
    {
        "i": 0,
        "f": 5e-324,
        "s": " padded ",
        "b": False,
        "d": "2000-02-29",
        "ts": "2000-02-29T12:00:00.000000Z",
    },
    {"i": None, "f": math.nan, "s": None, "b": True, "d": "2020-01-01", "ts": None},
    {"i": 1, "f": 0.0, "s": "ünïcödé 🚀", "b": None, "d": None, "ts": "2020-01-01T00:00:00.000000Z"},
    {"i": 2, "f": -0.0, "s": "9223372036854775808", "b": False, "d": "2020-01-02", "ts": None},
    {"i": 3, "f": 1e-300, "s": "NaN", "b": True, "d": None, "ts": None},
    {"i": None, "f": None, "s": "2020-01-01", "b": None, "d": None, "ts": None},
]


def ordinary_rows(n: int) -> list[dict[str, Any]]:
    """``n`` unremarkable rows (the rest of both neighbouring datasets)."""
    return [
        {
            "i": k * 7 - 20,
            "f": k / 3 - 2.5,
            "s": ["a", "bb", "ccc", "1", ""][k % 5] if k % 11 else None,
            "b": k % 2 == 0,
            "d": f"2021-{1 + k % 12:02d}-{1 + k % 28:02d}",
            "ts": f"2021-{1 + k % 12:02d}-{1 + k % 28:02d}T10:00:00.000000Z",
        }
        for k in range(n)
    ]


# -- the grammar ------------------------------------------------------------------------------
# Mostly well-typed expressions (so that much of what is generated is accepted and runs),
# with a steady share of the constructs that must be refused.

_int_literals = st.sampled_from(
    ["0", "1", "2", "-1", "7", "1000", "9223372036854775807", "-9223372036854775808", "99999999999999999999"]
)
_float_literals = st.sampled_from(["0.5", "1e308", "-1e308", "1e-300", "1e-200", "2.5", "1e150", "0.0"])
_divisors = st.sampled_from(["2", "3", "-7", "0.5", "1e-300", "1e300", "1e-100", "0", "i", "f"])
_text_literals = st.sampled_from(["''", "'a'", "'1x'", "'O''Brien'", "'2020-01-01'", "'NaN'", "'%'"])
_like_patterns = st.sampled_from(["'a%'", "'%'", "'_'", "'%x%'", "'a\\'", "'a\\b'", "'%\\%'", "'[a]%'"])
_positions = st.sampled_from(["1", "2", "3", "1", "2", "-1", "0", "9999999999"])
_cast_types = st.sampled_from(
    ["INT", "BIGINT", "DOUBLE", "VARCHAR", "BOOLEAN", "DATE", "TIMESTAMP", "SMALLINT"]
)
_GOOD_NUM = ["i", "i", "f", "f", "f", "NULL", "LENGTH(s)", "CAST(b AS INT)", "CAST(i AS DOUBLE)",
             "COALESCE(i, 0)", "COALESCE(f, i, 1)", "CAST('12' AS INT)", "i % 3", "LENGTH(s) % 2"]  # fmt: skip  # noqa: E501
_BAD_NUM = [
    "CAST('1x' AS INT)",
    "CAST(s AS INT)",
    "CAST(f AS INT)",
    "TRY_CAST(s AS DOUBLE)",
    "f % 2",
    "i % 0",
]
_GOOD_TEXT = ["s", "s", "d", "ts", "CAST(i AS VARCHAR)", "CAST(f AS VARCHAR)", "CAST(ts AS DATE)",
              "DATE '2020-01-01'", "CAST(b AS VARCHAR)", "CAST(d AS TIMESTAMP)"]  # fmt: skip
_BAD_TEXT = ["CAST('2020-02-30' AS DATE)", "CAST(s AS DATE)", "CAST(f AS VARCHAR(3))"]


def _num(depth: int) -> st.SearchStrategy[str]:
    atoms = st.one_of(
        st.sampled_from(_GOOD_NUM),
        _int_literals,
        _float_literals,
        st.sampled_from(_GOOD_NUM),
        st.sampled_from(_BAD_NUM),
    )
    if depth <= 0:
        return atoms
    sub = _num(depth - 1)
    return st.one_of(
        atoms,
        st.tuples(sub, st.sampled_from(["+", "-", "*"]), sub).map(lambda t: f"({t[0]} {t[1]} {t[2]})"),
        st.tuples(sub, st.sampled_from(["+", "-", "*"]), sub).map(lambda t: f"({t[0]} {t[1]} {t[2]})"),
        st.tuples(sub, st.sampled_from(["/", "%"]), _divisors).map(lambda t: f"({t[0]} {t[1]} {t[2]})"),
        sub.map(lambda x: f"-({x})"),
        sub.map(lambda x: f"ABS({x})"),
        st.tuples(sub, sub).map(lambda t: f"COALESCE({t[0]}, {t[1]})"),
    )


def _text(depth: int) -> st.SearchStrategy[str]:
    atoms = st.one_of(
        st.sampled_from(_GOOD_TEXT), _text_literals, st.sampled_from(_GOOD_TEXT), st.sampled_from(_BAD_TEXT)
    )
    if depth <= 0:
        return atoms
    sub = _text(depth - 1)
    return st.one_of(
        atoms,
        sub.map(lambda x: f"LOWER({x})"),
        sub.map(lambda x: f"UPPER({x})"),
        sub.map(lambda x: f"TRIM({x})"),
        st.tuples(sub, _positions).map(lambda t: f"SUBSTRING({t[0]}, {t[1]})"),
        st.tuples(sub, _positions, _positions).map(lambda t: f"SUBSTRING({t[0]}, {t[1]}, {t[2]})"),
        st.tuples(sub, sub).map(lambda t: f"{t[0]} || {t[1]}"),
        st.tuples(sub, sub).map(lambda t: f"COALESCE({t[0]}, {t[1]})"),
    )


def _any(depth: int) -> st.SearchStrategy[str]:
    return st.one_of(
        _num(depth),
        _text(depth),
        st.sampled_from(["b", "TRUE", "NULL"]),
        st.tuples(_any_leaf(), _cast_types).map(lambda t: f"CAST({t[0]} AS {t[1]})"),
    )


def _any_leaf() -> st.SearchStrategy[str]:
    return st.one_of(_num(0), _text(0), st.sampled_from(["b", "TRUE"]))


_OPS = st.sampled_from(["=", "<>", "<", "<=", ">", ">="])


def _typed_compare(of: st.SearchStrategy[str], leaf: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.one_of(
        st.tuples(of, _OPS, of).map(lambda t: f"{t[0]} {t[1]} {t[2]}"),
        st.tuples(of, st.lists(leaf, min_size=1, max_size=3)).map(lambda t: f"{t[0]} IN ({', '.join(t[1])})"),
        st.tuples(of, leaf, leaf).map(lambda t: f"{t[0]} BETWEEN {t[1]} AND {t[2]}"),
    )


def _cond(depth: int) -> st.SearchStrategy[str]:
    atoms = st.one_of(
        st.sampled_from(
            ["b", "TRUE", "FALSE", "b IS TRUE", "s IS NULL", "f IS NOT NULL", "CAST('true' AS BOOLEAN)"]
        ),
        _typed_compare(_num(depth), _num(0)),
        _typed_compare(_num(depth), _num(0)),
        _typed_compare(_text(depth), _text(0)),
        st.tuples(_any(depth), _OPS, _any(depth)).map(lambda t: f"{t[0]} {t[1]} {t[2]}"),  # often mixed
        st.tuples(_text(depth), st.sampled_from(["LIKE", "NOT LIKE", "ILIKE"]), _like_patterns).map(
            lambda t: f"{t[0]} {t[1]} {t[2]}"
        ),
        _any(depth).map(lambda x: f"({x}) IS NULL"),
        st.sampled_from(["CAST(s AS BOOLEAN)", "CAST(i AS BOOLEAN)", "i LIKE '1%'", "s LIKE s"]),
    )
    if depth <= 0:
        return atoms
    sub = _cond(depth - 1)
    return st.one_of(
        atoms,
        st.tuples(sub, st.sampled_from(["AND", "OR"]), sub).map(lambda t: f"({t[0]}) {t[1]} ({t[2]})"),
        sub.map(lambda x: f"NOT ({x})"),
    )


def _arith(depth: int) -> st.SearchStrategy[str]:
    """Always an arithmetic operation at the top (overflow, underflow, division, modulo)."""
    sub = _arith(depth - 1) if depth > 1 else _num(0)
    operand = st.one_of(sub, _num(0))
    return st.one_of(
        st.tuples(operand, st.sampled_from(["+", "-", "*", "*"]), operand).map(
            lambda t: f"({t[0]} {t[1]} {t[2]})"
        ),
        st.tuples(operand, st.sampled_from(["/", "%"]), _divisors).map(lambda t: f"({t[0]} {t[1]} {t[2]})"),
        operand.map(lambda x: f"-({x})"),
        operand.map(lambda x: f"ABS({x})"),
    )


_arith_conditions = st.tuples(_arith(3), _OPS, st.one_of(_num(0), _arith(2))).map(
    lambda t: f"{t[0]} {t[1]} {t[2]}"
)

#: A WHERE clause: mostly conditions, sometimes a non-condition (must be refused).
where_clauses = st.one_of(_cond(2), _cond(2), _arith_conditions, _arith_conditions, _any(1))

#: The attack of issue 10, with conditions on the extreme subject's attributes.
ATTACK = "CAST(SUBSTRING('1x', 1 + CAST({cond} AS INT), 1) AS INT) = 1"
