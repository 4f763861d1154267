"""The ``veil`` command: a thin layer over the engines, one module per command group.

``main`` builds the Click command from the Typer app (:func:`build_command`), escapes Rich
markup in every help text (help is plain text: ``[pii]`` is a word, not a style), and maps
every ``VeilError`` to its exit code (``veil.errors.CODES``) and a one-line message (or
JSON with ``--json``).

Command modules load lazily (:class:`LazyGroup`): ``veil query`` imports the DP modules
and nothing of the ML, proxy or PII stacks; ``veil --help`` and shell completion list
the commands from :data:`COMMANDS` without importing any of them.
"""

from __future__ import annotations

import functools
import importlib
import json
import os
import sys
from pathlib import Path
from typing import Annotated, Any, NamedTuple

import click
import typer
import typer.core
from click.shell_completion import CompletionItem
from rich.markup import escape

from veil.cli.output import WORKSPACE_HELP, err_console
from veil.errors import VeilError, exit_code_of

__all__ = ["COMMANDS", "LazyGroup", "app", "build_command", "load_command", "main", "version"]


class Entry(NamedTuple):
    """A top-level command: the ``veil.cli`` module that defines it and its one-line help."""

    module: str
    help: str


#: Every top-level command in help order: its module and the first paragraph of its help
#: (what ``veil --help`` lists without importing the module; a test checks it is the
#: command's own). A module's ``register(root)`` adds its commands, its ``app`` is the group
#: of the same name (``dataset`` also gets ``dataset set`` from the ``dp`` module).
COMMANDS: dict[str, Entry] = {
    "init": Entry(
        "workspace", "Create a workspace: settings, data store, key store (kept apart) and audit log."
    ),
    "status": Entry(
        "workspace",
        "Summarise a workspace (and say how it was found): datasets, subjects, purposes, keys, audit log.",
    ),
    "workspace": Entry(
        "workspace",
        "The workspace's schema: the revisions of its data store and key store, and their upgrade.",
    ),
    "ingest": Entry(
        "dataset", "Ingest a file: seal identifiers and free text, pseudonymise, store attributes."
    ),
    "release": Entry(
        "dataset", "Write a purpose-bound extract: lawful subjects only, minimised, pseudonymised."
    ),
    "proxy": Entry(
        "proxy",
        "Serve /v1/chat/completions: every string of the request (messages, tool-call arguments,\n"
        "tool schemas, user, metadata, unknown fields) is masked before it goes upstream, and the\n"
        "values are put back into the answer (content and tool calls, streaming too). Each request\n"
        "is audit-logged, without values. Only loopback Host names are served and cross-origin\n"
        "browser requests are refused unless configured.",
    ),
    "demo": Entry(
        "demo",
        "Run the whole story on a temporary workspace: ingest, consent, release, access, erasure, audit.",
    ),
    "query": Entry(
        "dp", "Answer an aggregate SQL query with differential privacy, charged to the dataset's budget."
    ),
    "synth": Entry(
        "dp", "Write a differentially private synthetic copy of a dataset (MST), charged to its budget."
    ),
    "train": Entry(
        "ml", "Train a binary classifier with DP-SGD (Opacus), charged to the dataset's budget first."
    ),
    "federated": Entry(
        "federated", "Train a logistic regression across sites with Flower; only model updates leave a site."
    ),
    "audit-model": Entry(
        "model_audit",
        "Attack trained models with membership inference: loss threshold and LiRA (shadow models).",
    ),
    "fairness": Entry(
        "model_audit",
        "Group fairness of a model's held-out predictions (Fairlearn): per-group rates and differences.",
    ),
    "purpose": Entry("purpose", "Processing purposes: lawful basis and retention."),
    "dataset": Entry("dataset", "Datasets under Veil's control."),
    "consent": Entry("consent", "The consent ledger: grants and withdrawals by purpose."),
    "subject": Entry("subject", "Data subject rights: access (Art. 15/20) and erasure (Art. 17)."),
    "request": Entry(
        "request", "Data-subject requests (GDPR Arts. 15-22, CCPA): states, statutory clocks, fulfilment."
    ),
    "report": Entry(
        "report",
        "Reports from what Veil does: records of processing (Art. 30), DPIAs (Art. 35), their status.",
    ),
    "breach": Entry(
        "breach", "Personal data breaches (GDPR Arts. 33-34): register, 72-hour clock, assessment, notices."
    ),
    "receipt": Entry(
        "receipt", "Signed erasure receipts and release certificates: verify one, print the public key."
    ),
    "retention": Entry("retention", "Storage limitation: erase data whose retention has passed."),
    "audit": Entry("audit", "The tamper-evident audit log."),
    "keys": Entry("keys", "Key-encryption keys and per-subject data keys; API keys of the HTTP service."),
    "serve": Entry(
        "serve", "Serve Veil's HTTP API (/v1, OpenAPI at /v1/openapi.json): API keys, OIDC, roles and scopes."
    ),
    "users": Entry("users", "Staff users of the HTTP service: a role, granted purposes, their API keys."),
    "backup": Entry(
        "backup", "Encrypted data-store backups (the key store stays out; erasures survive restores)."
    ),
    "pii": Entry("pii", "Find, mask and unmask personal data in text files and tables."),
    "he": Entry("he", "Encrypted inference (CKKS): a server scores a model on features it cannot read."),
    "anonymity": Entry(
        "anonymity", "Disclosure risk of tables: measure re-identification risk, anonymise, attack, certify."
    ),
    "budget": Entry("dp", "Privacy budgets of datasets (epsilon, delta)."),
    "table": Entry("dp", "Public (non-personal) lookup tables DP queries may join."),
    "models": Entry("ml", "Trained models: list, show, retrain stale ones, delete."),
    "job": Entry("job", "Background jobs of the service: list, show, cancel."),
}


