"""The release gate: every use of personal data is a :class:`Release` for a purpose.

A ``Release(ws, dataset, purpose, actor=...)`` answers, for that dataset, purpose and
actor, the three questions every consumer has to ask, in one place:

* **which columns** — :meth:`Release.columns`: the purpose's categories x the columns'
  categories. A sealed column (direct identifier, free text) never leaves the vault; a
  column whose category the purpose does not list is refused. Either refusal is one
  :class:`~veil.errors.ColumnNotAllowedError` naming the column, its category and the
  purpose, raised from the schema alone (before anything runs or any budget is charged,
  and never depending on the data);
* **which subjects** — the subjects lawful *now*: the purpose's lawful basis (basis
  ``consent``: a grant not later withdrawn, by the consent ledger's rule), its retention
  (a subject last seen more than ``retention_days`` ago is out), and erasure (subjects
  whose erasure has begun — keys gone, a store still to purge — are left out; finished
  erasures have no rows left);
* **which rows** — :meth:`Release.read` / :meth:`Release.arrow` / :meth:`Release.pandas`
  (pseudonym plus the allowed columns, never the subject's id), or an SQL relation
  (:meth:`Release.sql`) for an engine that runs where the data is (PostgreSQL).

Only :mod:`veil.vault` knows how datasets are stored; consumers (DP queries on every
engine, synthesis, training, SISA, federated sites, model audits, fairness, encrypted
inference fitting, Parquet releases) take their rows, counts and relations from here.
The DuckDB mirror keeps its own derived copy, filled through :func:`scan_clear` and
:func:`consent_members` / :func:`consent_changes`, and filtered per query by the purpose's
consent bit, tombstones and :meth:`Release.expired`.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from veil import clock
from veil.consent.ledger import ConsentAction, ConsentEvent, consenting_subjects, derive_state
from veil.consent.purpose import Purpose, PurposeRegistry
from veil.errors import ColumnNotAllowedError, ErasurePendingError, InputError, NotKAnonymousError
from veil.schema import consent_events, subjects
from veil.vault.category import ENCRYPTED_CATEGORIES, ColumnCategory
from veil.vault.dataset import PSEUDONYM, ROW, Column, Dataset, DatasetCatalog, DType

if TYPE_CHECKING:
    import pyarrow as pa
    from sqlalchemy.engine import Connection

    from veil.crypto.envelope import DataKey
    from veil.workspace import Workspace

__all__ = [
    "MAX_PENDING_EXCLUDED",
    "Release",
    "allowed_categories",
    "arrow_type",
    "consent_changes",
    "consent_members",
    "latest_consent_seq",
    "scan_clear",
    "stored_among",
    "subject_records",
]

#: Most pending-erasure subjects a release leaves out by name (more: it waits for them).
MAX_PENDING_EXCLUDED = 10_000
#: Pseudonyms per IN (...) list when a consumer restricts a release to some subjects.
CHUNK = 500


def arrow_type(dtype: DType) -> pa.DataType:
    """The Arrow type a column of ``dtype`` is released as (dates and times as ISO text)."""
    # PyArrow (and the NumPy it loads) is imported on first use, not with this module: a DP
    # query on an up-to-date mirror never calls it, and it is a third of that command's start-up.
    import pyarrow as pa

    if dtype is DType.INT:
        return pa.int64()
    if dtype is DType.FLOAT:
        return pa.float64()
    if dtype is DType.BOOL:
        return pa.bool_()
    return pa.string()


def allowed_categories(purpose: Purpose) -> tuple[str, ...]:
    """The column categories a release for ``purpose`` may carry, as :meth:`Release.refusal`
    reads them: those the purpose names, or, when it names none, every category that is not
    sealed (sealed columns never leave the vault whatever the purpose says). Reports state the
    gate's rule through this function instead of restating it."""
    if purpose.categories is not None:
        return tuple(purpose.categories)
    return tuple(c.value for c in ColumnCategory if c not in ENCRYPTED_CATEGORIES)


