"""Release certificates: a signed account of an anonymised release, checkable with the public key alone.

A certificate says which table was released (the output file's SHA-256 and size), from which
dataset, for which purpose and when; under which privacy model and parameters, with which
hierarchies (their description: kind and level, never their value tables); what the risk
and utility measures gave; what the attacks achieved against their baselines, the margin
allowed and which attacks (if any) exceeded it; and the change in a classifier's accuracy.

It is signed with the workspace's Ed25519 signing key by the same mechanism as erasure
receipts (:mod:`veil.crypto.signature`), as ``{"certificate": BODY, "signature": SIG}`` with its
own domain prefix, so ``veil receipt verify CERT.json [--public-key KEY]`` checks it and a
receipt's signature can never pass for a certificate's. Changing any figure, the digest, the
signature or the key makes verification fail.

A certificate holds figures and names (columns, parameters, the dataset and purpose), never a
record, an identifier or a value of a quasi-identifier: it is meant to be published beside
the release. Its HTML rendering (``templates/certificate.html``) shows the same body.
"""

from __future__ import annotations

import hashlib
import json
import math
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from veil import clock
from veil.anonymity.hierarchy import Hierarchy
from veil.crypto import signature
from veil.crypto.signature import DocumentKind
from veil.disclosure.attack import AttackReport, exceeds
from veil.disclosure.model_utility import ModelUtility
from veil.errors import InputError
from veil.fileio import atomic_write_bytes

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    from veil.workspace import Workspace

__all__ = [
    "CERTIFICATE",
    "DOMAIN",
    "Certificate",
    "certificate_summary",
    "file_digest",
    "issue_certificate",
    "render_html",
    "verify_certificate",
    "write_certificate",
]

#: Prefix of every signed certificate: its signature is good for nothing else (a receipt's neither).
DOMAIN = b"veil:release-certificate:v1\n"
CERTIFICATE = DocumentKind(field="certificate", domain=DOMAIN, title="release certificate")
FORMAT = "veil-release-certificate/1"


def file_digest(path: Path) -> tuple[str, int]:
    """(SHA-256 hex, size in bytes) of a file, read in blocks."""
    h = hashlib.sha256()
    size = 0
    try:
        with path.open("rb") as fh:
            while block := fh.read(1 << 20):
                h.update(block)
                size += len(block)
    except OSError as exc:
        raise InputError(f"cannot read the released file {path.name}: {exc.strerror}") from None
    return h.hexdigest(), size


def _plain(value: Any, where: str) -> Any:
    """``value`` as plain JSON (NumPy scalars to Python, NaN and infinities to None)."""
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        x = float(value)
        return x if math.isfinite(x) else None
    if isinstance(value, Mapping):
        return {str(k): _plain(v, f"{where}.{k}") for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v, where) for v in value]
    raise InputError(f"a certificate holds plain figures and names: {where} is a {type(value).__name__}")


@dataclass(frozen=True, slots=True)
class Certificate:
    """A signed certificate: its body and the signed document (what the JSON file holds)."""

    body: dict[str, Any]
    document: dict[str, Any]

    @property
    def certificate_id(self) -> str:
        return str(self.body["certificate_id"])

    def to_json(self) -> bytes:
        return json.dumps(
            self.document, indent=2, sort_keys=True, ensure_ascii=False, allow_nan=False
        ).encode()


