"""``veil job list|show|cancel``: the service's background jobs (see :mod:`veil.jobs`).

The CLI is the workspace's operator: it sees every job, whoever submitted it.
"""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from veil.cli.output import JsonOpt, WorkspaceOpt, console, emit, open_ws
from veil.jobs import JobQueue, JobRecord, JobState

__all__ = ["app"]

app = typer.Typer(help="Background jobs of the service: list, show, cancel.", no_args_is_help=True)


def _progress(r: JobRecord) -> str:
    if r.progress_total is None:
        return "-" if r.progress_done == 0 else str(r.progress_done)
    if r.progress_total == 0:
        return "100%"
    return f"{100 * r.progress_done // r.progress_total}%"


@app.command("list")
def list_(
    state: Annotated[JobState | None, typer.Option(help="Only jobs in this state.")] = None,
    actor: Annotated[
        str | None, typer.Option(help="Only jobs this actor submitted (e.g. api_key:ID).")
    ] = None,
    limit: Annotated[int, typer.Option(help="Jobs per page (at most 500).", min=1, max=500)] = 50,
    cursor: Annotated[str | None, typer.Option(help="The next_cursor a previous page printed.")] = None,
    workspace: WorkspaceOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """List jobs, newest first."""
    with open_ws(workspace) as ws:
        found = JobQueue(ws).list(state=state, actor=actor, limit=limit, cursor=cursor)

    def show() -> None:
        table = Table()
        table.add_column("id", no_wrap=True, min_width=32)  # what show and cancel take: never cut
        for header in ("kind", "state", "progress", "actor", "created", "finished"):
            table.add_column(header)
        for r in found.items:
            table.add_row(
                r.id, r.kind, r.state.value, _progress(r), r.actor, r.created_at, r.finished_at or ""
            )
        console.print(table)
        if found.next_cursor:
            console.print(f"more: --cursor {found.next_cursor}", markup=False)

    emit(as_json, {"items": [r.to_dict() for r in found.items], "next_cursor": found.next_cursor}, show)


def _show(r: JobRecord) -> None:
    console.print(f"{r.id}  {r.kind}  {r.state.value}  progress {_progress(r)}", markup=False)
    console.print(f"  submitted by {r.actor} at {r.created_at}", markup=False)
    if r.started_at:
        console.print(
            f"  started {r.started_at} on {r.worker}, last heartbeat {r.heartbeat_at}", markup=False
        )
    if r.finished_at:
        console.print(f"  finished {r.finished_at}", markup=False)
    if r.cancel_requested and not r.finished:
        console.print("  cancellation asked for: it stops at its next progress report", markup=False)
    if r.error_code:
        console.print(f"  error {r.error_code}: {r.error_message}", markup=False)


@app.command("show")
def show_(
    job_id: Annotated[str, typer.Argument(help="The job's id.")],
    workspace: WorkspaceOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Show a job: state, progress, result or error."""
    with open_ws(workspace) as ws:
        record = JobQueue(ws).get(job_id)
    emit(as_json, record.to_dict(), lambda: _show(record))


@app.command("cancel")
def cancel(
    job_id: Annotated[str, typer.Argument(help="The job's id.")],
    workspace: WorkspaceOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Cancel a job: a queued one now, a running one at its next progress report."""
    with open_ws(workspace) as ws:
        record = JobQueue(ws).cancel(job_id)
    emit(as_json, record.to_dict(), lambda: _show(record))
