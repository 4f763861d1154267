"""Which subjects and which categories a leak exposes, from Veil's own records.

Veil knows, for every stored field, whether it is sealed (AES-256-GCM under the subject's own
data key, wrapped by a version of the KEK in the key store) or held in clear, and the category
of every column. So a leak spec (:mod:`veil.breach.leak`) becomes, per subject:

* ``clear`` — the categories an attacker can read (columns held in clear, released files,
  reads by a compromised actor; sealed fields whose key leaked too);
* ``sealed`` — categories that leaked only sealed under a key that did not leak (or was
  shredded by an erasure): unintelligible, the Art. 34(3)(a) case;
* ``key_state`` — ``intact`` (the subject's key did not leak), ``leaked`` (the key store *and*
  the KEK version wrapping the subject's key leaked), ``shredded`` (erased: no key exists any
  more), ``none`` (nothing sealed was involved).

A sealed field is readable only with the wrapped key (key store) *and* the KEK version that
wraps it; one without the other reveals nothing. A backup file is sealed as a whole under the
backup key (a key-store secret wrapped by the KEK), so even its clear columns count as sealed
unless the key store and that KEK version leaked as well.

The work streams: each source yields its pseudonyms in byte order from the database, the
sources are merged (``heapq.merge``), the key store's ``deks`` are merge-joined the same way
when a key may have leaked, and the per-subject rows are written in batches — memory stays
flat however many rows the vault holds (``benchmarks/breach.py``).
"""

from __future__ import annotations

import contextlib
import heapq
import json
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from itertools import groupby
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from veil.breach.leak import Leak
from veil.crypto.keystore import BACKUP_KEY
from veil.crypto.keystore_tables import deks, secrets, tombstones
from veil.database import bytewise
from veil.errors import InputError, NotFoundError
from veil.schema import audit_log, audit_subjects, breach_subjects, consent_events, subjects
from veil.vault.backup import backup_tables
from veil.vault.category import ColumnCategory
from veil.vault.dataset import PSEUDONYM, Column, Dataset, DatasetCatalog, DType

if TYPE_CHECKING:
    from veil.workspace import Workspace

__all__ = ["CATEGORIES", "Exposure", "assess_exposure"]

#: What a subject can have exposed: the column categories, the subject table's sealed external
#: id, consent records (purpose and action in clear), and financial columns (a DPC kind).
CATEGORIES = (
    "subject_id",
    "direct_identifier",
    "quasi_identifier",
    "sensitive",
    "free_text",
    "other",
    "financial",
    "consent",
)
_BIT = {name: 1 << i for i, name in enumerate(CATEGORIES)}
#: Columns whose name or detector evidence says money (ENISA's "financial data").
_FINANCIAL_NAME = re.compile(
    r"(iban|card|account|salary|income|wage|balance|bank|payment|transaction|credit|debt|loan)", re.I
)
_FINANCIAL_ENTITIES = {"IBAN", "IBAN_CODE", "CREDIT_CARD", "BANK_ACCOUNT", "US_BANK_NUMBER", "ABA_ROUTING"}
BATCH = 10_000
#: Audited actions that hand subject data out, and what of it when the entry lists no columns.
READS: dict[str, tuple[str, ...]] = {
    "dataset.release": (),  # the columns are in the entry's details
    "anonymity.apply": (),  # an anonymised release: its columns (recoded) are in the details
    "subject.export": tuple(n for n in CATEGORIES if n != "financial"),  # a whole access package
    "subject.reveal": ("subject_id",),  # a staff member revealed who a pseudonym is
    "pii.unmask": ("direct_identifier",),  # tokens turned back into the values they replaced
}


@dataclass
class DatasetExposure:
    rows: int = 0
    clear_columns: list[str] = field(default_factory=list)
    sealed_columns: list[str] = field(default_factory=list)


@dataclass
class Exposure:
    """The assessment's summary (no pseudonym, no value): counts and category names."""

    leaks: list[str]
    subjects: int = 0
    subjects_in_clear: int = 0
    #: every exposed field unintelligible (Art. 34(3)(a))
    subjects_unintelligible: int = 0
    records: int = 0
    categories_in_clear: dict[str, int] = field(default_factory=dict)
    categories_sealed: dict[str, int] = field(default_factory=dict)
    key_states: dict[str, int] = field(default_factory=dict)
    datasets: dict[str, DatasetExposure] = field(default_factory=dict)
    keystore_leaked: bool = False
    kek_versions_leaked: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Exposure:
        out = cls(**{k: v for k, v in data.items() if k != "datasets"})
        out.datasets = {k: DatasetExposure(**v) for k, v in data.get("datasets", {}).items()}
        return out


