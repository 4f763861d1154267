"""Erasure requests end with an Ed25519-signed receipt anyone with the public key can check."""

from __future__ import annotations

import base64
import copy
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from veil.consent.ledger import ConsentLedger
from veil.consent.purpose import PurposeRegistry
from veil.errors import (
    ErasurePendingError,
    InputError,
    InvalidTransitionError,
    NotFoundError,
    ReceiptInvalidError,
)
from veil.rights.access import export_subject
from veil.rights.erasure import erase_subject
from veil.rights.fulfilment import fulfil
from veil.rights.receipt import (
    RECEIPT_KEY,
    key_id,
    load_public_key,
    public_key,
    public_key_pem,
    verify_receipt,
)
from veil.rights.requests import RequestRegistry, RequestState
from veil.workspace import Workspace


def _erasure(ws: Workspace, subject: str) -> str:
    reg = RequestRegistry(ws)
    req = reg.create(subject_id=subject, type="erasure", regime="gdpr")
    reg.transition(req.id, "verifying")
    reg.transition(req.id, "in_progress")
    return req.id


@pytest.fixture
def held(ws: Workspace) -> Workspace:
    PurposeRegistry(ws).add("newsletter", "consent", 365)
    ConsentLedger(ws).record("alice@example.com", "newsletter", "grant")
    ConsentLedger(ws).record("bob@example.com", "newsletter", "grant")
    return ws


def test_erasure_is_done_and_signed(held: Workspace) -> None:
    ws = held
    rid = _erasure(ws, "alice@example.com")
    done = fulfil(ws, rid, actor="dpo")
    assert done.request.state is RequestState.FULFILLED and done.request.has_receipt
    assert done.receipt is not None
    body = verify_receipt(done.receipt, public_key(ws))
    assert body["request_id"] == rid and body["status"] == "erased"
    assert body["subject_pseudonym"] == ws.pseudonymize("alice@example.com")
    assert body["workspace_id"] == ws.config.workspace_id
    [report] = body["reports"]
    assert report["status"] == "complete" and report["keys_destroyed"] == 1
    assert report["done"]["data"]["consent_events_deleted"] == 1
    assert body["erased_at"] is not None
    assert "alice" not in json.dumps(done.receipt)
    # The subject is really gone; the other is not.
    assert export_subject(ws, "alice@example.com").status == "erased"
    assert export_subject(ws, "bob@example.com").status == "active"
    # The stored receipt is the one returned, and it verifies from the request too.
    assert RequestRegistry(ws).receipt(rid) == done.receipt
    assert done.request.result is not None and done.request.result["kind"] == "erasure_receipt"
    with pytest.raises(InvalidTransitionError):
        fulfil(ws, rid)


def _mutations() -> list[tuple[str, Any]]:
    def body(key: str, value: Any) -> Any:
        def f(doc: dict[str, Any]) -> None:
            doc["receipt"][key] = value

        return f

    def report(doc: dict[str, Any]) -> None:
        doc["receipt"]["reports"][0]["done"]["data"]["consent_events_deleted"] = 0

    def drop_report(doc: dict[str, Any]) -> None:
        doc["receipt"]["reports"] = []

    def flip_sig(doc: dict[str, Any]) -> None:
        raw = bytearray(base64.b64decode(doc["signature"]["value"]))
        raw[0] ^= 1
        doc["signature"]["value"] = base64.b64encode(bytes(raw)).decode()

    def extra(doc: dict[str, Any]) -> None:
        doc["receipt"]["note"] = "added"

    def alg(doc: dict[str, Any]) -> None:
        doc["signature"]["alg"] = "HS256"

    def bad_b64(doc: dict[str, Any]) -> None:
        doc["signature"]["value"] = "%%%"

    def kid(doc: dict[str, Any]) -> None:
        doc["signature"]["key_id"] = "0" * 32

    def top(doc: dict[str, Any]) -> None:
        doc["extra"] = 1

    return [
        ("pseudonym", body("subject_pseudonym", "0" * 32)),
        ("status", body("status", "not_held")),
        ("request", body("request_id", "f" * 32)),
        ("time", body("erased_at", "2000-01-01T00:00:00.000000Z")),
        ("report", report),
        ("drop-report", drop_report),
        ("signature", flip_sig),
        ("extra-field", extra),
        ("alg", alg),
        ("bad-base64", bad_b64),
        ("key-id", kid),
        ("top-level", top),
    ]