_SEALED_WHY = {
    ColumnCategory.DIRECT_IDENTIFIER: "it is sealed and never leaves the vault",
    ColumnCategory.FREE_TEXT: "it is sealed (it may hold identifiers: mask it first) and never leaves",
}

#: Why a column is left out of a release that did not ask for it by name (sealed ones).
_EXCLUDED = {
    ColumnCategory.DIRECT_IDENTIFIER: "direct identifier",
    ColumnCategory.FREE_TEXT: "free text (may hold identifiers; mask it first)",
}


@dataclass(frozen=True, slots=True)
class Release:
    """The gate for one (dataset, purpose, actor); see the module docstring."""

    ws: Workspace
    dataset: Dataset
    purpose: Purpose
    #: who the data is released to (a command, a site, an API identity): for the audit entry
    actor: str | None = None
    #: the caller recodes the rows it reads and releases only what :meth:`enforce_k` accepts
    #: (``veil.disclosure.apply``); otherwise a purpose's ``require_k`` is checked on every read
    recoding: bool = False

    @classmethod
    def open(
        cls,
        ws: Workspace,
        dataset: str | Dataset,
        purpose: str | Purpose,
        *,
        actor: str | None = None,
        conn: Connection | None = None,
    ) -> Release:
        """The release for ``dataset`` and ``purpose`` (names, or objects already read)."""
        ds = dataset if isinstance(dataset, Dataset) else DatasetCatalog(ws).get(dataset, conn)
        p = purpose if isinstance(purpose, Purpose) else PurposeRegistry(ws).get(purpose, conn)
        return cls(ws, ds, p, actor)

    # -- columns ---------------------------------------------------------------------------
    def refusal(self, col: Column) -> str | None:
        """Why the purpose may not use ``col`` (None: it may)."""
        if col.sealed:
            return _SEALED_WHY.get(col.category, "it is sealed and never leaves the vault")
        cats = self.purpose.categories
        if cats is not None and col.category.value not in cats:
            allowed = ", ".join(cats) if cats else "none"
            return f"the purpose allows only these categories: {allowed}"
        return None

    def allows(self, col: Column) -> bool:
        return self.refusal(col) is None

    def check(self, col: Column) -> Column:
        """``col`` if the purpose may use it, else :class:`ColumnNotAllowedError` (from metadata only)."""
        why = self.refusal(col)
        if why is not None:
            raise ColumnNotAllowedError(
                f"column {col.name!r} ({col.category.value}) of dataset {self.dataset.name!r} is not "
                f"allowed for purpose {self.purpose.name!r}: {why}"
            )
        return col

    def column(self, name: str) -> Column:
        """The named column, checked (the subject column is refused: releases carry pseudonyms)."""
        if name == self.dataset.subject_column:
            raise InputError(f"{name!r} is the subject column; releases carry pseudonyms instead")
        return self.check(self.dataset.column(name))  # NotFoundError naming the columns there are

    def columns(self, requested: Sequence[str] | None = None) -> tuple[list[Column], dict[str, str]]:
        """The columns to release and why each other column is left out.

        ``requested`` names columns: each is checked (refused with
        :class:`ColumnNotAllowedError` when not allowed) and returned in dataset order.
        ``None``: every allowed column, the others listed with the reason.
        """
        if requested is not None:
            for name in requested:
                self.column(name)
        chosen: list[Column] = []
        excluded: dict[str, str] = {}
        for col in self.dataset.columns:
            why = self.refusal(col)
            if requested is not None and col.name not in requested:
                excluded[col.name] = "not requested"
            elif why is not None:
                excluded[col.name] = _EXCLUDED.get(
                    col.category, f"{col.category.value} not allowed for purpose {self.purpose.name!r}"
                )
            else:
                chosen.append(col)
        return chosen, excluded

    def allowed(self) -> list[Column]:
        """Every column the purpose may use."""
        return [c for c in self.dataset.columns if self.allows(c)]

    # -- subjects --------------------------------------------------------------------------
    def erasing(self) -> list[str]:
        """Pseudonyms whose erasure has begun and is not finished (left out of every release)."""
        pending = self.ws.keystore.journal.erasing(limit=MAX_PENDING_EXCLUDED)
        if len(pending) > MAX_PENDING_EXCLUDED:
            raise ErasurePendingError(
                f"more than {MAX_PENDING_EXCLUDED} erasures are pending; releases wait until they "
                "complete (any Veil command completes them once the data store is free)"
            )
        return pending

    def retained_since(self) -> str:
        """Subjects last seen at or before this time are past the purpose's retention."""
        return clock.format_ts(clock.now() - timedelta(days=self.purpose.retention_days))

    def lawful(self, erasing: Collection[str] | None = None) -> sa.Select[Any]:
        """SELECT of the pseudonyms lawful for the purpose now (of all subjects, not only the dataset's)."""
        query = sa.select(subjects.c.pseudonym).where(subjects.c.last_seen_at > self.retained_since())
        if self.purpose.needs_consent:
            granted = consenting_subjects(self.purpose.name).subquery()
            query = query.where(subjects.c.pseudonym.in_(sa.select(granted.c.pseudonym)))
        gone = self.erasing() if erasing is None else erasing
        if gone:
            query = query.where(subjects.c.pseudonym.not_in(sorted(gone)))
        return query

    def expired(self) -> list[str]:
        """Subjects past the purpose's retention (not yet erased by ``veil retention enforce``).

        For the analytics mirror, whose consent bits cannot age: it leaves these out per query
        (those it holds). One read of ``subjects`` (an index on ``last_seen_at`` keeps it short).
        """
        query = sa.select(subjects.c.pseudonym).where(subjects.c.last_seen_at <= self.retained_since())
        with self.ws.engine.connect() as conn:
            return [str(r[0]) for r in conn.execute(query)]

    def _rows(
        self,
        columns: Sequence[Column],
        *,
        non_null: Sequence[Column] = (),
        exclude: Collection[str] = (),
        erasing: Collection[str] | None = None,
    ) -> sa.Select[Any]:
        """SELECT pseudonym, *columns of the lawful subjects' rows (columns checked here too)."""
        t = self.dataset.table
        for col in [*columns, *non_null]:
            self.check(col)
        members = self.lawful(erasing).subquery()
        query = (
            sa.select(t.c[PSEUDONYM], *[t.c[c.sql_name] for c in columns])
            .select_from(t)
            .where(t.c[PSEUDONYM].in_(sa.select(members.c.pseudonym)))
        )
        for col in non_null:
            query = query.where(t.c[col.sql_name].is_not(None))
        if exclude:
            query = query.where(t.c[PSEUDONYM].not_in(sorted(exclude)))
        return query

    def subjects_of(self, columns: Sequence[Column] = (), **filters: Any) -> sa.Select[Any]:
        """SELECT DISTINCT of the pseudonyms a read with the same arguments returns (for audit entries)."""
        rows = self._rows(columns, **filters).subquery()
        return sa.select(rows.c[PSEUDONYM]).distinct()

    def count(
        self,
        *,
        non_null: Sequence[Column] = (),
        among: Collection[str] | None = None,
        exclude: Collection[str] = (),
        rows: bool = False,
    ) -> int:
        """How many lawful subjects (``rows``: rows) the dataset has, optionally only ``among``.

        Reads no column value unless ``non_null`` names one (then: whether it is empty).
        """
        t = self.dataset.table
        what = sa.func.count() if rows else sa.func.count(sa.distinct(t.c[PSEUDONYM]))
        query = self._rows([], non_null=non_null, exclude=exclude).with_only_columns(what)
        with self.ws.engine.connect() as conn:
            if among is None:
                return int(conn.execute(query).scalar_one())
            wanted = sorted(set(among))
            return sum(
                int(conn.execute(query.where(t.c[PSEUDONYM].in_(wanted[i : i + CHUNK]))).scalar_one())
                for i in range(0, len(wanted), CHUNK)
            )

    def count_distinct(self, col: Column, *, exclude: Collection[str] = ()) -> int:
        """Distinct non-empty values of ``col`` among the lawful subjects (reads the data)."""
        t = self.dataset.table
        query = self._rows([], non_null=[col], exclude=exclude).with_only_columns(
            sa.func.count(sa.distinct(t.c[col.sql_name]))
        )
        with self.ws.engine.connect() as conn:
            return int(conn.execute(query).scalar_one())

    def count_equal(self, col: Column, value: str, *, exclude: Collection[str] = ()) -> int:
        """Lawful rows whose ``col``, as text, is ``value`` (reads the data)."""
        t = self.dataset.table
        query = (
            self._rows([], non_null=[col], exclude=exclude)
            .with_only_columns(sa.func.count())
            .where(sa.cast(t.c[col.sql_name], sa.String) == value)
        )
        with self.ws.engine.connect() as conn:
            return int(conn.execute(query).scalar_one())

    # -- k-anonymity a purpose requires ----------------------------------------------------
    def _refuse_k(self, k_found: int, quasi: Sequence[str]) -> NotKAnonymousError:
        return NotKAnonymousError(
            f"purpose {self.purpose.name!r} requires {self.purpose.require_k}-anonymity over the "
            f"quasi-identifiers of dataset {self.dataset.name!r} ({', '.join(quasi)}); this release has "
            f"k = {k_found}: release a recoded table (`veil anonymity apply --k {self.purpose.require_k}`) "
            "or leave the quasi-identifiers out"
        )

    def require_k(self, columns: Sequence[Column]) -> None:
        """Refuse rows of ``columns`` when the purpose requires k and the lawful rows are not
        k-anonymous over the quasi-identifiers among them (one GROUP BY in the data store)."""
        k = self.purpose.require_k
        quasi = [c for c in columns if c.category is ColumnCategory.QUASI_IDENTIFIER]
        if k is None or self.recoding or not quasi:
            return
        rows = self._rows(quasi).subquery()
        groups = (
            sa.select(sa.func.count().label("n"))
            .select_from(rows)
            .group_by(*[rows.c[c.sql_name] for c in quasi])
            .subquery()
        )
        with self.ws.engine.connect() as conn:
            smallest = conn.execute(sa.select(sa.func.min(groups.c.n))).scalar()
        if smallest is not None and int(smallest) < k:
            raise self._refuse_k(int(smallest), [c.name for c in quasi])

    def enforce_k(self, frame: Any, quasi: Sequence[str]) -> None:
        """Refuse a recoded table (pandas) that is not k-anonymous over ``quasi`` when the purpose
        requires k (rows whose quasi-identifiers are all ``*`` are suppressed, in no class)."""
        k = self.purpose.require_k
        if k is None:
            return
        from veil.anonymity.classes import equivalence_classes

        classes = equivalence_classes(frame, quasi)
        if classes.count and classes.k < k:
            raise self._refuse_k(classes.k, quasi)

    # -- rows ------------------------------------------------------------------------------
    def read(
        self,
        columns: Sequence[Column],
        *,
        non_null: Sequence[Column] = (),
        exclude: Collection[str] = (),
        conn: Connection | None = None,
        erasing: Collection[str] | None = None,
        batch: int = 20_000,
    ) -> Iterator[tuple[Any, ...]]:
        """``(pseudonym, *values)`` of the lawful subjects' rows, by pseudonym then row.

        ``conn``: read inside the caller's transaction (e.g. with the audit entry that
        commits to the same subjects).
        """
        t = self.dataset.table
        self.require_k(columns)
        query = self._rows(columns, non_null=non_null, exclude=exclude, erasing=erasing).order_by(
            t.c[PSEUDONYM], t.c[ROW]
        )
        if conn is not None:
            # Per statement: PostgreSQL cannot INSERT (an audit entry) through a connection-wide
            # server-side cursor.
            result = conn.execute(query, execution_options={"yield_per": batch})
            for part in result.partitions():
                yield from (tuple(r) for r in part)
            return
        with self.ws.engine.connect() as own:
            yield from (tuple(r) for r in own.execute(query))

    def schema(self, columns: Sequence[Column]) -> pa.Schema:
        """Arrow schema of :meth:`batches`: ``pseudonym`` then the columns by name."""
        import pyarrow as pa

        return pa.schema(
            [pa.field("pseudonym", pa.string())] + [pa.field(c.name, arrow_type(c.dtype)) for c in columns]
        )

    def batches(
        self, columns: Sequence[Column], *, batch: int = 20_000, **filters: Any
    ) -> Iterator[pa.Table]:
        """The rows of :meth:`read` as Arrow tables of at most ``batch`` rows."""
        import pyarrow as pa

        schema = self.schema(columns)
        buffer: list[tuple[Any, ...]] = []

        def flush() -> pa.Table:
            by_column = list(zip(*buffer, strict=True))
            arrays = [pa.array(list(v), type=f.type) for v, f in zip(by_column, schema, strict=True)]
            return pa.table(arrays, schema=schema)

        for row in self.read(columns, batch=batch, **filters):
            buffer.append(row)
            if len(buffer) >= batch:
                yield flush()
                buffer = []
        if buffer:
            yield flush()

    def arrow(self, columns: Sequence[Column], **filters: Any) -> pa.Table:
        """Every lawful row as one Arrow table (``pseudonym`` then the columns by name)."""
        import pyarrow as pa

        parts = list(self.batches(columns, **filters))
        return pa.concat_tables(parts) if parts else self.schema(columns).empty_table()

    def pandas(self, columns: Sequence[Column], **filters: Any) -> Any:
        """:meth:`arrow` as a pandas DataFrame (pandas must be installed)."""
        return self.arrow(columns, **filters).to_pandas()

    def sql(self, columns: Sequence[Column], *, dialect: str = "postgresql") -> str:
        """An SQL relation over the data store: ``_sid`` (pseudonym), ``_row`` (row id) and
        each column under its ``sql_name``, lawful subjects only — for an engine that runs in
        the data store's own server. Literal values (pseudonyms of pending erasures, times)
        are inlined; everything else comes from the catalog."""
        if dialect != "postgresql":
            raise InputError(f"no SQL relation for dialect {dialect!r} (the data store speaks postgresql)")
        t = self.dataset.table
        query = self._rows(columns).with_only_columns(
            t.c[PSEUDONYM].label("_sid"),
            t.c[ROW].label("_row"),
            *[t.c[c.sql_name].label(c.sql_name) for c in columns],
        )
        compiled = query.compile(
            dialect=postgresql.dialect(),  # type: ignore[no-untyped-call]
            compile_kwargs={"literal_binds": True},
        )
        return str(compiled)

    def describe(self) -> dict[str, Any]:
        """What this release lets through (no data): basis, retention, columns and why others are out."""
        chosen, excluded = self.columns()
        return {
            "dataset": self.dataset.name,
            "purpose": self.purpose.name,
            "actor": self.actor,
            "basis": self.purpose.basis.value,
            "retention_days": self.purpose.retention_days,
            "columns": [c.name for c in chosen],
            "excluded_columns": excluded,
            "transforms": ["pseudonyms instead of subject ids", "sealed columns never leave"],
        }


