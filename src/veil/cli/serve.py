"""``veil serve``: the HTTP API over a workspace (uvicorn)."""

from __future__ import annotations

import ipaddress
import os
from pathlib import Path
from typing import Annotated

import typer

from veil.cli.output import WorkspaceOpt, err_console, locate
from veil.errors import ConfigError

__all__ = ["register"]

LOOPBACK_NAMES = {"localhost", "ip6-localhost"}


def is_loopback(host: str) -> bool:
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def serve(
    host: Annotated[str, typer.Option(help="Address to listen on (loopback by default).")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.", min=1, max=65535)] = 8000,
    workers: Annotated[
        int,
        typer.Option(help="Worker processes (more than one needs a PostgreSQL data store).", min=1, max=64),
    ] = 1,
    ssl_certfile: Annotated[
        Path | None, typer.Option(help="TLS certificate (PEM); with --ssl-keyfile, serve HTTPS.")
    ] = None,
    ssl_keyfile: Annotated[Path | None, typer.Option(help="TLS private key (PEM).")] = None,
    workspace: WorkspaceOpt = None,
) -> None:
    """Serve Veil's HTTP API (/v1, OpenAPI at /v1/openapi.json): API keys, OIDC, roles and scopes.

    Every request is audit-logged with its caller, role, route and outcome. Loopback by
    default; binding another address without TLS prints a warning. SQLite data stores are
    served by one worker; --workers N needs PostgreSQL.
    """
    import uvicorn

    from veil.api.asgi import TLS_ENV, WORKSPACE_ENV
    from veil.workspace import Workspace

    if (ssl_certfile is None) != (ssl_keyfile is None):
        raise ConfigError("give both --ssl-certfile and --ssl-keyfile, or neither")
    where = locate(workspace)
    if not where.found:
        raise ConfigError("no Veil workspace: create one with `veil init`, or name one with --workspace DIR")
    root = where.path.resolve()
    with Workspace.open(root) as ws:  # upgrades the schema once, before any worker starts
        backend = ws.engine.dialect.name
    if workers > 1 and backend == "sqlite":
        raise ConfigError(
            f"--workers {workers} needs a PostgreSQL data store: SQLite serves one worker "
            "(omit --workers, or make the workspace with --database-url postgresql+psycopg://...)"
        )
    tls = ssl_certfile is not None
    if not is_loopback(host) and not tls:
        err_console.print(
            f"[bold yellow]warning:[/] serving {host} without TLS: API keys and tokens cross the network "
            "in clear text. Use --ssl-certfile/--ssl-keyfile, or a TLS-terminating proxy in front.",
            highlight=False,
        )
    os.environ[WORKSPACE_ENV] = str(root)
    os.environ[TLS_ENV] = "1" if tls else "0"
    scheme = "https" if tls else "http"
    err_console.print(
        f"Veil API on {scheme}://{host}:{port}/v1 ({backend}, {workers} worker{'s' * (workers > 1)}); "
        f"workspace {root}",
        highlight=False,
    )
    uvicorn.run(
        "veil.api.asgi:app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        ssl_certfile=str(ssl_certfile) if ssl_certfile else None,
        ssl_keyfile=str(ssl_keyfile) if ssl_keyfile else None,
        log_level="warning",
        access_log=False,  # the audit log records requests; an access log would keep query strings
        server_header=False,
        proxy_headers=False,  # client addresses (allowed networks, rate limits) are the peer's
        ws="none",
        lifespan="on",
    )


def register(root: typer.Typer) -> None:
    root.command("serve")(serve)
