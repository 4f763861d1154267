"""Release certificates: signed like erasure receipts, checked with the public key alone, no identifiers."""

from __future__ import annotations

import base64
import copy
import hashlib
import json
import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from veil.anonymity.hierarchy import PrefixHierarchy
from veil.cli import app as cli
from veil.crypto.signature import canonical
from veil.disclosure.attack import AttackReport, run_attacks
from veil.disclosure.certificate import (
    DOMAIN,
    Certificate,
    issue_certificate,
    render_html,
    verify_certificate,
    write_certificate,
)
from veil.disclosure.linkage import linkage_attack
from veil.errors import InputError, ReceiptInvalidError
from veil.rights.receipt import DOMAIN as RECEIPT_DOMAIN
from veil.rights.receipt import load_public_key, public_key, public_key_pem, sign_receipt, verify_receipt
from veil.workspace import Workspace

QUASI = ["age", "zip"]


def _people(n: int = 200) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    df = pd.DataFrame(
        {
            "name": [f"Zelda Quux{i:03d}" for i in range(n)],
            "email": [f"zq{i:03d}@example.org" for i in range(n)],
            "age": rng.integers(20, 80, n),
            "zip": [f"9{int(z):04d}" for z in rng.integers(1000, 9999, n)],
            "diagnosis": rng.choice(["flu", "gout"], n),
        }
    )
    df.index = [f"subject-{i:05d}" for i in range(n)]
    return df


def _released(df: pd.DataFrame) -> pd.DataFrame:
    out = df[[*QUASI, "diagnosis"]].copy()
    out["age"] = [f"{a // 20 * 20}-{a // 20 * 20 + 19}" for a in df["age"]]
    out["zip"] = [z[:2] + "***" for z in df["zip"]]
    return out.sample(frac=1.0, random_state=1)


def _linkage_report(df: pd.DataFrame, released: pd.DataFrame) -> AttackReport:
    """A report of the linkage attack alone (Anonymeter's attacks: the slow test below)."""
    link = linkage_attack(df, released, QUASI, n_attacks=100, rng=np.random.default_rng(0))
    return AttackReport(
        linkage=link,
        singling_out=(),
        linkability=None,
        inference=(),
        n_attacks=100,
        seed=0,
        quasi=tuple(QUASI),
        sensitive=(),
    )


def _leaked(df: pd.DataFrame, text: str) -> list[str]:
    """Identifiers and real ZIP codes found in ``text`` (a ZIP code as a number of its own, not as
    digits inside a figure such as 0.98896)."""
    found = [v for v in [*df.index, *df["name"], *df["email"]] if v in text]
    return found + [z for z in df["zip"] if re.search(rf"(?<![\d.]){z}(?!\d)", text)]


def _issue(ws: Workspace, tmp_path: Path, report: AttackReport | None = None, **kw: Any) -> Certificate:
    df = _people()
    released = _released(df)
    out = tmp_path / "release.csv"
    released.reset_index(drop=True).to_csv(out, index=False)
    args: dict[str, Any] = {
        "dataset": "patients",
        "purpose": "research",
        "output": out,
        "privacy_model": {"model": "k-anonymity", "k": 5, "max_suppression": 0.02},
        "hierarchies": {
            "age": {"kind": "interval", "width": 20, "level": 2},
            "zip": PrefixHierarchy("zip", length=5),
        },
        "risk": {"k": 5, "prosecutor_highest": 0.2, "records_at_risk": 0.0, "sample_uniques": 0},
        "utility": {"discernibility": 1234, "aecs": 1.7, "ncp": float("nan")},
        "attacks": report if report is not None else _linkage_report(df, released),
        "margin": 0.05,
        "rows": len(released),
    }
    args.update(kw)
    return issue_certificate(ws, **args)


