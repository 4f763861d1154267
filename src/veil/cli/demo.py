"""``veil demo``: the foundation end to end on a generated hospital, in seconds."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from veil.cli.output import JsonOpt, console, emit
from veil.errors import InputError
from veil.fileio import atomic_write_bytes

__all__ = ["register"]


def demo(
    patients: Annotated[int, typer.Option(help="How many fake patients to generate.", min=10)] = 3000,
    keep: Annotated[
        Path | None,
        typer.Option("--keep", "--workspace", "-w", help="Keep the demo files in this directory."),
    ] = None,
    data: Annotated[
        Path | None,
        typer.Option(
            "--data",
            help="Only write the sample files the README uses (patients.csv, consent.csv, regions.csv, "
            "tickets.jsonl, customers.csv, adult.csv, adult-site*.csv) into this directory.",
            show_default=False,
        ),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="With --data: replace sample files already there.")
    ] = False,
    serve: Annotated[
        bool,
        typer.Option(
            "--serve",
            help="Then serve the staff dashboard (/ui) and the data-subject portal (/portal) on the demo "
            "workspace (loopback), with a DPO API key made for it and shown once.",
        ),
    ] = False,
    port: Annotated[int, typer.Option(help="With --serve: the port to listen on.", min=1, max=65535)] = 8000,
    smtp: Annotated[
        str | None,
        typer.Option(
            help="With --serve: HOST:PORT of an SMTP server (no TLS, no login; e.g. a local test server) "
            "the portal sends its sign-in codes through ([notify.smtp] in the demo's veil.toml).",
            show_default=False,
        ),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Run the whole story on a temporary workspace: ingest, consent, release, access, erasure, audit.

    With --data DIR, write the README's sample files instead (fake people, and the UCI Adult
    census extract that ships with Veil).
    """
    if data is not None:
        _write_samples(data, patients, force, as_json)
        return
    from veil.demo.story import run_demo

    if not as_json:
        console.print("[bold]Veil demo[/]: a hospital puts patient data under Veil\n")

    def say(step: str, text: str) -> None:
        if not as_json:
            console.print(f"[bold cyan]{step:>9}[/]  {text}")

    if smtp is not None and not serve:
        raise InputError("--smtp goes with --serve")
    relay = _smtp_address(smtp) if smtp is not None else None
    if serve and keep is None:  # the workspace must outlive the story to be served
        keep = Path(tempfile.mkdtemp(prefix="veil-demo-"))
    summary = run_demo(keep, patients, say)

    def show() -> None:
        table = Table(title="summary", show_header=False)
        table.add_row("patients", str(summary.patients))
        table.add_row("consented to research", str(summary.consented))
        table.add_row("released rows (research)", str(summary.released_rows))
        table.add_row("identifiers left in files after erasure", str(summary.plaintext_hits_after_erasure))
        table.add_row("status after restoring old backup", summary.status_after_restore)
        table.add_row(
            "audit log", f"{summary.audit_entries} entries, {'intact' if summary.audit_ok else 'BROKEN'}"
        )
        table.add_row("time", f"{summary.seconds:.1f}s")
        console.print()
        console.print(table)
        where = f"files kept in {keep}" if keep else "re-run with --keep DIR to look at the files"
        console.print(
            f"[dim]{where}; next: veil init, then veil ingest YOUR.csv --dataset NAME --subject-column ID[/]"
        )

    if not serve:
        emit(as_json, summary.to_dict(), show)
        return
    assert keep is not None
    root = keep / "workspace"
    if relay is not None:
        settings = root / "veil.toml"
        text = settings.read_text(encoding="utf-8").rstrip("\n")
        text += (
            f'\n\n[notify.smtp]\nhost = "{relay[0]}"\nport = {relay[1]}\nstarttls = false\n'
            'from = "privacy@example.org"\n'
        )
        atomic_write_bytes(settings, text.encode("utf-8"), mode=settings.stat().st_mode & 0o777)
    _serve_demo(root, port, summary.to_dict(), as_json, show)


def _smtp_address(value: str) -> tuple[str, int]:
    host, _, port = value.rpartition(":")
    if (
        not host
        or not port.isdigit()
        or not 1 <= int(port) <= 65535
        or not all(c.isalnum() or c in ".-" for c in host)
    ):
        raise InputError(f"--smtp takes HOST:PORT (e.g. 127.0.0.1:8025), not {value!r}")
    return host, int(port)


def _serve_demo(
    root: Path, port: int, summary: dict[str, object], as_json: bool, show: Callable[[], None]
) -> None:
    """Make a DPO key (one day) on the demo workspace, print it and the addresses, then serve."""
    from veil.cli.serve import serve
    from veil.identity.keys import ApiKeys
    from veil.workspace import Workspace

    with Workspace.open(root) as ws:
        made = ApiKeys(ws).create("dpo", expires_days=1)
    base = f"http://127.0.0.1:{port}"
    urls = {"dashboard": f"{base}/ui", "portal": f"{base}/portal", "api": f"{base}/v1"}

    def show_serving() -> None:
        show()
        console.print(
            f"\n[bold]Dashboard[/]  {urls['dashboard']}  (sign in with the DPO key below)", highlight=False
        )
        console.print(
            f"[bold]Portal[/]     {urls['portal']}  "
            f"(codes go by e-mail: \\[notify.smtp] in {root}/veil.toml)",
            highlight=False,
        )
        console.print(f"[bold]API[/]        {urls['api']}", highlight=False)
        console.print("DPO API key (valid one day; shown once, not stored):", style="yellow")
        console.print(made.token, highlight=False, markup=False, soft_wrap=True)
        console.print(f"[dim]workspace {root}; Ctrl-C stops the server[/]")

    emit(
        as_json,
        {**summary, "workspace": str(root), "urls": urls, "dpo_key": made.token, "dpo_key_id": made.key.id},
        show_serving,
    )
    console.file.flush()
    serve(host="127.0.0.1", port=port, workspace=root)


def _write_samples(directory: Path, patients: int, force: bool, as_json: bool) -> None:
    from veil.demo.samples import write_samples

    files = write_samples(directory, patients=patients, force=force)

    def show() -> None:
        table = Table("file", "rows", "for", title=f"sample files in {directory}")
        for f in files:
            table.add_row(f.name, str(f.rows), f.purpose)
        console.print(table)
        console.print("[dim]fake people (Faker) and the UCI Adult census extract (CC BY 4.0)[/]")

    emit(as_json, {"directory": str(directory), "files": [f.to_dict() for f in files]}, show)


def register(app: typer.Typer) -> None:
    app.command()(demo)
