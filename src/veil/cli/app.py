"""The ``veil`` command: a thin layer over the engines, one module per command group.

``main`` builds the Click command from the Typer app once (:func:`build_command`), escapes
Rich markup in every help text (help is plain text: ``[pii]`` is a word, not a style), and
maps every ``VeilError`` to its exit code and a one-line message (or JSON with ``--json``).
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Annotated

import click
import sqlalchemy as sa
import typer
from rich.markup import escape

from veil.cli import (
    audit,
    backup,
    consent,
    dataset,
    demo,
    dp,
    federated,
    he,
    keys,
    ml,
    model_audit,
    pii,
    proxy,
    purpose,
    retention,
    subject,
    workspace,
)
from veil.cli.output import WORKSPACE_HELP, err_console
from veil.errors import ConfigError, VeilError

__all__ = ["app", "build_command", "main", "version"]

app = typer.Typer(
    name="veil",
    help="Veil: put personal data under control once, then use it only for a purpose.\n\n"
    "Options before the command apply to it: veil --json --workspace DIR status. "
    "Shell completion: veil --install-completion (or --show-completion SHELL to print the script).",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
)


def version() -> str:
    """The installed Veil's version."""
    from veil import __version__

    return __version__


def _print_version(value: bool) -> None:
    if value:
        if "--json" in sys.argv:
            sys.stdout.write(json.dumps({"version": version()}) + "\n")
        else:
            sys.stdout.write(f"veil {version()}\n")
        raise typer.Exit()


@app.callback()
def _root(
    workspace: Annotated[
        Path | None, typer.Option("--workspace", "-w", help=WORKSPACE_HELP, show_default=False)
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print machine-readable JSON on stdout (every command).")
    ] = False,
    show_version: Annotated[
        bool,
        typer.Option(
            "--version", help="Print Veil's version and exit.", callback=_print_version, is_eager=True
        ),
    ] = False,
) -> None:
    """The options every command takes, given before the command."""


workspace.register(app)
dataset.register(app)
app.add_typer(purpose.app, name="purpose")
app.add_typer(dataset.app, name="dataset")
app.add_typer(consent.app, name="consent")
app.add_typer(subject.app, name="subject")
app.add_typer(retention.app, name="retention")
app.add_typer(audit.app, name="audit")
app.add_typer(keys.app, name="keys")
app.add_typer(backup.app, name="backup")
app.add_typer(pii.app, name="pii")
app.add_typer(he.app, name="he")
proxy.register(app)
demo.register(app)
dp.register(app, dataset.app)
ml.register(app)
federated.register(app)
model_audit.register(app)

DB_ERROR_EXIT = 11
#: Optional dependencies -> the extra that installs them (a command that needs one says so).
OPTIONAL_MODULES = {
    "torch": "ml",
    "opacus": "ml",
    "sklearn": "ml",
    "fairlearn": "ml",
    "tenseal": "ml",
    "flwr": "ml",
    "ray": "federated-sim",
    "mbi": "synth",
    "jax": "synth",
    "pyspark": "spark",
    "psycopg": "postgres",
}
INTERNAL_EXIT = 70


def _fail(code: str, message: str, exit_code: int) -> None:
    if "--json" in sys.argv:
        sys.stdout.write(json.dumps({"error": code, "message": message}) + "\n")
    else:
        err_console.print(f"[bold red]error:[/] {escape(message)}", highlight=False)
    sys.exit(exit_code)


def _escape_help(command: click.Command) -> None:
    """Escape Rich markup in the help of ``command``, its parameters and its subcommands."""
    for attr in ("help", "short_help", "epilog"):
        text = getattr(command, attr, None)
        if text:
            setattr(command, attr, escape(text))
    for param in command.params:
        text = getattr(param, "help", None)
        if text:
            param.help = escape(text)  # type: ignore[attr-defined]
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            _escape_help(sub)


def build_command(*, escape_help: bool = True) -> click.Command:
    """The ``veil`` Click command, as ``main`` runs it (help texts escaped for Rich)."""
    command = typer.main.get_command(app)
    if escape_help:
        _escape_help(command)
    return command


def main() -> None:
    # Shell completion prints help texts as plain descriptions: no Rich there, so no escaping.
    completing = any(k.startswith("_") and k.endswith("_COMPLETE") for k in os.environ)
    try:
        build_command(escape_help=not completing)()
    except VeilError as exc:
        _fail(exc.code, exc.message, exc.exit_code)
    except sa.exc.OperationalError as exc:
        # Never print exc itself: SQLAlchemy appends the statement's parameters (personal data).
        first = str(exc.orig).splitlines()[0] if exc.orig is not None else type(exc).__name__
        _fail("database_error", f"database error: {first}", DB_ERROR_EXIT)
    except sa.exc.DBAPIError as exc:
        _fail("database_error", f"database error ({type(exc.orig).__name__})", DB_ERROR_EXIT)
    except Exception as exc:
        missing = (exc.name or "") if isinstance(exc, ImportError) else ""
        extra = OPTIONAL_MODULES.get(missing.split(".")[0])
        if extra is not None:
            _fail(
                "missing_dependency",
                f"this command needs {missing}, an optional dependency: pip install 'veil[{extra}]'",
                ConfigError.exit_code,
            )
        # An unexpected error's text may quote personal data (a row, a parameter): never print
        # it unless asked to with VEIL_DEBUG=1.
        if os.environ.get("VEIL_DEBUG"):
            raise
        _fail(
            "internal_error",
            f"internal error ({type(exc).__name__}); re-run with VEIL_DEBUG=1 for details "
            "(the details may contain personal data)",
            INTERNAL_EXIT,
        )