# -- vault-level feeds of derived copies (the DP analytics mirror) -----------------------------
def scan_clear(
    ws: Workspace, ds: Dataset, columns: Sequence[Column], gone: Collection[str], *, batch: int = 200_000
) -> Iterator[pa.Table]:
    """Every stored row of the dataset's clear ``columns`` (never a sealed one), as Arrow tables
    of ``row_id``, ``pseudonym`` and the columns by ``sql_name``; subjects in ``gone`` left out.

    For a derived copy that serves several purposes (the DP mirror), which applies each
    purpose's lawful subjects and allowed columns per use."""
    sealed = [c.name for c in columns if c.sealed]
    if sealed:
        raise ColumnNotAllowedError(f"column(s) {', '.join(sealed)} of dataset {ds.name!r} are sealed")
    import pyarrow as pa

    t = ds.table
    schema = pa.schema(
        [pa.field("row_id", pa.string()), pa.field("pseudonym", pa.string())]
        + [pa.field(c.sql_name, arrow_type(c.dtype)) for c in columns]
    )
    query = sa.select(t.c[ROW], t.c[PSEUDONYM], *[t.c[c.sql_name] for c in columns])
    erased = set(gone)
    with ws.engine.connect() as conn:
        result = conn.execution_options(stream_results=True).execute(query)
        while True:
            fetched = result.fetchmany(batch)
            if not fetched:
                break
            part = [r for r in fetched if r[1] not in erased]
            if part:
                by_column = list(zip(*part, strict=True))
                yield pa.table(
                    [pa.array(list(v), type=f.type) for v, f in zip(by_column, schema, strict=True)],
                    schema=schema,
                )