@dataclass(frozen=True, slots=True)
class _Source:
    """One stream of pseudonyms (byte order, may repeat) and what it exposes of each."""

    pseudonyms: Callable[[], Iterable[str]]
    clear: int
    sealed: int


def _mask(names: Iterable[str]) -> int:
    out = 0
    for name in names:
        out |= _BIT[name]
    return out


def _names(mask: int) -> list[str]:
    return [name for name in CATEGORIES if mask & _BIT[name]]


def _is_financial(column: Column) -> bool:
    if _FINANCIAL_NAME.search(column.name):
        return True
    counts = column.evidence.counts if column.evidence is not None else ()
    return any(entity in _FINANCIAL_ENTITIES for entity, _ in counts)


def _column_mask(column: Column) -> int:
    mask = _BIT[column.category.value] if column.category.value in _BIT else _BIT["other"]
    if column.category is not ColumnCategory.SUBJECT_ID and _is_financial(column):
        mask |= _BIT["financial"]
    return mask


def _stream(ws: Workspace, query_of: Callable[[Connection], sa.Select[Any]]) -> Callable[[], Iterator[str]]:
    def run() -> Iterator[str]:
        with ws.engine.connect() as conn:
            result = conn.execution_options(stream_results=True, yield_per=BATCH).execute(query_of(conn))
            for (pseudonym,) in result:
                yield str(pseudonym)

    return run


def _tagged(pseudonyms: Iterable[str], tag: int) -> Iterator[tuple[str, int]]:
    for pseudonym in pseudonyms:
        yield pseudonym, tag


