"""What the analytics mirror holds of a dataset, and how it is built and kept in step.

These functions write into a generation being made (see :mod:`veil.dp.mirror`); the
rows come from the vault's own feed (:func:`veil.vault.release.scan_clear`: every clear
column, tombstoned subjects left out) and the consent bits from the consent ledger's rule
(:func:`~veil.vault.release.consent_members`, :func:`consent_states`),
so the mirror never reads the vault's storage itself.

Per dataset two tables: ``subjects_<t>`` (pseudonym -> dense ``sid``) and ``rows_<t>``
(``_sid``, ``_row``, ``_rk`` — the row's place among its subject's rows in the salted
order —, ``_lawful`` — one consent bit per purpose —, the clear columns, and clamped
copies ``k_<column>``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import duckdb
import sqlalchemy as sa

from veil.consent.ledger import ConsentAction, ConsentEvent, derive_state
from veil.dp.mirror_view import DUCK_TYPES, mirrored, rows_table, run_sql, subjects_table
from veil.dp.plan import clamp_sql
from veil.schema import consent_events
from veil.vault.dataset import Column, Dataset, DType
from veil.vault.release import consent_members, scan_clear

if TYPE_CHECKING:
    from veil.workspace import Workspace

__all__ = [
    "FETCH_ROWS",
    "STAGED_ROW",
    "STAGED_SUBJECT",
    "build",
    "consent_delta",
    "consent_full",
    "consent_overlay",
    "consent_states",
    "count_rows",
    "index",
    "materialise",
]

FETCH_ROWS = 200_000
#: Column names of a staging table (see ``Mirror.load_staged``): row id and pseudonym.
STAGED_ROW, STAGED_SUBJECT = "_row", "_pseudonym"


def build(ws: Workspace, cur: duckdb.DuckDBPyConnection, ds: Dataset, salt: str, gone: Sequence[str]) -> str:
    """(Re)build the dataset's mirror tables from the vault; returns their stats as JSON.

    Subjects already tombstoned (an erasure still completing) are left out.
    """
    cols = mirrored(ds)
    staging = f"staging_{ds.table_name}"
    decl = ", ".join(
        [f"{STAGED_ROW} VARCHAR", f"{STAGED_SUBJECT} VARCHAR"]
        + [f'"{c.sql_name}" {DUCK_TYPES[c.dtype]}' for c in cols]
    )
    run_sql(cur, f'CREATE OR REPLACE TEMP TABLE "{staging}" ({decl})')
    for batch in scan_clear(ws, ds, cols, gone, batch=FETCH_ROWS):
        cur.register("veil_batch", batch)
        run_sql(cur, f'INSERT INTO "{staging}" SELECT * FROM veil_batch')  # noqa: S608
        cur.unregister("veil_batch")
    return index(cur, ds, salt, staging)


def index(cur: duckdb.DuckDBPyConnection, ds: Dataset, salt: str, staging: str) -> str:
    """Staged rows -> the subjects and rows tables (dense ids, ranks), and their stats as JSON."""
    cols = mirrored(ds)
    rows, subjects = rows_table(ds), subjects_table(ds)
    names = ", ".join(f's."{c.sql_name}"' for c in cols)
    row, subject = STAGED_ROW, STAGED_SUBJECT
    run_sql(
        cur,
        f'CREATE OR REPLACE TABLE "{subjects}" AS '  # noqa: S608
        f"SELECT {subject} AS pseudonym, "
        f"CAST(ROW_NUMBER() OVER (ORDER BY {subject}) AS BIGINT) AS sid "
        f'FROM (SELECT DISTINCT {subject} FROM "{staging}")',
    )
    run_sql(
        cur,
        f'CREATE OR REPLACE TABLE "{rows}" AS '  # noqa: S608
        f"SELECT p.sid AS _sid, s.{row} AS _row, "
        f"CAST(ROW_NUMBER() OVER (PARTITION BY s.{subject} ORDER BY md5(? || s.{row})) AS BIGINT) "
        "AS _rk, "
        f"CAST(0 AS BIGINT) AS _lawful{', ' + names if names else ''} "
        f'FROM "{staging}" s JOIN "{subjects}" p ON p.pseudonym = s.{subject} '
        f"ORDER BY _rk, _sid",
        [salt],
    )
    run_sql(cur, f'DROP TABLE "{staging}"')
    numeric = [c for c in cols if c.dtype in (DType.INT, DType.FLOAT)]
    parts = ["MAX(_rk)"] + [
        f'MIN("{c.sql_name}"), MAX("{c.sql_name}"), COUNT(*) - COUNT("{c.sql_name}")' for c in numeric
    ]
    found = cur.execute(f'SELECT {", ".join(parts)} FROM "{rows}"').fetchall()[0]  # noqa: S608
    stats = {
        c.name: [found[1 + 3 * i], found[2 + 3 * i], int(found[3 + 3 * i])] for i, c in enumerate(numeric)
    }
    return json.dumps({"_max_rank": int(found[0] or 0), "columns": stats}, default=float)


def materialise(
    cur: duckdb.DuckDBPyConnection,
    ds: Dataset,
    clamps: Mapping[str, list[float]],
    numeric: Mapping[str, Column],
) -> None:
    """Store each column clamped to its bounds (DuckDB computes it once, not per query)."""
    rows = rows_table(ds)
    for name, (lo, hi) in clamps.items():
        col = numeric[name]
        expr = clamp_sql(f'"{col.sql_name}"', lo, hi, integer=col.dtype is DType.INT)
        kind = "BIGINT" if "CAST(" not in expr else "DOUBLE"
        run_sql(cur, f'ALTER TABLE "{rows}" DROP COLUMN IF EXISTS "k_{col.sql_name}"')
        run_sql(cur, f'ALTER TABLE "{rows}" ADD COLUMN "k_{col.sql_name}" {kind}')
        run_sql(cur, f'UPDATE "{rows}" SET "k_{col.sql_name}" = {expr}')  # noqa: S608


def consent_full(ws: Workspace, cur: duckdb.DuckDBPyConnection, ds: Dataset, purpose: str, bit: int) -> None:
    """Set ``bit`` for every subject whose consent for ``purpose`` stands now."""
    _set_bits(cur, ds, {bit: (consent_members(ws, purpose), [])})


def consent_delta(
    ws: Workspace, cur: duckdb.DuckDBPyConnection, ds: Dataset, purposes: dict[str, int], since: int
) -> None:
    """Update the bits of the subjects with consent events recorded after ``since``."""
    changes: dict[int, tuple[list[str], list[str]]] = {bit: ([], []) for bit in purposes.values()}
    for pseudonym, state in consent_states(ws, list(purposes), since).items():
        for purpose, bit in purposes.items():
            (changes[bit][0] if state.get(purpose, False) else changes[bit][1]).append(pseudonym)
    _set_bits(cur, ds, changes)


def consent_overlay(ws: Workspace, purpose: str, since: int) -> dict[str, bool]:
    """For each subject with an event for ``purpose`` recorded after ``since``: granted now?

    What a query lays over a generation whose bits are current up to ``since`` (see
    :meth:`veil.dp.mirror.Mirror.view`).
    """
    return {p: state[purpose] for p, state in consent_states(ws, [purpose], since).items()}


def consent_states(ws: Workspace, purposes: Sequence[str], since: int) -> dict[str, dict[str, bool]]:
    """For each subject with an event for one of ``purposes`` recorded after ``since``: purpose ->
    granted now.

    One statement, so one snapshot of the ledger on SQLite and PostgreSQL alike: the states it
    gives are ones the ledger held together (never half of a later write). Each subject's state
    is the ledger's rule over *all* its events for the purpose
    (:func:`~veil.consent.ledger.derive_state`, with the recording time that caps a stated
    time, as :func:`~veil.consent.ledger.consenting_subjects` has it in SQL), so what the
    generation's bits said of the subject before does not matter.
    """
    if not purposes:
        return {}
    e = consent_events.c
    wanted = list(purposes)
    touched = sa.select(e.pseudonym).where(e.seq > since, e.purpose.in_(wanted))
    query = sa.select(e.seq, e.pseudonym, e.purpose, e.action, e.ts, e.recorded_at).where(
        e.purpose.in_(wanted), e.pseudonym.in_(touched)
    )
    events: dict[str, list[ConsentEvent]] = {}
    with ws.engine.connect() as conn:
        for seq, pseudonym, purpose, action, ts, recorded_at in conn.execute(query):
            events.setdefault(str(pseudonym), []).append(
                ConsentEvent(str(purpose), ConsentAction(action), ts, int(seq), recorded_at=recorded_at or "")
            )
    out: dict[str, dict[str, bool]] = {}
    for pseudonym, evs in events.items():
        state = derive_state(evs)
        out[pseudonym] = {p: state.get(p, False) for p in wanted}
    return out


def _set_bits(
    cur: duckdb.DuckDBPyConnection, ds: Dataset, changes: dict[int, tuple[list[str], list[str]]]
) -> None:
    import pyarrow as pa  # on first use: a query on an up-to-date mirror needs no PyArrow

    rows, subjects = rows_table(ds), subjects_table(ds)
    for bit, (grant, deny) in changes.items():
        for members, op in ((grant, f"_lawful | {bit}"), (deny, f"_lawful & ~{bit}")):
            if not members:
                continue
            cur.register("veil_members", pa.table({"pseudonym": pa.array(members, type=pa.string())}))
            run_sql(
                cur,
                f'UPDATE "{rows}" SET _lawful = {op} WHERE _sid IN '  # noqa: S608
                f'(SELECT sid FROM "{subjects}" WHERE pseudonym IN (SELECT pseudonym FROM veil_members))',
            )
            cur.unregister("veil_members")


def count_rows(cur: duckdb.DuckDBPyConnection, datasets: Mapping[str, Dataset], pseudonyms: list[str]) -> int:
    """How many mirrored rows (of every dataset in the generation) these subjects have."""
    import pyarrow as pa  # on first use: a query on an up-to-date mirror needs no PyArrow

    cur.register("veil_count", pa.table({"pseudonym": pa.array(pseudonyms, type=pa.string())}))
    try:
        total = 0
        for (name,) in cur.execute("SELECT dataset FROM veil_mirror_state").fetchall():
            ds = datasets.get(name)
            if ds is None:
                continue
            found = cur.execute(
                f'SELECT COUNT(*) FROM "{rows_table(ds)}" WHERE _sid IN (SELECT sid FROM '  # noqa: S608
                f'"{subjects_table(ds)}" WHERE pseudonym IN (SELECT pseudonym FROM veil_count))'
            ).fetchall()
            total += int(found[0][0])
        return total
    finally:
        cur.unregister("veil_count")
