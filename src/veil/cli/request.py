"""``veil request create|list|show|transition|fulfil|extend``."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from veil import clock
from veil.cli.output import JsonOpt, WorkspaceOpt, console, emit, open_ws
from veil.errors import InputError
from veil.fileio import atomic_write_bytes
from veil.rights.erasure import DEFAULT_WAIT_S
from veil.rights.fulfilment import fulfil as fulfil_request
from veil.rights.package import FORMATS
from veil.rights.requests import MAX_PAGE, RequestRegistry, SubjectRequest

__all__ = ["app"]

app = typer.Typer(
    help="Data-subject requests (GDPR Arts. 15-22, CCPA): states, statutory clocks, fulfilment.",
    no_args_is_help=True,
)


def _received(text: str | None) -> datetime | None:
    if text is None:
        return None
    try:
        return clock.parse_ts(text)
    except ValueError:
        raise InputError("--received must be an ISO-8601 date or date-time, e.g. 2026-01-31") from None


def _row(req: SubjectRequest, now: datetime) -> list[str]:
    state = req.state.value + (f" ({req.denial_reason.value})" if req.denial_reason else "")
    late = "[red]overdue[/]" if req.overdue(now) else ""
    return [req.type.value, req.regime.value, state, req.received_at[:10], req.due_on, late, req.id]


def _show_one(req: SubjectRequest) -> None:
    now = clock.now()
    d = req.deadlines
    console.print(
        f"[bold]Request[/] {req.id}: {req.type.value} ({req.regime.value.upper()}), {req.state.value}"
    )
    if req.denial_reason:
        console.print(f"  denied: {req.denial_reason.value}")
    console.print(f"  subject pseudonym {req.pseudonym}; received {req.received_at}")
    if d.confirm_by:
        confirmed = f"confirmed {req.confirmed_at}" if req.confirmed_at else "not yet confirmed"
        console.print(f"  confirm receipt by {d.confirm_by.isoformat()} ({confirmed})")
    extended = f" (extended at {req.extended_at})" if req.extended_at else ""
    console.print(f"  respond by {req.due_on}{extended}" + (" [red]overdue[/]" if req.overdue(now) else ""))
    if not req.extended_at and req.is_open:
        console.print(
            f"  an extension to {d.extended_respond_by.isoformat()} needs a notice by "
            f"{d.extension_notice_by.isoformat()}"
        )
    if req.result:
        console.print(f"  fulfilment: {json.dumps(req.result, sort_keys=True)}")


@app.command()
def create(
    subject: Annotated[str, typer.Option(help="The subject's id (stored only as its pseudonym).")],
    type: Annotated[
        str,
        typer.Option(
            "--type",
            help="access, portability, erasure, rectification, restriction, objection or consent_withdrawal.",
        ),
    ],
    regime: Annotated[str, typer.Option(help="The law it is made under: gdpr or ccpa.")] = "gdpr",
    received: Annotated[
        str | None,
        typer.Option(help="When it was received (ISO-8601 date or date-time, UTC; default: now)."),
    ] = None,
    workspace: WorkspaceOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Record a request; a second open request of the same type for the subject is refused (exit 5)."""
    with open_ws(workspace) as ws:
        req = RequestRegistry(ws).create(
            subject_id=subject, type=type, regime=regime, received_at=_received(received)
        )
    emit(as_json, req.to_dict(), lambda: _show_one(req))


