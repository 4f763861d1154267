"""DP-SGD training on a purpose-bound release: accounting, order of charge, errors, card."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import sqlalchemy as sa
from tests.support.adult import ADULT_KEYS, adult_csv, load_adult

from veil.consent.purpose import PurposeRegistry
from veil.dp.budget import BudgetExceededError, BudgetLedger
from veil.dp.policy import PolicyStore
from veil.errors import ChargedRunError, ConfigError, ConflictError, ConsentError, InputError, NotFoundError
from veil.ml.classifier import accuracy
from veil.ml.data_prep import load_training_data, plan_training
from veil.ml.fitting import fit
from veil.ml.registry import ModelRegistry
from veil.ml.schedule import STEP_TARGET, schedule_for
from veil.ml.settings import TrainSettings
from veil.ml.trainer import Trainer
from veil.schema import audit_log
from veil.vault.ingest import Ingestor
from veil.workspace import Workspace


def _settings(**kw: Any) -> TrainSettings:
    base: dict[str, Any] = {
        "dataset": "adult",
        "purpose": "research",
        "target": "income",
        "model": "logreg",
        "epsilon": 3.0,
        "delta": 1e-5,
        "epochs": 3,
    }
    return TrainSettings(**{**base, **kw})


def _actions(ws: Workspace) -> list[str]:
    with ws.engine.connect() as conn:
        return [str(r[0]) for r in conn.execute(sa.select(audit_log.c.action).order_by(audit_log.c.seq))]


def test_opacus_reaches_but_does_not_exceed_the_promised_epsilon(adult_ws: Workspace) -> None:
    plan = plan_training(adult_ws, "adult", "research", "income", None, private=True)
    data = load_training_data(adult_ws, plan, seed=1)
    for kind, eps in (("logreg", 1.0), ("mlp", 4.0)):
        result = fit(data.x_train, data.y_train, kind=kind, epochs=1, epsilon=eps, delta=1e-5, seed=1)
        assert result.epsilon_spent is not None and result.noise_multiplier is not None
        # get_noise_multiplier searches to within 0.01 below the target
        assert eps - 0.02 <= result.epsilon_spent <= eps
        assert result.noise_multiplier > 0.3
        assert result.sample_rate == pytest.approx(1 / np.ceil(len(data.x_train) / 256))


def test_dp_accuracy_is_sane_and_close_to_non_private(adult_ws: Workspace) -> None:
    plan = plan_training(adult_ws, "adult", "research", "income", None, private=True)
    data = load_training_data(adult_ws, plan, seed=2)
    majority = max(data.y_test.mean(), 1 - data.y_test.mean())
    plain = fit(data.x_train, data.y_train, kind="logreg", seed=2)  # the default schedule: ~1,000 steps
    private = fit(data.x_train, data.y_train, kind="logreg", epsilon=8.0, delta=1e-5, seed=2)
    acc_plain = accuracy(plain.model, data.x_test, data.y_test)
    acc_private = accuracy(private.model, data.x_test, data.y_test)
    # 2,000 subjects and a 400-subject held-out set: loose, but a broken pipeline (labels
    # flipped, features zeroed, noise mis-scaled) falls well below these.
    assert acc_plain >= majority
    assert acc_private >= majority - 0.03 and acc_private > 0.7
    assert acc_private >= acc_plain - 0.06


def test_train_charges_the_budget_before_reading_training_rows(
    adult_ws: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[int] = []
    real = load_training_data

    def spy(*args: Any, **kwargs: Any) -> Any:
        seen.append(len(BudgetLedger(adult_ws).history("adult")))
        return real(*args, **kwargs)

    monkeypatch.setattr("veil.ml.trainer.load_training_data", spy)
    result = Trainer(adult_ws).train(_settings(), "m1", seed=3)
    assert seen == [1]  # the charge was on the ledger when the rows were read
    history = BudgetLedger(adult_ws).history("adult")
    assert [(h["kind"], h["epsilon"], h["delta"]) for h in history] == [("train", 3.0, 1e-5)]
    assert result.card.budget_charge_seq == history[0]["seq"]
    assert result.card.epsilon_spent is not None and result.card.epsilon_spent <= 3.0
    assert _actions(adult_ws)[-2:] == ["dp.train", "ml.train"]


def test_refused_charge_leaves_nothing(adult_ws: Workspace) -> None:
    before = _actions(adult_ws)
    with pytest.raises(BudgetExceededError, match="nothing was run or charged"):
        Trainer(adult_ws).train(_settings(epsilon=11.0), "m1")
    assert BudgetLedger(adult_ws).history("adult") == []
    assert _actions(adult_ws) == before
    assert ModelRegistry(adult_ws).names() == []
    assert not (adult_ws.root / "models" / "m1").exists()


def test_card_lists_each_training_subject_once(adult_ws: Workspace, tmp_path: Path) -> None:
    out = tmp_path / "export"
    result = Trainer(adult_ws).train(_settings(model="mlp", epochs=2), "m1", out=out, seed=4)
    registry = ModelRegistry(adult_ws)
    subjects = registry.subjects("m1")
    card = registry.card("m1")
    assert len(subjects) == len(set(subjects)) == card.train_subjects == result.card.train_subjects
    assert card.train_subjects + card.test_subjects == 2000  # one row per subject, split by subject
    with adult_ws.engine.connect() as conn:
        vault = {str(r[0]) for r in conn.execute(sa.text("SELECT DISTINCT _pseudonym FROM ds_adult"))}
    assert set(subjects) <= vault
    on_disk = json.loads((registry.path("m1") / "card.json").read_text())
    assert on_disk["subjects_file"] == "subjects.json" and on_disk["epsilon"] == 3.0
    assert "Limitations" in (registry.path("m1") / "card.md").read_text()
    assert (out / "model.pt").is_file() and (out / "card.json").is_file()
    assert not (out / "subjects.json").exists()  # the exported copy carries no pseudonyms
    # Every category is a declared key (plus one input for undeclared values): none read from the data.
    assert not any("derived" in x or "read from the data" in x for x in card.limitations)
    assert "native_country=(other)" in card.encoded_features and "sex=Female" in card.encoded_features
    assert card.rows_dropped is None and "further rows" not in (registry.path("m1") / "card.md").read_text()
    model, encoding = registry.load("m1")
    assert encoding.width == len(card.encoded_features)
    plan = plan_training(adult_ws, "adult", "research", "income", None, private=True)
    data = load_training_data(adult_ws, plan, seed=4)
    assert accuracy(model, data.x_test, data.y_test) == pytest.approx(card.accuracy, abs=1e-6)
    with pytest.raises(ConflictError, match="--replace"):
        Trainer(adult_ws).train(_settings(), "m1")


def test_no_dp_training_is_not_charged_but_audited(adult_ws: Workspace) -> None:
    result = Trainer(adult_ws).train(_settings(epsilon=None, delta=0.0), "plain", seed=5)
    assert BudgetLedger(adult_ws).history("adult") == []
    assert result.card.to_dict()["epsilon"] == "none" and not result.card.private
    with adult_ws.engine.connect() as conn:
        row = conn.execute(
            sa.select(audit_log.c.action, audit_log.c.details).order_by(audit_log.c.seq.desc()).limit(1)
        ).one()
    assert row[0] == "ml.train" and json.loads(row[1])["private"] is False


def test_one_random_row_per_subject(ws: Workspace, tmp_path: Path) -> None:
    lines = ["pid,age,city,label"] + [
        f"p{i % 20},{20 + i % 50},{'AB'[i % 2]},{'yn'[i % 3 == 0]}" for i in range(60)
    ]
    src = tmp_path / "multi.csv"
    src.write_text("\n".join(lines) + "\n")
    Ingestor(ws).run(src, "multi", "pid")
    PurposeRegistry(ws).add("research", "legitimate_interests", 365)
    plan = plan_training(ws, "multi", "research", "label", ["age", "city"], private=False)
    data = load_training_data(ws, plan, seed=0)
    assert len(data.train_subjects) + len(data.test_subjects) == 20
    assert not set(data.train_subjects) & set(data.test_subjects)
    assert data.rows_dropped == 40
    assert len(data.x_train) == len(data.train_subjects)


def test_features_use_declared_keys_and_bounds(adult_ws: Workspace) -> None:
    PolicyStore(adult_ws).update("adult", keys={"sex": ("Female", "Male", "Other")})
    plan = plan_training(adult_ws, "adult", "research", "income", ["age", "sex"], private=True)
    data = load_training_data(adult_ws, plan, seed=0)
    assert data.encoding.columns() == ["age", "sex=Female", "sex=Male", "sex=Other", "sex=(other)"]
    assert np.abs(data.x_train[:, 0]).max() <= 1.0  # clamped and scaled by the declared bounds
    assert not any("derived" in x for x in data.limitations if "sex" in x)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"target": "nope"}, NotFoundError, "no column 'nope'"),
        ({"target": "race"}, InputError, "must be binary: its declared keys have 5 values"),
        ({"target": "person_id"}, InputError, "subject column"),
        ({"features": ("age", "income")}, InputError, "cannot also be a feature"),
        ({"model": "forest"}, InputError, "unknown model"),
        ({"delta": 0.0}, InputError, "--delta"),
        ({"epochs": 0}, InputError, "--epochs"),
        ({"test_fraction": 1.0}, InputError, "--holdout"),
        ({"test_fraction": 0.9996}, InputError, "too few lawful subjects to split"),
        ({"positive": "maybe"}, InputError, r"--positive 'maybe' is not one of the target's declared values"),
        ({"target": "workclass"}, InputError, "must be binary"),
        ({"epsilon": 0.05}, InputError, "below what Opacus' RDP accountant can certify"),
        ({"shards": 1700}, InputError, "--shards 1700 exceeds"),
        ({"fair_sensitive": "sex", "shards": 2}, InputError, "cannot be combined with --shards"),
        ({"fair_sensitive": "income"}, InputError, "is the target"),
    ],
)
def test_bad_inputs_are_refused_before_any_charge(
    adult_ws: Workspace, kwargs: dict[str, Any], error: type[Exception], match: str
) -> None:
    with pytest.raises(error, match=match):
        Trainer(adult_ws).train(_settings(**kwargs), "m1")
    assert BudgetLedger(adult_ws).history("adult") == []


def test_numeric_feature_without_bounds_is_refused_in_dp_mode(adult_ws: Workspace) -> None:
    PolicyStore(adult_ws).update("adult", bounds={})  # merge: keep the others
    with adult_ws.transaction() as conn:  # drop one bound by rewriting the policy
        policy = PolicyStore(adult_ws).get("adult", conn)
        bounds = {k: v for k, v in policy.bounds.items() if k != "fnlwgt"}
    from dataclasses import replace

    from veil.schema import dp_policies

    with adult_ws.transaction() as conn:
        conn.execute(
            dp_policies.update()
            .where(dp_policies.c.dataset == "adult")
            .values(policy=replace(policy, bounds=bounds).to_json())
        )
    with pytest.raises(InputError, match=r"veil dataset set adult --bounds fnlwgt=LO:HI"):
        Trainer(adult_ws).train(_settings(), "m1")
    # Non-DP training standardises with the data instead; DP training can leave it out.
    Trainer(adult_ws).train(_settings(epsilon=None, delta=0.0, epochs=1), "plain")
    Trainer(adult_ws).train(_settings(features=("age", "sex", "education"), epochs=1), "dp")


def test_no_lawful_subjects(adult_ws: Workspace) -> None:
    PurposeRegistry(adult_ws).add("marketing", "consent", 30)
    with pytest.raises(ConsentError, match="no subject"):
        Trainer(adult_ws).train(_settings(purpose="marketing"), "m1")
    assert BudgetLedger(adult_ws).history("adult") == []


def test_purpose_categories_are_respected(adult_ws: Workspace) -> None:
    PurposeRegistry(adult_ws).add("stats", "legitimate_interests", 30, categories=("other", "sensitive"))
    result = Trainer(adult_ws).train(_settings(purpose="stats", epochs=1), "m1", seed=0)
    assert "age" not in result.card.features and "sex" not in result.card.features  # quasi-identifiers
    assert "hours_per_week" in result.card.features
    assert "quasi_identifier not allowed" in result.card.excluded_columns["age"]
    with pytest.raises(ConsentError, match=r"'age' \(quasi_identifier\).*purpose 'stats'"):
        Trainer(adult_ws).train(_settings(purpose="stats", features=("age",)), "m2")


# -- item 12: everything that can fail without looking at data fails before the charge ---------
def _nothing_charged(ws: Workspace, before: list[str]) -> None:
    assert BudgetLedger(ws).history("adult") == []
    assert _actions(ws) == before
    assert ModelRegistry(ws).names() == []


def test_a_missing_dependency_is_refused_before_the_charge(
    adult_ws: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = _actions(adult_ws)
    monkeypatch.setitem(__import__("sys").modules, "opacus.accountants", None)  # import now fails
    with pytest.raises(ConfigError, match=r"DP training needs opacus: pip install 'veil\[ml\]'"):
        Trainer(adult_ws).train(_settings(), "m1")
    _nothing_charged(adult_ws, before)


def test_an_unwritable_registry_or_out_is_refused_before_the_charge(
    adult_ws: Workspace, tmp_path: Path
) -> None:
    before = _actions(adult_ws)
    (adult_ws.root / "models").write_text("in the way")  # the registry cannot be created
    with pytest.raises(ConfigError, match="model registry"):
        Trainer(adult_ws).train(_settings(), "m1")
    (adult_ws.root / "models").unlink()
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("x")
    with pytest.raises(InputError, match="is not a directory"):
        Trainer(adult_ws).train(_settings(), "m1", out=blocker)
    assert BudgetLedger(adult_ws).history("adult") == [] and _actions(adult_ws) == before


@pytest.mark.parametrize("error", [RuntimeError("value 4111-1111"), InputError("shard 3 has no subjects")])
def test_a_failure_after_the_charge_says_the_budget_was_charged(
    adult_ws: Workspace, monkeypatch: pytest.MonkeyPatch, error: Exception
) -> None:
    def broken(*args: Any, **kwargs: Any) -> Any:
        raise error

    monkeypatch.setattr("veil.ml.trainer.fit_with", broken)
    expected = ChargedRunError if isinstance(error, RuntimeError) else InputError
    with pytest.raises(expected) as caught:
        Trainer(adult_ws).train(_settings(), "m1", seed=0)
    message = caught.value.message
    assert "the budget WAS charged: epsilon=3, delta=1e-05" in message
    assert "4111" not in message  # an unexpected error's text is never repeated (it may hold a value)
    history = BudgetLedger(adult_ws).history("adult")
    assert [(h["kind"], h["epsilon"]) for h in history] == [("train", 3.0)]  # the charge stands
    assert ModelRegistry(adult_ws).names() == []


def test_a_run_without_dp_that_fails_is_not_said_to_be_charged(
    adult_ws: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: Any, **kwargs: Any) -> Any:
        raise InputError("boom")

    monkeypatch.setattr("veil.ml.trainer.fit_with", broken)
    with pytest.raises(InputError) as caught:
        Trainer(adult_ws).train(_settings(epsilon=None, delta=0.0), "m1")
    assert caught.value.message == "boom"


# -- item 5: epochs from a step target, --holdout -----------------------------------------------
def test_the_schedule_reaches_the_step_target_and_the_card_says_why(adult_ws: Workspace) -> None:
    result = Trainer(adult_ws).train(_settings(epochs=None, test_fraction=0.3), "m1", seed=0)
    card = result.card
    assert card.train_subjects == 1400 and card.test_subjects == 600  # --holdout 0.3
    per_epoch = -(-1400 // 256)
    assert (
        card.epochs == -(-STEP_TARGET // per_epoch) and card.steps == card.epochs * per_epoch >= STEP_TARGET
    )
    text = (ModelRegistry(adult_ws).path("m1") / "card.md").read_text()
    assert f"{card.steps} optimiser steps" in text and "step target of 1000" in text
    assert card.settings["epochs"] is None  # a retrain chooses again for its own number of subjects
    assert schedule_for(1400, 256, 3).describe().endswith("as asked with --epochs")
    # the noise was calibrated for the steps actually run: the accountant agrees
    assert card.epsilon_spent is not None and 2.9 < card.epsilon_spent <= 3.0


@pytest.mark.slow
def test_the_default_beats_the_majority_class_on_800_subjects(ws: Workspace, tmp_path: Path) -> None:
    """20 optimiser steps on 800 subjects ended at the majority class; the step target does not.

    Accuracy is measured on 8,000 further Adult rows (not the 160 held-out subjects, whose
    accuracy moves by +-0.03 from split to split), over three seeds.
    """
    Ingestor(ws).run(adult_csv(tmp_path / "adult.csv", 800), "adult", "person_id")
    PurposeRegistry(ws).add("research", "legitimate_interests", 365)
    PolicyStore(ws).update("adult", bounds=_BOUNDS, keys={k: tuple(v) for k, v in ADULT_KEYS.items()})
    BudgetLedger(ws).set("adult", 100.0, 1e-3)
    outside = load_adult(8800).slice(800).to_pylist()
    registry = ModelRegistry(ws)
    default: list[float] = []
    old: list[float] = []
    for seed in range(3):
        for epochs, into in ((None, default), (5, old)):
            name = f"m{seed}-{epochs or 'auto'}"
            Trainer(ws).train(_settings(epsilon=1.0, epochs=epochs, positive=">50K"), name, seed=seed)
            model, encoding = registry.load(name)
            into.append(accuracy(model, encoding.encode(outside), encoding.labels_of(outside)))
    labels = np.array([r["income"] == ">50K" for r in outside])
    majority = max(labels.mean(), 1 - labels.mean())
    # measured: default 0.80 (0.78-0.81 by seed), 5 epochs 0.76 (= the majority class, 0.760)
    assert min(default) > majority + 0.01 and np.mean(default) > majority + 0.025
    assert np.mean(old) < np.mean(default) - 0.015


_BOUNDS = {
    "age": (17.0, 90.0),
    "fnlwgt": (0.0, 1.5e6),
    "education_num": (1.0, 16.0),
    "capital_gain": (0.0, 1e5),
    "capital_loss": (0.0, 5000.0),
    "hours_per_week": (1.0, 99.0),
}
