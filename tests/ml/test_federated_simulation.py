"""Federated learning on Flower's simulation engine (Ray): the ServerApp and ClientApp of the
deployment engine, one virtual SuperNode per site workspace.

Ray comes with ``veil[federated-sim]`` (and the dev extra): without it these tests skip,
except under ``CI=true``, where they fail.
"""

from __future__ import annotations

import importlib.util
import json
import os
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import fields
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from tests.support.adult import ADULT_BOUNDS, ADULT_CATEGORIES

from veil.cli import app as cli
from veil.errors import InputError
from veil.ml.federated import FederatedResult, MissingDependencyError, TrainConfig, run_federated
from veil.workspace import Workspace

from .conftest import FED_SPEC as SPEC
from .conftest import (
    assert_no_raw_value,
    audit_seq,
    constant_loss,
    fedavg_reference,
    federated_reads,
    run_processes,
    union,
)


@pytest.fixture
def ray_installed() -> None:
    if importlib.util.find_spec("ray") is not None:
        return
    message = "ray is not installed: pip install 'veil[federated-sim]' (the dev extra has it)"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{message}; the simulation tests must run under CI=true")
    pytest.skip(message)


def _run_watching_processes(
    sites: list[Path], cfg: TrainConfig, run_dir: Path
) -> tuple[FederatedResult, int, list[int]]:
    """Run the simulation; return its result, the most processes it had at once and those left."""
    most = 0
    with ThreadPoolExecutor(max_workers=1) as pool:
        future = pool.submit(run_federated, SPEC, sites, cfg, workdir=run_dir, engine="simulation")
        while not future.done():
            most = max(most, len(run_processes(run_dir)))
            time.sleep(0.2)
        result = future.result()
    return result, most, run_processes(run_dir)


@pytest.mark.slow
@pytest.mark.usefixtures("ray_installed")
def test_simulation_gives_the_deployment_model_and_no_row_leaves(
    fed_sites: list[Path], tmp_path: Path
) -> None:
    sites = fed_sites[:2]
    cfg = TrainConfig(rounds=2, local_epochs=5)
    since = [audit_seq(p) for p in sites]
    result, most, left = _run_watching_processes(sites, cfg, tmp_path / "run")
    # The SuperLink, flwr-simulation and Ray's processes ran, and none outlived the run.
    assert most >= 4 and left == []
    assert isinstance(result, FederatedResult) and result.engine == "simulation"
    assert result.sites == 2 and result.rows == [1000, 1000] and not result.secagg and result.dp is None
    assert [r["round"] for r in result.rounds] == [1, 2]
    assert all(set(r) == {"round", "train-loss", "train-accuracy"} for r in result.rounds)
    # Each virtual SuperNode read its own workspace (partition i -> site i): one audited read per
    # round and one for the final evaluation, all of the same Flower run.
    reads = [federated_reads(p, seq) for p, seq in zip(sites, since, strict=True)]
    assert [sorted(int(d["round"]) for d in r) for r in reads] == [[1, 2, 3], [1, 2, 3]]
    assert len({d["flower_run"] for r in reads for d in r}) == 1
    # The model the deployment engine gives (tested against the same reference): FedAvg of each
    # site's local SGD with that site's seeds.
    model = result.logistic()
    reference = fedavg_reference(sites, cfg)
    np.testing.assert_allclose(model.weight, reference.weight, rtol=0, atol=1e-9)
    assert model.bias == pytest.approx(reference.bias, abs=1e-9)
    _, _, x_hold, y_hold = union(sites)
    correct, loss = model.scores(x_hold, y_hold)
    assert result.holdout_examples == len(y_hold)
    assert result.holdout_accuracy == pytest.approx(correct / len(y_hold))
    assert result.holdout_loss == pytest.approx(loss / len(y_hold))
    # A sane model: it beats the best constant predictor (see constant_loss; accuracy alone on
    # ~400 held-out rows of a random split varies too much for a fixed bar).
    assert loss / len(y_hold) < constant_loss(y_hold) - 0.05
    assert correct / len(y_hold) >= max(np.mean(y_hold), 1 - np.mean(y_hold)) - 0.05
    assert_no_raw_value(tmp_path / "run", sites)
    for path in sites:
        with Workspace.open(path) as ws:
            assert ws.audit.verify().ok


