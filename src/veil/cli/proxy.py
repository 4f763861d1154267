"""``veil proxy``: an OpenAI-compatible endpoint that masks personal data before it leaves."""

from __future__ import annotations

import contextlib
import ipaddress
from typing import Annotated

import typer
import uvicorn

from veil.cli.output import JsonOpt, WorkspaceOpt, console, emit, err_console, open_ws
from veil.pii.engine import PiiEngine
from veil.pii.proxy import create_app
from veil.workspace import Workspace

__all__ = ["proxy", "register"]


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def proxy(
    upstream: Annotated[
        str,
        typer.Option(
            help="Base URL of the upstream API, as an OpenAI client takes it (e.g. https://api.openai.com/v1).",
            show_default=False,
        ),
    ],
    port: Annotated[int, typer.Option(help="Port to listen on.", min=1, max=65535)] = 8787,
    host: Annotated[
        str, typer.Option(help="Address to listen on; anything but loopback exposes the proxy.")
    ] = "127.0.0.1",
    no_audit: Annotated[
        bool, typer.Option("--no-audit", help="Run without a workspace: requests are not audit-logged.")
    ] = False,
    workspace: WorkspaceOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Serve /v1/chat/completions: PII is replaced by placeholders before the prompt goes upstream
    and put back into the answer (streaming too). Each request is audit-logged, without values."""
    with contextlib.ExitStack() as stack:
        ws: Workspace | None = None if no_audit else stack.enter_context(open_ws(workspace))
        app = create_app(ws, PiiEngine().load(), upstream)
        url = f"http://{host}:{port}/v1"
        info = {"url": url, "upstream": upstream, "audit": ws is not None}
        emit(
            as_json,
            info,
            lambda: console.print(
                f"[bold]Veil proxy[/] on {url} -> {upstream}"
                + ("" if ws is not None else " [yellow](no audit log)[/]")
                + "\nPoint an OpenAI client's base_url at it; Ctrl-C stops."
            ),
        )
        if not _is_loopback(host):
            err_console.print(
                f"[yellow]warning:[/] listening on {host}: anyone who can reach it can use the proxy "
                "(and the Authorization they send goes upstream)"
            )
        uvicorn.run(app, host=host, port=port, log_level="warning", ws="none")


def register(app: typer.Typer) -> None:
    app.command()(proxy)
