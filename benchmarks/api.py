"""HTTP API load benchmark: a live ``veil serve`` process beside a bare FastAPI route, in one run.

What it does, all on this machine (the data is generated here, nothing is downloaded):

1. makes a workspace with a small dataset (``--subjects`` people, 1-3 rows each), a purpose
   ``research`` (consent) granted by half the subjects, declared DP settings, a large budget,
   an analyst key (granted ``research``) and a steward key; ``[service] rate_per_minute`` is
   raised so the per-key rate limit never answers 429 under the load;
2. starts ``veil serve`` on it (a real uvicorn process, one worker, SQLite) and drives it with
   ``--clients`` concurrent httpx async clients for ``--seconds``; each client sends, in turn,
   a consent read (``POST /v1/consent/state``), a consent write (``POST /v1/consent/grants``,
   a new subject each time), a DP query (``POST /v1/dp/query``, a group-by count at a small
   epsilon) and a PII mask of a short text (``POST /v1/pii/mask``);
3. starts a bare FastAPI app (one ``GET /ping`` route) under uvicorn with the same settings and
   drives it with the same clients for the same time;
4. prints requests/s and p50/p99 latency per kind and the ratio to the bare route, then checks:
   no request failed, the dataset's budget ledger holds exactly the answered queries' epsilons
   (same count, same values, exactly the same sum) and ``veil audit verify`` passes. It also
   prints how many analytics-mirror generations the server wrote (a consent write no longer
   makes the next DP query write one: the query lays the consent events since the generation
   over it, and a background refresh folds them in every ``OVERLAY_REBUILD`` subjects).

The load driver runs on the same machine as the servers (it takes CPU from them), as does the
bare route's: the ratio compares like with like. Exits 1 when a check fails.

Run: ``python -m benchmarks.api [--clients 50] [--seconds 30] [--subjects 2000] [--json]``.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import json
import math
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from fastapi import FastAPI

VEIL = str(Path(sys.executable).parent / "veil")
PURPOSE = "research"
DATASET = "people"
STATES = ["CA", "NY", "TX", "WA", "FL"]
QUERY = f"SELECT state, COUNT(*) AS n FROM {DATASET} GROUP BY state"
QUERY_EPSILON = 0.001
PII_TEXT = "Please call Jane Doe on +44 20 7946 0958 or write to jane.doe@example.org about order 1234."
KINDS = ("consent_read", "consent_write", "dp_query", "pii_mask")

#: The bare comparison: the smallest FastAPI app, served by the same uvicorn as ``veil serve``.
bare_app = FastAPI()


@bare_app.get("/ping")
def ping() -> dict[str, bool]:
    return {"ok": True}


# -- the workspace --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Setup:
    root: Path
    analyst: str
    steward: str
    subjects: int


def write_people(path: Path, subjects: int, seed: int = 7) -> Path:
    rng = random.Random(seed)
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["person_id", "state", "age", "income", "visits"])
        for i in range(subjects):
            age = rng.randint(18, 90)
            for _ in range(rng.randint(1, 3)):
                w.writerow(
                    [f"P{i:07d}", STATES[i % len(STATES)], age, rng.randint(0, 250_000), rng.randint(0, 12)]
                )
    return path


def setup(folder: Path, subjects: int) -> Setup:
    """The workspace (see the module docstring) and the two keys' tokens."""
    from veil.consent.ledger import ConsentLedger
    from veil.consent.purpose import PurposeRegistry
    from veil.dp.budget import BudgetLedger
    from veil.dp.policy import PolicyStore
    from veil.identity.keys import ApiKeys
    from veil.vault.ingest import Ingestor
    from veil.workspace import Workspace

    root = folder / "ws"
    Workspace.init(root).close()
    with (root / "veil.toml").open("a", encoding="utf-8") as fh:
        fh.write("\n[service]\nrate_per_minute = 100000000\n")
    with Workspace.open(root) as ws:
        PurposeRegistry(ws).add(PURPOSE, "consent", 365, "API benchmark")
        Ingestor(ws).run(write_people(folder / "people.csv", subjects), DATASET, "person_id")
        rows = [
            (f"row {i}", {"subject": f"P{i:07d}", "purpose": PURPOSE, "action": "grant"})
            for i in range(0, subjects, 2)
        ]
        ConsentLedger(ws).import_events(rows, source="benchmark")
        PolicyStore(ws).update(
            DATASET,
            max_rows_per_subject=3,
            bounds={"income": (0, 250_000), "age": (18, 90), "visits": (0, 12)},
            keys={"state": tuple(STATES)},
        )
        BudgetLedger(ws).set(DATASET, 1_000_000.0, 1e-5)
        keys = ApiKeys(ws)
        analyst = keys.create("analyst", purposes=[PURPOSE]).token
        steward = keys.create("steward").token
    return Setup(root, analyst, steward, subjects)


