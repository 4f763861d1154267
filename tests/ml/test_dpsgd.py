"""Book-keeping DP-SGD: Opacus' clipped sum of per-sample gradients, Opacus' noise scale, Poisson batches."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from opacus import GradSampleModule
from torch import nn

from veil.ml.dpsgd import BookKeepingDpSgd, PoissonBatches, supports
from veil.ml.fitting import bce_sum, fit
from veil.ml.schedule import opacus_warnings


def _model(kind: str, width: int, seed: int) -> nn.Module:
    torch.manual_seed(seed)
    if kind == "logreg":
        return nn.Linear(width, 1)
    if kind == "tanh-nobias":
        return nn.Sequential(nn.Linear(width, 7, bias=False), nn.Tanh(), nn.Linear(7, 1))
    return nn.Sequential(nn.Linear(width, 16), nn.ReLU(), nn.Linear(16, 5), nn.GELU(), nn.Linear(5, 1))


def _opacus_clipped_mean(
    model: nn.Module, x: torch.Tensor, y: torch.Tensor, clip: float, expected: float
) -> list[torch.Tensor]:
    """Opacus' own per-sample gradients ("hooks" mode), clipped and scaled the way its DPOptimizer does."""
    gsm = GradSampleModule(model, loss_reduction="sum")
    gsm.zero_grad()
    with opacus_warnings():  # "Full backward hook is firing ...": the input needs no gradient
        torch.autograd.backward(bce_sum(gsm(x), y))
    params = [p for p in model.parameters()]
    samples: list[torch.Tensor] = [p.grad_sample for p in params]  # type: ignore[attr-defined]  # set by Opacus
    norms = torch.cat([gs.reshape(len(x), -1) for gs in samples], dim=1).norm(dim=1)
    factor = (clip / (norms + 1e-6)).clamp(max=1.0)
    out = [torch.einsum("i,i...->...", factor, gs) / expected for gs in samples]
    gsm._close()
    return out


def _brute_force_clipped_mean(
    model: nn.Module, x: torch.Tensor, y: torch.Tensor, clip: float, expected: float
) -> list[torch.Tensor]:
    """One autograd call per sample: the definition of per-sample clipping, independent of any library."""
    params = list(model.parameters())
    total = [torch.zeros_like(p) for p in params]
    for i in range(len(x)):
        grads = torch.autograd.grad(bce_sum(model(x[i : i + 1]), y[i : i + 1]), params)
        norm = torch.sqrt(sum((g**2).sum() for g in grads))  # type: ignore[arg-type]
        factor = min(1.0, clip / (float(norm) + 1e-6))
        for t, g in zip(total, grads, strict=True):
            t += factor * g
    return [t / expected for t in total]


@pytest.mark.parametrize("kind", ["logreg", "tanh-nobias", "deep"])
@pytest.mark.parametrize("clip", [0.05, 1.0, 1e3])  # all clipped / some / none
def test_noiseless_step_equals_opacus_and_brute_force(kind: str, clip: float) -> None:
    gen = torch.Generator().manual_seed(3)
    x = torch.randn(40, 9, generator=gen) * 2
    y = (torch.rand(40, generator=gen) > 0.5).float()
    model = _model(kind, 9, seed=1)
    step = BookKeepingDpSgd(
        model, max_grad_norm=clip, noise_multiplier=0.0, expected_batch_size=37.0, loss_sum=bce_sum
    )
    step.step_gradients(x, y, input_sq_norms=x.square().sum(1))
    ours = [p.grad.clone() for p in model.parameters()]  # type: ignore[union-attr]
    assert not any(g.requires_grad for g in ours)  # released gradients hang on no autograd graph
    for p in model.parameters():
        p.grad = None
    brute = _brute_force_clipped_mean(model, x, y, clip, 37.0)
    opacus = _opacus_clipped_mean(model, x, y, clip, 37.0)
    for a, b, c in zip(ours, brute, opacus, strict=True):
        torch.testing.assert_close(a, b, rtol=1e-4, atol=1e-6)
        torch.testing.assert_close(a, c, rtol=1e-4, atol=1e-6)


