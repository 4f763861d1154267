"""``veil retention enforce``."""

from __future__ import annotations

from typing import Annotated

import typer

from veil import clock
from veil.cli.output import JsonOpt, WorkspaceOpt, console, emit, open_ws
from veil.errors import ErasurePendingError, InputError
from veil.rights.retention import DEFAULT_GRACE_DAYS, enforce_retention

__all__ = ["app"]

app = typer.Typer(help="Storage limitation: erase data whose retention has passed.", no_args_is_help=True)


@app.command()
def enforce(
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Only report what would be erased.")] = False,
    as_of: Annotated[str | None, typer.Option(help="Evaluate at this ISO-8601 time (default now).")] = None,
    grace_days: Annotated[
        int, typer.Option(help="Days data without any lawful basis may be kept.")
    ] = DEFAULT_GRACE_DAYS,
    workspace: WorkspaceOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Erase every subject no purpose still justifies keeping."""
    try:
        when = clock.parse_ts(as_of) if as_of else None
    except ValueError:
        raise InputError("--as-of must be an ISO-8601 date or time") from None
    with open_ws(workspace) as ws:
        result = enforce_retention(ws, dry_run=dry_run, as_of=when, grace_days=grace_days)
    verb = "would erase" if dry_run else "erased"
    emit(
        as_json,
        result.to_dict(),
        lambda: console.print(
            f"Checked {result.subjects_checked} subjects as of {result.as_of}: {verb} {result.expired}"
            + (f" ({sum(result.rows_deleted.values())} rows deleted)" if not dry_run else "")
            + (
                "; [yellow]erasure pending[/] in "
                + ", ".join(result.pending)
                + " (keys destroyed; the next Veil command completes it)"
                if result.pending
                else ""
            )
        ),
    )
    if result.status == "pending":
        raise typer.Exit(ErasurePendingError.exit_code)
