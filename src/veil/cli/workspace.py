"""``veil init``, ``veil status`` and ``veil workspace`` (schema revisions)."""

from __future__ import annotations

from typing import Annotated, Any

import sqlalchemy as sa
import typer
from rich.markup import escape
from rich.table import Table

from veil.cli.output import (
    JsonOpt,
    NewWorkspaceOpt,
    WorkspaceOpt,
    console,
    emit,
    locate,
    new_workspace_dir,
    open_ws,
)
from veil.consent.purpose import PurposeRegistry
from veil.crypto.provider import PROVIDERS
from veil.errors import ConfigError
from veil.schema import subjects
from veil.vault.dataset import DatasetCatalog
from veil.workspace import Workspace

__all__ = ["app", "register"]

app = typer.Typer(
    help="The workspace's schema: the revisions of its data store and key store, and their upgrade.",
    no_args_is_help=True,
)


def init(
    workspace: NewWorkspaceOpt = None,
    database_url: Annotated[
        str | None,
        typer.Option(
            help="Data store URL (default: SQLite file in the workspace), e.g. "
            "postgresql+psycopg://user@host/db"
        ),
    ] = None,
    key_provider: Annotated[
        str, typer.Option(help=f"Where the key-encryption key lives: {', '.join(sorted(PROVIDERS))}.")
    ] = "file",
    as_json: JsonOpt = False,
) -> None:
    """Create a workspace: settings, data store, key store (kept apart) and audit log."""
    if key_provider not in PROVIDERS:
        raise ConfigError(
            f"unknown key provider {key_provider!r}; choose one of: {', '.join(sorted(PROVIDERS))}"
        )
    ws = Workspace.init(new_workspace_dir(workspace), database_url=database_url, key_provider=key_provider)
    try:
        info = {
            "workspace": str(ws.root),
            "backend": ws.engine.dialect.name,
            "key_provider": key_provider,
            "key_dir": str(ws.config.key_path(ws.root)),
        }
    finally:
        ws.close()

    def show() -> None:
        console.print(f"[green]Created workspace[/] {info['workspace']} ({info['backend']} data store)")
        console.print(f"  keys: {info['key_dir']} (provider: {key_provider}) -- back this up separately")
        console.print("  next: veil purpose add ... | veil ingest FILE --dataset NAME --subject-column COL")

    emit(as_json, info, show)


def status(workspace: WorkspaceOpt = None, as_json: JsonOpt = False) -> None:
    """Summarise a workspace (and say how it was found): datasets, subjects, purposes, keys, audit log."""
    where = locate(workspace)
    with open_ws(workspace) as ws:
        catalog = DatasetCatalog(ws)
        with ws.engine.connect() as conn:
            n_subjects = int(conn.execute(sa.select(sa.func.count()).select_from(subjects)).scalar_one())
        data: dict[str, Any] = {
            "workspace": str(ws.root),
            "found_by": where.source,
            "found_how": where.describe(),
            "backend": ws.engine.dialect.name,
            "key_provider": ws.config.key_provider,
            "kek_version": ws.provider.current_version(),
            "subjects": n_subjects,
            "erased_subjects": len(ws.keystore.tombstones()),
            "datasets": {d.name: catalog.row_count(d) for d in catalog.list()},
            "purposes": [p.name for p in PurposeRegistry(ws).list()],
            "audit_entries": ws.audit.head()[0],
        }

    def show() -> None:
        table = Table(show_header=False, box=None)
        for k, v in data.items():
            if k in ("found_by", "found_how"):
                continue
            shown = f"{v} ({data['found_how']})" if k == "workspace" else str(v)
            table.add_row(f"[bold]{k}[/]", escape(shown))
        console.print(table)

    emit(as_json, data, show)


@app.command("status")
def schema_status(workspace: WorkspaceOpt = None, as_json: JsonOpt = False) -> None:
    """Show each store's schema revision and what an upgrade would apply (changes nothing)."""
    with open_ws(workspace, upgrade=False) as ws:
        root, states = str(ws.root), ws.schema()

    def show() -> None:
        table = Table("store", "revision", "newest known", "pending")
        for s in states:
            revision = ", ".join(s.current) or "(none: made before schema versions)"
            table.add_row(s.store, revision, s.head, ", ".join(s.pending) or "-")
        console.print(table)
        if any(s.pending for s in states):
            console.print("The next Veil command upgrades it (or run `veil workspace upgrade`).")

    emit(as_json, {"workspace": root, "stores": [s.to_dict() for s in states]}, show)


@app.command("upgrade")
def schema_upgrade(workspace: WorkspaceOpt = None, as_json: JsonOpt = False) -> None:
    """Upgrade both stores to this Veil's schema now (every command does it when it opens one)."""
    with open_ws(workspace) as ws:
        root, applied, states = str(ws.root), ws.upgraded, ws.schema()

    def show() -> None:
        done = {store: revisions for store, revisions in applied.items() if revisions}
        if not done:
            console.print("The workspace's schema is up to date; nothing to do.")
        for store, revisions in done.items():
            console.print(f"[green]Upgraded[/] the {store}: {', '.join(revisions)}")

    emit(as_json, {"workspace": root, "applied": applied, "stores": [s.to_dict() for s in states]}, show)


def register(root: typer.Typer) -> None:
    root.command()(init)
    root.command()(status)