@given(
    rows=st.integers(1, 30), width=st.integers(1, 6), clip=st.floats(0.01, 10.0), seed=st.integers(0, 10_000)
)
@settings(max_examples=30, deadline=None)
def test_property_clipped_sums_match_the_definition(rows: int, width: int, clip: float, seed: int) -> None:
    gen = torch.Generator().manual_seed(seed)
    x = torch.randn(rows, width, generator=gen) * 3
    y = (torch.rand(rows, generator=gen) > 0.5).float()
    model = _model("tanh-nobias", width, seed)
    BookKeepingDpSgd(
        model, max_grad_norm=clip, noise_multiplier=0.0, expected_batch_size=rows, loss_sum=bce_sum
    ).step_gradients(x, y)
    ours = [p.grad.clone() for p in model.parameters()]  # type: ignore[union-attr]
    for a, b in zip(ours, _brute_force_clipped_mean(model, x, y, clip, rows), strict=True):
        torch.testing.assert_close(a, b, rtol=1e-4, atol=1e-6)
        # each sample contributes at most clip / rows in norm, so the mean is bounded too
        assert float(a.norm()) <= clip + 1e-5


def test_noise_has_opacus_scale() -> None:
    """An empty batch releases pure noise: N(0, (sigma * C)^2) per coordinate, divided by E[batch]."""
    model = nn.Sequential(nn.Linear(50, 100), nn.ReLU(), nn.Linear(100, 1))
    sigma, clip, expected = 1.7, 0.5, 64.0
    step = BookKeepingDpSgd(
        model,
        max_grad_norm=clip,
        noise_multiplier=sigma,
        expected_batch_size=expected,
        loss_sum=bce_sum,
        generator=torch.Generator().manual_seed(0),
    )
    step.step_gradients(torch.zeros(0, 50), torch.zeros(0))
    noise = torch.cat([p.grad.flatten() for p in model.parameters()])  # type: ignore[union-attr]
    assert len(noise) == 50 * 100 + 100 + 100 + 1
    assert float(noise.mean()) == pytest.approx(0.0, abs=4 * sigma * clip / expected / math.sqrt(len(noise)))
    assert float(noise.std()) == pytest.approx(sigma * clip / expected, rel=0.05)


def test_unsupported_models_and_inputs_are_refused() -> None:
    assert supports(nn.Linear(3, 1))
    assert supports(nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 1)))
    assert not supports(nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4), nn.Linear(4, 1)))  # mixes samples
    assert not supports(nn.Sequential(nn.Linear(3, 4), nn.PReLU(), nn.Linear(4, 1)))  # has parameters
    assert not supports(nn.Sequential(nn.ReLU()))  # nothing to train
    with pytest.raises(ValueError, match=r"nn\.Linear"):
        BookKeepingDpSgd(
            nn.Conv1d(1, 1, 2), max_grad_norm=1, noise_multiplier=1, expected_batch_size=1, loss_sum=bce_sum
        )
    step = BookKeepingDpSgd(
        nn.Linear(3, 1), max_grad_norm=1, noise_multiplier=1, expected_batch_size=1, loss_sum=bce_sum
    )
    with pytest.raises(ValueError, match="2-D"):
        step.step_gradients(torch.zeros(2, 2, 3), torch.zeros(2, 2))


def test_poisson_batches_include_each_row_with_rate_q() -> None:
    rows, q, steps = 500, 0.04, 4000
    batches = list(PoissonBatches(rows, q, np.random.default_rng(7)).epoch(steps))
    sizes = np.array([len(b) for b in batches])
    # batch size ~ Binomial(rows, q)
    assert sizes.mean() == pytest.approx(rows * q, rel=0.02)
    assert sizes.var() == pytest.approx(rows * q * (1 - q), rel=0.1)
    counts = np.bincount(torch.cat(batches).numpy(), minlength=rows)
    assert len(counts) == rows  # no index out of range
    freq = counts / steps
    # every row's inclusion frequency is q (4 standard errors), the first and last rows included
    assert np.all(np.abs(freq - q) < 4 * math.sqrt(q * (1 - q) / steps) + 1e-9)
    for b in batches[:50]:
        assert torch.equal(b, torch.unique(b))  # sorted, no repeats within a batch


