"""``veil demo``: the foundation end to end on a generated hospital, in seconds."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from veil.cli.output import JsonOpt, console, emit
from veil.demo.story import run_demo

__all__ = ["register"]


def demo(
    patients: Annotated[int, typer.Option(help="How many fake patients to generate.", min=10)] = 3000,
    keep: Annotated[
        Path | None,
        typer.Option("--keep", "--workspace", "-w", help="Keep the demo files in this directory."),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Run the whole story on a temporary workspace: ingest, consent, release, access, erasure, audit."""
    if not as_json:
        console.print("[bold]Veil demo[/]: a hospital puts patient data under Veil\n")

    def say(step: str, text: str) -> None:
        if not as_json:
            console.print(f"[bold cyan]{step:>9}[/]  {text}")

    summary = run_demo(keep, patients, say)

    def show() -> None:
        table = Table(title="summary", show_header=False)
        table.add_row("patients", str(summary.patients))
        table.add_row("consented to research", str(summary.consented))
        table.add_row("released rows (research)", str(summary.released_rows))
        table.add_row("identifiers left in files after erasure", str(summary.plaintext_hits_after_erasure))
        table.add_row("status after restoring old backup", summary.status_after_restore)
        table.add_row(
            "audit log", f"{summary.audit_entries} entries, {'intact' if summary.audit_ok else 'BROKEN'}"
        )
        table.add_row("time", f"{summary.seconds:.1f}s")
        console.print()
        console.print(table)
        where = f"files kept in {keep}" if keep else "re-run with --keep DIR to look at the files"
        console.print(
            f"[dim]{where}; next: veil init, then veil ingest YOUR.csv --dataset NAME --subject-column ID[/]"
        )

    emit(as_json, summary.to_dict(), show)


def register(app: typer.Typer) -> None:
    app.command()(demo)
