"""``veil purpose add|list``."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from veil.cli.output import JsonOpt, WorkspaceOpt, console, emit, open_ws
from veil.consent.purpose import LawfulBasis, PurposeRegistry
from veil.vault.category import ColumnCategory

__all__ = ["app"]

app = typer.Typer(help="Processing purposes: lawful basis and retention.", no_args_is_help=True)


@app.command("add")
def add(
    name: Annotated[str, typer.Argument(help="Purpose name, e.g. research.")],
    basis: Annotated[LawfulBasis, typer.Option(help="Lawful basis (GDPR Art. 6).")],
    retention_days: Annotated[int, typer.Option(help="How long data may be kept for this purpose.")],
    description: Annotated[str, typer.Option(help="What the processing is for.")] = "",
    categories: Annotated[
        str | None,
        typer.Option(
            help="Comma-separated column categories releases may include "
            f"({', '.join(c.value for c in ColumnCategory if c.value != 'subject_id')}); default: all "
            "but direct identifiers and free text."
        ),
    ] = None,
    require_k: Annotated[
        int | None,
        typer.Option(
            help="Every release for the purpose must be k-anonymous over the dataset's quasi-identifiers "
            "(make one with `veil anonymity apply`)."
        ),
    ] = None,
    workspace: WorkspaceOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Register a purpose."""
    cats = None
    if categories is not None:
        cats = tuple(ColumnCategory(c.strip()).value for c in categories.split(",") if c.strip())
    with open_ws(workspace) as ws:
        purpose = PurposeRegistry(ws).add(name, basis, retention_days, description, cats, require_k=require_k)
    emit(
        as_json,
        purpose.to_dict(),
        lambda: console.print(
            f"[green]Added purpose[/] {purpose.name} ({purpose.basis.value}, {purpose.retention_days} days)"
        ),
    )


@app.command("list")
def list_(workspace: WorkspaceOpt = None, as_json: JsonOpt = False) -> None:
    """List purposes."""
    with open_ws(workspace) as ws:
        purposes = PurposeRegistry(ws).list()

    def show() -> None:
        table = Table("name", "basis", "retention (days)", "categories", "k", "description")
        for p in purposes:
            table.add_row(
                p.name,
                p.basis.value,
                str(p.retention_days),
                ", ".join(p.categories) if p.categories is not None else "default",
                str(p.require_k) if p.require_k is not None else "",
                p.description,
            )
        console.print(table)

    emit(as_json, [p.to_dict() for p in purposes], show)
