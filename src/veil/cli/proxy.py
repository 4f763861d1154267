"""``veil proxy``: an OpenAI-compatible endpoint that masks personal data before it leaves."""

from __future__ import annotations

import contextlib
import ipaddress
from typing import Annotated, Literal

import typer
import uvicorn

from veil.cli.output import JsonOpt, WorkspaceOpt, console, emit, err_console, open_ws
from veil.errors import ConfigError
from veil.pii.engine import PiiEngine
from veil.pii.proxy import DEFAULT_MAX_BODY, ProxySettings, create_app
from veil.workspace import Workspace

__all__ = ["proxy", "register"]

TOKEN_ENV = "VEIL_PROXY_TOKEN"  # noqa: S105 - the name of a variable, not a secret
UPSTREAM_KEY_ENV = "VEIL_UPSTREAM_API_KEY"


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _is_wildcard(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_unspecified
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
        str, typer.Option(help="Address to listen on; anything but loopback needs --token.")
    ] = "127.0.0.1",
    token: Annotated[
        str | None,
        typer.Option(
            envvar=TOKEN_ENV,
            show_default=False,
            show_envvar=True,
            help="The proxy's own bearer token (16+ characters), which clients send as their api_key. "
            f"Prefer the environment variable {TOKEN_ENV}: a command line is visible to other users. "
            "With a token, the client's Authorization is not forwarded; the upstream gets "
            f"{UPSTREAM_KEY_ENV}.",
        ),
    ] = None,
    upstream_key: Annotated[
        str | None,
        typer.Option(
            envvar=UPSTREAM_KEY_ENV,
            show_default=False,
            show_envvar=True,
            help="API key sent upstream when --token is set (use the environment variable).",
        ),
    ] = None,
    allowed_host: Annotated[
        list[str] | None,
        typer.Option(
            help="A Host name to serve besides loopback names (repeatable); other Host headers get "
            "421 (DNS rebinding). The --host address is added unless it is a wildcard.",
            show_default=False,
        ),
    ] = None,
    allow_origin: Annotated[
        list[str] | None,
        typer.Option(
            help="A browser origin (e.g. http://localhost:3000) allowed to call the proxy (repeatable); "
            "by default every cross-origin browser request is refused.",
            show_default=False,
        ),
    ] = None,
    media: Annotated[
        Literal["refuse", "forward"],
        typer.Option(
            help="Images, audio, files and data URLs cannot be inspected: refuse them (422) or "
            "forward them unmasked (your risk)."
        ),
    ] = "refuse",
    unknown_fields: Annotated[
        Literal["mask", "refuse"],
        typer.Option(
            help="Request fields the proxy does not know: mask every string in them, or refuse (400)."
        ),
    ] = "mask",
    max_body_mb: Annotated[
        float,
        typer.Option(help="Largest request body accepted, in MiB (larger: 413).", min=0.01, max=1024),
    ] = DEFAULT_MAX_BODY / 2**20,
    no_audit: Annotated[
        bool, typer.Option("--no-audit", help="Run without a workspace: requests are not audit-logged.")
    ] = False,
    workspace: WorkspaceOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Serve /v1/chat/completions: every string of the request (messages, tool-call arguments,
    tool schemas, user, metadata, unknown fields) is masked before it goes upstream, and the
    values are put back into the answer (content and tool calls, streaming too). Each request
    is audit-logged, without values. Only loopback Host names are served and cross-origin
    browser requests are refused unless configured."""
    if not _is_loopback(host) and not token:
        raise ConfigError(
            f"listening on {host} exposes the proxy beyond this machine: set a token in ${TOKEN_ENV} "
            "(clients send it as their api_key), or listen on 127.0.0.1"
        )
    hosts = list(allowed_host or [])
    if not _is_loopback(host) and not _is_wildcard(host):
        hosts.append(host)
    settings = ProxySettings(
        media=media,
        unknown_fields=unknown_fields,
        max_body_bytes=int(max_body_mb * 2**20),
        token=token or None,
        upstream_api_key=upstream_key or None,
        allowed_hosts=tuple(hosts),
        allowed_origins=tuple(allow_origin or []),
    )
    with contextlib.ExitStack() as stack:
        ws: Workspace | None = None if no_audit else stack.enter_context(open_ws(workspace))
        app = create_app(ws, PiiEngine().load(), upstream, settings=settings)
        url = f"http://{host}:{port}/v1"
        info = {
            "url": url,
            "upstream": upstream,
            "audit": ws is not None,
            "token_required": settings.token is not None,
            "media": settings.media,
            "unknown_fields": settings.unknown_fields,
            "max_body_bytes": settings.max_body_bytes,
            "allowed_hosts": list(settings.allowed_hosts),
            "allowed_origins": list(settings.allowed_origins),
        }
        emit(
            as_json,
            info,
            lambda: console.print(
                f"[bold]Veil proxy[/] on {url} -> {upstream}"
                + ("" if ws is not None else " [yellow](no audit log)[/]")
                + ("" if settings.token is None else " (bearer token required)")
                + "\nPoint an OpenAI client's base_url at it; Ctrl-C stops.",
                markup=True,
                highlight=False,
            ),
        )
        if not _is_loopback(host):
            err_console.print(
                f"[yellow]warning:[/] listening on {host}: anyone who can reach it and holds the token "
                "can use the proxy (and the upstream key it holds)"
            )
        uvicorn.run(app, host=host, port=port, log_level="warning", ws="none", access_log=False)


def register(app: typer.Typer) -> None:
    app.command()(proxy)