def test_poisson_batches_edge_rates() -> None:
    assert [len(b) for b in PoissonBatches(5, 1.0, np.random.default_rng(0)).epoch(3)] == [5, 5, 5]
    tiny = list(PoissonBatches(1, 0.5, np.random.default_rng(1)).epoch(400))
    assert 150 < sum(len(b) for b in tiny) < 250
    assert all(b.tolist() in ([], [0]) for b in tiny)
    with pytest.raises(ValueError):
        PoissonBatches(0, 0.5, np.random.default_rng(0))
    with pytest.raises(ValueError):
        PoissonBatches(10, 0.0, np.random.default_rng(0))


def _toy(rows: int = 2000, width: int = 12) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(rows, width)).astype(np.float32)
    w = rng.normal(size=width)
    y = (x @ w + 0.3 * rng.normal(size=rows) > 0).astype(np.float32)
    return x, y


def test_both_clippings_calibrate_the_same_noise_and_reach_the_promised_epsilon() -> None:
    x, y = _toy()
    common = {"kind": "mlp", "epochs": 3, "batch_size": 100, "epsilon": 2.0, "delta": 1e-5, "seed": 0}
    bk = fit(x, y, **common)  # type: ignore[arg-type]
    ghost = fit(x, y, clipping="ghost", **common)  # type: ignore[arg-type]
    assert (bk.clipping, ghost.clipping) == ("book-keeping", "ghost")
    assert bk.noise_multiplier == pytest.approx(ghost.noise_multiplier)
    assert bk.sample_rate == ghost.sample_rate == pytest.approx(1 / 20)
    assert bk.steps == 3 * 20  # every step counted, empty draws included
    assert bk.epsilon_spent is not None and 1.9 <= bk.epsilon_spent <= 2.0


def test_book_keeping_training_learns() -> None:
    x, y = _toy()
    plain = fit(x, y, kind="mlp", epochs=5, batch_size=100, seed=1)
    private = fit(x, y, kind="mlp", epochs=5, batch_size=100, seed=1, epsilon=4.0, delta=1e-5)
    with torch.no_grad():

        def acc(model: nn.Module) -> float:
            return float(((model(torch.from_numpy(x)).squeeze(1) > 0).float().numpy() == y).mean())

        assert acc(plain.model) > 0.9
        assert acc(private.model) > 0.85


def test_unknown_clipping_is_refused() -> None:
    from veil.errors import InputError

    x, y = _toy(50)
    with pytest.raises(InputError, match="clipping"):
        fit(x, y, epsilon=1.0, delta=1e-5, clipping="fast")  # type: ignore[arg-type]


def test_recorded_calibration_is_reused_and_still_checked(monkeypatch: pytest.MonkeyPatch) -> None:
    import veil.ml.schedule as schedule

    x, y = _toy(600)
    common = {"kind": "logreg", "epochs": 2, "batch_size": 100, "epsilon": 1.5, "delta": 1e-5, "seed": 0}
    first = fit(x, y, **common)  # type: ignore[arg-type]
    assert first.sample_rate is not None and first.noise_multiplier is not None

    def no_search(*args: object) -> float:
        raise AssertionError("the noise search ran although a calibration was given")

    monkeypatch.setattr(schedule, "noise_multiplier", no_search)
    again = fit(x[:-1], y[:-1], calibration=(first.sample_rate, first.noise_multiplier), **common)  # type: ignore[arg-type]
    assert again.noise_multiplier == first.noise_multiplier
    assert again.epsilon_spent == pytest.approx(first.epsilon_spent)
    # a calibration that would overspend is not trusted: the accountant rejects it first, the search runs
    with pytest.raises(AssertionError, match="noise search"):
        fit(x, y, calibration=(first.sample_rate, first.noise_multiplier / 2), **common)  # type: ignore[arg-type]
    # another sample rate: the recorded multiplier does not apply, so the search runs
    with pytest.raises(AssertionError, match="noise search"):
        fit(x[:300], y[:300], calibration=(first.sample_rate, first.noise_multiplier), **common)  # type: ignore[arg-type]


