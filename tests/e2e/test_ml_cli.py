"""End-to-end: ``veil train`` and ``veil models`` through the real command (DP-SGD, cards, staleness)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from tests.support.adult import ADULT_KEYS, adult_csv, load_adult
from tests.support.veil_cli import veil, veil_json

from veil.workspace import Workspace

ROWS = 1500
#: DP training reads no category from the data: the target's and each categorical feature's keys
KEY_ARGS = [a for c in ("income", "education", "sex") for a in ("--keys", f"{c}={','.join(ADULT_KEYS[c])}")]


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    ws = tmp_path / "ws"
    veil_json("init", ws=ws)
    veil("purpose", "add", "research", "--basis", "legitimate_interests", "--retention-days", "365", ws=ws)
    src = adult_csv(tmp_path / "adult.csv", ROWS)
    veil("ingest", str(src), "--dataset", "adult", "--subject-column", "person_id", "--no-pii-scan", ws=ws)
    return ws


@pytest.mark.slow
def test_train_erase_retrain_story(workspace: Path, tmp_path: Path) -> None:
    ws = workspace
    common = [
        "adult",
        "--purpose",
        "research",
        "--target",
        "income",
        "--features",
        "age,education,sex,hours_per_week",
    ]

    # DP mode refuses a numeric feature without declared bounds, naming the command to run.
    proc = veil("train", *common, "--epsilon", "1", "--delta", "1e-5", "--json", ws=ws, check=False)
    assert (
        proc.returncode == 3
        and "veil dataset set adult --bounds age=LO:HI" in json.loads(proc.stdout)["message"]
    )
    veil("dataset", "set", "adult", "--bounds", "age=17:90", "--bounds", "hours_per_week=1:99", ws=ws)
    # ... and a target whose two values are not declared, naming the command to run.
    proc = veil("train", *common, "--epsilon", "1", "--delta", "1e-5", "--json", ws=ws, check=False)
    assert proc.returncode == 3 and "--keys income=NEGATIVE,POSITIVE" in json.loads(proc.stdout)["message"]
    veil("dataset", "set", "adult", *KEY_ARGS, ws=ws)

    # No budget yet: refused before training, nothing written.
    proc = veil("train", *common, "--epsilon", "1", "--delta", "1e-5", "--json", ws=ws, check=False)
    assert proc.returncode == 4 and "veil budget set adult" in json.loads(proc.stdout)["message"]
    assert veil_json("models", "list", ws=ws) == []
    veil_json("budget", "set", "adult", "--epsilon", "3", "--delta", "1e-4", ws=ws)

    out = tmp_path / "export"
    card = veil_json("train", *common, "--model", "mlp", "--epsilon", "2", "--delta", "1e-5", "--epochs", "2",
                     "--name", "income-mlp", "--out", str(out), "--seed", "1", ws=ws)  # fmt: skip
    assert card["private"] and card["epsilon"] == 2 and 0 < card["epsilon_spent"] <= 2
    assert card["train_subjects"] + card["test_subjects"] == ROWS and card["accuracy"] > 0.6
    assert (out / "model.pt").is_file() and (out / "card.md").is_file()
    budget = veil_json("budget", "show", "adult", ws=ws)
    assert budget["epsilon_spent"] == 2 and budget["charges"] == 1

    # Over budget: refused (exit 12), nothing charged.
    proc = veil(
        "train", *common, "--epsilon", "2", "--delta", "1e-5", "--name", "again", "--json", ws=ws, check=False
    )
    assert proc.returncode == 12 and veil_json("budget", "show", "adult", ws=ws)["charges"] == 1

    plain = veil_json("train", *common, "--no-dp", "--epochs", "2", "--name", "income-plain", ws=ws)
    assert plain["epsilon"] == "none" and veil_json("budget", "show", "adult", ws=ws)["charges"] == 1

    # Erase one training subject: the DP model turns stale; retrain drops the subject (charged again).
    trained = set(json.loads((ws / "models" / "income-mlp" / "subjects.json").read_text())["train"])
    veil_json("budget", "set", "adult", "--epsilon", "5", "--delta", "1e-4", ws=ws)
    with Workspace.open(ws) as opened:
        pid = next(
            str(p)
            for p in load_adult(ROWS).column("person_id").to_pylist()
            if opened.pseudonymize(str(p)) in trained
        )
    veil("subject", "erase", pid, "--yes", ws=ws)
    listed = {m["name"]: m for m in veil_json("models", "list", ws=ws)}
    assert listed["income-mlp"]["stale"] and listed["income-mlp"]["erased_subjects"] == 1
    assert "STALE" in veil("models", "list", ws=ws).stdout

    retrained = veil_json("models", "retrain", "--stale", ws=ws)
    assert "income-mlp" in {r["name"] for r in retrained}
    after = {m["name"]: m for m in veil_json("models", "list", ws=ws)}
    assert not after["income-mlp"]["stale"] and after["income-mlp"]["version"] == 2
    assert veil_json("budget", "show", "adult", ws=ws)["charges"] == 2
    shown = veil_json("models", "show", "income-mlp", ws=ws)
    assert shown["version"] == 2 and not shown["stale"]


@pytest.mark.slow
def test_train_errors(workspace: Path) -> None:
    ws = workspace
    proc = veil(
        "train", "adult", "--purpose", "research", "--target", "nope", "--no-dp", "--json", ws=ws, check=False
    )
    assert proc.returncode == 4 and "no column 'nope'" in json.loads(proc.stdout)["message"]
    proc = veil(
        "train", "adult", "--purpose", "research", "--target", "race", "--no-dp", "--json", ws=ws, check=False
    )
    assert proc.returncode == 3 and "binary" in json.loads(proc.stdout)["message"]
    proc = veil("train", "adult", "--purpose", "research", "--target", "income", "--json", ws=ws, check=False)
    assert proc.returncode == 3 and "--epsilon" in json.loads(proc.stdout)["message"]
    proc = veil("models", "retrain", "--json", ws=ws, check=False)
    assert proc.returncode == 3


@pytest.mark.slow
def test_sharded_train_erase_retrains_one_shard(workspace: Path) -> None:
    ws = workspace
    card = veil_json("train", "adult", "--purpose", "research", "--target", "income", "--features",
                     "age,education,sex,hours_per_week", "--no-dp", "--epochs", "3", "--shards", "4",
                     "--name", "income-sisa", "--seed", "0", ws=ws)  # fmt: skip
    assert card["shards"] == 4 and card["retrained_shards"] == []
    # Pseudonyms (hence the split and the shards) differ with every workspace's key: one epoch
    # gave 0.60-0.64 against a 0.76-0.80 base rate (a CI run hit exactly 0.6); three epochs land
    # near the base rate. Judged against this run's own base rate, not a fixed number.
    assert card["accuracy"] > card["majority_baseline"] - 0.1
    assert (ws / "models" / "income-sisa" / "sisa.json").is_file()
    (listed,) = veil_json("models", "list", ws=ws)
    assert listed["shards"] == 4
    assert "Sharding (SISA)" in veil("models", "show", "income-sisa", ws=ws).stdout

    subjects = json.loads((ws / "models" / "income-sisa" / "subjects.json").read_text())
    with Workspace.open(ws) as opened:
        pid, pseudonym = next(
            (str(p), opened.pseudonymize(str(p)))
            for p in load_adult(ROWS).column("person_id").to_pylist()
            if opened.pseudonymize(str(p)) in subjects["train"]
        )
    holder = next(j for j, members in enumerate(subjects["shards"]) if pseudonym in members)
    veil("subject", "erase", pid, "--yes", ws=ws)
    assert veil_json("models", "list", ws=ws)[0]["stale"]

    proc = veil("models", "retrain", "--stale", ws=ws)
    assert f"retrained shard {holder} of 4" in " ".join(proc.stdout.split())
    shown = veil_json("models", "show", "income-sisa", ws=ws)
    assert shown["retrained_shards"] == [holder] and shown["version"] == 2 and not shown["stale"]
    assert shown["speedup"] > 0
    after = json.loads((ws / "models" / "income-sisa" / "subjects.json").read_text())
    assert pseudonym not in after["train"] and after["shards"][holder] == sorted(
        set(subjects["shards"][holder]) - {pseudonym}
    )


LONG_NAME = "a-very-long-model-name-that-a-narrow-terminal-would-cut-0123"


@pytest.mark.parametrize("columns", ["40", "80", "250"])
def test_models_list_never_cuts_a_name(
    workspace: Path, columns: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    ws = workspace
    common = ["adult", "--purpose", "research", "--target", "income", "--features", "age,sex", "--no-dp"]
    veil("train", *common, "--epochs", "1", "--name", LONG_NAME, ws=ws)
    veil("train", *common, "--epochs", "1", "--name", "short", ws=ws)
    monkeypatch.setenv("COLUMNS", columns)
    out = veil("models", "list", ws=ws).stdout
    # Whole on one line (never cut with an ellipsis, never folded); narrow: one block per model.
    assert any(LONG_NAME in line for line in out.splitlines()) and "…" not in out
    assert ("┃ name" in out) is (int(columns) > 200)


@pytest.mark.slow
def test_holdout_delete_and_fairness_mitigation_from_the_cli(workspace: Path) -> None:
    ws = workspace
    veil(
        "dataset",
        "set",
        "adult",
        "--bounds",
        "age=17:90",
        "--bounds",
        "hours_per_week=1:99",
        *KEY_ARGS,
        ws=ws,
    )
    veil_json("budget", "set", "adult", "--epsilon", "10", "--delta", "1e-4", ws=ws)
    card = veil_json("train", "adult", "--purpose", "research", "--target", "income", "--positive", ">50K",
                     "--features", "age,education,sex,hours_per_week", "--epsilon", "3", "--delta", "1e-5",
                     "--holdout", "0.4", "--name", "m", "--seed", "0", ws=ws)  # fmt: skip
    assert card["test_subjects"] == 600 and card["train_subjects"] == 900
    assert card["steps"] >= 1000 and "step target" in card["schedule"]

    result = veil_json("fairness", "m", "--sensitive", "sex", "--mitigate", "--min-group-size", "10", ws=ws)
    mitigation = result["mitigation"]
    assert mitigation["model"] == "m-fair-sex" and mitigation["epsilon"] == 3
    assert result["held_out_subjects"] == 600 == mitigation["before"]["count"] == mitigation["after"]["count"]
    assert veil_json("budget", "show", "adult", ws=ws)["charges"] == 2  # the mitigation was charged
    assert {m["name"] for m in veil_json("models", "list", ws=ws)} == {"m", "m-fair-sex"}
    proc = veil("fairness", "m", "--sensitive", "sex", "--mitigate", "--constraint", "equalized_odds",
                "--json", ws=ws, check=False)  # fmt: skip
    assert proc.returncode == 3 and veil_json("budget", "show", "adult", ws=ws)["charges"] == 2

    # Delete: refused without --yes when not interactive, then at once and audit-logged.
    proc = veil("models", "delete", "m-fair-sex", "--json", ws=ws, check=False)
    assert proc.returncode == 3 and "--yes" in json.loads(proc.stdout)["message"]
    deleted = veil_json("models", "delete", "m-fair-sex", "--yes", ws=ws)
    assert deleted["deleted"] and not (ws / "models" / "m-fair-sex").exists()
    assert [m["name"] for m in veil_json("models", "list", ws=ws)] == ["m"]
    proc = veil("models", "delete", "m-fair-sex", "--yes", "--json", ws=ws, check=False)
    assert proc.returncode == 4


def _neighbour_workspaces(tmp_path: Path) -> list[Path]:
    """Two workspaces whose datasets differ in ONE subject, who alone has a target value ("maybe"),
    a city ("Zanzibar") and an age (99) that nobody else has."""
    rows = [
        f"p{i:03d},{20 + i % 45},{'AB'[i % 2]},{'' if i % 8 == 3 else ('yes' if i % 3 else 'no')}"
        for i in range(60)
    ]
    spaces = []
    for name, data in (("d", rows), ("d-plus-one", [*rows, "zz-rare,99,Zanzibar,maybe"])):
        src = tmp_path / f"{name}.csv"
        src.write_text("pid,age,city,label\n" + "\n".join(data) + "\n")
        ws = tmp_path / name
        veil_json("init", ws=ws)
        veil(
            "purpose", "add", "research", "--basis", "legitimate_interests", "--retention-days", "365", ws=ws
        )
        veil("ingest", str(src), "--dataset", "d", "--subject-column", "pid", "--no-pii-scan", ws=ws)
        veil("dataset", "set", "d", "--bounds", "age=18:70", ws=ws)
        veil_json("budget", "set", "d", "--epsilon", "50", "--delta", "1e-3", ws=ws)
        spaces.append(ws)
    return spaces


def _data_free_view(ws: Path, body: Any) -> list[dict[str, Any]]:
    """What must not depend on the data in a successful answer: the model cards' labels, inputs,
    limitations and privacy (train: its card; retrain: a list of cards; fairness: the mitigated one)."""
    if isinstance(body, list):
        cards = body
    elif body.get("mitigation"):
        cards = [veil_json("models", "show", body["mitigation"]["model"], ws=ws)]
    else:
        cards = [body]
    return [
        {k: c[k] for k in ("labels", "encoded_features", "limitations", "epsilon", "delta")} for c in cards
    ]


@pytest.mark.slow
def test_dp_training_from_the_cli_fares_alike_on_neighbouring_datasets(tmp_path: Path) -> None:
    """The attack: `veil train` used to read the target's values before charging, so a --positive
    that only one person holds, or a target that one person gives a third value, was answered by a
    free refusal on one dataset and a charged model on its neighbour. Now exit code, message and
    charge are the same on both, and so are the model's inputs and its card's limitations."""
    spaces = _neighbour_workspaces(tmp_path)
    train = ["train", "d", "--purpose", "research", "--target", "label", "--features", "age,city",
             "--epsilon", "1", "--delta", "1e-5", "--epochs", "2", "--seed", "0", "--json"]  # fmt: skip

    def both(*args: str) -> dict[str, Any]:
        seen = []
        for ws in spaces:
            proc = veil(*args, ws=ws, check=False)
            body = json.loads(proc.stdout) if proc.stdout.strip() else {}
            if proc.returncode == 0:
                body = _data_free_view(ws, body)
            seen.append((proc.returncode, body, veil_json("budget", "show", "d", ws=ws)["charges"]))
        assert seen[0] == seen[1], f"{args} differs between neighbouring datasets: {seen}"
        return {"rc": seen[0][0], "body": seen[0][1], "charges": seen[0][2]}

    # No keys for the target or the city: refused, naming the command; nothing charged.
    out = both(*train, "--positive", "yes")
    assert out["rc"] == 3 and out["charges"] == 0
    assert "veil dataset set d --keys label=NEGATIVE,POSITIVE" in out["body"]["message"]
    for ws in spaces:
        veil("dataset", "set", "d", "--keys", "label=no,yes", ws=ws)
    out = both(*train, "--positive", "yes")
    assert out["rc"] == 3 and "categorical feature 'city' needs declared keys" in out["body"]["message"]
    for ws in spaces:
        veil("dataset", "set", "d", "--keys", "city=A,B", ws=ws)

    # A --positive only the added subject holds: refused alike (it is not a declared value).
    out = both(*train, "--positive", "maybe", "--name", "rare")
    assert out["rc"] == 3 and out["charges"] == 0 and "declared values (no, yes)" in out["body"]["message"]

    # Valid: trained and charged alike; the inputs are the declared keys and one "(other)" input.
    out = both(*train, "--positive", "yes", "--name", "m")
    assert out["rc"] == 0 and out["charges"] == 1
    (card,) = out["body"]
    assert card["encoded_features"] == ["age", "city=A", "city=B", "city=(other)"]
    assert card["labels"] == ["no", "yes"]

    # Mitigating it and retraining it: charged alike.
    out = both("fairness", "m", "--sensitive", "city", "--mitigate", "--min-group-size", "1", "--json")
    assert out["rc"] == 0 and out["charges"] == 2
    out = both("models", "retrain", "m", "--seed", "1", "--json")
    assert out["rc"] == 0 and out["charges"] == 3
