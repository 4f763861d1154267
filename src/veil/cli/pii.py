"""``veil pii detect|mask|unmask|scan``: personal data in text files and tables.

Documents are one per line in ``.txt``/``.log`` files (log lines), one per record in
``.jsonl`` (the ``--text-field``), one per row in ``.csv``/``.tsv``/``.parquet`` (the
``--text-field`` column). Every ``mask`` and ``unmask`` run is written to the audit log
with counts by entity type, never values.

``veil.pii`` is imported inside the commands, so that the rest of the ``veil`` command
starts without it (and without its NLP model).
"""

from __future__ import annotations

import contextlib
import json
import sys
from collections import Counter
from collections.abc import Iterator
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table

from veil.cli.output import (
    DelimiterOpt,
    JsonOpt,
    WorkspaceOpt,
    console,
    emit,
    err_console,
    locate,
    open_ws,
    progress_bar,
)
from veil.errors import ConfigError

if TYPE_CHECKING:
    from veil.pii.anonymizer import Detector

__all__ = ["app"]

app = typer.Typer(help="Find, mask and unmask personal data in text files and tables.", no_args_is_help=True)

InputOpt = Annotated[
    Path,
    typer.Option(
        "--input",
        "-i",
        help="A .txt/.log (one document per line), .jsonl, .csv, .tsv or .parquet file "
        "(mask --engine spark: also a directory of .parquet or .csv part files).",
    ),
]
OutputOpt = Annotated[
    Path,
    typer.Option(
        "--output", "-o", help="Output file, in the input's format (mask --engine spark: a new directory)."
    ),
]
ProcessesOpt = Annotated[
    int | None,
    typer.Option(
        "--processes", help="Worker processes for detection (default: pii.processes, else 1).", min=1
    ),
]
SampleOpt = Annotated[int, typer.Option("--sample-rows", help="Rows sampled to classify columns.", min=1)]
BatchOpt = Annotated[int, typer.Option("--batch-rows", help="Documents per batch (memory use).", min=1)]


class Engine(StrEnum):
    """Where ``veil pii mask`` runs."""

    local = "local"
    spark = "spark"


@contextlib.contextmanager
def _engine(processes: int | None, workspace: Path | None) -> Iterator[Detector]:
    """The PII engine, with the ``[pii]`` settings of the workspace's veil.toml if there is one."""
    from veil.pii import PiiConfig, PiiEngine  # spaCy is imported only by the commands that detect

    with PiiEngine(PiiConfig.for_workspace(locate(workspace).path), processes=processes) as engine:
        yield engine


