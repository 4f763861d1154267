"""``veil breach open|assess|update|notify|close|list|show|draft|notices``: the breach register."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from veil import clock
from veil.breach.notice import authority_notice, subject_notice
from veil.breach.register import BreachRecord, BreachRegister
from veil.breach.severity import LOSS, Circumstances
from veil.cli.output import JsonOpt, WorkspaceOpt, console, emit, err_console, open_ws
from veil.errors import InputError
from veil.fileio import atomic_write_bytes

__all__ = ["app"]

app = typer.Typer(
    help="Personal data breaches (GDPR Arts. 33-34): register, 72-hour clock, assessment, notices.",
    no_args_is_help=True,
)
_LOSS_HELP = "none, partial or full (ENISA)"


def _when(text: str | None, what: str) -> datetime | None:
    if text is None:
        return None
    try:
        return clock.parse_ts(text)
    except ValueError:
        raise InputError(f"{what} must be an ISO-8601 date-time, e.g. 2026-12-01T08:30:00Z") from None


def _loss(value: str, what: str) -> Any:
    if value not in LOSS:
        raise InputError(f"--{what} must be one of {', '.join(LOSS)}")
    return value


def _circumstances(confidentiality: str, integrity: str, availability: str, malicious: bool) -> Circumstances:
    return Circumstances(
        confidentiality=_loss(confidentiality, "confidentiality"),
        integrity=_loss(integrity, "integrity"),
        availability=_loss(availability, "availability"),
        malicious=malicious,
    )


def _show(record: BreachRecord) -> None:
    console.print(f"[bold]Breach[/] {record.id}: {record.title} — {record.state}")
    console.print(f"  aware {record.aware_at}; notify the authority by {record.notify_by}")
    left = record.hours_left()
    if left is not None:
        console.print("  [red]overdue[/]" if left < 0 else f"  {left} hours left")
    if record.notified_at:
        console.print(
            f"  notified {record.notified_at}" + (f" (late: {record.delay_reason})" if record.late else "")
        )
    if record.not_notified_reason:
        console.print(f"  not notified: {record.not_notified_reason}")
    console.print(f"  leaks: {', '.join(record.leaks)}")
    if record.assessment:
        exp, sev = record.assessment["exposure"], record.assessment["severity"]
        console.print(
            f"  exposed: {exp['subjects']} subjects, {exp['subjects_in_clear']} with data in clear, "
            f"{exp['subjects_unintelligible']} only sealed (Art. 34(3)(a)); {exp['records']} records"
        )
        if exp["categories_in_clear"]:
            console.print(
                "  in clear: " + ", ".join(f"{k} ({v})" for k, v in exp["categories_in_clear"].items())
            )
        if exp["categories_sealed"]:
            console.print(
                "  sealed only: " + ", ".join(f"{k} ({v})" for k, v in exp["categories_sealed"].items())
            )
        console.print(
            f"  severity (ENISA): SE = {sev['dpc']} x {sev['ei']} + {sev['cb']} = {sev['score']} "
            f"({sev['band']}); "
            f"EI {sev['ease']}: {sev['ease_reason']}"
        )
        console.print(
            "  notify the authority: "
            + ("yes" if record.assessment["notify_authority"] else "not required (no data exposed in clear)")
            + "; tell the subjects: "
            + ("yes" if record.assessment["notify_subjects"] else "not required")
        )
        for note in exp.get("notes", []):
            console.print(f"  note: {note}")
    for event in record.events:
        console.print(f"  {event.ts} {event.kind}: {event.note}")


@app.command("open")
def open_(
    title: Annotated[str, typer.Option(help="What happened, without personal data.")],
    leak: Annotated[
        list[str],
        typer.Option(
            help="What leaked (repeat): dataset:NAME, data-store, key-store, kek:VERSION, backup:PATH, "
            "release:SEQ, access:ACTOR@FROM..TO."
        ),
    ],
    aware: Annotated[
        str | None, typer.Option(help="When you became aware (ISO-8601; default now): starts the 72 hours.")
    ] = None,
    confidentiality: Annotated[str, typer.Option(help=_LOSS_HELP)] = "partial",
    integrity: Annotated[str, typer.Option(help=_LOSS_HELP)] = "none",
    availability: Annotated[str, typer.Option(help=_LOSS_HELP)] = "none",
    malicious: Annotated[bool, typer.Option(help="The breach was intended (ENISA +0.5).")] = False,
    workspace: WorkspaceOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Record a breach (every breach, notified or not: Art. 33(5))."""
    with open_ws(workspace) as ws:
        record = BreachRegister(ws).open(
            title,
            leak,
            aware_at=_when(aware, "--aware"),
            circumstances=_circumstances(confidentiality, integrity, availability, malicious),
        )
    emit(as_json, record.to_dict(), lambda: _show(record))


