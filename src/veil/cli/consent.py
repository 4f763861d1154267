"""``veil consent grant|withdraw|import|show``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from veil import clock
from veil.cli.output import JsonOpt, WorkspaceOpt, console, emit, open_ws
from veil.consent.ledger import ConsentAction, ConsentLedger
from veil.errors import InputError

__all__ = ["app"]

ORDER_RULE = (
    "Order of events: a subject is granted for a purpose when some grant was recorded after "
    "every withdrawal AND is dated strictly after every withdrawal. A withdrawal therefore wins "
    "over everything recorded before it, whatever date those events state, and a back-dated or "
    "imported grant older than a withdrawal does not bring consent back (record a new grant). "
    "Dates further in the future than max_future_seconds (table consent in veil.toml; default "
    "300) are "
    "refused; a stated date is kept as evidence and never counts as later than when it was recorded."
)

app = typer.Typer(
    help="The consent ledger: grants and withdrawals by purpose.\n\n" + ORDER_RULE,
    no_args_is_help=True,
)

SubjectArg = Annotated[str, typer.Argument(help="Subject id (as in the subject column).")]
PurposeArg = Annotated[str, typer.Argument(help="Purpose name.")]
EvidenceOpt = Annotated[str | None, typer.Option(help="Evidence, e.g. form id or recording ref (sealed).")]
AtOpt = Annotated[
    str | None,
    typer.Option(
        "--at",
        help="When it happened (ISO-8601; default now). May lie in the past, not in the future "
        "(beyond the clock-skew allowance); a grant dated before a recorded withdrawal does not count.",
    ),
]


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
    """Record that the subject gave consent for a purpose.

    It counts only if dated after every withdrawal recorded for the purpose so far."""
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
    """Record that the subject withdrew consent for a purpose.

    It wins over every grant recorded before it, whatever date that grant states."""
    _record(ConsentAction.WITHDRAW, subject, purpose, evidence, at, workspace, as_json)


@app.command("import")
def import_(
    file: Annotated[
        Path, typer.Argument(help="CSV with columns subject, purpose, action, timestamp, evidence.")
    ],
    workspace: WorkspaceOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Import consent events from CSV (all or nothing).

    Rows are recorded after everything already in the ledger, in the order of their
    timestamps (file order for equal ones): an imported withdrawal wins over every grant
    recorded before, and an imported grant dated before a recorded withdrawal does not
    restore consent. A timestamp in the future fails the whole import."""
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
    """Show a subject's consent history (in record order) and current state."""
    with open_ws(workspace) as ws:
        history, state = ConsentLedger(ws).standing(subject)

    def render() -> None:
        table = Table("#", "stated time", "recorded", "purpose", "action", "evidence")
        for e in history:
            table.add_row(
                str(e.seq), e.ts, e.recorded_at, e.purpose, e.action.value, escape(e.evidence or "")
            )
        console.print(table)
        for purpose, granted in sorted(state.items()):
            console.print(f"  {purpose}: {'[green]granted[/]' if granted else '[red]not granted[/]'}")

    emit(as_json, {"history": [e.to_dict() for e in history], "state": state}, render)
