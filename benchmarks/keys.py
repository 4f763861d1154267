"""Key rotation benchmark: peak memory and time of ``veil keys rotate`` at scale.

N wrapped data keys (default 1,000,000) are generated directly in a fresh workspace's
key store: random 32-byte DEKs wrapped under the KEK in bulk and stored exactly as an
ingest stores them (ingesting a million subjects first would measure ingest, not
rotation); that runs in a child process too. Each rotation then runs in a fresh child
process, whose peak resident set size (``VmHWM`` of its own image; ``ru_maxrss`` would
include the parent's at fork time) is the number reported:

* ``veil keys rotate``: the real command on the workspace (CLI start-up, the streamed
  rotation in keyset pages of 5,000, one short transaction each, and its audit entry);
* ``streamed``: ``KeyStore.rotate`` alone, in a bare Python process (its peak is read
  as soon as the rotation returns);
* ``baseline``: the previous implementation, re-implemented here: one transaction that
  loads every row and holds every re-wrapped row before one bulk UPDATE, on a copy of
  the same key store.

Target: streamed peak RSS <= 200 MB at 1M subjects. After the streamed rotation every
key is under the new KEK and a sample of them unwraps with a provider read fresh from
the key file.

Run: ``python benchmarks/keys.py [--subjects N] [--skip-baseline] [--json]``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from veil.crypto.envelope import DEK_BYTES, dek_aad
from veil.crypto.keystore import KeyStore
from veil.crypto.provider import FileKeyProvider
from veil.workspace import Workspace

CHUNK = 50_000


def vm_hwm_mb(pid: int | str = "self") -> float | None:
    """Peak RSS of a process's current image (``VmHWM``; reset by exec, unlike ``ru_maxrss``)."""
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except (FileNotFoundError, ProcessLookupError):
        return None
    return None


