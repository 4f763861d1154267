"""Datasets: tables of attributes keyed by pseudonym, with a classified schema.

A dataset ``visits`` is stored in table ``ds_visits`` with three system columns
(``_row`` row id, ``_pseudonym``, ``_ingest``) and one column per source column.
Columns in :data:`~veil.vault.category.ENCRYPTED_CATEGORIES` hold sealed blobs;
the others hold typed values. The subject column itself is never stored.

The catalog records each column's category with its evidence (which rule, detector,
how many values, which batch; never a value). :meth:`DatasetCatalog.seal_column`
turns a clear column into a sealed one inside the caller's transaction: every stored
value is sealed under its subject's key, with the same associated data an ingest
would have used, and the clear column is dropped (SQLite) or rewritten (PostgreSQL).
"""

from __future__ import annotations

import builtins
import functools
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from veil import clock
from veil.consent.purpose import validate_name
from veil.crypto.envelope import DataKey, field_aad_prefix, field_aad_suffixes, seal_many
from veil.database import blob_params, marks
from veil.errors import NotFoundError, did_you_mean
from veil.schema import dataset_columns, datasets
from veil.vault.category import ENCRYPTED_CATEGORIES, ColumnCategory
from veil.vault.evidence import Evidence

if TYPE_CHECKING:
    from veil.workspace import Workspace

__all__ = ["Column", "DType", "Dataset", "DatasetCatalog", "converter", "infer_dtype"]

ROW, PSEUDONYM, INGEST = "_row", "_pseudonym", "_ingest"
#: Rows re-sealed per chunk when a clear column becomes sealed.
RESEAL_CHUNK = 10_000
#: Loads the data keys of pseudonyms (erased subjects are absent), e.g. ``KeyStore.load``.
KeyLoader = Callable[[Iterable[str]], Mapping[str, DataKey]]


class DType(StrEnum):
    INT = "int"
    FLOAT = "float"
    BOOL = "bool"
    DATE = "date"
    TIMESTAMP = "timestamp"
    TEXT = "text"
    SEALED = "sealed"


_SQL_TYPES: dict[DType, Any] = {
    DType.INT: sa.BigInteger,
    DType.FLOAT: sa.Float,
    DType.BOOL: sa.Boolean,
    DType.DATE: sa.String(10),
    DType.TIMESTAMP: sa.String(32),
    DType.TEXT: sa.Text,
    DType.SEALED: sa.LargeBinary,
}


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    sql_name: str
    category: ColumnCategory
    dtype: DType
    position: int
    evidence: Evidence | None = None

    @property
    def sealed(self) -> bool:
        return self.category in ENCRYPTED_CATEGORIES

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name, "category": self.category.value, "dtype": self.dtype.value}
        if self.evidence is not None:
            out["why"] = self.evidence.explain()
            out["evidence"] = self.evidence.to_dict()
        return out


@dataclass(frozen=True, slots=True)
class Dataset:
    name: str
    table_name: str
    subject_column: str
    columns: tuple[Column, ...]
    created_at: str = ""
    updated_at: str = ""
    _table: list[sa.Table] = field(default_factory=list, repr=False, compare=False)

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise NotFoundError(
            f"dataset {self.name!r} has no column {name!r}; it has: "
            + ", ".join(c.name for c in self.columns)
        )

    @property
    def table(self) -> sa.Table:
        if not self._table:
            self._table.append(
                _dataset_table(self.table_name, tuple((c.sql_name, c.dtype) for c in self.columns))
            )
        return self._table[0]

    def create_indexes(self, conn: Connection) -> None:
        """Index the pseudonym column (after a bulk load: one sorted build beats random inserts)."""
        # On a one-column stand-in: an Index attaches itself to its Table, and the dataset's
        # Table is shared (cached), so CREATE TABLE would otherwise start creating it too.
        stand_in = sa.Table(self.table_name, sa.MetaData(), sa.Column(PSEUDONYM, sa.String(32)))
        sa.Index(f"ix_{self.table_name}_pseudonym", stand_in.c[PSEUDONYM]).create(conn, checkfirst=True)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("_table")
        data["columns"] = [c.to_dict() for c in self.columns]
        return data


