"""``veil backup create|restore|show``."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from veil.cli.output import JsonOpt, WorkspaceOpt, console, emit, err_console, open_ws
from veil.errors import InputError, exit_code_of
from veil.vault.backup import create_backup, describe, restore_backup

__all__ = ["app"]

app = typer.Typer(
    help="Encrypted data-store backups (the key store stays out; erasures survive restores).",
    no_args_is_help=True,
)
FileArg = Annotated[Path, typer.Argument(help="Backup file.")]


@app.command()
def create(file: FileArg, workspace: WorkspaceOpt = None, as_json: JsonOpt = False) -> None:
    """Back up the data store (not the key store) to FILE, encrypted (AES-256-GCM), mode 0600.

    FILE must be outside the workspace and its key directory. Restoring it needs this
    workspace's key store and KEK.
    """
    with open_ws(workspace) as ws:
        result = create_backup(ws, file)
    emit(
        as_json,
        result.to_dict(),
        lambda: console.print(
            f"[green]Backed up[/] {sum(result.tables.values())} rows to {result.path} "
            f"({result.bytes:,} bytes, encrypted)"
        ),
    )


@app.command()
def restore(
    file: FileArg,
    yes: Annotated[
        bool, typer.Option("--yes", "-y", help="Restore without asking for confirmation (for scripts).")
    ] = False,
    workspace: WorkspaceOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Replace the data store with FILE's, replaying every erasure since.

    Every purpose, subject, consent record and dataset is replaced by the backup's (the
    audit log and the privacy budget are kept), so it asks first; --yes skips the question,
    and without a terminal to ask on (a script, a pipe) it refuses unless --yes is given (exit 3).
    """
    with open_ws(workspace) as ws:
        info = describe(file, ws, verify=False)  # refuses live files; reads only the clear header
        if not yes and info["belongs_to_workspace"]:
            if not sys.stdin.isatty():
                raise InputError(
                    "a restore replaces the workspace's data and needs confirmation, but there is no "
                    "terminal to ask on; pass --yes to restore without asking"
                )
            erased = len(ws.keystore.tombstones())
            question = (
                f"Replace every purpose, subject, consent record and dataset in {ws.root} with the "
                f"backup of {info['created_at']} (audit entry {info['audit_seq']})? "
                f"{erased} erased subject(s) stay erased; the audit log and privacy budget are kept."
            )
            if not typer.confirm(question, default=False, err=True):
                err_console.print("Nothing was restored.")
                raise typer.Exit(exit_code_of("cancelled"))
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


def _show(info: dict[str, Any]) -> None:
    head = Table("field", "value", title=f"Backup {info['file']}", title_justify="left")
    for key in (
        "format",
        "workspace_id",
        "created_at",
        "backup_id",
        "audit_seq",
        "bytes",
        "cipher",
        "kdf",
        "key",
        "belongs_to_workspace",
        "verified",
    ):
        if key in info:
            value = info[key]
            head.add_row(key, f"{value:,}" if key == "bytes" else str(value))
    if "datasets" in info:
        head.add_row("datasets", ", ".join(info["datasets"]) or "(none)")
    console.print(head)
    if "tables" in info:
        tables = Table("table", "rows", title="Contents (decrypted and authenticated)", title_justify="left")
        for name, rows in info["tables"].items():
            tables.add_row(name, f"{rows:,}")
        console.print(tables)
    elif info.get("belongs_to_workspace") is False:
        console.print("[yellow]This backup was taken from another workspace; its contents stay sealed.[/]")
    else:
        console.print("Contents are encrypted; pass --workspace to verify them and count the rows.")


@app.command()
def show(file: FileArg, workspace: WorkspaceOpt = None, as_json: JsonOpt = False) -> None:
    """Show a backup's header; with --workspace, decrypt, authenticate and count its contents.

    Without a workspace only the clear header is read (no personal data is in it).
    """
    if workspace is None:
        info = describe(file)
    else:
        with open_ws(workspace) as ws:
            info = describe(file, ws)
    emit(as_json, info, lambda: _show(info))
