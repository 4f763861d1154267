"""Membership inference: metrics on hand-made scores; the attacks tell a DP model from an overfit one."""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import numpy as np
import numpy.typing as npt
import pytest
import torch
from tests.support.mia_models import (
    AdultArrays,
    DpTraining,
    MlpClassifier,
    adult_arrays,
    train_dp_mlp,
    train_mlp,
)

from veil.ml.attacks import (
    LabeledData,
    LiraMode,
    MiaReport,
    ProbaFn,
    ShadowModels,
    cross_entropy_loss,
    lira_from_shadows,
    logit_confidence,
    loss_threshold_attack,
    mia_report,
    train_shadows,
)

Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]
MODES: tuple[LiraMode, ...] = ("online", "offline")

# --- metrics on hand-made cases ---------------------------------------------------------


def test_perfect_and_inverted_separation() -> None:
    perfect = mia_report("x", [5.0, 6.0, 7.0], [1.0, 2.0])
    assert perfect.auc == 1.0
    assert perfect.tpr_at_1pct_fpr == 1.0
    assert (perfect.members, perfect.non_members) == (3, 2)
    inverted = mia_report("x", [1.0, 2.0], [5.0, 6.0])
    assert inverted.auc == 0.0
    assert inverted.tpr_at_1pct_fpr == 0.0


def test_auc_and_tpr_by_hand() -> None:
    # 200 non-members score 0..199. Members: 10 above every non-member, 10 tied with the
    # two highest non-members' range, 80 at the bottom.
    non_members = np.arange(200, dtype=float)
    members = np.concatenate([np.full(10, 1000.0), np.full(10, 198.5), np.full(80, -1.0)])
    report = mia_report("hand", members, non_members)
    # AUC = P(member > non-member): 10 beat all 200, 10 beat 199 of 200, 80 beat none.
    assert report.auc == pytest.approx((10 * 200 + 10 * 199) / (100 * 200))
    # At FPR <= 1% (at most 2 of 200 non-members above threshold), thresholds 198.5 or 198
    # flag 20 members with 1 or 2 false positives: TPR 0.2.
    assert report.tpr_at_1pct_fpr == pytest.approx(0.2)


def test_ties_are_chance() -> None:
    report = mia_report("ties", np.zeros(50), np.zeros(70))
    assert report.auc == 0.5
    assert report.tpr_at_1pct_fpr == 0.0


def test_report_rejects_empty_and_non_finite() -> None:
    with pytest.raises(ValueError, match="at least one"):
        mia_report("x", [], [1.0])
    with pytest.raises(ValueError, match="finite"):
        mia_report("x", [np.inf], [1.0])


def test_report_to_dict() -> None:
    report = MiaReport("loss-threshold", 0.75, 0.1, 3, 4)
    assert report.to_dict() == {
        "attack": "loss-threshold",
        "auc": 0.75,
        "tpr_at_1pct_fpr": 0.1,
        "members": 3,
        "non_members": 4,
    }


def test_logit_confidence_is_stable() -> None:
    probs = np.array([[0.5, 0.5], [0.9, 0.1], [1 - 1e-20, 1e-20], [0.2, 0.3]])
    # third row: 1 - p_y would round to 0; summing the other class keeps it finite
    phi = logit_confidence(probs[:3], np.array([0, 0, 0]))
    assert phi == pytest.approx([0.0, np.log(9.0), np.log((1 - 1e-20) / 1e-20)])
    three = logit_confidence(np.array([[0.2, 0.3, 0.5]]), np.array([2]))
    assert three == pytest.approx([0.0])


def test_loss_threshold_on_a_lookup_model() -> None:
    # a "model" that is confident exactly on the rows it has seen
    seen = np.array([[0.0], [1.0], [2.0]])

    def proba(X: Floats) -> Floats:
        hit = np.isin(X[:, 0], seen[:, 0])
        p1 = np.where(hit, 0.99, 0.6)
        return np.column_stack([1 - p1, p1])

    members = LabeledData.of(seen, [1, 1, 1])
    non_members = LabeledData.of([[5.0], [6.0], [7.0], [8.0]], [1, 1, 1, 1])
    report = loss_threshold_attack(cross_entropy_loss(proba), members, non_members)
    assert report.attack == "loss-threshold"
    assert report.auc == 1.0


def test_shadows_are_balanced_per_example() -> None:
    calls: list[int] = []

    def train(X: Floats, y: Ints) -> ProbaFn:
        calls.append(len(y))
        return lambda rows: np.full((len(rows), 2), 0.5)

    targets = LabeledData.of(np.arange(20, dtype=float)[:, None], np.zeros(20, dtype=int))
    population = LabeledData.of(np.arange(20, 40, dtype=float)[:, None], np.zeros(20, dtype=int))
    shadows = train_shadows(train, targets, population, shadows=6, seed=3)
    assert shadows.count == 6
    assert shadows.inside.shape == (6, 20)
    assert (shadows.inside.sum(axis=0) == 3).all()
    assert sum(calls) == 40 * 3  # every pool example is IN exactly half of the shadows
    with pytest.raises(ValueError, match="even"):
        train_shadows(train, targets, shadows=3)