# -- the servers ----------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start(
    cmd: list[str], port: int, ready: str, env: dict[str, str] | None = None
) -> subprocess.Popen[bytes]:
    """Start a server process and wait until ``GET ready`` answers (60 s at most)."""
    proc = subprocess.Popen(
        cmd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
            raise SystemExit(f"{cmd[0]} exited with {proc.returncode}: {err[-2000:]}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}{ready}", timeout=2).status_code < 500:
                return proc
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    proc.terminate()
    raise SystemExit(f"{cmd[0]} did not answer on port {port} within 60 s")


def stop(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


# -- the load -------------------------------------------------------------------------------------


@dataclass
class Tally:
    latencies: dict[str, list[float]] = field(default_factory=lambda: {k: [] for k in (*KINDS, "bare")})
    errors: dict[str, int] = field(default_factory=dict)
    #: epsilon_spent of every answered DP query
    epsilons: list[float] = field(default_factory=list)

    def error(self, kind: str, what: str) -> None:
        key = f"{kind}: {what}"
        self.errors[key] = self.errors.get(key, 0) + 1


Request = Callable[[httpx.AsyncClient, int], Awaitable[tuple[str, httpx.Response]]]


def veil_requests(s: Setup, tally: Tally) -> list[Request]:
    analyst = {"Authorization": f"Bearer {s.analyst}"}
    steward = {"Authorization": f"Bearer {s.steward}"}
    rng = random.Random(11)
    written = iter(range(10**9))

    async def consent_read(c: httpx.AsyncClient, _: int) -> tuple[str, httpx.Response]:
        body = {"subject": f"P{rng.randrange(s.subjects):07d}", "purpose": PURPOSE}
        return "consent_read", await c.post("/v1/consent/state", json=body, headers=steward)

    async def consent_write(c: httpx.AsyncClient, client: int) -> tuple[str, httpx.Response]:
        body = {"subject": f"N{client:03d}-{next(written):09d}", "purpose": PURPOSE, "evidence": "benchmark"}
        return "consent_write", await c.post("/v1/consent/grants", json=body, headers=steward)

    async def dp_query(c: httpx.AsyncClient, _: int) -> tuple[str, httpx.Response]:
        body = {"sql": QUERY, "dataset": DATASET, "purpose": PURPOSE, "epsilon": QUERY_EPSILON}
        r = await c.post("/v1/dp/query", json=body, headers=analyst)
        if r.status_code == 200:
            tally.epsilons.append(float(r.json()["epsilon_spent"]))
        return "dp_query", r

    async def pii_mask(c: httpx.AsyncClient, _: int) -> tuple[str, httpx.Response]:
        return "pii_mask", await c.post("/v1/pii/mask", json={"content": PII_TEXT}, headers=steward)

    return [consent_read, consent_write, dp_query, pii_mask]


async def bare_request(c: httpx.AsyncClient, _: int) -> tuple[str, httpx.Response]:
    return "bare", await c.get("/ping")


async def drive(base: str, requests: list[Request], clients: int, seconds: float, tally: Tally) -> float:
    """``clients`` concurrent loops over ``requests`` (each starting at a different one) for
    ``seconds``; the wall time they took."""
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=120) as c:
        deadline = time.perf_counter() + seconds

        async def loop(client: int) -> None:
            i = client
            while time.perf_counter() < deadline:
                started = time.perf_counter()
                kind = "?"
                try:
                    kind, r = await requests[i % len(requests)](c, client)
                except httpx.HTTPError as exc:
                    tally.error(kind, type(exc).__name__)
                else:
                    if r.status_code >= 300:
                        tally.error(kind, f"{r.status_code} {r.text[:200]}")
                    else:
                        tally.latencies[kind].append(time.perf_counter() - started)
                i += 1

        started = time.perf_counter()
        await asyncio.gather(*(loop(k) for k in range(clients)))
        return time.perf_counter() - started


def warm_up(base: str, requests: list[Request]) -> None:
    """One request of each kind first: the PII engine and the DP stack load on first use."""

    async def once() -> None:
        async with httpx.AsyncClient(base_url=base, timeout=120) as c:
            for request in requests:
                kind, r = await request(c, 999)
                if r.status_code >= 300:
                    raise SystemExit(f"warm-up {kind} failed: {r.status_code} {r.text[:500]}")

    asyncio.run(once())


# -- the checks and the report ----------------------------------------------------------------------


def check_ledger(root: Path, answered: list[float]) -> dict[str, Any]:
    """The budget ledger against the answered queries: same charges, same values, same sum."""
    from veil.dp.budget import BudgetLedger
    from veil.workspace import Workspace

    with Workspace.open(root) as ws:
        charges = [float(h["epsilon"]) for h in BudgetLedger(ws).history(DATASET) if h["kind"] == "query"]
    # the warm-up's query is charged too and was answered: it is in ``answered``
    same = sorted(charges) == sorted(answered)
    return {
        "charges": len(charges),
        "answered": len(answered),
        "ledger_epsilon": math.fsum(charges),
        "answered_epsilon": math.fsum(answered),
        "equal": same and math.fsum(charges) == math.fsum(answered),
    }


def audit_verify(root: Path) -> dict[str, Any]:
    done = subprocess.run(
        [VEIL, "audit", "verify", "--json", "--workspace", str(root)],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
    )
    result: dict[str, Any] = json.loads(done.stdout) if done.stdout.strip() else {}
    result["exit_code"] = done.returncode
    return result


def mirror_generations(root: Path) -> int | None:
    """How many generations the analytics mirror has written (the current one's number)."""
    try:
        return int((root / "analytics" / "mirror.gen").read_text(encoding="ascii").split()[0])
    except (OSError, ValueError, IndexError):
        return None


def stats(latencies: list[float], wall: float) -> dict[str, float]:
    if not latencies:
        return {"requests": 0, "rps": 0.0, "p50_ms": math.nan, "p99_ms": math.nan}
    ordered = sorted(latencies)
    p99 = ordered[min(len(ordered) - 1, math.ceil(0.99 * len(ordered)) - 1)]
    return {
        "requests": len(ordered),
        "rps": len(ordered) / wall,
        "p50_ms": statistics.median(ordered) * 1000,
        "p99_ms": p99 * 1000,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--clients", type=int, default=50, help="Concurrent clients (default 50).")
    parser.add_argument(
        "--seconds", type=float, default=30.0, help="Seconds of load per server (default 30)."
    )
    parser.add_argument("--subjects", type=int, default=2000, help="People in the dataset (default 2000).")
    parser.add_argument(
        "--kinds",
        default=",".join(KINDS),
        help=f"Comma-separated request kinds (default: {','.join(KINDS)}).",
    )
    parser.add_argument("--json", action="store_true", help="Print the results as JSON.")
    args = parser.parse_args(argv)
    kinds = [k.strip() for k in args.kinds.split(",") if k.strip()]
    if not kinds or set(kinds) - set(KINDS):
        parser.error(f"--kinds takes some of {', '.join(KINDS)}")

    with tempfile.TemporaryDirectory(prefix="veil-api-bench-") as tmp:
        s = setup(Path(tmp), args.subjects)
        tally = Tally()
        requests = [r for r in veil_requests(s, tally) if r.__name__ in kinds]
        port = free_port()
        env = {**os.environ, "VEIL_ACTOR": "benchmark"}
        server = start(
            [VEIL, "serve", "--port", str(port), "--workspace", str(s.root)], port, "/v1/openapi.json", env
        )
        try:
            base = f"http://127.0.0.1:{port}"
            warm_up(base, requests)
            veil_wall = asyncio.run(drive(base, requests, args.clients, args.seconds, tally))
        finally:
            stop(server)
        bare_port = free_port()
        bare = start(
            [
                sys.executable, "-m", "uvicorn", "benchmarks.api:bare_app", "--port", str(bare_port),
                "--log-level", "warning", "--no-access-log", "--no-server-header", "--ws", "none",
            ],
            bare_port,
            "/ping",
        )  # fmt: skip
        try:
            bare_wall = asyncio.run(
                drive(f"http://127.0.0.1:{bare_port}", [bare_request], args.clients, args.seconds, tally)
            )
        finally:
            stop(bare)
        generations = mirror_generations(s.root)
        ledger = check_ledger(s.root, tally.epsilons)
        audit = audit_verify(s.root)

    per_kind = {k: stats(tally.latencies[k], veil_wall) for k in kinds}
    all_veil = [x for k in kinds for x in tally.latencies[k]]
    total = stats(all_veil, veil_wall)
    bare_stats = stats(tally.latencies["bare"], bare_wall)
    report = {
        "clients": args.clients,
        "seconds": args.seconds,
        "subjects": args.subjects,
        "kinds": kinds,
        "veil": per_kind,
        "veil_all": total,
        "bare": bare_stats,
        "ratio_rps": bare_stats["rps"] / total["rps"] if total["rps"] else math.inf,
        "errors": tally.errors,
        "ledger": ledger,
        "mirror_generations": generations,
        "audit_verify": {
            "ok": audit.get("ok"),
            "entries": audit.get("entries"),
            "exit_code": audit["exit_code"],
        },
        "load_average": os.getloadavg(),
    }
    ok = not tally.errors and ledger["equal"] and audit["exit_code"] == 0 and audit.get("ok") is True
    report["ok"] = ok
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print(f"{args.clients} clients, {args.seconds:g} s per server, {args.subjects} subjects")
        print(f"kinds: {', '.join(kinds)}")
        print(f"{'kind':<14} {'requests':>9} {'req/s':>9} {'p50 ms':>9} {'p99 ms':>9}  vs bare p50")
        for name, st in [*per_kind.items(), ("veil (all)", total), ("bare FastAPI", bare_stats)]:
            rel = st["p50_ms"] / bare_stats["p50_ms"] if bare_stats["p50_ms"] else math.nan
            print(
                f"{name:<14} {st['requests']:>9} {st['rps']:>9.1f} {st['p50_ms']:>9.1f} {st['p99_ms']:>9.1f}"
                f"  {rel:>6.1f}x"
            )
        print(f"bare / veil requests per second: {report['ratio_rps']:.1f}x")
        print(f"errors: {sum(tally.errors.values())} {tally.errors if tally.errors else ''}")
        verdict = "equal" if ledger["equal"] else "DIFFERENT"
        print(
            f"budget ledger: {ledger['charges']} query charges, sum {ledger['ledger_epsilon']!r}; answered "
            f"{ledger['answered']}, sum {ledger['answered_epsilon']!r}: {verdict}"
        )
        print(f"audit verify: {'ok' if audit.get('ok') else 'FAILED'} ({audit.get('entries')} entries)")
        print(f"analytics mirror generations written: {generations}")
        print(f"load average: {', '.join(f'{x:.1f}' for x in report['load_average'])}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