def test_round_trip_verified_with_the_public_key_only(ws: Workspace, tmp_path: Path) -> None:
    cert = _issue(ws, tmp_path)
    paths = tmp_path / "cert.json", tmp_path / "cert.html"
    write_certificate(cert, *paths)
    document = json.loads(paths[0].read_text())
    key = load_public_key(public_key_pem(ws).encode())  # what a reader outside the workspace holds
    body = verify_certificate(document, key)
    assert body == cert.body
    data = (tmp_path / "release.csv").read_bytes()
    assert body["output"] == {
        "file": "release.csv",
        "sha256": hashlib.sha256(data).hexdigest(),
        "bytes": len(data),
        "rows": 200,
    }
    assert body["dataset"] == "patients" and body["purpose"] == "research"
    assert body["privacy_model"]["k"] == 5 and body["hierarchies"]["age"]["kind"] == "interval"
    assert body["hierarchies"]["zip"] == PrefixHierarchy("zip", length=5).to_dict()
    assert body["utility"]["ncp"] is None  # NaN is not JSON: written as none
    assert body["attacks"]["linkage"]["attacks"] == 100
    assert body["attacks_exceeding_margin"] == ["linkage"]  # 1 in ~10 vs 1 in 200: well over 5 points
    assert body["workspace_id"] == ws.config.workspace_id


def test_cli_verifies_a_certificate(ws: Workspace, tmp_path: Path) -> None:
    cert = _issue(ws, tmp_path)
    path = tmp_path / "cert.json"
    write_certificate(cert, path, tmp_path / "cert.html")
    pem = tmp_path / "veil.pub"
    pem.write_text(public_key_pem(ws))
    runner = CliRunner()
    result = runner.invoke(
        cli.build_command(), ["receipt", "verify", str(path), "--public-key", str(pem), "--json"]
    )
    assert result.exit_code == 0, result.output
    shown = json.loads(result.output)
    assert shown["valid"] is True and shown["kind"] == "release_certificate"
    assert shown["sha256"] == cert.body["output"]["sha256"] and shown["certificate_id"] == cert.certificate_id
    result = runner.invoke(cli.build_command(), ["receipt", "verify", str(path), "--workspace", str(ws.root)])
    assert result.exit_code == 0 and "Valid release certificate" in result.output
    doc = json.loads(path.read_text())
    doc["certificate"]["risk"]["prosecutor_highest"] = 0.01
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(doc))
    result = runner.invoke(cli.build_command(), ["receipt", "verify", str(bad), "--public-key", str(pem)])
    assert isinstance(result.exception, ReceiptInvalidError) and result.exception.exit_code == 8


