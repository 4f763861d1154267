"""End-to-end: a real ``veil serve`` process (uvicorn) on a free port, keys made with the
CLI, routes called with httpx; on SQLite (one worker) and on PostgreSQL with ``--workers
4``, which must give the same answers.
"""

from __future__ import annotations

import contextlib
import json
import signal
import socket
import ssl
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from tests.support.veil_cli import VEIL, veil, veil_env, veil_json

START_TIMEOUT = 90.0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def serving(
    ws: Path, *args: str, host: str = "127.0.0.1", scheme: str = "http", verify: ssl.SSLContext | bool = True
) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    """``veil serve`` on a free port; yields its base URL once it answers, stops it after."""
    port = _free_port()
    proc = subprocess.Popen(
        [VEIL, "serve", "--host", host, "--port", str(port), "--workspace", str(ws), *args],
        env=veil_env("e2e-serve"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        stdin=subprocess.DEVNULL,
    )
    base = f"{scheme}://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            if proc.poll() is not None:
                out, err = proc.communicate()
                pytest.fail(f"veil serve exited {proc.returncode}:\n{out}\n{err}")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{base}/v1/openapi.json", timeout=2, verify=verify).status_code == 200:
                    break
            if time.monotonic() > deadline:
                pytest.fail("veil serve did not answer in time")
            time.sleep(0.3)
        yield base, proc
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        if proc.stdout:
            proc.stdout.close()
        if proc.stderr:
            proc.stderr.close()


def _workers(pid: int) -> int:
    """How many uvicorn worker processes serve (the server process itself when it has none)."""
    children = Path(f"/proc/{pid}/task/{pid}/children")
    if not children.exists():
        pytest.skip("no /proc children list on this system")
    pids = children.read_text().split()
    workers = [p for p in pids if "spawn_main" in Path(f"/proc/{p}/cmdline").read_text()]
    return len(workers) or 1


def _key(ws: Path, *args: str) -> dict[str, Any]:
    made: dict[str, Any] = veil_json("keys", "create", *args, ws=ws)
    return made


def scenario(ws: Path, *serve_args: str) -> dict[str, Any]:
    """Keys made with the CLI, then the same calls as every caller; the answers, without
    times, ids and tokens (which differ between runs)."""
    veil("purpose", "add", "research", "--basis", "consent", "--retention-days", "30", ws=ws)
    admin = _key(ws, "--role", "admin")
    analyst = _key(ws, "--role", "analyst", "--purpose", "research")
    auditor = _key(ws, "--role", "auditor", "--expires-days", "1")
    out: dict[str, Any] = {}
    with serving(ws, *serve_args) as (base, proc):
        out["workers"] = _workers(proc.pid)

        def call(method: str, path: str, key: str | None = None, **kw: Any) -> tuple[int, Any]:
            headers = {"Authorization": f"Bearer {key}"} if key else {}
            r = httpx.request(method, base + path, headers=headers, timeout=30, **kw)
            body = r.json()
            if isinstance(body, dict):
                body.pop("created_at", None)
                for item in body.get("items", []):
                    item.pop("created_at", None)
            return r.status_code, body

        out["anonymous"] = call("GET", "/v1/purposes")
        out["create"] = call(
            "POST",
            "/v1/purposes",
            admin["key"],
            json={"name": "billing", "basis": "contract", "retention_days": 3650},
        )
        out["analyst list"] = call("GET", "/v1/purposes", analyst["key"])
        out["analyst create"] = call(
            "POST",
            "/v1/purposes",
            analyst["key"],
            json={"name": "x", "basis": "consent", "retention_days": 1},
        )
        out["typo"] = call("GET", "/v1/purposes/reserch", admin["key"])
        out["mass assignment"] = call(
            "POST",
            "/v1/purposes",
            admin["key"],
            json={"name": "y", "basis": "consent", "retention_days": 1, "role": "admin"},
        )[0]
        # many requests: with several workers they land on different processes
        out["repeated"] = sorted({json.dumps(call("GET", "/v1/purposes", auditor["key"])) for _ in range(24)})
        r = httpx.post(
            f"{base}/v1/auth/token", headers={"Authorization": f"Bearer {admin['key']}"}, timeout=30
        )
        token = r.json()["access_token"]
        me = call("GET", "/v1/auth/whoami", token)
        out["token whoami"] = (me[0], me[1]["kind"], me[1]["role"], me[1]["id"] == admin["id"])
        r = httpx.get(f"{base}/v1/purposes", headers={"Authorization": f"Bearer {admin['key']}"}, timeout=30)
        out["headers"] = {h: r.headers.get(h) for h in ("content-security-policy", "cache-control", "server")}
        veil("keys", "revoke", admin["id"], ws=ws)  # another process: every worker sees it
        out["after revoke"] = sorted(
            {call("GET", "/v1/auth/whoami", cred)[0] for cred in [token, admin["key"]] * 4}
        )
    out["verify"] = veil_json("audit", "verify", ws=ws)["ok"]
    entries = veil_json("audit", "log", "--action", "api.request", ws=ws)
    out["audited"] = len(entries)
    text = json.dumps(entries)
    out["secrets in audit"] = [
        k["key"] for k in (admin, analyst, auditor) if k["key"].split("_", 2)[2] in text
    ]
    out["token in audit"] = token.split(".")[2] in text
    return out


def _check(answers: dict[str, Any]) -> None:
    assert answers["anonymous"][0] == 401 and answers["anonymous"][1]["code"] == "unauthenticated"
    assert answers["create"][0] == 201 and answers["create"][1]["name"] == "billing"
    assert [p["name"] for p in answers["analyst list"][1]["items"]] == ["billing", "research"]
    assert answers["analyst create"][0] == 403 and answers["analyst create"][1]["code"] == "forbidden"
    assert answers["typo"][0] == 404 and "Did you mean 'research'" in answers["typo"][1]["detail"]
    assert answers["mass assignment"] == 422
    assert len(answers["repeated"]) == 1 and json.loads(answers["repeated"][0])[0] == 200
    assert answers["token whoami"] == (200, "token", "admin", True)
    assert answers["headers"] == {
        "content-security-policy": "default-src 'none'; frame-ancestors 'none'",
        "cache-control": "no-store",
        "server": None,
    }
    assert answers["after revoke"] == [401]
    assert answers["verify"] is True
    assert answers["audited"] >= 40
    assert answers["secrets in audit"] == [] and answers["token in audit"] is False


def test_serve_on_sqlite(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    veil("init", ws=ws)
    answers = scenario(ws)
    _check(answers)
    refused = veil("serve", "--workers", "4", ws=ws, check=False)
    assert refused.returncode == 2 and "PostgreSQL" in refused.stderr


def test_a_non_loopback_bind_without_tls_warns(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    veil("init", ws=ws)
    with serving(ws, host="0.0.0.0") as (_base, proc):
        proc.send_signal(signal.SIGTERM)
        _out, err = proc.communicate(timeout=30)
    assert "without TLS" in err


@pytest.mark.postgres
def test_serve_on_postgresql_with_four_workers_gives_the_same_answers(
    tmp_path: Path, postgres_url: str
) -> None:
    sqlite_ws = tmp_path / "lite"
    veil("init", ws=sqlite_ws)
    reference = scenario(sqlite_ws)
    pg_ws = tmp_path / "pg"
    veil("init", "--database-url", postgres_url, ws=pg_ws)
    answers = scenario(pg_ws, "--workers", "4")
    _check(answers)
    assert (reference.pop("workers"), answers.pop("workers")) == (1, 4)
    assert answers == reference


def test_keys_and_users_cli(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    veil("init", ws=ws)
    veil("purpose", "add", "research", "--basis", "consent", "--retention-days", "30", ws=ws)
    user = veil_json("users", "add", "alice", "--role", "analyst", "--purpose", "research", ws=ws)
    assert (user["name"], user["role"], user["purposes"], user["state"]) == (
        "alice",
        "analyst",
        ["research"],
        "active",
    )
    made = veil_json(
        "keys", "create", "--role", "analyst", "--user", "alice", "--expires-days", "30",
        "--allow-network", "10.0.0.0/8", "--allow-network", "::1",
        ws=ws,
    )  # fmt: skip
    assert made["key"].startswith(f"vk_{made['id']}_") and made["purposes"] == ["research"]
    assert made["networks"] == ["10.0.0.0/8", "::1/128"] and made["expires_at"] is not None
    listed = veil_json("keys", "list", ws=ws)
    assert [k["id"] for k in listed] == [made["id"]] and "key" not in listed[0]
    assert made["key"].split("_", 2)[2] not in json.dumps(listed)
    assert veil_json("users", "list", ws=ws)[0]["keys"] == [made["id"]]
    assert veil_json("keys", "list", "--user", "alice", ws=ws)[0]["user"] == "alice"
    human = veil("keys", "create", "--role", "auditor", ws=ws).stdout
    assert "not stored" in human and "vk_" in human
    disabled = veil_json("users", "disable", "alice", ws=ws)
    assert disabled["state"] == "disabled"
    revoked = veil_json("keys", "revoke", made["id"], ws=ws)
    assert revoked["state"] == "revoked"
    for args, code in (
        (("keys", "revoke", "000000000000"), 4),
        (("keys", "create", "--role", "root"), 3),
        (("keys", "create", "--role", "analyst", "--allow-network", "nowhere"), 3),
        (("users", "add", "alice", "--role", "dpo"), 5),
    ):
        r = veil(*args, "--json", ws=ws, check=False)
        assert r.returncode == code, (args, r.stdout, r.stderr)
        assert json.loads(r.stdout)["error"]
    actions = [e["action"] for e in veil_json("audit", "log", ws=ws)]
    assert {"user.add", "apikey.create", "user.disable", "apikey.revoke"} <= set(actions)
    veil("keys", "status", ws=ws)  # the KEK commands still work
    veil("keys", "rotate", ws=ws)


def _self_signed(tmp_path: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 and its key (PEM files)."""
    import datetime
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    key_file.chmod(0o600)
    return cert_file, key_file


def test_serve_over_tls_sends_hsts(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    veil("init", ws=ws)
    key = _key(ws, "--role", "auditor")["key"]
    cert, private = _self_signed(tmp_path)
    args = ("--ssl-certfile", str(cert), "--ssl-keyfile", str(private))
    trust = ssl.create_default_context(cafile=str(cert))
    with serving(ws, *args, host="0.0.0.0", scheme="https", verify=trust) as (base, proc):
        r = httpx.get(f"{base}/v1/purposes", headers={"Authorization": f"Bearer {key}"}, verify=trust)
        assert r.status_code == 200
        assert r.headers["strict-transport-security"].startswith("max-age=")
        with pytest.raises(httpx.HTTPError):
            httpx.get(base.replace("https:", "http:") + "/v1/purposes", timeout=5)
        proc.send_signal(signal.SIGTERM)
        _out, err = proc.communicate(timeout=30)
    assert "without TLS" not in err  # TLS off loopback: no warning
    refused = veil("serve", "--ssl-certfile", str(cert), ws=ws, check=False)
    assert refused.returncode == 2 and "both" in refused.stderr
