"""Shared CLI options and output: Rich for people, ``--json`` for scripts.

``--workspace`` and ``--json`` are accepted before the command (``veil --json -w W status``,
options of the root command) and after it (options of each command): a command's
``WorkspaceOpt``/``JsonOpt`` falls back to the root's value when not given itself.
"""

from __future__ import annotations

import contextlib
import json
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console

from veil.errors import ConfigError

if TYPE_CHECKING:  # imported where used: `veil --help` opens no database
    from veil.config import WorkspaceLocation
    from veil.workspace import Workspace

__all__ = [
    "DelimiterOpt",
    "JsonOpt",
    "NewWorkspaceOpt",
    "WorkspaceOpt",
    "console",
    "emit",
    "err_console",
    "locate",
    "new_workspace_dir",
    "open_ws",
    "progress_bar",
]

console = Console(highlight=False, soft_wrap=True)
err_console = Console(stderr=True, highlight=False, soft_wrap=True)


def _root_value(ctx: typer.Context, name: str) -> Any:
    """The value the root command (``veil --json -w W ...``) got for ``name``, if any."""
    root = ctx.find_root()
    return None if root is ctx else root.params.get(name)


def _inherit_workspace(ctx: typer.Context, value: Path | None) -> Path | None:
    return value if value is not None else _root_value(ctx, "workspace")


def _inherit_json(ctx: typer.Context, value: bool) -> bool:
    return bool(value or _root_value(ctx, "as_json"))


WORKSPACE_HELP = (
    "Workspace directory (default: $VEIL_HOME, else the nearest .veil directory here or above, like git)."
)
WorkspaceOpt = Annotated[
    Path | None,
    typer.Option("--workspace", "-w", help=WORKSPACE_HELP, show_default=False, callback=_inherit_workspace),
]
NewWorkspaceOpt = Annotated[
    Path | None,
    typer.Option(
        "--workspace",
        "-w",
        help="Directory of the new workspace (default: $VEIL_HOME, else ./.veil).",
        show_default=False,
        callback=_inherit_workspace,
    ),
]
DelimiterOpt = Annotated[
    str | None,
    typer.Option(
        "--delimiter",
        help="A CSV file's field delimiter: one character, or tab, comma, semicolon, pipe "
        "(default: detected from the file; tab for .tsv).",
        show_default=False,
    ),
]
JsonOpt = Annotated[
    bool, typer.Option("--json", help="Print machine-readable JSON on stdout.", callback=_inherit_json)
]


def locate(workspace: Path | None) -> WorkspaceLocation:
    """The workspace a command uses: --workspace, $VEIL_HOME, else found from the cwd upwards."""
    from veil.config import locate_workspace

    return locate_workspace(workspace)


def new_workspace_dir(workspace: Path | None) -> Path:
    """Where ``veil init`` creates a workspace (no search: a new one goes here, not above)."""
    from veil.config import default_workspace_dir

    return workspace if workspace is not None else default_workspace_dir()


def emit(as_json: bool, data: Any, render: Callable[[], None]) -> None:
    """Print ``data`` as JSON, or call ``render`` for people."""
    if as_json:
        sys.stdout.write(json.dumps(data, indent=2, default=str, ensure_ascii=False) + "\n")
    else:
        render()


@contextlib.contextmanager
def open_ws(workspace: Path | None, *, upgrade: bool = True) -> Iterator[Workspace]:
    from veil.workspace import Workspace

    where = locate(workspace)
    if not where.found:
        raise ConfigError(
            f"no Veil workspace in {where.searched_from} or any directory above it (looked for "
            f"{where.path.name}/veil.toml); create one with `veil init`, or name one with "
            "--workspace DIR or $VEIL_HOME"
        )
    ws = Workspace.open(where.path, upgrade=upgrade)
    try:
        yield ws
    finally:
        ws.close()


@contextlib.contextmanager
def progress_bar(label: str, enabled: bool = True) -> Iterator[Callable[[int, int], None]]:
    """A byte-based progress bar on stderr (hidden when stderr is not a terminal)."""
    from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn

    with Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        DownloadColumn(),
        TimeRemainingColumn(),
        console=err_console,
        transient=True,
        disable=not (enabled and err_console.is_terminal),
    ) as progress:
        task = progress.add_task(label, total=None)

        def update(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        yield update
