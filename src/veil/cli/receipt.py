"""``veil receipt verify|public-key``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from veil.cli.output import JsonOpt, WorkspaceOpt, console, emit, open_ws
from veil.errors import InputError, ReceiptInvalidError
from veil.fileio import atomic_write_bytes
from veil.rights.receipt import load_public_key, public_key, public_key_pem, verify_receipt

__all__ = ["app"]

app = typer.Typer(
    help="Signed erasure receipts and release certificates: verify one, print the public key.",
    no_args_is_help=True,
)


@app.command()
def verify(
    receipt: Annotated[
        Path,
        typer.Argument(
            help="The receipt (JSON, as `veil request fulfil` wrote it) or a release certificate (JSON)."
        ),
    ],
    public_key_file: Annotated[
        Path | None,
        typer.Option(
            "--public-key",
            help="The signer's public key (PEM from `veil receipt public-key`); no workspace is needed. "
            "Default: the workspace's own key.",
        ),
    ] = None,
    workspace: WorkspaceOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Check a receipt's or a release certificate's Ed25519 signature; exit 8 (receipt_invalid): altered,
    or another key's."""
    try:
        document = json.loads(receipt.read_bytes())
    except OSError as exc:
        raise InputError(f"cannot read {receipt}: {exc.strerror}") from None
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise ReceiptInvalidError(f"{receipt} is not JSON") from None
    if public_key_file is not None:
        try:
            key = load_public_key(public_key_file.read_bytes())
        except OSError as exc:
            raise InputError(f"cannot read {public_key_file}: {exc.strerror}") from None
    else:
        with open_ws(workspace) as ws:
            key = public_key(ws)
    if isinstance(document, dict) and "certificate" in document:
        from veil.disclosure.certificate import certificate_summary, verify_certificate

        cert = certificate_summary(verify_certificate(document, key))
        line = (
            f"[green]Valid release certificate[/]: {cert['certificate_id']}, dataset {cert['dataset']} for "
            f"purpose {cert['purpose']}, file SHA-256 {cert['sha256']}, issued {cert['issued_at']}"
        )
        emit(as_json, cert, lambda: console.print(line, highlight=False))
        return
    body = verify_receipt(document, key)
    summary = {
        "valid": True,
        "request_id": body.get("request_id"),
        "subject_pseudonym": body.get("subject_pseudonym"),
        "status": body.get("status"),
        "erased_at": body.get("erased_at"),
        "issued_at": body.get("issued_at"),
    }
    text = (
        f"[green]Valid receipt[/]: request {summary['request_id']}, subject {summary['subject_pseudonym']} "
        f"{summary['status']} (erased at {summary['erased_at']}), issued {summary['issued_at']}"
    )
    emit(as_json, summary, lambda: console.print(text))


@app.command("public-key")
def public_key_cmd(
    out: Annotated[Path | None, typer.Option(help="Also write the key to this file.")] = None,
    workspace: WorkspaceOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Print the workspace's receipt-verification key (PEM); anyone may hold it."""
    with open_ws(workspace) as ws:
        pem = public_key_pem(ws)
    if out is not None:
        atomic_write_bytes(out, pem.encode(), mode=0o644)
    emit(as_json, {"public_key": pem}, lambda: console.print(pem, end="", markup=False))