@pytest.mark.slow
@pytest.mark.usefixtures("ray_installed")
def test_simulation_secagg_plus(fed_sites: list[Path], tmp_path: Path) -> None:
    cfg = TrainConfig(rounds=1, local_epochs=5, secagg=True)
    result, _, left = _run_watching_processes(fed_sites, cfg, tmp_path / "run")
    assert left == []
    assert result.engine == "simulation" and result.secagg and result.sites == 3
    # The server saw only the masked sum of the quantised updates: plain FedAvg's model up to the
    # quantisation (seen: 2e-6), not bit for bit.
    model, reference = result.logistic(), fedavg_reference(fed_sites, cfg)
    assert 0 < np.max(np.abs(model.weight - reference.weight)) < 1e-3
    assert result.holdout_loss is not None and result.holdout_loss < constant_loss(union(fed_sites)[3]) - 0.03


def _cli(
    argv: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> tuple[int, Any]:
    """``veil ARGV --json`` in this process; returns (exit status, JSON printed)."""
    monkeypatch.setattr(sys, "argv", ["veil", *argv, "--json"])
    with pytest.raises(SystemExit) as exit_info:
        cli.main()
    code = exit_info.value.code
    assert code is None or isinstance(code, int)
    return code or 0, json.loads(capsys.readouterr().out)


def _cli_args(sites: list[Path], out: Path) -> list[str]:
    return [
        "federated",
        *[a for p in sites for a in ("--site", str(p))],
        "--dataset", SPEC.dataset, "--purpose", SPEC.purpose,
        "--target", SPEC.target, "--positive", SPEC.positive,
        "--features", ",".join(SPEC.features),
        *[a for c, (lo, hi) in ADULT_BOUNDS.items() for a in ("--bounds", f"{c}={lo}:{hi}")],
        *[a for c in SPEC.categorical for a in ("--categories", f"{c}={','.join(ADULT_CATEGORIES[c])}")],
        "--out", str(out),
    ]  # fmt: skip


@pytest.mark.slow
@pytest.mark.usefixtures("ray_installed")
def test_cli_simulation_with_client_side_dp(
    fed_sites: list[Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    sites = fed_sites[:2]
    args = [*_cli_args(sites, tmp_path / "model.json"), "--simulation", "--sim-cpus", "2"]
    args += ["--rounds", "2", "--dp-clip", "1.0", "--dp-noise", "0.05"]
    code, data = _cli(args, monkeypatch, capsys)
    assert code == 0, data
    # The deployment engine's JSON, plus which engine ran: the result's fields but the model
    # (written to --out), and where it went.
    assert set(data) == {f.name for f in fields(FederatedResult)} - {"model"} | {"out"}
    assert data["engine"] == "simulation" and data["sites"] == 2 and data["rows"] == [1000, 1000]
    assert data["dp"] == {"clipping_norm": 1.0, "noise_multiplier": 0.05}
    model = json.loads((tmp_path / "model.json").read_text())
    assert model["kind"] == "logistic_regression" and model["columns"] == SPEC.columns
    params = np.array([*model["weight"], model["bias"]])
    assert np.all(np.isfinite(params))
    # Each round moves the model by the mean of updates clipped to norm 1 plus a little noise
    # (std 0.05 x 1 / 2 sites per coordinate): after 2 rounds its norm is about 2 at most, where
    # plain FedAvg's is over 3.
    reference = fedavg_reference(sites, TrainConfig(rounds=2))
    assert np.linalg.norm(params) < 2.5 < np.linalg.norm([*reference.weight, reference.bias])
    # Still a model that learned (see constant_loss).
    assert data["holdout_loss"] < constant_loss(union(sites)[3]) - 0.05


def test_missing_ray_names_the_extra(
    fed_sites: list[Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # `import ray` fails and find_spec("ray") finds nothing, as when Ray is not installed.
    monkeypatch.setitem(sys.modules, "ray", None)
    with pytest.raises(MissingDependencyError, match=r"pip install 'veil\[federated-sim\]'"):
        run_federated(SPEC, fed_sites[:2], TrainConfig(rounds=1), engine="simulation")
    code, data = _cli([*_cli_args(fed_sites[:2], tmp_path / "m.json"), "--simulation"], monkeypatch, capsys)
    assert code == 2 and data["error"] == "missing_dependency"
    assert "pip install 'veil[federated-sim]'" in data["message"]
    assert not (tmp_path / "m.json").exists()


def test_engine_options_are_checked(
    fed_sites: list[Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    args = [*_cli_args(fed_sites[:2], tmp_path / "m.json"), "--sim-cpus", "2"]
    code, data = _cli(args, monkeypatch, capsys)
    assert code == 3 and "applies to --simulation only" in data["message"]
    with pytest.raises(InputError, match="unknown engine 'ray'"):
        run_federated(SPEC, fed_sites[:2], TrainConfig(rounds=1), engine="ray")  # type: ignore[arg-type]
