"""Federated learning with Flower: real SuperLink + SuperNode processes on loopback."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pyarrow.csv as pacsv
import pytest

from veil.consent.purpose import PurposeRegistry
from veil.errors import ConsentError, InputError
from veil.ml.adult import load_adult
from veil.ml.federated import FeatureSpec, LogisticModel, TrainConfig, load_site, run_federated, train_local
from veil.vault.ingest import Ingestor
from veil.workspace import Workspace

ROWS = 3000
SPEC = FeatureSpec(
    dataset="adult",
    purpose="research",
    target="income",
    positive=">50K",
    numeric={
        "age": (17.0, 90.0),
        "education_num": (1.0, 16.0),
        "hours_per_week": (1.0, 99.0),
        "capital_gain": (0.0, 20000.0),
        "capital_loss": (0.0, 3000.0),
    },
    categorical={
        "sex": ["Male", "Female"],
        "marital_status": [
            "Married-civ-spouse", "Never-married", "Divorced", "Separated", "Widowed",
            "Married-spouse-absent", "Married-AF-spouse",
        ],
        "relationship": ["Husband", "Not-in-family", "Own-child", "Unmarried", "Wife", "Other-relative"],
    },
)  # fmt: skip


def _site(root: Path, name: str, first: int, rows: int, basis: str = "legitimate_interests") -> Path:
    csv = root / f"{name}.csv"
    pacsv.write_csv(load_adult(ROWS).slice(first, rows), csv)
    ws = Workspace.init(root / name)
    try:
        Ingestor(ws).run(csv, "adult", "person_id")
        PurposeRegistry(ws).add("research", basis, 365)
    finally:
        ws.close()
    csv.unlink()
    return root / name


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[Path]]:
    mp = pytest.MonkeyPatch()
    mp.setenv("VEIL_ACTOR", "test-actor")
    root = tmp_path_factory.mktemp("sites")
    yield [_site(root, f"site{i}", i * ROWS // 3, ROWS // 3) for i in range(3)]
    mp.undo()


def _union(paths: list[Path]) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    parts = []
    for p in paths:
        with Workspace.open(p) as ws:
            parts.append(load_site(ws, SPEC, 0.2))
    return (
        np.vstack([d.x_train for d in parts]),
        np.concatenate([d.y_train for d in parts]),
        np.vstack([d.x_holdout for d in parts]),
        np.concatenate([d.y_holdout for d in parts]),
    )


def _raw_markers(paths: list[Path]) -> list[str]:
    """Values that only a raw row holds: subject ids, pseudonyms, an unread column's values."""
    markers = [str(v) for v in load_adult(ROWS).column("person_id").to_pylist()[:: ROWS // 50]]
    markers += ["Exec-managerial", "Adm-clerical", "Machine-op-inspct"]  # occupation: never read
    for p in paths:
        with Workspace.open(p) as ws:
            markers.append(ws.pseudonymize("A000001") if p.name == "site0" else "")
    return [m for m in markers if m]


@pytest.mark.slow
def test_federated_close_to_centralised_and_no_row_leaves(sites: list[Path], tmp_path: Path) -> None:
    cfg = TrainConfig(rounds=2, local_epochs=5)
    result = run_federated(SPEC, sites[:2], cfg, workdir=tmp_path / "run")
    assert result.sites == 2 and result.rows == [1000, 1000]
    assert [r["round"] for r in result.rounds] == [1, 2]
    fed = result.logistic()
    x_train, y_train, x_hold, y_hold = _union(sites[:2])
    central = train_local(
        LogisticModel.zeros(SPEC.width), x_train, y_train, cfg.__class__(local_epochs=10), 0
    )
    fed_acc, central_acc = fed.accuracy(x_hold, y_hold), central.accuracy(x_hold, y_hold)
    assert result.holdout_accuracy == pytest.approx(fed_acc)
    assert fed_acc > 0.78
    # Federated must not be worse than centralised training on the same rows (it may be better:
    # on 2,000 rows with a random split the centralised SGD run varies by a few points).
    assert fed_acc >= central_acc - 0.03
    # Nothing a raw row holds reached the SuperLink: not its logs, not its state database.
    markers = _raw_markers(sites[:2])
    blobs = [p.read_bytes() for p in (tmp_path / "run").rglob("*") if p.is_file() and "site" not in p.name]
    db = tmp_path / "run" / "superlink.db"
    if db.exists():
        with sqlite3.connect(db) as conn:
            for (table,) in conn.execute("SELECT name FROM sqlite_master WHERE type='table'").fetchall():
                blobs.append(repr(conn.execute(f'SELECT * FROM "{table}"').fetchall()).encode())
    for marker in markers:
        assert all(marker.encode() not in b for b in blobs), "a raw value reached the SuperLink"
    # Each site's reads are in its own audit log.
    with Workspace.open(sites[0]) as ws:
        assert ws.audit.verify().ok


# flwr imports typer, and typer 0.20 imports a name click 8.5 deprecated (nothing Veil calls).
@pytest.mark.filterwarnings("ignore:'click.utils.get_binary_stream' is deprecated:DeprecationWarning")
@pytest.mark.filterwarnings("ignore:'click.utils.get_text_stream' is deprecated:DeprecationWarning")
def test_client_reply_holds_only_parameters_and_counts(
    sites: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """What a ClientApp sends back: two arrays of the model's shapes and scalar metrics."""
    import json

    from flwr.app import Array, ArrayRecord, ConfigRecord, Context, Message, MessageType, RecordDict
    from flwr.supercore.task_identity import TaskIdentity

    from veil.ml.flower_app import ROUND_KEY, SPEC_KEY, TRAIN_KEY, client_app

    # Outside Flower's task runtime: give this process the identity a SuperNode would.
    monkeypatch.setattr(TaskIdentity, "_run_id", 1)
    monkeypatch.setattr(TaskIdentity, "_node_id", 0)
    monkeypatch.setattr(TaskIdentity, "_task_id", 1)
    model = LogisticModel.zeros(SPEC.width)
    config = ConfigRecord(
        {SPEC_KEY: json.dumps(SPEC.to_dict()), TRAIN_KEY: json.dumps(TrainConfig().to_dict()), ROUND_KEY: 1}
    )
    weight, bias = model.arrays()
    content = RecordDict(
        {"arrays": ArrayRecord({"weight": Array(weight), "bias": Array(bias)}), "config": config}
    )
    msg = Message(content, dst_node_id=1, message_type=MessageType.TRAIN)
    ctx = Context(
        run_id=1,
        node_id=1,
        node_config={"workspace": str(sites[0]), "site": 1},
        state=RecordDict(),
        run_config={},
    )
    reply = client_app(msg, ctx)
    assert not reply.has_error()
    assert set(reply.content.array_records) == {"arrays"} and not reply.content.config_records
    arrays = reply.content.array_records["arrays"].to_numpy_ndarrays()
    assert [a.shape for a in arrays] == [(SPEC.width,), (1,)]
    metrics = dict(reply.content.metric_records["metrics"])
    assert set(metrics) == {"num-examples", "dp-weight", "train-loss", "train-accuracy"}
    assert all(isinstance(v, int | float) for v in metrics.values())


@pytest.mark.slow
def test_secagg_plus_with_client_side_dp(sites: list[Path], tmp_path: Path) -> None:
    cfg = TrainConfig(rounds=1, local_epochs=5, secagg=True, dp_clip=5.0, dp_noise=0.01)
    result = run_federated(SPEC, sites, cfg, workdir=tmp_path / "run")
    assert result.secagg and result.dp == {"clipping_norm": 5.0, "noise_multiplier": 0.01}
    # One noisy, quantised SecAgg+ round: this checks the secure path end to end and that it
    # yields a model that learned something (seen here: 0.74-0.80); accuracy against
    # centralised training is checked without SecAgg above.
    assert result.holdout_accuracy is not None and result.holdout_accuracy > 0.70
    weights = result.logistic().weight
    assert np.all(np.isfinite(weights)) and np.any(np.abs(weights) > 1e-3)


def test_secagg_needs_three_sites(sites: list[Path]) -> None:
    with pytest.raises(InputError, match="at least three sites"):
        run_federated(SPEC, sites[:2], TrainConfig(secagg=True))


def test_site_without_lawful_subjects_fails_clearly(sites: list[Path], tmp_path: Path) -> None:
    lonely = _site(tmp_path, "consent-site", 0, 50, basis="consent")  # nobody has consented
    with pytest.raises(ConsentError, match=r"site 2 .* no lawful subjects for purpose 'research'"):
        run_federated(SPEC, [sites[0], lonely], TrainConfig(rounds=1))


def test_sealed_or_unknown_columns_are_refused(sites: list[Path]) -> None:
    bad = FeatureSpec(
        dataset="adult", purpose="research", target="income", positive=">50K", categorical={"x": ["a"]}
    )
    with pytest.raises(Exception, match="site 1"):
        run_federated(bad, sites[:2], TrainConfig(rounds=1))
