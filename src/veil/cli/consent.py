"""``veil consent grant|withdraw|import|show``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from veil import clock
from veil.cli.output import JsonOpt, WorkspaceOpt, console, emit, open_ws
from veil.consent.ledger import ConsentAction, ConsentLedger, derive_state
from veil.errors import InputError

__all__ = ["app"]

app = typer.Typer(help="The consent ledger: grants and withdrawals by purpose.", no_args_is_help=True)

SubjectArg = Annotated[str, typer.Argument(help="Subject id (as in the subject column).")]
PurposeArg = Annotated[str, typer.Argument(help="Purpose name.")]
EvidenceOpt = Annotated[str | None, typer.Option(help="Evidence, e.g. form id or recording ref (sealed).")]
AtOpt = Annotated[str | None, typer.Option("--at", help="When it happened (ISO-8601; default now).")]


def _record(
    action: ConsentAction,
    subject: str,
    purpose: str,
    evidence: str | None,
    at: str | None,
    workspace: Path | None,
    as_json: bool,
) -> None:
    when = None
    if at:
        try:
            when = clock.parse_ts(at)
        except ValueError:
            raise InputError("--at must be an ISO-8601 date or time") from None
    with open_ws(workspace) as ws:
        event = ConsentLedger(ws).record(subject, purpose, action, evidence=evidence, at=when)
    data = event.to_dict()
    data.pop("evidence")
    emit(
        as_json,
        data,
        lambda: console.print(f"[green]Recorded[/] {action.value} for purpose {purpose} at {event.ts}"),
    )


@app.command()
def grant(
    subject: SubjectArg,
    purpose: PurposeArg,
    evidence: EvidenceOpt = None,
    at: AtOpt = None,
    workspace: WorkspaceOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Record that the subject gave consent for a purpose."""
    _record(ConsentAction.GRANT, subject, purpose, evidence, at, workspace, as_json)


@app.command()
def withdraw(
    subject: SubjectArg,
    purpose: PurposeArg,
    evidence: EvidenceOpt = None,
    at: AtOpt = None,
    workspace: WorkspaceOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Record that the subject withdrew consent for a purpose."""
    _record(ConsentAction.WITHDRAW, subject, purpose, evidence, at, workspace, as_json)


@app.command("import")
def import_(
    file: Annotated[
        Path, typer.Argument(help="CSV with columns subject, purpose, action, timestamp, evidence.")
    ],
    workspace: WorkspaceOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Import consent events from CSV (all or nothing)."""
    with open_ws(workspace) as ws:
        result = ConsentLedger(ws).import_csv(file)
    emit(
        as_json,
        {"events": result.events, "subjects": result.subjects, "skipped_erased": result.skipped_erased},
        lambda: console.print(
            f"[green]Imported[/] {result.events} events for {result.subjects} subjects"
            + (f" ({result.skipped_erased} for erased subjects skipped)" if result.skipped_erased else "")
        ),
    )


@app.command()
def show(subject: SubjectArg, workspace: WorkspaceOpt = None, as_json: JsonOpt = False) -> None:
    """Show a subject's consent history and current state."""
    with open_ws(workspace) as ws:
        history = ConsentLedger(ws).history(subject)
    state = derive_state(history)

    def render() -> None:
        table = Table("time", "purpose", "action", "evidence")
        for e in history:
            table.add_row(e.ts, e.purpose, e.action.value, e.evidence or "")
        console.print(table)
        for purpose, granted in sorted(state.items()):
            console.print(f"  {purpose}: {'[green]granted[/]' if granted else '[red]not granted[/]'}")

    emit(as_json, {"history": [e.to_dict() for e in history], "state": state}, render)
