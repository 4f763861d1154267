"""SISA sharding: stable assignment, ensemble accuracy, one-shard unlearning, save/load."""

from __future__ import annotations

import json
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import torch
from numpy.typing import NDArray
from tests.support.mia_models import adult_arrays

from veil.errors import InputError, NotFoundError
from veil.ml.classifier import accuracy
from veil.ml.fitting import fit
from veil.ml.settings import TrainSettings
from veil.ml.sisa import MANIFEST_FILE, ShardedModel, assign_shards, shard_of, train_sharded, unlearn

ROWS = 3000
TRAIN = 2400
SALT = b"0123456789abcdef"


@dataclass(frozen=True)
class Split:
    x: NDArray[np.float32]
    y: NDArray[np.float32]
    subjects: list[str]
    x_test: NDArray[np.float32]
    y_test: NDArray[np.float32]


@pytest.fixture(scope="module")
def adult() -> Split:
    """3,000 Adult rows (one per person), encoded; 2,400 train under made-up pseudonyms."""
    a = adult_arrays(ROWS, seed=0)
    x, y = a.X.astype(np.float32), a.y.astype(np.float32)
    subjects = [f"psn-{i:05d}-{(i * 7919) % 10007:05d}" for i in range(TRAIN)]
    return Split(x[:TRAIN], y[:TRAIN], subjects, x[TRAIN:], y[TRAIN:])


def _settings(**kw: Any) -> TrainSettings:
    base: dict[str, Any] = {"dataset": "adult", "purpose": "research", "target": "income", "epochs": 5}
    return TrainSettings(**{**base, **kw})


def _same_weights(a: torch.nn.Module, b: torch.nn.Module) -> bool:
    sa, sb = a.state_dict(), b.state_dict()
    return sa.keys() == sb.keys() and all(torch.equal(sa[k], sb[k]) for k in sa)


def test_assignment_is_stable_balanced_and_data_independent(adult: Split) -> None:
    parts = assign_shards(adult.subjects, 4, SALT)
    assert sorted(i for p in parts for i in p) == list(range(TRAIN))  # a partition
    for p in parts:  # sha256 mod K: within 15% of N/K for 2,400 subjects
        assert abs(len(p) - TRAIN / 4) < 0.15 * TRAIN / 4
    # Stable: a subject's shard depends on its pseudonym and the salt only, not on who else is there.
    subset = adult.subjects[::7][::-1]
    again = assign_shards(subset, 4, SALT)
    for j, p in enumerate(again):
        assert all(shard_of(subset[i], 4, SALT) == j for i in p)
        assert {subset[i] for i in p} <= {adult.subjects[i] for i in parts[j]}
    other = assign_shards(adult.subjects, 4, b"another salt....")
    assert other != parts  # the salt keys the assignment
    with pytest.raises(InputError, match="--shards"):
        shard_of("x", 0, SALT)


def test_ensemble_accuracy_is_close_to_one_model(adult: Split) -> None:
    settings = _settings()
    single = fit(adult.x, adult.y, epochs=settings.epochs, seed=0)
    acc_single = accuracy(single.model, adult.x_test, adult.y_test)
    model = train_sharded(adult.x, adult.y, adult.subjects, shards=4, settings=settings, salt=SALT, seed=0)
    assert model.k == 4 and model.cost is None and model.epsilon_spent is None
    assert model.subjects == sorted(adult.subjects)
    for j, shard in enumerate(model.shards):
        assert all(shard_of(s, 4, SALT) == j for s in shard.subjects)
    majority = max(adult.y_test.mean(), 1 - adult.y_test.mean())
    acc_mean = model.accuracy(adult.x_test, adult.y_test)
    acc_vote = model.accuracy(adult.x_test, adult.y_test, how="vote")
    # measured (x86-64 CPU, seed 0): single 0.833, K=4 mean 0.825, vote 0.822
    assert acc_mean > majority + 0.03
    assert acc_mean >= acc_single - 0.03 and acc_vote >= acc_single - 0.04
    proba = model.predict_proba(adult.x_test)
    assert proba.shape == (len(adult.x_test),) and ((proba >= 0) & (proba <= 1)).all()
    assert accuracy(model.as_module(), adult.x_test, adult.y_test) == acc_mean  # what audits call
    votes = model.predict_proba(adult.x_test, how="vote")
    assert set(np.unique(votes * 4).tolist()) <= {0.0, 1.0, 2.0, 3.0, 4.0}