@pytest.mark.parametrize(("name", "mutate"), _mutations(), ids=[n for n, _ in _mutations()])
def test_tampered_receipts_fail(held: Workspace, name: str, mutate: Any) -> None:
    done = fulfil(held, _erasure(held, "alice@example.com"))
    assert done.receipt is not None
    doc = copy.deepcopy(done.receipt)
    mutate(doc)
    with pytest.raises(ReceiptInvalidError) as info:
        verify_receipt(doc, public_key(held))
    assert info.value.code == "receipt_invalid" and info.value.exit_code == 8


def test_wrong_key_fails(held: Workspace, tmp_path: Path) -> None:
    done = fulfil(held, _erasure(held, "alice@example.com"))
    other = Workspace.init(tmp_path / "other")
    try:
        with pytest.raises(ReceiptInvalidError, match="another key"):
            verify_receipt(done.receipt, public_key(other))
        assert key_id(public_key(other)) != key_id(public_key(held))
    finally:
        other.close()
    stranger = Ed25519PrivateKey.generate().public_key()
    with pytest.raises(ReceiptInvalidError):
        verify_receipt(done.receipt, stranger)
    # A forger who re-signs with their own key and writes the real key id still fails.
    assert done.receipt is not None
    forged = copy.deepcopy(done.receipt)
    forged["receipt"]["status"] = "not_held"
    fake = Ed25519PrivateKey.generate()
    from veil.rights.receipt import DOMAIN, canonical

    forged["signature"]["value"] = base64.b64encode(fake.sign(DOMAIN + canonical(forged["receipt"]))).decode()
    with pytest.raises(ReceiptInvalidError, match="altered"):
        verify_receipt(forged, public_key(held))
    junks: list[Any] = [None, [], {"receipt": 1, "signature": 2}, {"receipt": {}}]
    for junk in junks:
        with pytest.raises(ReceiptInvalidError):
            verify_receipt(junk, public_key(held))


def test_the_signing_key_is_a_wrapped_named_secret(held: Workspace) -> None:
    ws = held
    pem = public_key_pem(ws)
    assert load_public_key(pem.encode()).public_bytes_raw() == public_key(ws).public_bytes_raw()
    raw = base64.b64encode(public_key(ws).public_bytes_raw())
    assert key_id(load_public_key(raw)) == key_id(public_key(ws))
    with pytest.raises(InputError):
        load_public_key(b"not a key")
    seed = ws.keystore.secret(RECEIPT_KEY, create=False)
    store = (ws.root / "keys" / "keystore.db").read_bytes()
    assert seed not in store  # only wrapped by the KEK
    root = ws.root
    ws.close()
    again = Workspace.open(root)
    try:
        assert public_key_pem(again) == pem  # the same key after reopening
    finally:
        again.close()


def test_subject_not_held_gets_an_honest_receipt(ws: Workspace) -> None:
    done = fulfil(ws, _erasure(ws, "nobody@example.com"))
    assert done.receipt is not None
    body = verify_receipt(done.receipt, public_key(ws))
    assert body["status"] == "not_held" and body["reports"] == [] and body["erased_at"] is None


def test_subject_erased_before_the_request(held: Workspace) -> None:
    rid = _erasure(held, "alice@example.com")
    erase_subject(held, "alice@example.com")
    done = fulfil(held, rid)
    assert done.receipt is not None
    body = verify_receipt(done.receipt, public_key(held))
    assert body["status"] == "erased" and body["erased_at"] is not None