class _Assessment:
    def __init__(self, ws: Workspace, leaks: list[Leak]) -> None:
        self.ws = ws
        self.leaks = leaks
        self.catalog = DatasetCatalog(ws)
        self.keystore_leaked = any(leak.kind == "key-store" for leak in leaks)
        self.keks = sorted({leak.value for leak in leaks if leak.kind == "kek"})
        self.summary = Exposure(
            leaks=[leak.spec for leak in leaks],
            keystore_leaked=self.keystore_leaked,
            kek_versions_leaked=self.keks,
        )
        self.sources: list[_Source] = []

    # -- sources -----------------------------------------------------------------------------
    def _columns(
        self, dataset: str, chosen: Sequence[Column], *, all_sealed: bool = False
    ) -> tuple[int, int, DatasetExposure]:
        """(clear mask, sealed mask, the dataset's summary) of the columns a source exposes, noted
        in the summary; ``all_sealed``: the source is sealed as a whole (a backup file)."""
        clear = sealed = 0
        clear_names, sealed_names = [], []
        for column in chosen:
            if column.sealed or all_sealed:
                sealed |= _column_mask(column)
                sealed_names.append(column.name)
            else:
                clear |= _column_mask(column)
                clear_names.append(column.name)
        info = self.summary.datasets.setdefault(dataset, DatasetExposure())
        info.clear_columns = sorted({*info.clear_columns, *clear_names})
        info.sealed_columns = sorted({*info.sealed_columns, *sealed_names})
        return clear, sealed, info

    def dataset(self, ds: Dataset) -> None:
        clear, sealed, info = self._columns(ds.name, ds.columns)
        table = ds.table
        col = table.c[PSEUDONYM]
        with self.ws.engine.connect() as conn:
            info.rows += int(conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one())
        self.sources.append(
            _Source(
                _stream(self.ws, lambda conn: sa.select(col).distinct().order_by(bytewise(conn, col))),
                clear,
                sealed,
            )
        )

    def data_store(self) -> None:
        for ds in self.catalog.list():
            self.dataset(ds)
        self.sources.append(
            _Source(
                _stream(
                    self.ws,
                    lambda conn: sa.select(subjects.c.pseudonym).order_by(
                        bytewise(conn, subjects.c.pseudonym)
                    ),
                ),
                0,
                _BIT["subject_id"],
            )
        )
        col = consent_events.c.pseudonym
        self.sources.append(
            _Source(
                _stream(self.ws, lambda conn: sa.select(col).distinct().order_by(bytewise(conn, col))),
                _BIT["consent"],
                0,
            )
        )

    def audit_entry(self, seq: int, action: str, dataset: str | None, details: dict[str, Any]) -> None:
        """What one audited read handed out: its subjects, its columns (all, if not recorded)."""
        ds = self.catalog.find(dataset) if dataset else None
        clear = 0
        if READS.get(action):
            clear = _mask(READS[action])
        elif ds is not None:
            names = details.get("columns")
            chosen = [c for c in ds.columns if not isinstance(names, list) or c.name in names]
            if not isinstance(names, list):
                self.summary.notes.append(
                    f"audit entry {seq} ({action}) does not list its columns: "
                    f"every column of {ds.name} is counted"
                )
            for column in chosen:
                clear |= _column_mask(column)
            info = self.summary.datasets.setdefault(ds.name, DatasetExposure())
            info.clear_columns = sorted({*info.clear_columns, *(c.name for c in chosen)})
            rows = details.get("rows")
            info.rows += int(rows) if isinstance(rows, int) else 0
        else:
            self.summary.notes.append(
                f"audit entry {seq} ({action}): its dataset is gone; all categories counted"
            )
            clear = _mask(n for n in CATEGORIES if n != "financial")
        col = audit_subjects.c.pseudonym
        self.sources.append(
            _Source(
                _stream(
                    self.ws,
                    lambda conn: (
                        sa.select(col).where(audit_subjects.c.seq == seq).order_by(bytewise(conn, col))
                    ),
                ),
                clear,
                0,
            )
        )

    def release(self, seq: int) -> None:
        with self.ws.engine.connect() as conn:
            row = conn.execute(sa.select(audit_log).where(audit_log.c.seq == seq)).first()
        if row is None:
            raise NotFoundError(f"no audit entry {seq}: name a release by its number in `veil audit log`")
        if int(row.subject_count) == 0 or row.action not in READS:
            raise InputError(
                f"audit entry {seq} ({row.action}) handed out no subject data; name one of: "
                + ", ".join(READS)
            )
        self.audit_entry(seq, str(row.action), row.dataset, json.loads(row.details))

    def access(self, leak: Leak) -> None:
        with self.ws.engine.connect() as conn:
            rows = conn.execute(
                sa.select(audit_log.c.seq, audit_log.c.action, audit_log.c.dataset, audit_log.c.details)
                .where(audit_log.c.actor == leak.actor)
                .where(audit_log.c.ts >= leak.start, audit_log.c.ts <= leak.end)
                .where(audit_log.c.subject_count > 0, audit_log.c.action.in_(list(READS)))
                .order_by(audit_log.c.seq)
            ).all()
        if not rows:
            self.summary.notes.append(
                f"{leak.spec}: the audit log has no read of subject data by that actor then"
            )
        for row in rows:
            self.audit_entry(int(row.seq), str(row.action), row.dataset, json.loads(row.details))

    def backup(self, path: Path) -> None:
        if not path.is_file():
            raise NotFoundError(f"no backup file {path}")
        readable = self.keystore_leaked and self._backup_key_version() in self.keks
        columns: dict[str, list[Column]] = {}
        table_of: dict[str, str] = {}
        per_table: dict[str, list[str]] = {}
        rows_of: Counter[str] = Counter()
        for _fields, name, names, rows in backup_tables(self.ws, path):
            if name == "datasets":
                at, tat = names.index("name"), names.index("table_name")
                for r in rows:
                    table_of[str(r[tat])] = str(r[at])
            elif name == "dataset_columns":
                idx = {
                    n: names.index(n)
                    for n in ("dataset", "name", "sql_name", "category", "dtype", "position")
                }
                for r in rows:
                    columns.setdefault(str(r[idx["dataset"]]), []).append(
                        Column(
                            name=str(r[idx["name"]]),
                            sql_name=str(r[idx["sql_name"]]),
                            category=ColumnCategory(str(r[idx["category"]])),
                            dtype=DType(str(r[idx["dtype"]])),
                            position=int(r[idx["position"]]),
                        )
                    )
            elif name in table_of and PSEUDONYM in names:
                at = names.index(PSEUDONYM)
                seen = per_table.setdefault(name, [])
                for r in rows:
                    seen.append(str(r[at]))
                    rows_of[name] += 1
            else:
                for _ in rows:
                    pass
        if not readable:
            self.summary.notes.append(
                f"backup {path.name}: sealed as a whole under the backup key, which did not leak with a KEK "
                "version that unwraps it; its contents count as sealed"
            )
        for table, pseudonyms in per_table.items():
            clear, sealed, info = self._columns(
                table_of[table], columns.get(table_of[table], []), all_sealed=not readable
            )
            info.rows += rows_of[table]
            ordered = sorted(set(pseudonyms))
            self.sources.append(_Source(lambda ordered=ordered: iter(ordered), clear, sealed))  # type: ignore[misc]

    def _backup_key_version(self) -> str | None:
        # The wrap in the key store now: a KEK rotation re-wraps it, and an attacker holding the
        # leaked key store holds that wrap (documented limitation: an older copy of the key store
        # could hold an older wrap).
        with self.ws.keystore.engine.connect() as conn:
            row = conn.execute(sa.select(secrets.c.kek_version).where(secrets.c.name == BACKUP_KEY)).first()
        return str(row[0]) if row else None

    # -- merge ------------------------------------------------------------------------------
    def run(self, conn: Connection, breach_id: str, progress: Callable[[int], None] | None) -> Exposure:
        merged = heapq.merge(*(_tagged(src.pseudonyms(), i) for i, src in enumerate(self.sources)))
        with contextlib.ExitStack() as stack:
            return self._merge(conn, breach_id, progress, merged, self._key_versions(stack))

    def _merge(
        self,
        conn: Connection,
        breach_id: str,
        progress: Callable[[int], None] | None,
        merged: Iterator[tuple[str, int]],
        keys: Callable[[str], str | None],
    ) -> Exposure:
        erased = self._tombstones()
        clear_counts: Counter[str] = Counter()
        sealed_counts: Counter[str] = Counter()
        states: Counter[str] = Counter()
        conn.execute(breach_subjects.delete().where(breach_subjects.c.breach_id == breach_id))
        batch: list[dict[str, Any]] = []
        n = 0
        for pseudonym, group in groupby(merged, key=lambda item: item[0]):
            clear = sealed = 0
            for _, i in group:
                clear |= self.sources[i].clear
                sealed |= self.sources[i].sealed
            if not sealed:
                state = "none"
            elif pseudonym in erased:
                state = "shredded"
            elif self.keystore_leaked and keys(pseudonym) in self.keks:
                state = "leaked"
                clear |= sealed
                sealed = 0
            else:
                state = "intact"
            sealed &= ~clear
            states[state] += 1
            for name in _names(clear):
                clear_counts[name] += 1
            for name in _names(sealed):
                sealed_counts[name] += 1
            n += 1
            if clear:
                self.summary.subjects_in_clear += 1
            else:
                self.summary.subjects_unintelligible += 1
            batch.append(
                {
                    "breach_id": breach_id,
                    "pseudonym": pseudonym,
                    "clear": ",".join(_names(clear)),
                    "sealed": ",".join(_names(sealed)),
                    "key_state": state,
                }
            )
            if len(batch) >= BATCH:
                conn.execute(breach_subjects.insert(), batch)
                batch = []
                if progress is not None:
                    progress(n)
        if batch:
            conn.execute(breach_subjects.insert(), batch)
        if progress is not None:
            progress(n)
        s = self.summary
        s.subjects = n
        s.records = sum(d.rows for d in s.datasets.values())
        s.categories_in_clear = dict(sorted(clear_counts.items()))
        s.categories_sealed = dict(sorted(sealed_counts.items()))
        s.key_states = dict(sorted(states.items()))
        return s

    def _key_versions(self, stack: contextlib.ExitStack) -> Callable[[str], str | None]:
        """KEK version wrapping a pseudonym's key, looked up in ascending order (a merge join over
        a stream of the key store's ``deks``, whose connection ``stack`` closes)."""
        if not (self.keystore_leaked and self.keks):
            return lambda _p: None
        conn = stack.enter_context(self.ws.keystore.engine.connect())
        col = deks.c.pseudonym
        rows = conn.execution_options(stream_results=True, yield_per=BATCH).execute(
            sa.select(col, deks.c.kek_version).order_by(bytewise(conn, col))
        )
        it = iter(rows)
        current: list[Any] = [next(it, None)]

        def lookup(pseudonym: str) -> str | None:
            while current[0] is not None and str(current[0][0]) < pseudonym:
                current[0] = next(it, None)
            if current[0] is not None and str(current[0][0]) == pseudonym:
                return str(current[0][1])
            return None

        return lookup

    def _tombstones(self) -> frozenset[str]:
        with self.ws.keystore.engine.connect() as conn:
            return frozenset(str(p) for (p,) in conn.execute(sa.select(tombstones.c.pseudonym)))


def assess_exposure(
    ws: Workspace,
    leaks: list[Leak],
    conn: Connection,
    breach_id: str,
    *,
    progress: Callable[[int], None] | None = None,
) -> Exposure:
    """Assess ``leaks``; writes the per-subject rows of ``breach_id`` in ``conn``'s transaction."""
    work = _Assessment(ws, leaks)
    for leak in leaks:
        if leak.kind == "dataset":
            work.dataset(work.catalog.get(leak.value))
        elif leak.kind == "data-store":
            work.data_store()
        elif leak.kind == "release":
            work.release(int(leak.value))
        elif leak.kind == "access":
            work.access(leak)
        elif leak.kind == "backup":
            work.backup(Path(leak.value))
        elif leak.kind == "kek":
            known = set(ws.provider.versions())
            if leak.value not in known:
                raise NotFoundError(
                    f"no KEK version {leak.value!r}; this workspace has: {', '.join(sorted(known))}"
                )
    if not work.sources:
        work.summary.notes.append(
            "only key material leaked: no personal data is exposed by it alone, but every sealed field "
            "becomes readable to whoever also obtains the data store or a backup"
        )
    return work.run(conn, breach_id, progress)