@app.command("list")
def list_(
    overdue: Annotated[
        bool, typer.Option("--overdue", help="Only open requests past a deadline now.")
    ] = False,
    state: Annotated[str | None, typer.Option(help="Only requests in this state.")] = None,
    type: Annotated[str | None, typer.Option("--type", help="Only requests of this type.")] = None,
    limit: Annotated[int, typer.Option(help=f"At most this many (1-{MAX_PAGE}).")] = 50,
    cursor: Annotated[str | None, typer.Option(help="Continue after the page that printed it.")] = None,
    workspace: WorkspaceOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """List requests in order of receipt, with their deadlines."""
    now = clock.now()
    with open_ws(workspace) as ws:
        page = RequestRegistry(ws).list(
            state=state, type=type, overdue_at=now if overdue else None, limit=limit, cursor=cursor
        )

    def show() -> None:
        table = Table("type", "regime", "state", "received", "due", "")
        table.add_column("id", no_wrap=True, min_width=32)
        for req in page.items:
            table.add_row(*_row(req, now))
        console.print(table)
        if page.next_cursor:
            console.print(f"more: --cursor {page.next_cursor}")

    emit(as_json, {"items": [r.to_dict(now) for r in page.items], "next_cursor": page.next_cursor}, show)


@app.command()
def show(
    request_id: Annotated[str, typer.Argument(help="The request's id.")],
    workspace: WorkspaceOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """A request, its deadlines and its history (every state change with its actor)."""
    with open_ws(workspace) as ws:
        registry = RequestRegistry(ws)
        req = registry.get(request_id)
        events = registry.events(request_id)

    def render() -> None:
        _show_one(req)
        for e in events:
            change = f"{e.from_state} -> {e.to_state}" if e.from_state else e.to_state
            console.print(f"    {e.ts} {e.actor}: {change}" + (f" ({e.detail})" if e.detail else ""))

    emit(as_json, {**req.to_dict(), "events": [e.to_dict() for e in events]}, render)


@app.command()
def transition(
    request_id: Annotated[str, typer.Argument(help="The request's id.")],
    state: Annotated[str, typer.Argument(help="verifying, in_progress, fulfilled, denied or expired.")],
    reason: Annotated[
        str | None,
        typer.Option(
            help="Why it is denied: suspected_fraud, insuf_verification, no_match, claim_not_covered, "
            "outside_jurisdiction, too_many_requests, manifestly_unfounded, excessive or other."
        ),
    ] = None,
    workspace: WorkspaceOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Move a request to another state; an illegal change is refused (exit 5, invalid_transition)."""
    with open_ws(workspace) as ws:
        req = RequestRegistry(ws).transition(request_id, state, reason=reason)
    emit(as_json, req.to_dict(), lambda: _show_one(req))


@app.command()
def extend(
    request_id: Annotated[str, typer.Argument(help="The request's id.")],
    workspace: WorkspaceOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Extend the deadline (GDPR: two further months; CCPA: 45 days) as the notice is sent.

    Allowed once, while the request is open, within the first period (the first month; the
    first 45 days).
    """
    with open_ws(workspace) as ws:
        req = RequestRegistry(ws).extend(request_id)
    emit(as_json, req.to_dict(), lambda: _show_one(req))


@app.command()
def fulfil(
    request_id: Annotated[str, typer.Argument(help="The request's id.")],
    out: Annotated[
        Path | None,
        typer.Option(
            help="Directory for the access package (package.json, .csv, .html; 0600) or the erasure "
            "receipt (receipt.json). Needed for access and portability requests."
        ),
    ] = None,
    subject: Annotated[
        str | None,
        typer.Option(help="The subject's id, needed only when Veil no longer holds it (checked)."),
    ] = None,
    wait: Annotated[
        float,
        typer.Option(help="Seconds an erasure waits for a busy store before leaving it pending.", min=0),
    ] = DEFAULT_WAIT_S,
    workspace: WorkspaceOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Fulfil an access, portability or erasure request that is in progress.

    Access and portability: the access package (JSON with its JSON Schema, CSV, HTML, with the
    Art. 15(1) information) is written to --out. Erasure: the subject is erased from every store
    and a signed erasure receipt is kept with the request (`veil receipt verify` checks it).
    """
    with open_ws(workspace) as ws:
        registry = RequestRegistry(ws)
        req = registry.get(request_id)
        if req.type.value in ("access", "portability") and out is None:
            raise InputError("an access package holds personal data and is written to files: give --out DIR")
        result = fulfil_request(ws, request_id, subject_id=subject, wait_s=wait)
    written: list[str] = []
    if out is not None:
        out.mkdir(parents=True, exist_ok=True, mode=0o700)
        if result.package is not None:
            for fmt in FORMATS:
                path = out / f"package.{fmt}"
                atomic_write_bytes(path, result.package.render(fmt), mode=0o600)
                written.append(str(path))
        if result.receipt is not None:
            path = out / "receipt.json"
            atomic_write_bytes(path, (json.dumps(result.receipt, indent=2, sort_keys=True) + "\n").encode())
            written.append(str(path))
    data: dict[str, Any] = {**result.request.to_dict(), "files": written}
    if result.receipt is not None:
        data["receipt"] = result.receipt

    def render() -> None:
        _show_one(result.request)
        for path in written:
            console.print(f"  wrote {path}")

    emit(as_json, data, render)
