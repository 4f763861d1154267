"""``veil users add|list|disable``: named staff users of the HTTP service."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from veil.cli.output import JsonOpt, WorkspaceOpt, console, emit, open_ws
from veil.identity.users import Users

__all__ = ["app"]

app = typer.Typer(
    help="Staff users of the HTTP service: a role, granted purposes, their API keys.", no_args_is_help=True
)


@app.command("add")
def add(
    name: Annotated[str, typer.Argument(help="User name, e.g. alice or billing-service.")],
    role: Annotated[str, typer.Option(help="admin, steward, analyst, dpo, auditor or service.")],
    purpose: Annotated[
        list[str] | None, typer.Option("--purpose", help="A purpose the user is granted (repeat).")
    ] = None,
    workspace: WorkspaceOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Add a user; give them keys with `veil keys create --user NAME --role ROLE`."""
    with open_ws(workspace) as ws:
        user = Users(ws).add(name, role, purpose or ())
    emit(as_json, user.to_dict(), lambda: console.print(f"[green]Added user[/] {user.name} ({user.role})"))


@app.command("list")
def list_(workspace: WorkspaceOpt = None, as_json: JsonOpt = False) -> None:
    """List users, their roles, purposes, state and API keys."""
    with open_ws(workspace) as ws:
        users = Users(ws).list()

    def show() -> None:
        table = Table("name", "role", "purposes", "state", "keys")
        for u in users:
            state = "disabled" if u.disabled_at is not None else "active"
            table.add_row(u.name, u.role, ", ".join(u.purposes), state, ", ".join(u.keys))
        console.print(table)

    emit(as_json, [u.to_dict() for u in users], show)


@app.command("disable")
def disable(
    name: Annotated[str, typer.Argument(help="The user to disable.")],
    workspace: WorkspaceOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Disable a user: every key of theirs, and its tokens, is refused from the next request."""
    with open_ws(workspace) as ws:
        user = Users(ws).disable(name)
    emit(as_json, user.to_dict(), lambda: console.print(f"[green]Disabled user[/] {user.name}"))
