"""``veil audit log|verify``."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.table import Table

from veil.cli.output import JsonOpt, WorkspaceOpt, console, emit, open_ws
from veil.errors import AuditError

__all__ = ["app"]

app = typer.Typer(help="The tamper-evident audit log.", no_args_is_help=True)


@app.command()
def log(
    limit: Annotated[int | None, typer.Option(help="Show at most this many entries.")] = None,
    since: Annotated[int, typer.Option(help="Only entries after this sequence number.")] = 0,
    action: Annotated[str | None, typer.Option(help="Only this action, e.g. subject.erase.")] = None,
    workspace: WorkspaceOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """List audit entries (pseudonyms and counts, never personal data)."""
    with open_ws(workspace) as ws:
        entries = ws.audit.entries(since=since, limit=limit, action=action)

    def show() -> None:
        table = Table("seq", "time", "actor", "action", "purpose", "dataset", "subjects", "details")
        for e in entries:
            table.add_row(
                str(e.seq),
                e.ts,
                e.actor,
                e.action,
                e.purpose or "",
                e.dataset or "",
                str(e.subject_count),
                json.dumps(e.details, sort_keys=True)[:80],
            )
        console.print(table)

    emit(as_json, [e.to_dict() for e in entries], show)


@app.command()
def verify(workspace: WorkspaceOpt = None, as_json: JsonOpt = False) -> None:
    """Check the hash chain, its MAC'd head and the key-store anchor; exits 9 naming the damage."""
    with open_ws(workspace) as ws:
        result = ws.audit.verify()
    if result.ok:
        emit(
            as_json,
            result.to_dict(),
            lambda: console.print(
                f"[green]Audit log intact[/]: {result.entries} entries, head {result.head_hash[:16]}…, "
                f"anchored at entry {result.anchor_seq}"
            ),
        )
        return
    if as_json:
        emit(True, result.to_dict(), lambda: None)
        raise typer.Exit(AuditError.exit_code)
    where = f" at entry {result.first_bad_seq}" if result.first_bad_seq is not None else ""
    raise AuditError(f"audit log verification failed{where}: {result.reason}")