def consent_members(ws: Workspace, purpose: str) -> list[str]:
    """Pseudonyms whose consent for ``purpose`` stands now (the ledger's rule)."""
    with ws.engine.connect() as conn:
        return [str(r[0]) for r in conn.execute(consenting_subjects(purpose))]


def latest_consent_seq(ws: Workspace) -> int:
    """The record number of the newest consent event (0: none): a derived copy is current up to it."""
    with ws.engine.connect() as conn:
        return int(
            conn.execute(sa.select(sa.func.coalesce(sa.func.max(consent_events.c.seq), 0))).scalar_one()
        )


def consent_changes(ws: Workspace, purposes: Collection[str], since: int) -> dict[str, dict[str, bool]]:
    """For each subject with a consent event recorded after ``since``: purpose -> granted now."""
    events: dict[str, list[ConsentEvent]] = {}
    with ws.engine.connect() as conn:
        touched = [
            str(r[0])
            for r in conn.execute(
                sa.select(consent_events.c.pseudonym).where(consent_events.c.seq > since).distinct()
            )
        ]
        for i in range(0, len(touched), 2000):
            q = sa.select(
                consent_events.c.seq,
                consent_events.c.pseudonym,
                consent_events.c.purpose,
                consent_events.c.action,
                consent_events.c.ts,
            ).where(
                consent_events.c.pseudonym.in_(touched[i : i + 2000]),
                consent_events.c.purpose.in_(list(purposes)),
            )
            for seq, pseudonym, purpose, action, ts in conn.execute(q):
                events.setdefault(pseudonym, []).append(
                    ConsentEvent(seq=int(seq), purpose=purpose, action=ConsentAction(action), ts=ts)
                )
    out: dict[str, dict[str, bool]] = {}
    for pseudonym in touched:
        state = derive_state(events.get(pseudonym, []))
        out[pseudonym] = {p: state.get(p, False) for p in purposes}
    return out