def _tampered(document: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    out: list[tuple[str, dict[str, Any]]] = []

    def edit(what: str, change: Any) -> None:
        doc = copy.deepcopy(document)
        change(doc)
        out.append((what, doc))

    edit("a risk figure", lambda d: d["certificate"]["risk"].__setitem__("prosecutor_highest", 0.19))
    edit("k", lambda d: d["certificate"]["privacy_model"].__setitem__("k", 50))
    edit("a utility figure", lambda d: d["certificate"]["utility"].__setitem__("aecs", 1.0))
    edit("an attack rate", lambda d: d["certificate"]["attacks"]["linkage"].__setitem__("success_rate", 0.0))
    edit("the verdict", lambda d: d["certificate"].__setitem__("attacks_exceeding_margin", []))
    edit("the digest", lambda d: d["certificate"]["output"].__setitem__("sha256", "0" * 64))
    edit("the dataset", lambda d: d["certificate"].__setitem__("dataset", "other"))
    edit("an added field", lambda d: d["certificate"].__setitem__("note", "approved"))
    edit(
        "the signature", lambda d: d["signature"].__setitem__("value", base64.b64encode(b"\0" * 64).decode())
    )
    edit("the algorithm", lambda d: d["signature"].__setitem__("alg", "HS256"))
    edit("the key id", lambda d: d["signature"].__setitem__("key_id", "f" * 32))
    edit("garbage signature", lambda d: d["signature"].__setitem__("value", "not base64!"))
    edit("an extra member", lambda d: d.__setitem__("receipt", {}))
    return out


def test_any_change_is_refused(ws: Workspace, tmp_path: Path) -> None:
    cert = _issue(ws, tmp_path)
    key = public_key(ws)
    assert verify_certificate(cert.document, key) == cert.body
    for what, doc in _tampered(cert.document):
        with pytest.raises(ReceiptInvalidError):
            verify_certificate(doc, key)
            pytest.fail(f"{what} was accepted")
    # Another workspace's key, a stranger's key, and a forger re-signing with their own key.
    other = Workspace.init(tmp_path / "other")
    try:
        with pytest.raises(ReceiptInvalidError, match="another key"):
            verify_certificate(cert.document, public_key(other))
    finally:
        other.close()
    with pytest.raises(ReceiptInvalidError):
        verify_certificate(cert.document, Ed25519PrivateKey.generate().public_key())
    forged = copy.deepcopy(cert.document)
    forged["certificate"]["attacks_exceeding_margin"] = []
    fake = Ed25519PrivateKey.generate()
    forged["signature"]["value"] = base64.b64encode(
        fake.sign(DOMAIN + canonical(forged["certificate"]))
    ).decode()
    with pytest.raises(ReceiptInvalidError, match="altered"):
        verify_certificate(forged, key)
    junks: list[Any] = [None, [], {"certificate": 1, "signature": 2}, {"certificate": {}}]
    for junk in junks:
        with pytest.raises(ReceiptInvalidError):
            verify_certificate(junk, key)


def test_a_receipt_and_a_certificate_never_pass_for_each_other(ws: Workspace, tmp_path: Path) -> None:
    assert DOMAIN != RECEIPT_DOMAIN
    cert = _issue(ws, tmp_path)
    as_receipt = {"receipt": cert.document["certificate"], "signature": cert.document["signature"]}
    with pytest.raises(ReceiptInvalidError, match="altered"):
        verify_receipt(as_receipt, public_key(ws))
    receipt = sign_receipt(ws, {"request_id": "r1", "status": "erased"})
    as_cert = {"certificate": receipt["receipt"], "signature": receipt["signature"]}
    with pytest.raises(ReceiptInvalidError, match="altered"):
        verify_certificate(as_cert, public_key(ws))


def test_no_raw_identifier_in_the_certificate(ws: Workspace, tmp_path: Path) -> None:
    df = _people()
    cert = _issue(ws, tmp_path)
    paths = tmp_path / "cert.json", tmp_path / "cert.html"
    write_certificate(cert, *paths)
    texts = [p.read_text() for p in paths]
    for text in texts:
        assert _leaked(df, text) == []
    with pytest.raises(InputError, match="plain figures"):
        _issue(ws, tmp_path, risk={"rows": df})  # a table where a figure belongs is refused


def test_html_has_every_section_and_escapes(ws: Workspace, tmp_path: Path) -> None:
    cert = _issue(ws, tmp_path, dataset="<script>alert(1)</script>")
    page = render_html(cert)
    for section in ("output", "privacy-model", "risk", "utility", "attacks", "signature"):
        assert f'<section id="{section}">' in page
    assert cert.body["output"]["sha256"] in page and cert.document["signature"]["value"] in page
    assert "k-anonymity" in page and "prosecutor_highest" in page and "discernibility" in page
    assert "linkage (against the original)" in page and "Exceeding the margin: linkage" in page
    assert "<script>" not in page and "&lt;script&gt;" in page


def test_nothing_is_written_on_a_failure(ws: Workspace, tmp_path: Path) -> None:
    cert = _issue(ws, tmp_path)
    json_path = tmp_path / "cert.json"
    with pytest.raises(OSError):
        # the page cannot be written (its folder would be a file): the JSON is not left behind
        write_certificate(cert, json_path, tmp_path / "release.csv" / "cert.html")
    assert not json_path.exists()
    with pytest.raises(InputError, match="two different paths"):
        write_certificate(cert, json_path, json_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["release.csv", "ws"]
    with pytest.raises(InputError, match="cannot read the released file"):
        _issue(ws, tmp_path, output=tmp_path / "nowhere.csv")


@pytest.mark.slow  # Anonymeter's nearest neighbours are compiled by numba on first use
def test_a_certificate_of_the_full_attacks(ws: Workspace, tmp_path: Path) -> None:
    df = _people(300)
    kept, control = df.iloc[:220], df.iloc[220:]
    released = _released(kept)
    report = run_attacks(kept, released, QUASI, ["diagnosis"], control=control, n_attacks=60, seed=2)
    cert = _issue(ws, tmp_path, report=report)
    body = verify_certificate(json.loads(cert.to_json()), public_key(ws))
    names = [a["name"] for a in body["attacks"]["anonymeter"]]
    assert names == [
        "singling_out_univariate",
        "singling_out_multivariate",
        "linkability",
        "inference:diagnosis",
    ]
    for a in body["attacks"]["anonymeter"]:
        assert a["risk_ci"][0] <= a["risk"] <= a["risk_ci"][1] and a["control_rate"] is not None
    page = render_html(cert)
    assert all(name in page for name in names)
    assert _leaked(df, cert.to_json().decode()) == [] and _leaked(df, page) == []
