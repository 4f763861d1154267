"""Ingest as a library call and as a job: what ``veil ingest`` does, for the CLI and the API.

:func:`ingest_file` is the one function both call: the PII column scan (rules only), the
ingest itself (ONE transaction: any failure, a cancellation or a kill leaves the data store
as it was; keys a killed run made are taken back by the next open) and, when the schema
file declares DP settings, the dataset's policy (a second, short transaction after the
ingest committed).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from veil.errors import InputError
from veil.jobs.kind import CancelRequested, JobKind, Progress
from veil.jobs.kinds.audit_probe import entry_after, first_entry, last_seq
from veil.jobs.kinds.params import ParamReader

if TYPE_CHECKING:
    from veil.jobs.record import JobRecord
    from veil.vault.ingest import IngestResult, ProgressFn
    from veil.workspace import Workspace

__all__ = ["INGEST", "IngestParams", "ingest_file"]


def ingest_file(
    ws: Workspace,
    path: Path,
    dataset: str,
    subject_column: str | None = None,
    *,
    schema: Path | None = None,
    batch_rows: int = 10_000,
    delimiter: str | None = None,
    pii_scan: bool = True,
    progress: ProgressFn | None = None,
) -> IngestResult:
    """Ingest ``path`` into ``dataset`` as ``veil ingest`` does (see the module docstring)."""
    from veil.vault.dataset import DatasetCatalog
    from veil.vault.ingest import Ingestor
    from veil.vault.schema_file import SchemaFile

    schema_file = SchemaFile.load(schema) if schema else None
    classifier = None
    if pii_scan:
        from veil.pii.tables.scan import PiiColumnClassifier

        classifier = PiiColumnClassifier.for_ingest()
    ingestor = Ingestor(
        ws, progress=progress, batch_rows=batch_rows, classifier=classifier, delimiter=delimiter
    )
    result = ingestor.run(path, dataset, subject_column, schema=schema_file)
    if schema_file is not None and schema_file.dp:
        from veil.dp.policy import PolicyStore, policy_from_mapping

        PolicyStore(ws).update(
            dataset, **policy_from_mapping(schema_file.dp, DatasetCatalog(ws).get(dataset))
        )
    return result


@dataclass(frozen=True, slots=True)
class IngestParams:
    """``file`` (a CSV/TSV/JSONL/Parquet path on the server), ``dataset``, ``subject_column``,
    ``schema`` (a schema file's path), ``batch_rows``, ``delimiter``, ``pii_scan``."""

    file: str
    dataset: str
    subject_column: str | None = None
    schema: str | None = None
    batch_rows: int = 10_000
    delimiter: str | None = None
    pii_scan: bool = True

    @classmethod
    def parse(cls, params: Mapping[str, Any]) -> IngestParams:
        r = ParamReader("ingest", params)
        parsed = cls(
            file=r.text("file"),
            dataset=r.text("dataset"),
            subject_column=r.text("subject_column", None),
            schema=r.text("schema", None),
            batch_rows=r.integer("batch_rows", 10_000, low=100),
            delimiter=r.text("delimiter", None),
            pii_scan=r.flag("pii_scan", True),
        )
        r.done()
        if not Path(parsed.file).is_file():
            raise InputError(f"{parsed.file}: no such file")
        if parsed.schema is not None and not Path(parsed.schema).is_file():
            raise InputError(f"{parsed.schema}: no such schema file")
        return parsed


def _run(ws: Workspace, params: Mapping[str, Any], progress: Progress) -> dict[str, Any]:
    p = IngestParams.parse(params)
    before = last_seq(ws)

    def report(done: int, total: int) -> None:
        # The ingestor reports once more after its commit: a cancellation that arrives then is
        # too late, and the ingest's audit entry (committed with the data) tells that case.
        try:
            progress(done, total)
        except CancelRequested:
            if entry_after(ws, before, "dataset.ingest", dataset=p.dataset) is None:
                raise

    result = ingest_file(
        ws,
        Path(p.file),
        p.dataset,
        p.subject_column,
        schema=Path(p.schema) if p.schema else None,
        batch_rows=p.batch_rows,
        delimiter=p.delimiter,
        pii_scan=p.pii_scan,
        progress=report,
    )
    out = result.to_dict()
    out["file"] = Path(p.file).name
    return out


def _check(params: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in asdict(IngestParams.parse(params)).items() if v is not None}


def _committed(ws: Workspace, job: JobRecord) -> str | None:
    """Whether the ingest of ``job`` committed before its worker died: the ingest writes its
    audit entry in its own transaction, so the entry is there exactly when the data is."""
    seq = first_entry(ws, job, "dataset.ingest", dataset=str(job.params.get("dataset")))
    if seq is None:
        return None
    note = (
        "; the schema file's DP settings may not be applied (`veil dataset set`)"
        if job.params.get("schema")
        else ""
    )
    return (
        f"interrupted by a server restart after the ingest committed (audit entry {seq}); "
        f"its result was not recorded{note}"
    )


INGEST = JobKind(
    "ingest",
    _run,
    interrupted="interrupted by a server restart; nothing of it was applied (an ingest is one transaction)",
    check=_check,
    committed=_committed,
)
