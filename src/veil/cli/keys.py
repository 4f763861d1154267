"""``veil keys rotate|status``."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from veil.cli.output import JsonOpt, WorkspaceOpt, console, emit, err_console, open_ws

__all__ = ["app"]

app = typer.Typer(help="Key-encryption keys and per-subject data keys.", no_args_is_help=True)


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