@app.command()
def assess(
    breach_id: Annotated[str, typer.Argument(help="The breach id (br_...).")],
    ease: Annotated[
        str | None,
        typer.Option(help="Override the ease of identification: negligible, limited, significant, maximum."),
    ] = None,
    ease_reason: Annotated[str, typer.Option(help="Why the override.")] = "",
    dpc_adjust: Annotated[
        float, typer.Option(help="Adjust the data processing context (-3..+3, ENISA).")
    ] = 0.0,
    dpc_reason: Annotated[str, typer.Option(help="Why the adjustment.")] = "",
    workspace: WorkspaceOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Work out which subjects and categories leaked, what only sealed, and the ENISA severity."""
    from veil.cli.output import progress_bar

    with open_ws(workspace) as ws, progress_bar("subjects assessed", enabled=not as_json) as bar:
        record = BreachRegister(ws).assess(
            breach_id,
            ease=ease,
            ease_reason=ease_reason,
            dpc_adjustment=dpc_adjust,
            dpc_reason=dpc_reason,
            progress=lambda n: bar(n, 0),
        )
    emit(as_json, record.to_dict(), lambda: _show(record))


@app.command()
def update(
    breach_id: Annotated[str, typer.Argument(help="The breach id.")],
    note: Annotated[str, typer.Option(help="The new information (Art. 33(4) phases), no personal data.")],
    workspace: WorkspaceOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Add information in phases (Art. 33(4))."""
    with open_ws(workspace) as ws:
        record = BreachRegister(ws).update(breach_id, note)
    emit(as_json, record.to_dict(), lambda: _show(record))


@app.command()
def notify(
    breach_id: Annotated[str, typer.Argument(help="The breach id.")],
    at: Annotated[str | None, typer.Option(help="When the authority was notified (default now).")] = None,
    delay_reason: Annotated[str, typer.Option(help="Required after the 72 hours (Art. 33(1)).")] = "",
    workspace: WorkspaceOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Record the notification to the supervisory authority."""
    with open_ws(workspace) as ws:
        record = BreachRegister(ws).notify(breach_id, at=_when(at, "--at"), delay_reason=delay_reason)
    emit(as_json, record.to_dict(), lambda: _show(record))


@app.command()
def close(
    breach_id: Annotated[str, typer.Argument(help="The breach id.")],
    reason: Annotated[str, typer.Option(help="Why it was not notified (required if it was not).")] = "",
    workspace: WorkspaceOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Close a breach."""
    with open_ws(workspace) as ws:
        record = BreachRegister(ws).close(breach_id, reason=reason)
    emit(as_json, record.to_dict(), lambda: _show(record))


@app.command("list")
def list_(
    state: Annotated[str | None, typer.Option(help="open, assessed, notified or closed.")] = None,
    overdue: Annotated[bool, typer.Option(help="Only breaches past the 72 hours and not notified.")] = False,
    workspace: WorkspaceOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """The register: every breach with its clock."""
    with open_ws(workspace) as ws:
        records = BreachRegister(ws).list(state=state, overdue=overdue)

    def render() -> None:
        table = Table("id", "title", "state", "aware", "deadline", "severity", "")
        for r in records:
            left = r.hours_left()
            flag = (
                "[red]overdue[/]"
                if left is not None and left < 0
                else ("" if left is None else f"{left} h left")
            )
            table.add_row(r.id, r.title[:40], r.state, r.aware_at[:16], r.notify_by[:16], r.band or "", flag)
        console.print(table)

    emit(as_json, [r.to_dict() for r in records], render)


@app.command()
def show(
    breach_id: Annotated[str, typer.Argument(help="The breach id.")],
    workspace: WorkspaceOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """One breach: clock, assessment, severity, events."""
    with open_ws(workspace) as ws:
        record = BreachRegister(ws).get(breach_id)
    emit(as_json, record.to_dict(), lambda: _show(record))


@app.command()
def draft(
    breach_id: Annotated[str, typer.Argument(help="The breach id.")],
    out: Annotated[
        Path | None, typer.Option(help="Write the draft (JSON) here instead of printing it.")
    ] = None,
    workspace: WorkspaceOpt = None,
) -> None:
    """The draft notification to the supervisory authority (Art. 33(3)(a)-(d)), as JSON."""
    with open_ws(workspace) as ws:
        body = authority_notice(ws, BreachRegister(ws).get(breach_id))
    text = json.dumps(body, indent=2, ensure_ascii=False) + "\n"
    if out is None:
        console.print_json(text)
    else:
        atomic_write_bytes(out, text.encode(), mode=0o600)
        err_console.print(f"draft written to {out}")


@app.command()
def notices(
    breach_id: Annotated[str, typer.Argument(help="The breach id.")],
    out: Annotated[
        Path | None, typer.Option(help="Directory for one plain-language notice per subject to tell.")
    ] = None,
    portal: Annotated[
        bool, typer.Option(help="Show each subject their notice in the portal (recorded as telling them).")
    ] = False,
    workspace: WorkspaceOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Write the Art. 34 notices: one per subject whose data leaked in clear (named by pseudonym)."""
    if out is None and not portal:
        raise InputError("say where the notices go: --out DIR, --portal, or both")
    with open_ws(workspace) as ws:
        register = BreachRegister(ws)
        record = register.get(breach_id)
        rows = register.exposed(breach_id, clear_only=True)
        if out is not None:
            out.mkdir(parents=True, exist_ok=True, mode=0o700)
            for pseudonym, clear, sealed, _state in rows:
                text = subject_notice(record, clear, sealed).encode()
                atomic_write_bytes(out / f"{pseudonym}.txt", text, mode=0o600)
        if portal:
            register.tell_subjects(breach_id)
    emit(
        as_json,
        {"breach": breach_id, "notices": len(rows), "dir": str(out) if out else None, "portal": portal},
        lambda: console.print(
            f"{len(rows)} notices "
            + (f"written to {out}" if out else "")
            + (" and " if out and portal else "")
            + ("shown in the portal" if portal else "")
            + " (subjects whose data leaked only sealed need none: Art. 34(3)(a))"
        ),
    )