def sql_name_for(name: str, taken: set[str]) -> str:
    base = re.sub(r"[^0-9a-zA-Z_]+", "_", name).strip("_").lower() or "col"
    if base[0].isdigit() or base.startswith("_"):
        base = "c_" + base
    base = base[:60]
    candidate, i = base, 2
    while candidate in taken:
        candidate, i = f"{base}_{i}", i + 1
    return candidate


# -- typing of values ---------------------------------------------------------------------------
_INT = re.compile(r"^-?(0|[1-9]\d{0,17})$")
_FLOAT = re.compile(r"^-?(\d+\.\d*|\.\d+|\d+)([eE][-+]?\d+)?$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_TS = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$")
_BOOLS = {"true": True, "false": False, "True": True, "False": False, "TRUE": True, "FALSE": False}


def infer_dtype(values: Sequence[Any]) -> DType:
    """The narrowest type that every non-null sampled value fits."""
    present = [v for v in values if v is not None]
    if not present:
        return DType.TEXT
    kinds = set()
    for v in present:
        if isinstance(v, bool):
            kinds.add(DType.BOOL)
        elif isinstance(v, int):
            kinds.add(DType.INT)
        elif isinstance(v, float):
            kinds.add(DType.FLOAT)
        elif isinstance(v, datetime):
            kinds.add(DType.TIMESTAMP)
        elif isinstance(v, date):
            kinds.add(DType.DATE)
        elif isinstance(v, str):
            s = v.strip()
            if _INT.match(s):
                kinds.add(DType.INT)
            elif _FLOAT.match(s) and not (s.startswith("0") and len(s) > 1 and s[1].isdigit()):
                kinds.add(DType.FLOAT)
            elif s in _BOOLS:
                kinds.add(DType.BOOL)
            elif _DATE.match(s):
                kinds.add(DType.DATE)
            elif _TS.match(s):
                kinds.add(DType.TIMESTAMP)
            else:
                return DType.TEXT
        else:
            return DType.TEXT
    if len(kinds) == 1:
        return kinds.pop()
    if kinds <= {DType.INT, DType.FLOAT}:
        return DType.FLOAT
    if kinds <= {DType.DATE, DType.TIMESTAMP}:
        return DType.TIMESTAMP
    return DType.TEXT


def _to_int(v: Any) -> int:
    if isinstance(v, bool):
        raise ValueError("boolean")
    if isinstance(v, int):
        return v
    if isinstance(v, float) and v.is_integer():
        return int(v)
    if isinstance(v, str) and _INT.match(v.strip()):
        return int(v)
    raise ValueError("not an integer")


def _to_float(v: Any) -> float:
    if isinstance(v, bool):
        raise ValueError("boolean")
    return float(v)


def _to_bool(v: Any) -> bool:
    if isinstance(v, bool):
        return v
    if isinstance(v, str) and v.strip() in _BOOLS:
        return _BOOLS[v.strip()]
    raise ValueError("not a boolean")


def _to_date(v: Any) -> str:
    if isinstance(v, datetime):
        return v.date().isoformat()
    if isinstance(v, date):
        return v.isoformat()
    if isinstance(v, str) and _DATE.match(v.strip()):
        return date.fromisoformat(v.strip()).isoformat()
    raise ValueError("not a date (YYYY-MM-DD)")


def _to_ts(v: Any) -> str:
    if isinstance(v, datetime):
        return clock.format_ts(v)
    if isinstance(v, date):
        return clock.format_ts(datetime(v.year, v.month, v.day))
    if isinstance(v, str):
        return clock.format_ts(clock.parse_ts(v))
    raise ValueError("not a timestamp")


def _to_text(v: Any) -> str:
    if isinstance(v, datetime):
        return clock.format_ts(v)
    if isinstance(v, date):
        return v.isoformat()
    return v if isinstance(v, str) else str(v)


def converter(dtype: DType) -> Callable[[Any], Any]:
    """Value -> stored value for ``dtype`` (raises ValueError with a value-free message)."""
    return {
        DType.INT: _to_int,
        DType.FLOAT: _to_float,
        DType.BOOL: _to_bool,
        DType.DATE: _to_date,
        DType.TIMESTAMP: _to_ts,
        DType.TEXT: _to_text,
        DType.SEALED: _to_text,
    }[dtype]