def test_a_busy_store_leaves_the_request_in_progress_until_it_is_done(held: Workspace) -> None:
    from veil.rights.participants import ParticipantRegistry

    ws = held
    rid = _erasure(ws, "alice@example.com")

    class Busy:
        name = "busy_store"
        after: tuple[str, ...] = ()
        holds: tuple[str, ...] = ()
        fail = True

        def __init__(self, ws: Workspace) -> None:
            pass

        def prepare(self, pseudonyms: Any) -> dict[str, Any]:
            return {}

        def forget(self, job: Any) -> dict[str, Any]:
            from veil.errors import BusyError

            if Busy.fail:
                raise BusyError("held by a test")
            return {"forgotten": 1}

    import veil.rights.erasure as erasure

    real = erasure.default_participants

    def with_busy() -> ParticipantRegistry:
        registry = real()
        registry.register(Busy.name, Busy)
        return registry

    mp = pytest.MonkeyPatch()
    mp.setattr(erasure, "default_participants", with_busy)
    try:
        with pytest.raises(ErasurePendingError, match="busy_store"):
            fulfil(ws, rid, wait_s=0)
        assert RequestRegistry(ws).get(rid).state is RequestState.IN_PROGRESS
        assert export_subject(ws, "alice@example.com").status == "erased"  # keys gone already
        Busy.fail = False
        done = fulfil(ws, rid, wait_s=0)
    finally:
        mp.undo()
    assert done.receipt is not None
    body = verify_receipt(done.receipt, public_key(ws))
    assert body["reports"][0]["done"]["busy_store"] == {"forgotten": 1}
    assert body["reports"][0]["status"] == "complete"


def test_only_a_fulfilled_erasure_has_a_receipt(held: Workspace) -> None:
    rid = _erasure(held, "alice@example.com")
    with pytest.raises(NotFoundError, match="no erasure receipt"):
        RequestRegistry(held).receipt(rid)
    with pytest.raises(InputError, match="not the subject"):
        fulfil(held, rid, subject_id="bob@example.com")


def _veil(*args: str) -> subprocess.CompletedProcess[str]:
    """The real ``veil`` command, in a process of its own (exit codes as users see them)."""
    return subprocess.run(
        [sys.executable, "-m", "veil", *args], capture_output=True, text=True, check=False, timeout=120
    )


def test_cli_verify_with_only_the_public_key(held: Workspace, tmp_path: Path) -> None:
    ws = held
    rid = _erasure(ws, "alice@example.com")
    root = str(ws.root)
    ws.close()
    out = tmp_path / "out"
    result = _veil("request", "fulfil", rid, "--out", str(out), "-w", root, "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["state"] == "fulfilled"
    receipt = out / "receipt.json"
    key = tmp_path / "veil.pub"
    result = _veil("receipt", "public-key", "--out", str(key), "-w", root)
    assert result.returncode == 0 and "BEGIN PUBLIC KEY" in result.stdout
    # No workspace at all: only the key file (run from a directory with no workspace above it).
    result = _veil("receipt", "verify", str(receipt), "--public-key", str(key), "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["valid"] is True
    result = _veil("receipt", "verify", str(receipt), "-w", root)
    assert result.returncode == 0 and "Valid receipt" in result.stdout
    doc = json.loads(receipt.read_text())
    doc["receipt"]["status"] = "not_held"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(doc))
    result = _veil("receipt", "verify", str(bad), "--public-key", str(key), "--json")
    assert result.returncode == 8
    assert json.loads(result.stdout)["error"] == "receipt_invalid"
    other = tmp_path / "other.pub"
    other.write_bytes(
        Ed25519PrivateKey.generate()
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    assert _veil("receipt", "verify", str(receipt), "--public-key", str(other)).returncode == 8
    (tmp_path / "junk.json").write_text("{not json")
    assert _veil("receipt", "verify", str(tmp_path / "junk.json"), "--public-key", str(key)).returncode == 8
