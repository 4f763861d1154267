"""``veil ingest``, ``veil release`` and ``veil dataset list|show``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from veil.cli.output import DelimiterOpt, JsonOpt, WorkspaceOpt, console, emit, open_ws, progress_bar
from veil.vault.category import ColumnCategory
from veil.vault.classification import override_category
from veil.vault.dataset import DatasetCatalog
from veil.vault.extract import Releaser

__all__ = ["app", "register"]

app = typer.Typer(help="Datasets under Veil's control.", no_args_is_help=True)


def ingest(
    file: Annotated[
        Path, typer.Argument(help="CSV (any common delimiter, detected), TSV, JSONL or Parquet file.")
    ],
    dataset: Annotated[str, typer.Option(help="Dataset name (created on first ingest).")],
    subject_column: Annotated[str | None, typer.Option(help="Column holding the subject id.")] = None,
    schema: Annotated[Path | None, typer.Option(help="YAML/JSON file overriding column categories.")] = None,
    batch_rows: Annotated[int, typer.Option(help="Rows per batch (memory use).", min=100)] = 10_000,
    delimiter: DelimiterOpt = None,
    pii_scan: Annotated[
        bool,
        typer.Option(
            "--pii-scan/--no-pii-scan",
            help="Classify columns with PII detection on sampled values (rules only, no NER), "
            "not just names and patterns.",
        ),
    ] = True,
    workspace: WorkspaceOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Ingest a file: seal identifiers and free text, pseudonymise, store attributes."""
    from veil.jobs.kinds.ingest import ingest_file  # what the service's ingest job runs too

    with open_ws(workspace) as ws, progress_bar(f"ingest {file.name}", not as_json) as bar:
        result = ingest_file(
            ws,
            file,
            dataset,
            subject_column,
            schema=schema,
            batch_rows=batch_rows,
            delimiter=delimiter,
            pii_scan=pii_scan,
            progress=bar,
        )

    def show() -> None:
        console.print(
            f"[green]Ingested[/] {result.rows} rows for {result.subjects} subjects into "
            f"{result.dataset} ({result.new_subjects} new, {result.replaced_rows} old rows replaced, "
            f"{result.skipped_erased_rows} rows of erased subjects skipped) in {result.seconds:.2f}s"
        )
        table = Table("column", "category", "stored as", "why")
        for c in result.columns:
            table.add_row(
                c["name"],
                c["category"],
                "sealed (AES-256-GCM)" if c["dtype"] == "sealed" else c["dtype"],
                escape(c.get("why", "")),
            )
        console.print(table)

    emit(as_json, result.to_dict(), show)


def release(
    dataset: Annotated[str, typer.Argument(help="Dataset to release from.")],
    purpose: Annotated[str, typer.Option(help="Purpose of the release.")],
    out: Annotated[Path, typer.Option(help="Output Parquet file.")],
    columns: Annotated[
        str | None, typer.Option(help="Comma-separated columns (default: all allowed).")
    ] = None,
    workspace: WorkspaceOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Write a purpose-bound extract: lawful subjects only, minimised, pseudonymised."""
    cols = [c.strip() for c in columns.split(",") if c.strip()] if columns else None
    with open_ws(workspace) as ws:
        result = Releaser(ws).release(dataset, purpose, out, cols)

    def show() -> None:
        console.print(
            f"[green]Released[/] {result.rows} rows of {result.subjects} subjects to {result.out} "
            f"for purpose {result.purpose} (audit entry {result.audit_seq})"
        )
        console.print(f"  columns: pseudonym, {', '.join(result.columns)}")
        for name, why in result.excluded_columns.items():
            console.print(f"  [dim]left out {name}: {why}[/]")

    emit(as_json, result.to_dict(), show)


@app.command("list")
def list_(workspace: WorkspaceOpt = None, as_json: JsonOpt = False) -> None:
    """List datasets with row counts."""
    with open_ws(workspace) as ws:
        rows: list[dict[str, Any]] = DatasetCatalog(ws).summaries()

    def show() -> None:
        table = Table("name", "subject column", "columns", "rows", "updated")
        for r in rows:
            table.add_row(r["name"], r["subject_column"], str(r["columns"]), str(r["rows"]), r["updated_at"])
        console.print(table)

    emit(as_json, rows, show)


@app.command("show")
def show_(
    name: Annotated[str, typer.Argument(help="Dataset name.")],
    workspace: WorkspaceOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Show a dataset's columns and their categories."""
    with open_ws(workspace) as ws:
        ds = DatasetCatalog(ws).get(name)

    def show() -> None:
        table = Table(
            "column", "category", "type", "why", title=f"{ds.name} (subject column: {ds.subject_column})"
        )
        for c in ds.columns:
            # Why: the rule, detector, counts and batch that decided it (never a value).
            table.add_row(
                c.name, c.category.value, c.dtype.value, escape(c.evidence.explain() if c.evidence else "")
            )
        console.print(table)

    emit(as_json, ds.to_dict(), show)


@app.command("classify")
def classify(
    name: Annotated[str, typer.Argument(help="Dataset name.")],
    column: Annotated[str, typer.Argument(help="Column name.")],
    category: Annotated[ColumnCategory, typer.Argument(help="The column's new category.")],
    reason: Annotated[str | None, typer.Option(help="Why (kept with the column's evidence).")] = None,
    workspace: WorkspaceOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Override a column's category (a clear column may be sealed; a sealed one stays sealed)."""
    with open_ws(workspace) as ws:
        change = override_category(ws, name, column, category, reason=reason)

    def show() -> None:
        if change.previous is change.column.category:
            console.print(f"{name}.{column} is already {change.previous.value}; nothing changed")
            return
        console.print(
            f"[green]Reclassified[/] {name}.{column}: {change.previous.value} -> "
            f"{change.column.category.value}" + (" (stored values sealed)" if change.sealed_values else "")
        )

    emit(as_json, change.to_dict(), show)


def register(root: typer.Typer) -> None:
    root.command()(ingest)
    root.command()(release)
