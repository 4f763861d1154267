"""Public (non-personal) lookup tables that DP queries may join with.

A public table — regions of states, a code list, a price table — holds no
personal data, so joining with it costs no privacy. Its values are public
knowledge, so its columns also serve as declared group-key sets. It is stored
as Parquet under ``<workspace>/public/`` (DuckDB and Spark read that file) and,
in PostgreSQL workspaces, also as a table in the database.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from veil import clock
from veil.consent.purpose import validate_name
from veil.dp.plan import MAX_DECLARED_GROUPS, PublicTable
from veil.errors import ConflictError, InputError, NotFoundError
from veil.schema import public_tables

if TYPE_CHECKING:
    import pyarrow as pa

    from veil.workspace import Workspace

__all__ = ["PublicTables"]

MAX_PUBLIC_ROWS = 1_000_000


# PyArrow is imported by the functions that use it, not with this module: a DP query over a
# workspace with no public table (most) never touches one, and PyArrow with the NumPy it loads
# is a third of that command's start-up.
def _logical(t: pa.DataType) -> str:
    import pyarrow as pa

    if pa.types.is_integer(t):
        return "int"
    if pa.types.is_floating(t) or pa.types.is_decimal(t):
        return "float"
    if pa.types.is_boolean(t):
        return "bool"
    return "text"


_SA = {"int": sa.BigInteger, "float": sa.Float, "bool": sa.Boolean, "text": sa.Text}


def _normalise(table: pa.Table, name: str) -> pa.Table:
    """Each column stored as exactly its logical type (int64, float64, bool, string).

    A DP query's WHERE and JOIN are typed by these logical types (``veil.dp.where``): a
    column that were physically a DATE or a DECIMAL while typed text or float would make
    the engine convert the *private* side of a comparison, which can fail on some values.
    Converting here, once, fails (if at all) on the public table itself, before any query.
    """
    import pyarrow as pa

    arrow = {"int": pa.int64(), "float": pa.float64(), "bool": pa.bool_(), "text": pa.string()}
    fields = [pa.field(f.name, arrow[_logical(f.type)]) for f in table.schema]
    target = pa.schema(fields)
    if table.schema.equals(target):
        return table
    try:
        return table.cast(target)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:
        raise InputError(
            f"public table {name!r}: a column's values do not fit its type (integers beyond 64 bits, "
            f"text that is not UTF-8): {type(exc).__name__}"
        ) from None


class PublicTables:
    def __init__(self, ws: Workspace) -> None:
        self.ws = ws
        self.dir = ws.root / "public"

    def parquet_path(self, name: str) -> Path:
        return self.dir / f"{name}.parquet"

    def add(self, name: str, path: Path, *, replace: bool = False) -> dict[str, Any]:
        import pyarrow.parquet as pq

        validate_name("table", name)
        if not re.fullmatch(r"[a-z][a-z0-9_]*", name):
            raise InputError(
                "public table names are lower-case letters, digits and _ (starting with a letter)"
            )
        table = _normalise(self._read(path), name)
        columns = [[f.name, _logical(f.type)] for f in table.schema]
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        self.dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        out = self.parquet_path(name)
        tmp = out.with_suffix(".tmp")
        with self.ws.transaction() as conn:
            exists = conn.execute(sa.select(public_tables.c.name).where(public_tables.c.name == name)).first()
            if exists and not replace:
                raise ConflictError(f"public table {name!r} exists; pass --replace to load it again")
            if exists:
                conn.execute(public_tables.delete().where(public_tables.c.name == name))
            conn.execute(
                public_tables.insert().values(
                    name=name,
                    columns=json.dumps(columns),
                    rows=table.num_rows,
                    sha256=digest,
                    created_at=clock.now_iso(),
                )
            )
            pq.write_table(table, tmp)
            os.replace(tmp, out)
            if conn.dialect.name == "postgresql":
                self._load_into(conn, name, table)
            self.ws.audit.append(
                conn,
                "dp.public_table.add",
                details={
                    "table": name,
                    "rows": table.num_rows,
                    "columns": [c[0] for c in columns],
                    "sha256": digest,
                },
            )
        return {"name": name, "rows": table.num_rows, "columns": dict(columns), "sha256": digest}

    def list(self) -> list[dict[str, Any]]:
        with self.ws.engine.connect() as conn:
            return [
                {
                    "name": r.name,
                    "rows": r.rows,
                    "columns": dict(json.loads(r.columns)),
                    "created_at": r.created_at,
                }
                for r in conn.execute(sa.select(public_tables).order_by(public_tables.c.name))
            ]

    def all(self) -> dict[str, PublicTable]:
        return {t["name"]: self.get(t["name"]) for t in self.list()}

    def get(self, name: str) -> PublicTable:
        with self.ws.engine.connect() as conn:
            row = conn.execute(sa.select(public_tables).where(public_tables.c.name == name)).first()
        if row is None:
            raise NotFoundError(f"no public table {name!r}; add one with `veil table add {name} FILE`")
        import pyarrow.compute as pc
        import pyarrow.parquet as pq

        path = self.parquet_path(name)
        table = pq.read_table(path)
        normalised = _normalise(table, name)
        if normalised is not table:  # written by a Veil that kept the file's own types
            tmp = path.with_suffix(f".{os.getpid()}.{threading.get_ident()}.tmp")
            pq.write_table(normalised, tmp)
            os.replace(tmp, path)
            table = normalised
        values: dict[str, tuple[Any, ...]] = {}
        unique: set[str] = set()
        for col in table.column_names:
            distinct = pc.unique(table[col].drop_null())
            if len(distinct) == table.num_rows and table[col].null_count == 0:
                unique.add(col)
            if len(distinct) <= MAX_DECLARED_GROUPS:
                values[col] = tuple(sorted(distinct.to_pylist(), key=lambda v: (str(type(v)), v)))
        return PublicTable(name, dict(json.loads(row.columns)), values, frozenset(unique))

    def ensure_in_database(self, name: str) -> str:
        """The table's name in a PostgreSQL data store (loaded there at ``add``)."""
        return f'"pub_{name}"'

    def _load_into(self, conn: sa.Connection, name: str, table: pa.Table) -> None:
        meta = sa.MetaData()
        sql_table = sa.Table(
            f"pub_{name}", meta, *[sa.Column(f.name, _SA[_logical(f.type)]) for f in table.schema]
        )
        sql_table.drop(conn, checkfirst=True)
        sql_table.create(conn)  # a lookup table is data, not schema: no schema revision makes it
        if table.num_rows:
            conn.execute(sql_table.insert(), table.to_pylist())

    @staticmethod
    def _read(path: Path) -> pa.Table:
        import pyarrow as pa

        from veil.vault.reader import open_table

        if not path.exists():
            raise InputError(f"{path}: no such file")
        reader = open_table(path)
        try:
            batches = []
            for batch in reader:
                batches.append(pa.table({n: batch.columns[n] for n in reader.names}))
                if sum(b.num_rows for b in batches) > MAX_PUBLIC_ROWS:
                    raise InputError(
                        f"{path}: public tables are lookup tables (at most {MAX_PUBLIC_ROWS} rows)"
                    )
        finally:
            reader.close()
        if not batches:
            raise InputError(f"{path}: no rows")
        return pa.concat_tables(batches)