@given(rows=st.integers(1, 30), clip=st.floats(0.01, 10.0), seed=st.integers(0, 10_000))
@settings(max_examples=25, deadline=None)
def test_weights_scale_each_clipped_gradient(rows: int, clip: float, seed: int) -> None:
    """Fairness reweighing: sum_i w_i * clip(g_i) / E[batch], so a row still adds at most C."""
    gen = torch.Generator().manual_seed(seed)
    x = torch.randn(rows, 5, generator=gen) * 3
    y = (torch.rand(rows, generator=gen) > 0.5).float()
    w = torch.rand(rows, generator=gen)
    model = _model("deep", 5, seed)
    BookKeepingDpSgd(
        model, max_grad_norm=clip, noise_multiplier=0.0, expected_batch_size=rows, loss_sum=bce_sum
    ).step_gradients(x, y, weights=w)
    ours = [p.grad.clone() for p in model.parameters()]  # type: ignore[union-attr]
    params = list(model.parameters())
    expected = [torch.zeros_like(p) for p in params]
    for i in range(rows):
        grads = torch.autograd.grad(bce_sum(model(x[i : i + 1]), y[i : i + 1]), params)
        norm = float(torch.sqrt(sum((g**2).sum() for g in grads)))  # type: ignore[arg-type]
        for t, g in zip(expected, grads, strict=True):
            t += float(w[i]) * min(1.0, clip / (norm + 1e-6)) * g / rows
    for a, b in zip(ours, expected, strict=True):
        torch.testing.assert_close(a, b, rtol=1e-4, atol=1e-6)


def test_weights_out_of_range_are_refused() -> None:
    from veil.errors import InputError

    model = _model("logreg", 3, 0)
    step = BookKeepingDpSgd(
        model, max_grad_norm=1.0, noise_multiplier=0.0, expected_batch_size=2, loss_sum=bce_sum
    )
    x, y = torch.ones(2, 3), torch.ones(2)
    with pytest.raises(ValueError, match="in \\[0, 1\\]"):
        step.step_gradients(x, y, weights=torch.tensor([0.5, 1.5]))  # would raise a row above the clip
    with pytest.raises(InputError, match="row weights"):
        fit(np.ones((4, 3), np.float32), np.array([0, 1, 0, 1], np.float32), weights=np.zeros(4, np.float32))


def test_reweighing_balances_group_and_label_and_its_dp_counts_cost_their_share() -> None:
    from veil.ml.reweighing import reweighing

    groups = ["F"] * 100 + ["M"] * 300
    y = np.array([1] * 10 + [0] * 90 + [1] * 90 + [0] * 210, dtype=np.float32)
    weights, summary = reweighing(groups, y, epsilon=None)
    # P(g) P(l) / P(g, l): F/pos = 0.25 * 0.25 / 0.025 = 2.5 is the largest, scaled to 1
    raw = {"F / positive": 2.5, "F / negative": 0.25 * 0.75 / 0.225, "M / positive": 0.75 * 0.25 / 0.225}
    for cell, value in raw.items():
        assert summary["cell_weights"][cell] == pytest.approx(value, abs=1e-4)
    assert weights.max() == pytest.approx(1.0) and weights[0] == pytest.approx(1.0)
    # in the weighted data the label no longer depends on the group
    rate = {
        g: float((weights * y)[sel].sum() / weights[sel].sum())
        for g, sel in (("F", slice(0, 100)), ("M", slice(100, 400)))
    }
    assert rate["F"] == pytest.approx(rate["M"], abs=1e-6)
    # DP: the counts are noisy (OpenDP discrete Laplace); weights stay in (0, 1]
    noisy, dp_summary = reweighing(groups, y, epsilon=0.5, declared=["F", "M"])
    assert dp_summary["count_epsilon"] == 0.5 and noisy.min() > 0 and noisy.max() <= 1.0
    assert set(dp_summary["groups"]) == {"F", "M", "(missing)", "(other)"}
