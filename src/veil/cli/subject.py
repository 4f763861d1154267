"""``veil subject export|erase``."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from veil.cli.output import JsonOpt, WorkspaceOpt, console, emit, err_console, open_ws
from veil.errors import ErasurePendingError, InputError, exit_code_of
from veil.fileio import atomic_write_bytes
from veil.rights.access import export_subject
from veil.rights.erasure import DEFAULT_WAIT_S, erase_subject
from veil.rights.package import AccessPackage

__all__ = ["app"]

app = typer.Typer(
    help="Data subject rights: access (Art. 15/20) and erasure (Art. 17).", no_args_is_help=True
)


@app.command()
def export(
    subject: Annotated[str, typer.Argument(help="Subject id.")],
    out: Annotated[Path | None, typer.Option(help="Also write the export to this file (0600).")] = None,
    format: Annotated[
        str,
        typer.Option(
            "--format",
            help="The file's format: json, html or pdf (a readable document with the usage receipt and the "
            "Art. 15(1) information; pdf needs the reports extra).",
        ),
    ] = "json",
    workspace: WorkspaceOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Everything held about a subject, decrypted, with a usage receipt."""
    if format not in ("json", "html", "pdf"):
        raise InputError("--format must be json, html or pdf")
    if format != "json" and out is None:
        raise InputError(f"--format {format} writes a file: give --out FILE")
    with open_ws(workspace) as ws:
        result = export_subject(ws, subject)
        document = AccessPackage.of_export(ws, result).to_html() if format != "json" else b""
    data = result.to_dict()
    if out and format == "json":
        atomic_write_bytes(out, json.dumps(data, indent=2, default=str).encode(), mode=0o600)
    elif out and format == "html":
        atomic_write_bytes(out, document, mode=0o600)
    elif out:
        from veil.reports.render import pdf_from_html

        atomic_write_bytes(out, pdf_from_html(document.decode("utf-8")), mode=0o600)

    def show() -> None:
        if result.status == "erased":
            console.print(f"Subject was [bold]erased[/] at {result.erased_at}; their data key is destroyed.")
            if result.erasure_pending:
                console.print(
                    "  [yellow]erasure pending[/] in: "
                    + ", ".join(result.erasure_pending)
                    + " (completed by the next Veil command, or run `veil subject erase` again)"
                )
        elif result.status == "not_held":
            console.print("Veil holds no data about this subject.")
        else:
            rows = sum(len(v) for v in result.datasets.values())
            console.print(
                f"[bold]Subject[/] {result.subject} (pseudonym {result.pseudonym}), held since "
                f"{result.created_at}"
            )
            console.print(f"  {rows} rows in {len(result.datasets)} dataset(s): {', '.join(result.datasets)}")
            console.print(f"  consent: {result.consent_state or 'no events'}")
        for m in result.models:
            stale = ", [red]stale[/]" if m["stale"] else ""
            console.print(f"  model [bold]{m['model']}[/] (version {m['version']}{stale}): {m['statement']}")
        console.print(
            f"  usage receipt: {len(result.usage)} audit entries"
            + "".join(
                f"\n    #{u['seq']} {u['ts']} {u['action']}"
                + (f" purpose={u['purpose']}" if u["purpose"] else "")
                for u in result.usage
            )
        )
        console.print("  use --json (or --out FILE) for the full machine-readable export")

    emit(as_json, data, show)


@app.command()
def erase(
    subject: Annotated[str, typer.Argument(help="Subject id.")],
    reason: Annotated[str, typer.Option(help="Why (recorded in the audit log).")] = "subject_request",
    yes: Annotated[
        bool, typer.Option("--yes", "-y", help="Erase without asking for confirmation (for scripts).")
    ] = False,
    wait: Annotated[
        float,
        typer.Option(help="Seconds to wait for a busy store before leaving its part pending.", min=0),
    ] = DEFAULT_WAIT_S,
    workspace: WorkspaceOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Erase a subject: destroy their data key (crypto-shred), delete rows, keep a tombstone.

    This cannot be undone, so it asks first; --yes skips the question, and without a
    terminal to ask on (a script, a pipe) it refuses unless --yes is given (exit 3).
    Exit 15: the erasure is recorded and the key destroyed, but a store was busy (e.g. the
    DP mirror open in a running `veil query`); the next Veil command completes it, or run
    this again. `veil subject export` lists what is still pending.
    """
    if not yes:
        if not sys.stdin.isatty():
            raise InputError(
                "erasure cannot be undone and needs confirmation, but there is no terminal to ask on; "
                "pass --yes to erase without asking"
            )
        question = f"Erase subject {subject!r} for good (data key destroyed, rows deleted)?"
        if not typer.confirm(question, default=False, err=True):
            err_console.print("Nothing was erased.")
            raise typer.Exit(exit_code_of("cancelled"))
    with open_ws(workspace) as ws:
        result = erase_subject(ws, subject, reason=reason, wait_s=wait)

    def show() -> None:
        if result.status == "pending":
            console.print(
                f"[yellow]Erasure pending[/] for subject {result.pseudonym}: the data key is destroyed "
                "(nothing of theirs can be decrypted), but these stores were busy and will be "
                "completed by the next Veil command (or run this again):"
            )
            for name, why in result.pending.items():
                console.print(f"  {name}: {why}")
            return
        console.print(
            f"[green]Erased[/] subject {result.pseudonym}: key destroyed={result.key_destroyed}, "
            f"rows deleted={sum(result.rows_deleted.values())}, consent events deleted="
            f"{result.consent_events_deleted} (audit entry {result.audit_seq})"
            + (" [dim](was already erased)[/]" if result.already_erased else "")
        )

    emit(as_json, result.to_dict(), show)
    if result.status == "pending":
        raise typer.Exit(ErasurePendingError.exit_code)