def test_lira_scores_with_synthetic_shadows() -> None:
    # Shadows' confidence: ~N(3, 1) when IN, ~N(0, 1) when OUT. The target model's
    # confidence is 3 on its members and 0 on the others: LiRA separates them fully.
    rng = np.random.default_rng(0)
    inside = np.zeros((8, 40), dtype=bool)
    for j in range(40):
        inside[rng.permutation(8)[:4], j] = True
    confidences = np.where(inside, 3.0, 0.0) + rng.normal(0, 1, size=(8, 40))
    members = LabeledData.of(np.zeros((20, 1)), np.zeros(20, dtype=int))
    non_members = LabeledData.of(np.ones((20, 1)), np.zeros(20, dtype=int))

    def proba(X: Floats) -> Floats:
        phi = np.where(X[:, 0] == 0, 3.0, 0.0)  # logit-scaled confidence of class 0
        p0 = 1 / (1 + np.exp(-phi))
        return np.column_stack([p0, 1 - p0])

    shadows = ShadowModels(confidences, inside)
    for mode in MODES:
        report = lira_from_shadows(proba, members, non_members, shadows, mode=mode)
        assert report.attack == f"lira-{mode}"
        assert report.auc == 1.0
    with pytest.raises(ValueError, match="different target"):
        lira_from_shadows(proba, members, LabeledData.of(np.ones((3, 1)), [0, 0, 0]), shadows)


# --- the attacks against real models: overfit MLP vs DP-SGD -----------------------------

MEMBERS = 250  # LiRA: members and as many non-members; each shadow trains on 250 rows
LOSS_MEMBERS = 500  # the cheap loss attack gets more rows (a steadier AUC)
SHADOWS = 8
DP = DpTraining(epsilon=1.0, hidden=128)


def overfit_mlp(X: Floats, y: Ints, seed: int = 0) -> MlpClassifier:
    return train_mlp(X, y, hidden=128, epochs=300, lr=3e-3, seed=seed)


@pytest.fixture(autouse=True, scope="module")
def one_torch_thread() -> Iterator[None]:
    # small models: one intra-op thread is faster than several (and kinder to a shared CI box)
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


@pytest.fixture(scope="module")
def adult() -> AdultArrays:
    return adult_arrays(2 * LOSS_MEMBERS, seed=0)


def _split(data: AdultArrays, n: int) -> tuple[LabeledData, LabeledData]:
    return LabeledData.of(data.X[:n], data.y[:n]), LabeledData.of(data.X[n : 2 * n], data.y[n : 2 * n])


def test_loss_attack_tells_dp_from_overfit(adult: AdultArrays) -> None:
    members, non_members = _split(adult, LOSS_MEMBERS)
    overfit = overfit_mlp(members.X, members.y)
    private = train_dp_mlp(members.X, members.y, DP)
    assert overfit.history[-1] < 1e-3  # it memorised its training set
    assert private.epsilon is not None and private.epsilon <= 1.0 + 1e-6

    leaky = loss_threshold_attack(cross_entropy_loss(overfit.predict_proba), members, non_members)
    safe = loss_threshold_attack(cross_entropy_loss(private.predict_proba), members, non_members)
    assert leaky.auc > 0.56
    assert safe.auc < 0.55
    assert leaky.auc - safe.auc > 0.03


@pytest.mark.slow
def test_lira_tells_dp_from_overfit(adult: AdultArrays) -> None:
    members, non_members = _split(adult, MEMBERS)
    targets = LabeledData.of(
        np.vstack([members.X, non_members.X]), np.concatenate([members.y, non_members.y])
    )

    seeds = itertools.count()  # every shadow gets its own initialisation and noise

    def overfit_fn(X: Floats, y: Ints) -> ProbaFn:
        return overfit_mlp(X, y, seed=next(seeds)).predict_proba

    def private_fn(X: Floats, y: Ints) -> ProbaFn:
        return train_dp_mlp(X, y, DP, seed=next(seeds)).predict_proba

    results: dict[str, dict[str, MiaReport]] = {}
    for name, train_fn in (("overfit", overfit_fn), ("dp", private_fn)):
        target = train_fn(members.X, members.y)
        shadows = train_shadows(train_fn, targets, shadows=SHADOWS, seed=1)
        results[name] = {
            mode: lira_from_shadows(target, members, non_members, shadows, mode=mode) for mode in MODES
        }
    # measured (x86-64 CPU, torch 2.13): overfit online 0.69 / offline 0.58, DP 0.47 / 0.50
    assert results["overfit"]["online"].auc > 0.6
    assert results["overfit"]["offline"].auc > 0.56
    for mode in MODES:
        assert results["dp"][mode].auc < 0.55, mode
        assert results["overfit"][mode].auc - results["dp"][mode].auc > 0.05, mode
    # the low-FPR regime: a handful of confidently identified members, only without DP
    assert results["overfit"]["online"].tpr_at_1pct_fpr > results["dp"]["online"].tpr_at_1pct_fpr
    # LiRA is the stronger attack on the overfit model
    leaky_loss = loss_threshold_attack(
        cross_entropy_loss(overfit_mlp(members.X, members.y).predict_proba), members, non_members
    )
    assert results["overfit"]["online"].auc > leaky_loss.auc