def test_unlearning_retrains_only_the_shard_that_held_the_subject(adult: Split) -> None:
    model = train_sharded(adult.x, adult.y, adult.subjects, shards=4, settings=_settings(), salt=SALT, seed=1)
    subject = adult.subjects[123]
    held_by = model.shard_of(subject)
    assert subject in model.shards[held_by].subjects
    after, retrained = unlearn(model, [subject], adult.x, adult.y, adult.subjects, seed=1)
    assert retrained == [held_by]
    new = after.shards[held_by]
    assert subject not in new.subjects and subject not in after.subjects
    assert set(new.subjects) == set(model.shards[held_by].subjects) - {subject}
    assert new.version == 2 and not _same_weights(new.model, model.shards[held_by].model)
    for j in set(range(4)) - {held_by}:
        assert after.shards[j].subjects == model.shards[j].subjects and after.shards[j].version == 1
        assert _same_weights(after.shards[j].model, model.shards[j].model)  # bit-identical
    assert after.accuracy(adult.x_test, adult.y_test) >= model.accuracy(adult.x_test, adult.y_test) - 0.02

    # The vault-side flow: the erased subject's row is already gone from today's data.
    gone = [i for i, s in enumerate(adult.subjects) if s != subject]
    vault_after, vault_retrained = unlearn(
        model, [], adult.x[gone], adult.y[gone], [adult.subjects[i] for i in gone], seed=1
    )
    assert vault_retrained == [held_by] and subject not in vault_after.subjects
    assert _same_weights(vault_after.shards[held_by].model, new.model)  # same rows, same seed

    # Someone the model never saw: nothing to retrain.
    same, none = unlearn(model, ["not-a-subject"], adult.x, adult.y, adult.subjects)
    assert none == [] and same.shards == model.shards


def test_save_load_round_trip(adult: Split, tmp_path: Path) -> None:
    model = train_sharded(
        adult.x, adult.y, adult.subjects, shards=3, settings=_settings(epochs=1), aggregate="vote", seed=2
    )
    directory = model.save(tmp_path / "sharded")
    private = [directory / "subjects.json", *(directory / f"shard-{j}.pt" for j in range(3))]
    for path in private:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    assert stat.S_IMODE(directory.stat().st_mode) == 0o700
    manifest_text = (directory / MANIFEST_FILE).read_text()
    assert not any(s in manifest_text for s in adult.subjects[:50])  # no pseudonym in the manifest
    assert model.salt.hex() not in manifest_text
    manifest = json.loads(manifest_text)
    assert [m["subjects"] for m in manifest["shards"]] == [len(s.subjects) for s in model.shards]
    # The registry's mark_stale reads the "train" list of subjects.json.
    assert json.loads((directory / "subjects.json").read_text())["train"] == sorted(adult.subjects)

    loaded = ShardedModel.load(directory)
    assert loaded.salt == model.salt and loaded.settings == model.settings and loaded.aggregate == "vote"
    assert [s.subjects for s in loaded.shards] == [s.subjects for s in model.shards]
    for a, b in zip(loaded.shards, model.shards, strict=True):
        assert _same_weights(a.model, b.model)
    assert np.array_equal(loaded.predict_proba(adult.x_test), model.predict_proba(adult.x_test))
    # Unlearning works on the loaded model and keeps the untouched shards bit-identical on disk too.
    subject = adult.subjects[0]
    after, retrained = unlearn(loaded, [subject], adult.x, adult.y, adult.subjects, seed=2)
    reloaded = ShardedModel.load(after.save(tmp_path / "after"))
    for j in range(3):
        assert _same_weights(reloaded.shards[j].model, after.shards[j].model)
        if j not in retrained:
            assert _same_weights(reloaded.shards[j].model, model.shards[j].model)
    with pytest.raises(NotFoundError, match="no sharded model"):
        ShardedModel.load(tmp_path / "nothing")


@pytest.mark.slow
def test_dp_ensemble_costs_one_shard_by_parallel_composition(adult: Split) -> None:
    settings = _settings(epsilon=3.0, delta=1e-5)
    model = train_sharded(adult.x, adult.y, adult.subjects, shards=4, settings=settings, salt=SALT, seed=3)
    assert model.cost == (3.0, 1e-5)  # not 4 x 3.0: disjoint subjects, data-independent partition
    spent = [s.epsilon_spent for s in model.shards]
    assert all(e is not None and 2.9 <= e <= 3.0 for e in spent)
    assert model.epsilon_spent == max(e for e in spent if e is not None)
    single = fit(adult.x, adult.y, epochs=5, epsilon=3.0, delta=1e-5, seed=3)
    acc_single = accuracy(single.model, adult.x_test, adult.y_test)
    majority = max(adult.y_test.mean(), 1 - adult.y_test.mean())
    # Each shard sees 1/4 of the subjects, so its noise is ~4x larger per example: a real cost.
    # measured (x86-64 CPU): single 0.828, K=4 0.790
    acc = model.accuracy(adult.x_test, adult.y_test)
    assert acc > majority and acc >= acc_single - 0.08
    after, retrained = unlearn(model, [adult.subjects[5]], adult.x, adult.y, adult.subjects, seed=3)
    assert retrained == [model.shard_of(adult.subjects[5])]
    assert after.cost == model.cost


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"shards": 0}, "at least 1"),
        ({"shards": 5000}, "exceeds"),
        ({"subjects": ["a"] * TRAIN}, "exactly one row"),
        ({"subjects": ["a", "b"]}, "differ in length"),
        ({"aggregate": "median"}, "unknown aggregation"),
    ],
)
def test_bad_inputs_are_refused(adult: Split, kwargs: dict[str, Any], match: str) -> None:
    args: dict[str, Any] = {
        "shards": 2,
        "subjects": adult.subjects,
        "settings": _settings(epochs=1),
        **kwargs,
    }
    subjects = args.pop("subjects")
    with pytest.raises(InputError, match=match):
        train_sharded(adult.x, adult.y, subjects, **args)
