"""ML test fixtures: a small Adult workspace (2,000 rows, DP bounds and keys declared, a budget) and,
for the federated tests (deployment and simulation engines), three Adult site workspaces."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pyarrow.csv as pacsv
import pytest
from tests.support.adult import ADULT_KEYS, adult_csv, adult_spec, load_adult

from veil.consent.purpose import PurposeRegistry
from veil.dp.budget import BudgetLedger
from veil.dp.policy import PolicyStore
from veil.ml.federated import LogisticModel, TrainConfig, train_local
from veil.ml.federated_site import SiteData, load_site
from veil.ml.federated_spec import FederatedSpec
from veil.vault.ingest import Ingestor
from veil.workspace import Workspace

ROWS = 2000
BOUNDS = {
    "age": (17.0, 90.0),
    "fnlwgt": (0.0, 1.5e6),
    "education_num": (1.0, 16.0),
    "capital_gain": (0.0, 1e5),
    "capital_loss": (0.0, 5000.0),
    "hours_per_week": (1.0, 99.0),
}
#: DP training reads no category from the data: every categorical column's values and the target's
#: two labels are declared (the data set's documented values).
KEYS: dict[str, tuple[str, ...]] = {k: tuple(v) for k, v in ADULT_KEYS.items()}


@pytest.fixture
def adult_ws(ws: Workspace, tmp_path: Path) -> Workspace:
    Ingestor(ws).run(adult_csv(tmp_path / "adult.csv", ROWS), "adult", "person_id")
    PurposeRegistry(ws).add("research", "legitimate_interests", 365)
    PolicyStore(ws).update("adult", bounds=BOUNDS, keys=KEYS)
    BudgetLedger(ws).set("adult", 10.0, 1e-4)
    return ws


# -- federated learning: one site = one workspace ---------------------------------------------
FED_ROWS = 3000  # split over three sites of 1,000 rows
# Occupation stays out of the features: its values serve as markers of a raw row (never read).
FED_SPEC: FederatedSpec = adult_spec(("sex", "marital_status", "relationship"))


def make_site(root: Path, name: str, first: int, rows: int, basis: str = "legitimate_interests") -> Path:
    """A workspace holding Adult rows ``first .. first + rows`` and a ``research`` purpose."""
    csv = root / f"{name}.csv"
    pacsv.write_csv(load_adult(FED_ROWS).slice(first, rows), csv)
    ws = Workspace.init(root / name)
    try:
        Ingestor(ws).run(csv, "adult", "person_id")
        PurposeRegistry(ws).add("research", basis, 365)
    finally:
        ws.close()
    csv.unlink()
    return root / name


@pytest.fixture(scope="session")
def fed_sites(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """Three site workspaces of 1,000 Adult rows each (built once for both engines' tests)."""
    root = tmp_path_factory.mktemp("sites")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("VEIL_ACTOR", "test-actor")
        return [make_site(root, f"site{i}", i * FED_ROWS // 3, FED_ROWS // 3) for i in range(3)]


def site_data(paths: list[Path], holdout: float = 0.2) -> list[SiteData]:
    parts = []
    for p in paths:
        with Workspace.open(p) as ws:
            parts.append(load_site(ws, FED_SPEC, holdout))
    return parts


def union(paths: list[Path]) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(x_train, y_train, x_holdout, y_holdout) over the sites' rows."""
    parts = site_data(paths)
    return (
        np.vstack([d.x_train for d in parts]),
        np.concatenate([d.y_train for d in parts]),
        np.vstack([d.x_holdout for d in parts]),
        np.concatenate([d.y_holdout for d in parts]),
    )


def constant_loss(y: np.ndarray) -> float:
    """Log loss of the best constant predictor of labels ``y`` (their entropy, in nats).

    A model's held-out log loss clearly below it shows the model learned from the features.
    Accuracy on a few hundred held-out rows is too noisy for a test: the holdout split is
    keyed by the workspace's random pseudonym key, so it changes from run to run.
    """
    p = float(np.mean(y))
    return float(-(p * np.log(p) + (1 - p) * np.log(1 - p)))


def fedavg_reference(paths: list[Path], cfg: TrainConfig) -> LogisticModel:
    """FedAvg computed here, in one process: what either engine must give without DP or SecAgg+.

    Site ``i`` (1-based, in ``paths`` order) trains with the seed the ClientApp derives from
    the run's seed, the round and its site number; the server weights by training rows.
    """
    parts = site_data(paths, cfg.holdout)
    model = LogisticModel.zeros(FED_SPEC.width)
    for r in range(1, cfg.rounds + 1):
        local = [
            train_local(model, d.x_train, d.y_train, cfg, cfg.seed * 1_000_003 + r * 1_009 + i)
            for i, d in enumerate(parts, 1)
        ]
        n = np.array([len(d.y_train) for d in parts], dtype=np.float64)
        model = LogisticModel(
            np.sum([m.weight * k for m, k in zip(local, n, strict=True)], axis=0) / n.sum(),
            float(sum(m.bias * k for m, k in zip(local, n, strict=True)) / n.sum()),
        )
    return model


def raw_markers(paths: list[Path]) -> list[str]:
    """Values that only a raw row holds: subject ids, pseudonyms, an unread column's values."""
    markers = [str(v) for v in load_adult(FED_ROWS).column("person_id").to_pylist()[:: FED_ROWS // 50]]
    markers += ["Exec-managerial", "Adm-clerical", "Machine-op-inspct"]  # occupation: never read
    for p in paths:
        with Workspace.open(p) as ws:
            markers.append(ws.pseudonymize("A000001") if p.name == "site0" else "")
    return [m for m in markers if m]


def assert_no_raw_value(run_dir: Path, paths: list[Path]) -> None:
    """Nothing a raw row holds reached the SuperLink: not its logs, files or state database."""
    import sqlite3

    blobs = [p.read_bytes() for p in run_dir.rglob("*") if p.is_file() and "site" not in p.name]
    db = run_dir / "superlink.db"
    assert db.exists(), "the SuperLink kept no state database"
    with sqlite3.connect(db) as conn:
        for (table,) in conn.execute("SELECT name FROM sqlite_master WHERE type='table'").fetchall():
            blobs.append(repr(conn.execute(f'SELECT * FROM "{table}"').fetchall()).encode())
    markers = raw_markers(paths)
    assert markers
    for marker in markers:
        assert all(marker.encode() not in b for b in blobs), "a raw value reached the SuperLink"


def audit_seq(path: Path) -> int:
    """The sequence number of a site's newest audit entry."""
    with Workspace.open(path) as ws:
        return ws.audit.head()[0]


def federated_reads(path: Path, since: int) -> list[dict[str, Any]]:
    """The details of a site's ``ml.federated.read`` audit entries after entry ``since``."""
    with Workspace.open(path) as ws:
        return [e.details for e in ws.audit.entries(since=since, action="ml.federated.read")]


def run_processes(run_dir: Path) -> list[int]:
    """Live processes started for the federated run kept in ``run_dir`` (Linux ``/proc``).

    Every process of a run, Ray's included, inherits the run's ``FLWR_HOME``; matching on it
    tells this run's processes from those of any other run on the machine.
    """
    marker = f"FLWR_HOME={run_dir / 'flwr-home'}".encode()
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                environ = (entry / "environ").read_bytes()
            except OSError:
                continue
            if marker in environ.split(b"\0"):
                found.append(int(entry.name))
    return found
