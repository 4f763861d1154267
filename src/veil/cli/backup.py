"""``veil backup create|restore|show``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from veil.cli.output import JsonOpt, WorkspaceOpt, console, emit, open_ws
from veil.vault.backup import create_backup, describe, restore_backup

__all__ = ["app"]

app = typer.Typer(
    help="Data-store backups (no keys inside; erasures survive restores).", no_args_is_help=True
)
FileArg = Annotated[Path, typer.Argument(help="Backup file.")]


@app.command()
def create(file: FileArg, workspace: WorkspaceOpt = None, as_json: JsonOpt = False) -> None:
    """Back up the data store (not the key store) to FILE."""
    with open_ws(workspace) as ws:
        result = create_backup(ws, file)
    emit(
        as_json,
        result.to_dict(),
        lambda: console.print(f"[green]Backed up[/] {sum(result.tables.values())} rows to {result.path}"),
    )


@app.command()
def restore(file: FileArg, workspace: WorkspaceOpt = None, as_json: JsonOpt = False) -> None:
    """Replace the data store with FILE's, replaying every erasure since."""
    with open_ws(workspace) as ws:
        result = restore_backup(ws, file)
    emit(
        as_json,
        result.to_dict(),
        lambda: console.print(
            f"[green]Restored[/] backup of {result.backup_created_at}: {sum(result.tables.values())} rows; "
            f"{result.erasures_replayed} erasures replayed, "
            f"{result.rows_not_restored} rows of erased subjects left out"
        ),
    )


@app.command()
def show(file: FileArg, workspace: WorkspaceOpt = None, as_json: JsonOpt = False) -> None:
    """Show a backup's manifest (and, with --workspace, whether it belongs to that workspace)."""
    info = describe(file)
    if workspace is not None:
        with open_ws(workspace) as ws:
            info["belongs_to_workspace"] = info.get("workspace_id") == ws.config.workspace_id
    emit(as_json, info, lambda: console.print(info))