def stored_among(ws: Workspace, ds: Dataset, col: Column, values: list[Any], *, trim: bool) -> set[Any]:
    """Which of ``values`` some stored row of ``col`` holds (``trim``: compared without surrounding
    spaces, as declared text keys are). Reads the data: for the data steward who declares keys
    (``veil dataset set``), never for anything a purpose-bound consumer returns."""
    if col.sealed:
        raise ColumnNotAllowedError(f"column {col.name!r} of dataset {ds.name!r} is sealed")
    stored: Any = ds.table.c[col.sql_name]
    expr = sa.func.trim(stored) if trim else stored
    found: set[Any] = set()
    with ws.engine.connect() as conn:
        for i in range(0, len(values), CHUNK):
            query = sa.select(expr).where(expr.in_(values[i : i + CHUNK])).distinct()
            found.update(r[0] for r in conn.execute(query))
    return found


def subject_records(conn: Connection, ds: Dataset, key: DataKey, subject_id: str) -> list[dict[str, Any]]:
    """Every row the dataset holds about one subject, sealed columns opened with their key.

    The right of access (GDPR Art. 15), not a release for a purpose: the data subject
    gets all of it, their own id included."""
    t = ds.table
    out = []
    for row in conn.execute(sa.select(t).where(t.c[PSEUDONYM] == key.pseudonym).order_by(t.c[ROW])):
        record: dict[str, Any] = {ds.subject_column: subject_id}
        for col in ds.columns:
            value = row._mapping[col.sql_name]
            if value is not None and col.sealed:
                value = key.open_field(
                    bytes(value), dataset=ds.name, row_id=row._mapping[ROW], column=col.sql_name
                )
            record[col.name] = value
        out.append(record)
    return out
