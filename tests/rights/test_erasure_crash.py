"""kill -9 of an erasing process at every step: the next command completes the erasure.

A real process erases a subject and freezes itself (SIGSTOP) at a chosen step of the
procedure (``on_step``); the test then kills it with SIGKILL, so no cleanup code of any
kind runs. Afterwards: no data key for the subject, no row after the next command, the
export says erased with nothing pending, releases exclude them, their PII token no longer
unmasks, the DP mirror has no row of theirs, and the audit log has exactly one erasure
entry (a resumed data step finds its own entry instead of writing another).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from erasure_support import assert_fully_erased, mirror_rows_of, rows_of

from veil.consent.ledger import ConsentLedger
from veil.consent.purpose import PurposeRegistry
from veil.demo.hospital import generate_patients, write_csv
from veil.dp.mirror import Mirror
from veil.pii.anonymizer import Anonymizer, Unmasker
from veil.pii.entity import Entity
from veil.rights.erasure import erase_subject
from veil.vault.dataset import DatasetCatalog
from veil.vault.ingest import Ingestor
from veil.workspace import Workspace

STEPS = ["prepared", "shredded", "pii_tokens", "data", "models", "mirror", "recorded"]

ERASER = """
import os, signal, sys
from pathlib import Path
from veil.rights.erasure import erase_subject
from veil.workspace import Workspace

root, subject, stop_at, marker = sys.argv[1:5]

def on_step(name):
    if name == stop_at:
        Path(marker).write_text(name)
        os.kill(os.getpid(), signal.SIGSTOP)  # frozen here until the test kills it

with Workspace.open(Path(root)) as ws:
    erase_subject(ws, subject, on_step=on_step)
print("finished", flush=True)
"""


def kill_at(root: Path, subject: str, step: str, tmp: Path) -> None:
    marker = tmp / f"reached-{step}"
    env = {**os.environ, "VEIL_ACTOR": "eraser"}
    proc = subprocess.Popen(
        [sys.executable, "-c", ERASER, str(root), subject, step, str(marker)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 120
    while not marker.exists():
        if proc.poll() is not None:
            out, err = proc.communicate()
            raise AssertionError(f"the eraser ended before step {step!r}: {out}\n{err}")
        assert time.monotonic() < deadline, f"step {step!r} never reached"
        time.sleep(0.02)
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=30)
    assert proc.returncode == -signal.SIGKILL


@pytest.mark.slow
@pytest.mark.parametrize("step", STEPS)
def test_kill_9_at_every_step_then_the_next_command_completes_it(
    ws: Workspace, tmp_path: Path, step: str
) -> None:
    people = list(generate_patients(60))
    target = people[7]
    PurposeRegistry(ws).add("billing", "contract", 90)
    Ingestor(ws).run(write_csv(tmp_path / "patients.csv", 60), "patients", "patient_id")
    ConsentLedger(ws).record(target.patient_id, "billing", "grant", evidence="form")
    text = f"Contact {target.email} today."
    start = text.index(target.email)
    masked = (
        Anonymizer(ws, default="pseudonym")
        .mask(text, [Entity(start, start + len(target.email), "EMAIL_ADDRESS", 1.0)])
        .text
    )
    assert Unmasker(ws).unmask(masked).text == text
    Mirror(ws).sync(DatasetCatalog(ws).get("patients"), "salt", None)
    p = ws.pseudonymize(target.patient_id)
    assert mirror_rows_of(ws, p) == 1
    root = ws.root
    ws.close()

    kill_at(root, target.patient_id, step, tmp_path)

    if step == "prepared":  # killed before the keys went: nothing changed, the subject is intact
        with Workspace.open(root) as after:
            assert after.keystore.tombstone(p) is None and after.keystore.get(p) is not None
            assert rows_of(after, p)["ds_patients"] == 1
            assert erase_subject(after, target.patient_id).status == "complete"
    else:  # the keys are gone for good, whatever else was left
        with _raw(root) as raw:
            assert raw.keystore.get(p) is None and raw.keystore.tombstone(p) is not None
    with Workspace.open(root) as after:  # the next command
        assert_fully_erased(after, target.patient_id, tmp_path, dataset="patients", purpose="billing")
        assert target.email not in Unmasker(after).unmask(masked).text
        entries = [e for e in after.audit.entries(action="subject.erase")]
        assert len(entries) == 1, [e.details for e in entries]
        assert after.audit.verify().ok
        assert after.keystore.journal.pending() == [] and after.keystore.journal.runs() == []


class _raw:
    """The workspace without Workspace.open's recovery: what the killed process left."""

    def __init__(self, root: Path) -> None:
        from veil.config import WorkspaceConfig

        self.ws = Workspace(root, WorkspaceConfig.load(root))

    def __enter__(self) -> Workspace:
        return self.ws

    def __exit__(self, *exc: object) -> None:
        self.ws.close()