def issue_certificate(
    ws: Workspace,
    *,
    dataset: str,
    purpose: str,
    output: Path,
    privacy_model: Mapping[str, Any],
    hierarchies: Mapping[str, Mapping[str, Any] | Hierarchy],
    risk: Mapping[str, Any],
    utility: Mapping[str, Any],
    attacks: AttackReport,
    margin: float,
    promised: float | None = None,
    model_utility: ModelUtility | None = None,
    rows: int | None = None,
    issued_at: datetime | None = None,
) -> Certificate:
    """Sign a certificate for the released file ``output`` (see the module).

    ``privacy_model``: the model and its parameters (``{"model": "k-anonymity", "k": 5, ...}``);
    ``hierarchies``: column → its description (kind, level used; no value tables) or the
    :class:`~veil.anonymity.hierarchy.Hierarchy` itself (its spec, ``to_dict``); ``risk``,
    ``utility``: the measures' figures by name; ``attacks``: :func:`run_attacks`' report, judged
    against ``margin`` and the model's ``promised`` re-identification probability (:func:`exceeds`).
    """
    digest, size = file_digest(output)
    body: dict[str, Any] = {
        "format": FORMAT,
        "certificate_id": uuid.uuid4().hex,
        "issued_at": clock.format_ts(issued_at) if issued_at is not None else clock.now_iso(),
        "workspace_id": ws.config.workspace_id,
        "dataset": dataset,
        "purpose": purpose,
        "output": {"file": output.name, "sha256": digest, "bytes": size, "rows": rows},
        "privacy_model": _plain(dict(privacy_model), "privacy_model"),
        "hierarchies": _plain(
            {k: v.to_dict() if isinstance(v, Hierarchy) else dict(v) for k, v in hierarchies.items()},
            "hierarchies",
        ),
        "risk": _plain(dict(risk), "risk"),
        "utility": _plain(dict(utility), "utility"),
        "model_utility": _plain(model_utility.to_dict(), "model_utility")
        if model_utility is not None
        else None,
        "attacks": _plain(attacks.to_dict(), "attacks"),
        "attack_margin": float(margin),
        "linkage_promise": float(promised) if promised is not None else None,
        "attacks_exceeding_margin": exceeds(attacks, margin, promised=promised),
    }
    document = signature.sign_document(signature.signing_key(ws.keystore), CERTIFICATE, body)
    return Certificate(body=body, document=document)


def verify_certificate(document: Any, key: Ed25519PublicKey) -> dict[str, Any]:
    """The certificate's body, if ``document`` is a certificate signed with ``key``; else
    :class:`~veil.errors.ReceiptInvalidError` (``receipt_invalid``)."""
    return signature.verify_document(document, key, CERTIFICATE)


def certificate_summary(body: dict[str, Any]) -> dict[str, Any]:
    """What ``veil receipt verify`` shows of a verified certificate."""
    found = body.get("output")
    output: dict[str, Any] = found if isinstance(found, dict) else {}
    return {
        "valid": True,
        "kind": "release_certificate",
        "certificate_id": body.get("certificate_id"),
        "dataset": body.get("dataset"),
        "purpose": body.get("purpose"),
        "issued_at": body.get("issued_at"),
        "file": output.get("file"),
        "sha256": output.get("sha256"),
        "attacks_exceeding_margin": body.get("attacks_exceeding_margin"),
    }


def render_html(cert: Certificate) -> str:
    """The certificate as a standalone HTML page (the body, with the signature to check it by)."""
    from jinja2 import Environment, PackageLoader, select_autoescape

    env = Environment(
        loader=PackageLoader("veil.disclosure", "templates"), autoescape=select_autoescape(["html"])
    )
    return env.get_template("certificate.html").render(
        c=cert.body, signature=cert.document["signature"], fmt=_fmt
    )


def _fmt(value: Any) -> str:
    """A figure as the page shows it (4 significant digits; none as a dash)."""
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, list):
        return ", ".join(_fmt(v) for v in value)
    return str(value)


def write_certificate(cert: Certificate, path_json: Path, path_html: Path) -> None:
    """Write the signed JSON and its HTML page, each atomically; both rendered first, and the JSON
    removed again if the page cannot be written (nothing is left on a failure)."""
    if path_json.resolve() == path_html.resolve():
        raise InputError("the certificate's JSON and HTML need two different paths")
    data, page = cert.to_json(), render_html(cert).encode()
    atomic_write_bytes(path_json, data, mode=0o644)
    try:
        atomic_write_bytes(path_html, page, mode=0o644)
    except BaseException:
        path_json.unlink(missing_ok=True)
        raise
