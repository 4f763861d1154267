"""``veil purpose add|list|declare|retention``."""

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


@app.command("retention")
def retention(
    name: Annotated[str, typer.Argument(help="The purpose.")],
    days: Annotated[int, typer.Argument(help="How long data may now be kept for it.")],
    workspace: WorkspaceOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Change a purpose's retention (the next `veil retention enforce` applies it)."""
    with open_ws(workspace) as ws:
        purpose = PurposeRegistry(ws).set_retention(name, days)
    emit(as_json, purpose.to_dict(), lambda: console.print(f"{purpose.name}: {purpose.retention_days} days"))


@app.command("declare")
def declare(
    name: Annotated[str, typer.Argument(help="The purpose.")],
    recipient: Annotated[
        list[str] | None, typer.Option(help="A recipient (repeat; replaces the list).")
    ] = None,
    processor: Annotated[
        list[str] | None, typer.Option(help="A processor (repeat; replaces the list).")
    ] = None,
    transfer: Annotated[
        list[str] | None, typer.Option(help="A transfer to a third country: 'COUNTRY: safeguard' (repeat).")
    ] = None,
    no_transfers: Annotated[bool, typer.Option(help="Declare that there are no transfers.")] = False,
    subjects: Annotated[list[str] | None, typer.Option(help="A category of data subjects (repeat).")] = None,
    monitoring: Annotated[bool | None, typer.Option(help="WP248: systematic monitoring.")] = None,
    vulnerable: Annotated[bool | None, typer.Option(help="WP248: vulnerable data subjects.")] = None,
    automated_decisions: Annotated[
        bool | None, typer.Option(help="WP248: automated decisions with legal or similar effect.")
    ] = None,
    prevents_rights: Annotated[
        bool | None, typer.Option(help="WP248: prevents exercising a right or using a service.")
    ] = None,
    workspace: WorkspaceOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Declare what only people know about a purpose (recipients, transfers, screening answers)."""
    from veil.errors import InputError
    from veil.reports.declarations import PurposeDeclarations

    if transfer and no_transfers:
        raise InputError("--transfer and --no-transfers contradict each other")
    values: dict[str, object] = {}
    for key, given in (
        ("recipients", recipient),
        ("processors", processor),
        ("subject_categories", subjects),
    ):
        if given:
            values[key] = given
    if transfer or no_transfers:
        values["transfers"] = transfer or []
    for key, answer in (
        ("systematic_monitoring", monitoring),
        ("vulnerable_subjects", vulnerable),
        ("automated_decisions", automated_decisions),
        ("prevents_rights", prevents_rights),
    ):
        if answer is not None:
            values[key] = answer
    with open_ws(workspace) as ws:
        declared = PurposeDeclarations(ws).declare(name, values)
    emit(
        as_json,
        declared.to_dict(),
        lambda: console.print(f"declared for {name}: {', '.join(sorted(values))}"),
    )