class DatasetCatalog:
    def __init__(self, ws: Workspace) -> None:
        self.ws = ws

    def get(self, name: str, conn: Connection | None = None) -> Dataset:
        found = self.find(name, conn)
        if found is None:
            hint = did_you_mean(name, self.names(conn)) or (
                f" Ingest one with `veil ingest FILE --dataset {name}`."
            )
            raise NotFoundError(f"no dataset {name!r}.{hint}")
        return found

    def names(self, conn: Connection | None = None) -> list[str]:
        """Every dataset's name, in order (one small query)."""
        query = sa.select(datasets.c.name).order_by(datasets.c.name)
        if conn is None:
            with self.ws.engine.connect() as own:
                return list(own.execute(query).scalars())
        return list(conn.execute(query).scalars())

    def find(self, name: str, conn: Connection | None = None) -> Dataset | None:
        if conn is None:
            with self.ws.engine.connect() as own:
                return _load(own, name)
        return _load(conn, name)

    def list(self) -> list[Dataset]:
        """Every dataset, in name order (two queries, however many datasets there are)."""
        with self.ws.engine.connect() as conn:
            rows = conn.execute(sa.select(datasets).order_by(datasets.c.name)).all()
            by_dataset: dict[str, list[Column]] = {}
            for c in conn.execute(
                sa.select(dataset_columns).order_by(dataset_columns.c.dataset, dataset_columns.c.position)
            ):
                by_dataset.setdefault(c.dataset, []).append(_column(c))
        return [
            Dataset(
                name=r.name,
                table_name=r.table_name,
                subject_column=r.subject_column,
                columns=tuple(by_dataset.get(r.name, [])),
                created_at=r.created_at,
                updated_at=r.updated_at,
            )
            for r in rows
        ]

    def create(self, conn: Connection, name: str, subject_column: str, columns: Sequence[Column]) -> Dataset:
        validate_name("dataset", name)
        now = clock.now_iso()
        ds = Dataset(name, f"ds_{name.replace('-', '_')}", subject_column, tuple(columns), now, now)
        conn.execute(
            datasets.insert().values(
                name=name,
                table_name=ds.table_name,
                subject_column=subject_column,
                created_at=now,
                updated_at=now,
            )
        )
        if columns:
            conn.execute(
                dataset_columns.insert(),
                [
                    {
                        "dataset": name,
                        "position": c.position,
                        "name": c.name,
                        "sql_name": c.sql_name,
                        "category": c.category.value,
                        "dtype": c.dtype.value,
                        "evidence": c.evidence.to_json() if c.evidence else None,
                    }
                    for c in columns
                ],
            )
        # A dataset's own table is data, not schema (its columns come from the file), so it is made
        # here and not by a schema revision (veil.migrations), like public lookup tables.
        ds.table.create(conn)  # the pseudonym index is built by the ingest once rows are in
        return ds

    def add_columns(self, conn: Connection, ds: Dataset, new: Sequence[Column]) -> Dataset:
        prep = conn.dialect.identifier_preparer
        for c in new:
            coltype = _SQL_TYPES[c.dtype]().compile(dialect=conn.dialect)
            conn.exec_driver_sql(
                f"ALTER TABLE {prep.quote(ds.table_name)} ADD COLUMN {prep.quote(c.sql_name)} {coltype}"
            )
            conn.execute(
                dataset_columns.insert().values(
                    dataset=ds.name,
                    position=c.position,
                    name=c.name,
                    sql_name=c.sql_name,
                    category=c.category.value,
                    dtype=c.dtype.value,
                    evidence=c.evidence.to_json() if c.evidence else None,
                )
            )
        return Dataset(
            ds.name, ds.table_name, ds.subject_column, ds.columns + tuple(new), ds.created_at, ds.updated_at
        )

    def set_evidence(self, conn: Connection, ds: Dataset, name: str, evidence: Evidence) -> Dataset:
        """Record why column ``name`` has its category (no change to the column itself)."""
        col = ds.column(name)
        conn.execute(
            dataset_columns.update()
            .where(dataset_columns.c.dataset == ds.name, dataset_columns.c.position == col.position)
            .values(evidence=evidence.to_json())
        )
        return _replace(ds, Column(col.name, col.sql_name, col.category, col.dtype, col.position, evidence))

    def set_category(
        self, conn: Connection, ds: Dataset, name: str, category: ColumnCategory, evidence: Evidence
    ) -> Dataset:
        """Give clear column ``name`` another clear ``category`` (its values and type stay)."""
        col = ds.column(name)
        if col.sealed or category in ENCRYPTED_CATEGORIES:
            raise ValueError("set_category changes clear categories only; seal with seal_column")
        conn.execute(
            dataset_columns.update()
            .where(dataset_columns.c.dataset == ds.name, dataset_columns.c.position == col.position)
            .values(category=category.value, evidence=evidence.to_json())
        )
        return _replace(ds, Column(col.name, col.sql_name, category, col.dtype, col.position, evidence))

    def summary(self, ds: Dataset) -> dict[str, Any]:
        """One line about a dataset: name, subject column, column count, row count, last update."""
        return {
            "name": ds.name,
            "subject_column": ds.subject_column,
            "columns": len(ds.columns),
            "rows": self.row_count(ds),
            "updated_at": ds.updated_at,
        }

    def summaries(self) -> builtins.list[dict[str, Any]]:
        """:meth:`summary` of every dataset, in name order."""
        return [self.summary(d) for d in self.list()]

    def seal_column(
        self,
        conn: Connection,
        ds: Dataset,
        name: str,
        category: ColumnCategory,
        evidence: Evidence,
        keys: KeyLoader,
    ) -> Dataset:
        """Make clear column ``name`` a sealed ``category`` column, sealing what it holds.

        Runs in the caller's transaction (an ingest: all or nothing). Every stored value is
        converted to text as an ingest would have stored it and sealed under its subject's
        data key with associated data (dataset, column, pseudonym, row, key version); a
        value whose subject has no key any more (erased) is dropped. Then the clear column
        goes: SQLite adds a BLOB column, fills it, drops the old one (``secure_delete``
        zeroes what it held) and renames; PostgreSQL rewrites the table with the column
        retyped to ``bytea`` and empty, then fills it.
        """
        if category not in ENCRYPTED_CATEGORIES:
            raise ValueError(f"seal_column needs a sealed category, not {category.value}")
        col = ds.column(name)
        sealed = Column(col.name, col.sql_name, category, DType.SEALED, col.position, evidence)
        if not col.sealed:
            _reseal(conn, ds, col, keys)
        conn.execute(
            dataset_columns.update()
            .where(dataset_columns.c.dataset == ds.name, dataset_columns.c.position == col.position)
            .values(category=category.value, dtype=DType.SEALED.value, evidence=evidence.to_json())
        )
        return _replace(ds, sealed)

    def touch(self, conn: Connection, name: str) -> None:
        conn.execute(datasets.update().where(datasets.c.name == name).values(updated_at=clock.now_iso()))

    def row_count(self, ds: Dataset) -> int:
        with self.ws.engine.connect() as conn:
            return int(conn.execute(sa.select(sa.func.count()).select_from(ds.table)).scalar_one())


