"""``veil keys rotate|status`` (key-encryption keys) and ``veil keys create|list|revoke`` (API keys)."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Column, Table

from veil.cli.output import JsonOpt, WorkspaceOpt, console, emit, err_console, open_ws
from veil.identity.keys import ApiKeys

__all__ = ["app"]

app = typer.Typer(
    help="Key-encryption keys and per-subject data keys; API keys of the HTTP service.", no_args_is_help=True
)


@contextlib.contextmanager
def _key_progress(label: str) -> Iterator[Callable[[int, int], None]]:
    """A count-based progress bar on stderr (hidden when stderr is not a terminal)."""
    with Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=err_console,
        transient=True,
        disable=not err_console.is_terminal,
    ) as progress:
        task = progress.add_task(label, total=None)

        def update(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        yield update


@app.command()
def rotate(workspace: WorkspaceOpt = None, as_json: JsonOpt = False) -> None:
    """Re-wrap every data key under a new KEK (data is not touched).

    Streamed in batches, so memory stays flat however many subjects there are. Safe to
    interrupt: every key stays unwrappable by the old or the new KEK, and running this
    again finishes the interrupted rotation instead of starting another.
    """
    with open_ws(workspace) as ws, _key_progress("re-wrapping data keys") as progress:
        data = ws.rotate_keys(progress)
    emit(
        as_json,
        data,
        lambda: console.print(
            f"[green]Rotated[/] to KEK {data['new_version']}: {data['rewrapped']} data keys "
            f"re-wrapped, retired {', '.join(data['retired']) or 'none'}"
            + (" (finished an interrupted rotation)" if data["resumed"] else "")
        ),
    )


@app.command()
def status(workspace: WorkspaceOpt = None, as_json: JsonOpt = False) -> None:
    """Show the current KEK and how many data keys each KEK wraps."""
    with open_ws(workspace) as ws:
        data = {
            "provider": ws.config.key_provider,
            "current": ws.provider.current_version(),
            "data_keys_by_kek": ws.keystore.kek_versions_in_use(),
            "erased_subjects": len(ws.keystore.tombstones()),
            # A provider holding several KEKs is mid-rotation: `veil keys rotate` finishes it.
            "rotation_interrupted": ws.provider.can_generate and len(ws.provider.versions()) > 1,
        }
    emit(
        as_json,
        data,
        lambda: console.print(
            f"provider {data['provider']}, current KEK {data['current']}, "
            f"data keys {data['data_keys_by_kek']}, "
            f"tombstones {data['erased_subjects']}"
            + (
                "; an interrupted rotation: run `veil keys rotate` to finish it"
                if data["rotation_interrupted"]
                else ""
            )
        ),
    )


# -- API keys of the HTTP service (veil serve) -----------------------------------------------


@app.command("create")
def create(
    role: Annotated[
        str, typer.Option(help="admin, steward, analyst, dpo, auditor or service (docs/api.md: scopes).")
    ],
    purpose: Annotated[
        list[str] | None,
        typer.Option(
            "--purpose",
            help="A purpose the key is granted (repeat; analysts and services act only for these).",
        ),
    ] = None,
    expires_days: Annotated[
        int | None, typer.Option(help="Expire after this many days (default: never).", min=1)
    ] = None,
    allow_network: Annotated[
        list[str] | None,
        typer.Option("--allow-network", help="Accept the key only from this CIDR (repeat; default: any)."),
    ] = None,
    user: Annotated[str | None, typer.Option(help="The staff user (veil users) the key belongs to.")] = None,
    workspace: WorkspaceOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Create an API key for the HTTP service; its secret is shown once, here, and never stored."""
    with open_ws(workspace) as ws:
        made = ApiKeys(ws).create(
            role, purposes=purpose or (), expires_days=expires_days, networks=allow_network or (), user=user
        )
    data = {**made.key.to_dict(), "key": made.token}

    def show() -> None:
        console.print(f"[green]Created API key[/] {made.key.id} (role {made.key.role})")
        console.print("Keep it now: it is not stored and cannot be shown again.", style="yellow")
        console.print(made.token, highlight=False, markup=False, soft_wrap=True)

    emit(as_json, data, show)


@app.command("list")
def list_(
    user: Annotated[str | None, typer.Option(help="Only this user's keys.")] = None,
    workspace: WorkspaceOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """List API keys (ids, roles, purposes, expiry, last use, state; never secrets)."""
    with open_ws(workspace) as ws:
        keys = ApiKeys(ws).list(user=user)

    def show() -> None:
        table = Table("role", "purposes", "user", "expires", "last used", "networks", "state")
        table.columns.insert(0, Column("id", no_wrap=True))
        for k in keys:
            table.add_row(
                k.id,
                k.role,
                ", ".join(k.purposes),
                k.user or "",
                k.expires_at or "never",
                k.last_used_at or "never",
                ", ".join(k.networks) if k.networks is not None else "any",
                k.state(),
            )
        console.print(table)

    emit(as_json, [k.to_dict() for k in keys], show)


@app.command("revoke")
def revoke(
    key_id: Annotated[str, typer.Argument(metavar="ID", help="The key's id (veil keys list).")],
    workspace: WorkspaceOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Revoke an API key: it and the access tokens made from it are refused from the next request."""
    with open_ws(workspace) as ws:
        key = ApiKeys(ws).revoke(key_id)
    emit(as_json, key.to_dict(), lambda: console.print(f"[green]Revoked[/] API key {key.id}"))
