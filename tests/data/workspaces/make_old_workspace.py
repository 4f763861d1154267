"""Make a workspace with an older Veil, for the migration tests (``tests/test_migrations.py``).

Usage (from the repository root, with the project's virtual environment)::

    git worktree add /tmp/veil-old c2a2a57c725cba53512d8dfcac1661f93a00e9a5
    .venv/bin/python tests/data/workspaces/make_old_workspace.py /tmp/veil-old \\
        tests/data/workspaces/c2a2a57.tar.gz
    git worktree remove /tmp/veil-old

It runs that checkout's own CLI (``python -m veil`` with ``PYTHONPATH=<checkout>/src``) so that
every table, trigger and file is made by the old code, exactly as a user's workspace would be:
a data store and a key store (SQLite), a file key provider, purposes, a dataset with a subject
id, a direct identifier, a sensitive column and free text, consent grants and a withdrawal, a
DP policy, a budget and two queries (ledger rows, a DP mirror generation), a public table, an
erasure (tombstone, ``erasures_applied``), PII token mappings (``pii_tokens``) and an audit log.
The archive holds the workspace directory ``ws/`` and ``manifest.json`` (the commit, the subject
ids, what was erased, the expected counts). The key file inside is test data only.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

#: Subjects of the fixture's dataset; ``ERASED`` is erased, ``WITHDRAWN`` withdraws research consent.
SUBJECTS = [f"P{i:04d}" for i in range(1, 41)]
ERASED = "P0003"
WITHDRAWN = "P0005"
DIAGNOSES = ["asthma", "diabetes", "flu", "migraine"]


def _write_inputs(tmp: Path) -> dict[str, Path]:
    patients = tmp / "patients.csv"
    with patients.open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(
            ["patient_id", "full_name", "email", "sex", "age", "diagnosis", "length_of_stay", "notes"]
        )
        for i, sid in enumerate(SUBJECTS):
            out.writerow(
                [
                    sid,
                    f"Person Number{i}",
                    f"person{i}@example.org",
                    "F" if i % 2 else "M",
                    20 + (i * 7) % 60,
                    DIAGNOSES[i % len(DIAGNOSES)],
                    1 + (i * 3) % 14,
                    f"Patient reported feeling unwell on day {i % 7}, follow up in clinic next week.",
                ]
            )
    regions = tmp / "regions.csv"
    regions.write_text("sex,label\nF,female\nM,male\n", encoding="utf-8")
    tickets = tmp / "tickets.jsonl"
    with tickets.open("w", encoding="utf-8") as fh:
        for i in range(3):
            text = f"Please call Person Number{i} at person{i}@example.org about the appointment."
            fh.write(json.dumps({"id": i, "text": text}) + "\n")
    return {"patients": patients, "regions": regions, "tickets": tickets}


def make(checkout: Path, out: Path) -> dict[str, object]:
    commit = subprocess.run(
        ["git", "-C", str(checkout), "rev-parse", "HEAD"], check=True, capture_output=True, text=True
    ).stdout.strip()
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        ws = tmp / "ws"
        files = _write_inputs(tmp)
        env = {
            **os.environ,
            "PYTHONPATH": str(checkout / "src"),
            "VEIL_ACTOR": "fixture",
            "VEIL_HOME": str(ws),
        }
        env.pop("VEIL_DATABASE_URL", None)

        def veil(*args: str) -> str:
            done = subprocess.run(
                [sys.executable, "-m", "veil", *args], env=env, cwd=tmp, capture_output=True, text=True
            )
            if done.returncode != 0:
                raise SystemExit(
                    f"veil {' '.join(args)} failed ({done.returncode}):\n{done.stdout}{done.stderr}"
                )
            return done.stdout

        veil("init", "--workspace", str(ws))
        veil("purpose", "add", "research", "--basis", "consent", "--retention-days", "1825")
        veil("purpose", "add", "care", "--basis", "contract", "--retention-days", "3650")
        veil("ingest", str(files["patients"]), "--dataset", "patients", "--subject-column", "patient_id")
        granted = SUBJECTS[:30]
        for sid in granted:
            veil("consent", "grant", sid, "research", "--evidence", "form 2025-06-01")
        veil("consent", "withdraw", WITHDRAWN, "research")
        veil(
            "dataset",
            "set",
            "patients",
            "--max-rows-per-subject",
            "1",
            "--bounds",
            "age=0:100",
            "--bounds",
            "length_of_stay=0:30",
            "--keys",
            "sex=F,M",
        )
        veil("budget", "set", "patients", "--epsilon", "10", "--delta", "1e-5")
        veil("table", "add", "sexes", str(files["regions"]))
        query = "SELECT sex, COUNT(*) AS n, AVG(age) AS age FROM patients GROUP BY sex"
        veil("query", query, "--dataset", "patients", "--purpose", "research", "--epsilon", "1")
        veil(
            "pii",
            "mask",
            "--input",
            str(files["tickets"]),
            "--output",
            str(tmp / "masked.jsonl"),
            "--text-field",
            "text",
            "--operator",
            "pseudonym",
        )
        veil("subject", "erase", ERASED, "--yes")
        veil("query", query, "--dataset", "patients", "--purpose", "research", "--epsilon", "1")
        verify = json.loads(veil("--json", "audit", "verify"))
        if not verify.get("ok"):
            raise SystemExit(f"the old workspace does not verify: {verify}")
        status = json.loads(veil("--json", "status"))
        for local in ("workspace", "found_by", "found_how"):  # this run's temporary path
            status.pop(local, None)
        manifest: dict[str, object] = {
            "commit": commit,
            "subjects": SUBJECTS,
            "consented_research": [s for s in granted if s not in (WITHDRAWN, ERASED)],
            "erased": ERASED,
            "withdrawn": WITHDRAWN,
            "dataset": "patients",
            "purpose": "research",
            "epsilon_budget": 10.0,
            "epsilon_spent_queries": 2,
            "audit_entries": verify["entries"],
            "status": status,
        }
        (tmp / "masked.jsonl").replace(tmp / "ws_masked.jsonl")
        with tarfile.open(out, "w:gz", compresslevel=9) as tar:
            tar.add(ws, arcname="ws", filter=_no_temp)
            data = json.dumps(manifest, indent=2, sort_keys=True).encode()
            info = tarfile.TarInfo("manifest.json")
            info.size = len(data)
            info.mode = 0o600
            tar.addfile(info, io.BytesIO(data))
            tar.add(tmp / "ws_masked.jsonl", arcname="masked.jsonl")
    return manifest


def _no_temp(info: tarfile.TarInfo) -> tarfile.TarInfo | None:
    # Lock files and the mirror's reader cache are runtime state, not part of the workspace.
    return None if info.name.endswith((".lock", "-shm")) else info


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("checkout", type=Path, help="a checkout (git worktree) of the old commit")
    parser.add_argument("out", type=Path, help="the .tar.gz to write")
    args = parser.parse_args()
    manifest = make(args.checkout.resolve(), args.out.resolve())
    print(f"wrote {args.out} ({args.out.stat().st_size} bytes) from {manifest['commit']}")


if __name__ == "__main__":
    main()