def _pairs(specs: list[str], option: str, example: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for spec in specs:
        key, sep, op = spec.partition("=")
        if not sep or not key.strip() or not op.strip():
            raise ConfigError(
                f"{option} takes {example.split('=')[0].upper()}=OPERATOR, e.g. {example}; got {spec!r}"
            )
        out[key.strip()] = op.strip()
    return out


@app.command()
def detect(
    input_: InputOpt,
    text_field: Annotated[
        str, typer.Option("--text-field", help="JSONL field or table column holding the text.")
    ] = "text",
    processes: ProcessesOpt = None,
    batch_rows: BatchOpt = 500,
    delimiter: DelimiterOpt = None,
    workspace: WorkspaceOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Find personal data. With --json: one line {"entities": [...]} per document, in input order.

    Offsets are character (code point) offsets into the document: the line without its
    ending, or the text field. Detection settings come from the [pii] table of the
    workspace's veil.toml, if any; nothing is written to the workspace.
    """
    from veil.pii.tables.scan import detect_file

    counts: Counter[str] = Counter()
    documents = 0
    with _engine(processes, workspace) as engine, progress_bar(f"detect {input_.name}", not as_json) as bar:
        for entities in detect_file(
            input_, engine, text_field=text_field, batch_rows=batch_rows, progress=bar, delimiter=delimiter
        ):
            documents += 1
            if as_json:
                found = [
                    {"start": e.start, "end": e.end, "type": e.type, "score": round(e.score, 4)}
                    for e in entities
                ]
                sys.stdout.write(json.dumps({"entities": found}) + "\n")
            else:
                counts.update(e.type for e in entities)
    if not as_json:
        table = Table("type", "found", title=f"{documents} documents in {input_.name}")
        for kind, n in counts.most_common():
            table.add_row(kind, str(n))
        console.print(table if counts else f"No personal data found in {documents} documents.")


@app.command()
def mask(
    input_: InputOpt,
    output: OutputOpt,
    operator: Annotated[
        str,
        typer.Option(
            "--operator",
            help="Operator for every type: redact, replace, mask, hash, pseudonym, surrogate or encrypt.",
        ),
    ] = "replace",
    per_type: Annotated[
        list[str] | None,
        typer.Option("--per-type", help="TYPE=OPERATOR, e.g. PERSON=pseudonym (repeatable)."),
    ] = None,
    per_column: Annotated[
        list[str] | None,
        typer.Option("--per-column", help="COLUMN=OPERATOR for a whole column (repeatable)."),
    ] = None,
    text_field: Annotated[
        str | None, typer.Option("--text-field", help="JSONL field or column of free text to mask.")
    ] = None,
    columns: Annotated[
        str | None,
        typer.Option(help="Comma-separated columns to mask (default: direct identifiers and free text)."),
    ] = None,
    mask_char: Annotated[str, typer.Option(help="Character of the mask operator.")] = "*",
    mask_keep: Annotated[int, typer.Option(help="Last characters the mask operator keeps of ids.")] = 4,
    processes: ProcessesOpt = None,
    sample_rows: SampleOpt = 500,
    batch_rows: BatchOpt = 1000,
    delimiter: DelimiterOpt = None,
    engine_name: Annotated[
        Engine,
        typer.Option(
            "--engine",
            help="local: one file, in this process. spark: a file or a directory of .parquet or "
            ".csv/.tsv part files, with local Spark, into an output directory of part files.",
        ),
    ] = Engine.local,
    overwrite: Annotated[
        bool, typer.Option("--overwrite", help="Replace an existing output directory (--engine spark).")
    ] = False,
    workspace: WorkspaceOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Mask personal data into a new file; identifier columns whole, free text entity by entity.

    With --engine spark the input may be a directory of part files (one schema); the output
    directory appears only when the whole job has succeeded. Pseudonyms are the workspace's,
    the same as the local engine gives.
    """
    from veil.pii.anonymizer import Anonymizer
    from veil.pii.operators import OperatorOptions, default_registry
    from veil.pii.tables.masking import mask_table

    registry = default_registry()
    registry.check(operator)
    types = {
        t: registry.check(op) for t, op in _pairs(per_type or [], "--per-type", "type=pseudonym").items()
    }
    by_column = {
        c: registry.check(op) for c, op in _pairs(per_column or [], "--per-column", "column=hash").items()
    }
    cols = [c.strip() for c in columns.split(",") if c.strip()] if columns else None
    options = OperatorOptions(mask_char=mask_char, mask_keep=mask_keep)
    if engine_name is Engine.spark:
        _mask_spark(
            input_,
            output,
            workspace,
            as_json,
            overwrite=overwrite,
            operator=operator,
            per_type=types,
            per_column=by_column,
            options=options,
            columns=cols,
            text_field=text_field,
            processes=processes,
            sample_rows=sample_rows,
            batch_rows=batch_rows,
            delimiter=delimiter,
        )
        return
    with (
        open_ws(workspace) as ws,
        _engine(processes, workspace) as engine,
        progress_bar(f"mask {input_.name}", not as_json) as bar,
    ):
        anonymizer = Anonymizer(
            ws, engine, default=operator, per_type=types, options=options, registry=registry
        )
        run = mask_table(
            input_,
            output,
            anonymizer,
            columns=cols,
            text_field=text_field,
            per_column=by_column,
            sample_rows=sample_rows,
            batch_rows=batch_rows,
            progress=bar,
            delimiter=delimiter,
        )

    def show() -> None:
        console.print(
            f"[green]Masked[/] {run.entities} entities in {run.rows} rows of {input_.name} -> {output} "
            f"in {run.seconds:.2f}s (audit entry {run.audit_seq})"
        )
        table = Table("column", "how", "operator")
        for column in run.columns:
            how = "whole cell as " + str(column.entity_type) if column.mode == "cell" else "detected entities"
            table.add_row(column.name, how, column.operator or "by type")
        console.print(table)
        for kind, n in run.by_type.items():
            console.print(f"  {kind}: {n} ({anonymizer.operator_name(kind)})")

    emit(as_json, run.to_dict(), show)


def _mask_spark(
    input_: Path,
    output: Path,
    workspace: Path | None,
    as_json: bool,
    *,
    processes: int | None,
    **settings: Any,
) -> None:
    from veil.pii import PiiConfig
    from veil.pii.tables.spark import mask_directory

    config = PiiConfig.for_workspace(locate(workspace).path)
    with (
        open_ws(workspace) as ws,
        _engine(processes, workspace) as engine,
        progress_bar(f"mask {input_.name} (spark)", not as_json) as bar,
    ):
        run = mask_directory(input_, output, ws, config, engine=engine, progress=bar, **settings)

    def show() -> None:
        console.print(
            f"[green]Masked[/] {run.entities} entities in {run.rows} rows of {run.files} file(s) in "
            f"{input_.name} -> {output} with Spark in {run.seconds:.2f}s (audit entry {run.audit_seq})"
        )
        table = Table("column", "how", "operator")
        for column in run.columns:
            how = "whole cell as " + str(column.entity_type) if column.mode == "cell" else "detected entities"
            table.add_row(column.name, how, column.operator or "by type")
        console.print(table)
        for kind, n in run.by_type.items():
            console.print(f"  {kind}: {n}")

    emit(as_json, run.to_dict(), show)


@app.command()
def unmask(
    input_: InputOpt,
    output: OutputOpt,
    batch_rows: BatchOpt = 1000,
    workspace: WorkspaceOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Restore encrypted values and pseudonyms (needs the workspace's keys; audit-logged with your name)."""
    from veil.pii.tables.masking import unmask_table

    with open_ws(workspace) as ws, progress_bar(f"unmask {input_.name}", not as_json) as bar:
        run = unmask_table(input_, output, ws, batch_rows=batch_rows, progress=bar)

    def show() -> None:
        total = sum(run.restored.values())
        console.print(
            f"[green]Restored[/] {total} values in {run.rows} rows of {input_.name} -> {output} "
            f"(audit entry {run.audit_seq})"
        )
        for kind, n in run.restored.items():
            console.print(f"  {kind}: {n}")
        if run.unresolved:
            err_console.print(
                f"[yellow]warning:[/] {run.unresolved} token(s) were left as they are: made by another "
                "workspace, altered, or not Veil tokens"
            )
        if run.refused:
            console.print(f"  {run.refused} token(s) left masked: their values belong to erased subjects")

    emit(as_json, run.to_dict(), show)


@app.command()
def scan(
    file: Annotated[Path, typer.Argument(help="A .txt/.log, .jsonl, .csv, .tsv or .parquet file.")],
    sample_rows: SampleOpt = 500,
    processes: ProcessesOpt = None,
    delimiter: DelimiterOpt = None,
    workspace: WorkspaceOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Classify each column from its name and the personal data found in a sample of rows.

    Detection settings come from the [pii] table of the workspace's veil.toml, if any.
    """
    from veil.pii.tables.scan import scan_table

    with _engine(processes, workspace) as engine:
        scans = scan_table(file, engine, sample_rows=sample_rows, delimiter=delimiter)

    def show() -> None:
        table = Table("column", "category", "entities (share of values)", "why", title=f"{file.name}")
        for s in scans:
            found = ", ".join(
                f"{t} {share:.0%}" for t, share in sorted(s.entities.items(), key=lambda kv: -kv[1])
            )
            table.add_row(s.name, s.category.value, found or "-", s.reason)
        console.print(table)

    emit(as_json, [s.to_dict() for s in scans], show)