@functools.lru_cache(maxsize=256)
def _dataset_table(table_name: str, columns: tuple[tuple[str, DType], ...]) -> sa.Table:
    """The SQLAlchemy table of a dataset, built once per (name, column list).

    Building a Table costs ~0.5 ms of SQLAlchemy bookkeeping, and erasure, export and
    release look datasets up on every call; the key includes the columns, so a dataset
    that gained columns gets a new Table.
    """
    meta = sa.MetaData()
    cols: list[sa.Column[Any]] = [
        # Row ids are unique by construction (random ingest id + row number) and only
        # read back with their row, so they need no index; the pseudonym index serves
        # every lookup (export, erasure, release joins).
        sa.Column(ROW, sa.String(40), nullable=False),
        sa.Column(PSEUDONYM, sa.String(32), nullable=False),
        sa.Column(INGEST, sa.String(16), nullable=False),
    ]
    cols += [sa.Column(sql_name, _SQL_TYPES[dtype], nullable=True) for sql_name, dtype in columns]
    return sa.Table(table_name, meta, *cols)


def _load(conn: Connection, name: str) -> Dataset | None:
    row = conn.execute(sa.select(datasets).where(datasets.c.name == name)).first()
    if row is None:
        return None
    cols = conn.execute(
        sa.select(dataset_columns)
        .where(dataset_columns.c.dataset == name)
        .order_by(dataset_columns.c.position)
    ).all()
    return Dataset(
        name=row.name,
        table_name=row.table_name,
        subject_column=row.subject_column,
        columns=tuple(_column(c) for c in cols),
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def _column(row: Any) -> Column:
    return Column(
        row.name,
        row.sql_name,
        ColumnCategory(row.category),
        DType(row.dtype),
        int(row.position),
        Evidence.from_json(row._mapping.get("evidence")),
    )


def _replace(ds: Dataset, column: Column) -> Dataset:
    columns = tuple(column if c.position == column.position else c for c in ds.columns)
    return Dataset(ds.name, ds.table_name, ds.subject_column, columns, ds.created_at, ds.updated_at)


def _reseal(conn: Connection, ds: Dataset, col: Column, keys: KeyLoader) -> None:
    """Seal every value of clear column ``col`` in place (see :meth:`DatasetCatalog.seal_column`)."""
    prep = conn.dialect.identifier_preparer
    table, target = prep.quote(ds.table_name), prep.quote(col.sql_name)
    blob = sa.LargeBinary().compile(dialect=conn.dialect)
    work = "_veil_reseal"
    # Sealed values wait in a temporary table keyed by row id (the dataset table has no
    # index on _row), then one UPDATE ... FROM joins them in.
    conn.exec_driver_sql(f"CREATE TEMPORARY TABLE {work} (r VARCHAR(40) PRIMARY KEY, v {blob})")
    insert = f"INSERT INTO {work} (r, v) VALUES ({marks(conn, 2)})"  # noqa: S608 - fixed names
    as_text = converter(DType.SEALED)
    prefix = field_aad_prefix(ds.name, col.sql_name)
    t = ds.table
    query = sa.select(t.c[ROW], t.c[PSEUDONYM], t.c[col.sql_name]).where(t.c[col.sql_name].is_not(None))
    # Fetched chunk by chunk, each chunk sealed and stored before the next is read.
    result = conn.execute(query, execution_options={"yield_per": RESEAL_CHUNK})
    for part in result.partitions():
        found = keys({p for _, p, _ in part})
        rows = [(r, p, v) for r, p, v in part if p in found]  # no key: an erased subject's value goes
        if not rows:
            continue
        row_keys = [found[p] for _, p, _ in rows]
        suffixes = field_aad_suffixes(
            [p for _, p, _ in rows], [r for r, _, _ in rows], [k.version for k in row_keys]
        )
        blobs = seal_many(
            [k.aead for k in row_keys],
            [as_text(v).encode() for _, _, v in rows],
            [prefix + s for s in suffixes],
        )
        conn.exec_driver_sql(insert, list(zip([r for r, _, _ in rows], blob_params(blobs), strict=True)))
    # Identifiers are quoted by the dialect and come from the catalog; values are bound.
    fill = f"UPDATE {table} SET {{col}} = w.v FROM {work} AS w WHERE w.r = {table}.{prep.quote(ROW)}"  # noqa: S608
    if conn.dialect.name == "postgresql":
        # Retyping rewrites the table: the new heap never held the clear values.
        conn.exec_driver_sql(f"ALTER TABLE {table} ALTER COLUMN {target} TYPE {blob} USING NULL")
        conn.exec_driver_sql(fill.format(col=target))
    else:
        taken = {c.sql_name for c in ds.columns}
        temp = next(
            f"{col.sql_name}_sealed{i}" for i in range(1, 10_000) if f"{col.sql_name}_sealed{i}" not in taken
        )
        conn.exec_driver_sql(f"ALTER TABLE {table} ADD COLUMN {prep.quote(temp)} {blob}")
        conn.exec_driver_sql(fill.format(col=prep.quote(temp)))
        conn.exec_driver_sql(f"ALTER TABLE {table} DROP COLUMN {target}")
        conn.exec_driver_sql(f"ALTER TABLE {table} RENAME COLUMN {prep.quote(temp)} TO {target}")
    conn.exec_driver_sql(f"DROP TABLE {work}")