@functools.cache
def _registered(module: str) -> typer.Typer:
    """A Typer holding the commands ``veil.cli.<module>`` registers on the root (once per process)."""
    mod = importlib.import_module(f"veil.cli.{module}")
    holder = typer.Typer()
    if module == "dp":
        mod.register(holder, typer.Typer())  # `dataset set` goes to the dataset group: _dp_on_dataset
    elif hasattr(mod, "register"):
        mod.register(holder)
    return holder


@functools.cache
def _dp_on_dataset() -> None:
    """Add the ``dp`` module's ``dataset set`` to the dataset group (once per process)."""
    dataset_app = importlib.import_module("veil.cli.dataset").app
    importlib.import_module("veil.cli.dp").register(typer.Typer(), dataset_app)


def load_command(name: str) -> click.Command:
    """The Click command ``veil <name>``, built from its module (imported now)."""
    entry = COMMANDS[name]
    holder = _registered(entry.module)
    if name == entry.module and hasattr(sys.modules[f"veil.cli.{name}"], "app"):  # a group
        if name == "dataset":
            _dp_on_dataset()
        holder = typer.Typer()
        holder.add_typer(sys.modules[f"veil.cli.{name}"].app, name=name)
    return typer.main.get_group(holder).commands[name]


class LazyGroup(typer.core.TyperGroup):
    """The root group: lists :data:`COMMANDS` and imports a command's module only to run it
    (or to show its own help). Help and completion of the root list the commands from the
    table; a mistyped command gets one "did you mean"."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.escape_help = True
        self.suggest_commands = False  # TyperGroup's looks only at self.commands: see resolve_command
        self._listing = False
        self._loaded: dict[str, click.Command] = {}

    def list_commands(self, ctx: click.Context) -> list[str]:
        return [*self.commands, *(n for n in COMMANDS if n not in self.commands)]

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.commands:
            return self.commands[cmd_name]
        entry = COMMANDS.get(cmd_name)
        if entry is None:
            return None
        if self._listing:  # a row of the root's help or completion: no import
            return click.Command(cmd_name, help=escape(entry.help) if self.escape_help else entry.help)
        if cmd_name not in self._loaded:
            command = load_command(cmd_name)
            if self.escape_help:
                _escape_help(command)
            self._loaded[cmd_name] = command
        return self._loaded[cmd_name]

    def format_help(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        self._listing = True
        try:
            super().format_help(ctx, formatter)
        finally:
            self._listing = False

    def shell_complete(self, ctx: click.Context, incomplete: str) -> list[CompletionItem]:
        self._listing = True
        try:
            return super().shell_complete(ctx, incomplete)
        finally:
            self._listing = False

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        try:
            return super().resolve_command(ctx, args)
        except click.UsageError as e:
            if args:
                import difflib

                matches = difflib.get_close_matches(args[0], self.list_commands(ctx))
                if matches:
                    e.message = f"{e.message.rstrip('.')}. Did you mean {', '.join(map(repr, matches))}?"
            raise


app = typer.Typer(
    name="veil",
    cls=LazyGroup,
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
DB_ERROR_EXIT = exit_code_of("database_error")
INTERNAL_EXIT = exit_code_of("internal_error")


def _fail(code: str, message: str) -> None:
    if "--json" in sys.argv:
        sys.stdout.write(json.dumps({"error": code, "message": message}) + "\n")
    else:
        err_console.print(f"[bold red]error:[/] {escape(message)}", highlight=False)
    sys.exit(exit_code_of(code))


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
    if isinstance(command, LazyGroup):
        command.escape_help = True  # its commands are escaped as they load
    elif isinstance(command, click.Group):
        for sub in command.commands.values():
            _escape_help(sub)


def build_command(*, escape_help: bool = True) -> click.Command:
    """The ``veil`` Click command, as ``main`` runs it (help texts escaped for Rich)."""
    command = typer.main.get_command(app)
    if isinstance(command, LazyGroup):
        command.escape_help = False
    if escape_help:
        _escape_help(command)
    return command


def _database_error(exc: Exception) -> tuple[str, str] | None:
    """The code and message of a SQLAlchemy error (None for any other error).

    SQLAlchemy is looked up, not imported: a command that never opened a database has none.
    """
    sa_exc = sys.modules.get("sqlalchemy.exc")
    if sa_exc is None:
        return None
    if isinstance(exc, sa_exc.OperationalError):
        # Never print exc itself: SQLAlchemy appends the statement's parameters (personal data).
        first = str(exc.orig).splitlines()[0] if exc.orig is not None else type(exc).__name__
        return "database_error", f"database error: {first}"
    if isinstance(exc, sa_exc.DBAPIError):
        return "database_error", f"database error ({type(exc.orig).__name__})"
    return None


def main() -> None:
    # Shell completion prints help texts as plain descriptions: no Rich there, so no escaping.
    completing = any(k.startswith("_") and k.endswith("_COMPLETE") for k in os.environ)
    try:
        build_command(escape_help=not completing)()
    except VeilError as exc:
        _fail(exc.code, exc.message)
    except Exception as exc:
        database = _database_error(exc)
        if database is not None:
            _fail(*database)
        missing = (exc.name or "") if isinstance(exc, ImportError) else ""
        extra = OPTIONAL_MODULES.get(missing.split(".")[0])
        if extra is not None:
            _fail(
                "missing_dependency",
                f"this command needs {missing}, an optional dependency: pip install 'veil[{extra}]'",
            )
        # An unexpected error's text may quote personal data (a row, a parameter): never print
        # it unless asked to with VEIL_DEBUG=1.
        if os.environ.get("VEIL_DEBUG"):
            raise
        _fail(
            "internal_error",
            f"internal error ({type(exc).__name__}); re-run with VEIL_DEBUG=1 for details "
            "(the details may contain personal data)",
        )