def peak_rss_mb() -> float:
    peak = vm_hwm_mb()
    return peak if peak is not None else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def rss_now_mb() -> float:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def generate(ws_dir: Path, n: int) -> float:
    """Fill the key store with ``n`` wrapped DEKs (pseudonym order, like an index build)."""
    started = time.perf_counter()
    with Workspace.init(ws_dir) as ws:
        provider = ws.provider
        db_path = ws.config.key_path(ws.root) / "keystore.db"
    pseudonyms = sorted(hashlib.sha256(i.to_bytes(8, "big")).hexdigest()[:32] for i in range(n))
    db = sqlite3.connect(db_path, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    now = "2026-01-01T00:00:00.000000Z"
    for start in range(0, n, CHUNK):
        part = pseudonyms[start : start + CHUNK]
        material = os.urandom(DEK_BYTES * len(part))
        fresh = [material[i : i + DEK_BYTES] for i in range(0, len(material), DEK_BYTES)]
        version, wrapped = provider.wrap_many(fresh, [dek_aad(p, 1) for p in part])
        db.execute("BEGIN")
        db.executemany(
            "INSERT INTO deks (pseudonym, dek_version, kek_version, wrapped, created_at, origin) "
            "VALUES (?, 1, ?, ?, ?, NULL)",
            [(p, version, w, now) for p, w in zip(part, wrapped, strict=True)],
        )
        db.execute("COMMIT")
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    return time.perf_counter() - started


def baseline_rotate(ks: KeyStore) -> int:
    """The rotation as it was before it was streamed: everything in one transaction, in memory."""
    provider = ks.provider
    provider.generate()
    new_version, wrap = provider.wrapper()
    with ks.writer.begin() as conn:
        rows = conn.exec_driver_sql(
            "SELECT pseudonym, dek_version, kek_version, wrapped FROM deks WHERE kek_version != ?",
            (new_version,),
        ).all()
        unwrappers: dict[str, Any] = {}
        updates = []
        for p, dek_version, kek_version, wrapped in rows:
            unwrap = unwrappers.get(kek_version)
            if unwrap is None:
                unwrap = unwrappers[kek_version] = provider.unwrapper(kek_version)
            aad = dek_aad(p, dek_version)
            updates.append((new_version, wrap(unwrap(bytes(wrapped), aad), aad), p))
        conn.exec_driver_sql("UPDATE deks SET kek_version = ?, wrapped = ? WHERE pseudonym = ?", updates)
        for name, kek_version, wrapped in conn.exec_driver_sql(
            "SELECT name, kek_version, wrapped FROM secrets"
        ).all():
            aad = f"veil:secret1|{name}".encode()
            secret = provider.unwrap(kek_version, bytes(wrapped), aad)
            conn.exec_driver_sql(
                "UPDATE secrets SET kek_version = ?, wrapped = ? WHERE name = ?",
                (new_version, wrap(secret, aad), name),
            )
    provider.retire(new_version)
    return len(updates)


def child(kind: str, key_dir: Path) -> dict[str, Any]:
    """Run one rotation in this (fresh) process and report its time and peak memory."""
    ks = KeyStore.open(f"sqlite:///{key_dir / 'keystore.db'}", FileKeyProvider(key_dir / "kek.json"))
    before = rss_now_mb()
    started = time.perf_counter()
    if kind == "streamed":
        result = ks.rotate()
        rewrapped, new_version = result.rewrapped, result.new_version
    else:
        rewrapped = baseline_rotate(ks)
        new_version = ks.provider.current_version()
    seconds = time.perf_counter() - started
    peak = peak_rss_mb()  # before the check below, which reads the whole store again
    in_use = ks.kek_versions_in_use()
    ks.dispose()
    return {
        "kind": kind,
        "rewrapped": rewrapped,
        "seconds": round(seconds, 2),
        "rss_before_mb": round(before, 1),
        "peak_rss_mb": round(peak, 1),
        "all_under_new_kek": in_use == {new_version: rewrapped},
    }


def run_child(kind: str, key_dir: Path) -> dict[str, Any]:
    proc = subprocess.run(
        [sys.executable, __file__, "--child", kind, str(key_dir)], capture_output=True, text=True, check=False
    )
    if proc.returncode != 0:
        raise SystemExit(f"{kind} rotation failed:\n{proc.stderr}")
    result: dict[str, Any] = json.loads(proc.stdout)
    return result


def run_cli(ws_dir: Path, workdir: Path) -> dict[str, Any]:
    """``veil keys rotate --json`` in a child process; its peak RSS from ``wait4``."""
    veil = Path(sys.executable).parent / "veil"
    out = workdir / "rotate.json"
    started = time.perf_counter()
    peak = 0.0
    with out.open("wb") as fh:
        proc = subprocess.Popen(
            [str(veil), "keys", "rotate", "--json", "--workspace", str(ws_dir)],
            stdout=fh,
            stderr=subprocess.DEVNULL,
        )
        while True:  # VmHWM only grows: the last reading before the exit is the peak (to 20 ms)
            seen = vm_hwm_mb(proc.pid)
            peak = max(peak, seen or 0.0)
            pid, status = os.waitpid(proc.pid, os.WNOHANG)
            if pid:
                break
            time.sleep(0.02)
        proc.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - started
    if proc.returncode != 0:
        raise SystemExit("veil keys rotate failed")
    result = json.loads(out.read_text())
    return {
        "kind": "veil keys rotate",
        "rewrapped": result["rewrapped"],
        "seconds": round(seconds, 2),
        "peak_rss_mb": round(peak, 1),
        "new_version": result["new_version"],
    }


def sample_opens(key_dir: Path, n: int, k: int = 1000) -> bool:
    """A random sample of keys unwraps with a provider read fresh from the key file."""
    ks = KeyStore.open(f"sqlite:///{key_dir / 'keystore.db'}", FileKeyProvider(key_dir / "kek.json"))
    try:
        wanted = [
            hashlib.sha256(i.to_bytes(8, "big")).hexdigest()[:32] for i in random.sample(range(n), min(k, n))
        ]
        return len(ks.load(wanted)) == len(wanted)
    finally:
        ks.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--subjects", type=int, default=1_000_000)
    parser.add_argument("--skip-baseline", action="store_true")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--child", nargs=2, metavar=("KIND", "DIR"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        kind, where = args.child
        if kind == "generate":
            print(json.dumps({"seconds": generate(Path(where), args.subjects)}))
        else:
            print(json.dumps(child(kind, Path(where))))
        return
    os.environ.setdefault("VEIL_ACTOR", "benchmark")
    with tempfile.TemporaryDirectory(prefix="veil-keys-bench-") as tmp:
        ws_dir = Path(tmp) / "ws"
        made = subprocess.run(
            [sys.executable, __file__, "--subjects", str(args.subjects), "--child", "generate", str(ws_dir)],
            capture_output=True,
            text=True,
            check=True,
        )
        gen_seconds = json.loads(made.stdout)["seconds"]
        key_dir = ws_dir / "keys"
        numbers: dict[str, Any] = {
            "subjects": args.subjects,
            "generate_seconds": round(gen_seconds, 1),
            "keystore_mb": round((key_dir / "keystore.db").stat().st_size / 2**20, 1),
        }
        if not args.skip_baseline:
            copy = Path(tmp) / "baseline-keys"
            shutil.copytree(key_dir, copy)
            numbers["baseline"] = run_child("baseline", copy)
            shutil.rmtree(copy)
        copy = Path(tmp) / "streamed-keys"
        shutil.copytree(key_dir, copy)
        numbers["streamed"] = run_child("streamed", copy)
        shutil.rmtree(copy)
        cli = numbers["cli"] = run_cli(ws_dir, Path(tmp))
        ks = KeyStore.open(f"sqlite:///{key_dir / 'keystore.db'}", FileKeyProvider(key_dir / "kek.json"))
        try:
            cli["all_under_new_kek"] = ks.kek_versions_in_use() == {cli["new_version"]: args.subjects}
        finally:
            ks.dispose()
        cli["sample_unwraps"] = sample_opens(key_dir, args.subjects)
        numbers["target_peak_rss_mb"] = 200
        numbers["meets_target"] = max(numbers["streamed"]["peak_rss_mb"], cli["peak_rss_mb"]) <= 200
        if "baseline" in numbers:
            numbers["peak_rss_ratio_streamed_vs_baseline"] = round(
                numbers["streamed"]["peak_rss_mb"] / numbers["baseline"]["peak_rss_mb"], 3
            )
    if args.json:
        print(json.dumps(numbers, indent=2))
        return
    print(
        f"key rotation at {numbers['subjects']:,} wrapped data keys ({numbers['keystore_mb']} MB key store)"
    )
    rows = [numbers[k] for k in ("baseline", "streamed", "cli") if k in numbers]
    for r in rows:
        before = f"(process before rotating {r['rss_before_mb']:.1f} MB)" if "rss_before_mb" in r else ""
        print(
            f"  {r['kind']:17} {r['seconds']:7.1f} s   peak RSS {r['peak_rss_mb']:7.1f} MB {before:38}"
            f"all re-wrapped: {r['all_under_new_kek']}"
        )
    print(f"  peak RSS <= 200 MB: {numbers['meets_target']}")
    print(f"  a sample of 1,000 keys unwraps afterwards: {numbers['cli']['sample_unwraps']}")
    if "peak_rss_ratio_streamed_vs_baseline" in numbers:
        print(f"  peak RSS ratio streamed / baseline: {numbers['peak_rss_ratio_streamed_vs_baseline']}")


if __name__ == "__main__":
    main()
