"""``veil keys rotate|status``."""

from __future__ import annotations

import typer

from veil.cli.output import JsonOpt, WorkspaceOpt, console, emit, open_ws

__all__ = ["app"]

app = typer.Typer(help="Key-encryption keys and per-subject data keys.", no_args_is_help=True)


@app.command()
def rotate(workspace: WorkspaceOpt = None, as_json: JsonOpt = False) -> None:
    """Re-wrap every data key under a new KEK (data is not touched)."""
    with open_ws(workspace) as ws:
        result = ws.keystore.rotate()
        with ws.transaction() as conn:
            ws.audit.append(
                conn,
                "keys.rotate",
                details={
                    "new_kek": result.new_version,
                    "rewrapped": result.rewrapped,
                    "retired": result.retired,
                },
            )
    emit(
        as_json,
        {"new_version": result.new_version, "rewrapped": result.rewrapped, "retired": result.retired},
        lambda: console.print(
            f"[green]Rotated[/] to KEK {result.new_version}: {result.rewrapped} data keys "
            f"re-wrapped, retired {', '.join(result.retired) or 'none'}"
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
        }
    emit(
        as_json,
        data,
        lambda: console.print(
            f"provider {data['provider']}, current KEK {data['current']}, "
            f"data keys {data['data_keys_by_kek']}, "
            f"tombstones {data['erased_subjects']}"
        ),
    )
