"""DP-SGD steps with exact per-sample clipping in ONE backward pass ("book-keeping").

Why this is written here and not taken from Opacus: Opacus 1.6's fastest mode, ghost
clipping, runs two backward passes per step (one for the per-sample gradient norms, one
for the re-weighted loss) and its optimizer wrapper adds per-step Python work (hooks, a
deep copy of every gradient). On the small tabular models Veil trains, that fixed work is
2-3x the whole non-private step (measured in docs/benchmarks.md), so Opacus' ghost mode
misses the issue's 1.5x target by a wide margin. No library offers the one-pass variant
for PyTorch 2.13 (Bu et al. 2023, "Differentially private optimization on large model at
small cost", book-keeping); for a stack of ``nn.Linear`` layers and element-wise
activations it is short and exact:

* with ``a_i`` a layer's input and ``g_i`` the gradient of sample ``i``'s loss with respect
  to the layer's output, sample ``i``'s weight gradient is ``g_i a_i^T``, whose squared
  norm is ``|g_i|^2 |a_i|^2`` (plus ``|g_i|^2`` for the bias): per-sample norms need no
  per-sample gradient tensors;
* the clipped sum is ``(c * g)^T a`` with ``c_i = min(1, C / (|grad_i| + 1e-6))``: one
  matrix product per layer, the same work as the weight part of a normal backward pass.

Everything else is Opacus': the noise multiplier comes from ``get_noise_multiplier``, each
step is recorded in Opacus' RDP accountant, and the clip factor formula, noise scale
(``N(0, (sigma C)^2)`` per coordinate) and normalisation (divided by the expected batch
size, Opacus' ``loss_reduction="mean"``) are copied from Opacus' ``DPOptimizer``, so a step
releases a gradient with the same distribution as Opacus' step. The tests check the
noiseless clipped sum against Opacus' own per-sample gradients and the noise scale
against its formula. Models with any other layer go through Opacus' ghost clipping.

Batches are Poisson samples (each row independently with probability ``q``, the
sampling the RDP analysis assumes), drawn as a Bernoulli process (geometric gaps
between chosen rows): the same distribution in O(batch) draws instead of O(rows).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

__all__ = ["ELEMENTWISE", "BookKeepingDpSgd", "PoissonBatches", "supports"]

#: parameter-free layers that act on each sample's row alone (so a sample's loss depends
#: on its own row only, which the per-sample algebra above needs)
ELEMENTWISE: tuple[type[nn.Module], ...] = (
    nn.ReLU,
    nn.LeakyReLU,
    nn.Tanh,
    nn.Sigmoid,
    nn.GELU,
    nn.ELU,
    nn.SiLU,
    nn.Identity,
)

#: Opacus' DPOptimizer: clip factor = C / (norm + 1e-6), capped at 1
_NORM_EPS = 1e-6


def _layers(model: nn.Module) -> list[nn.Module] | None:
    """The model as a flat list of layers, or None when it is not Linear/element-wise only."""
    layers = list(model) if isinstance(model, nn.Sequential) else [model]
    for layer in layers:
        if isinstance(layer, nn.Linear):
            continue
        if isinstance(layer, ELEMENTWISE) and not any(True for _ in layer.parameters()):
            continue
        return None
    return layers if any(isinstance(layer, nn.Linear) for layer in layers) else None


def supports(model: nn.Module) -> bool:
    """True when :class:`BookKeepingDpSgd` can train ``model`` (Linear layers, element-wise activations)."""
    return _layers(model) is not None


@dataclass(frozen=True, slots=True)
class PoissonBatches:
    """Poisson-sampled batches of row indices: each row in a batch independently with rate ``q``.

    Drawn as a Bernoulli process: the gaps between consecutive chosen rows are
    Geometric(q), so a batch costs O(batch size) draws instead of one uniform per row,
    and a whole epoch of gaps is drawn in one call. The distribution is exactly that of
    flipping a q-coin per row (the sampling Opacus' RDP analysis assumes).
    """

    rows: int
    sample_rate: float
    rng: np.random.Generator

    def __post_init__(self) -> None:
        if self.rows < 1 or not (0 < self.sample_rate <= 1):
            raise ValueError("Poisson sampling needs at least one row and a rate in (0, 1]")

    def epoch(self, steps: int) -> Iterator[torch.Tensor]:
        q, n = self.sample_rate, self.rows
        # enough gaps to pass the last row with overwhelming probability; the rare short row is extended
        width = int(n * q + 8 * math.sqrt(n * q * (1 - q)) + 16)
        positions = self.rng.geometric(q, size=(steps, width)).cumsum(axis=1) - 1
        for row in positions:
            while row[-1] < n:
                row = np.concatenate([row, row[-1] + self.rng.geometric(q, size=width).cumsum()])
            yield torch.from_numpy(row[: int(np.searchsorted(row, n))])

    def draw(self) -> torch.Tensor:
        return next(self.epoch(1))


class BookKeepingDpSgd:
    """Sets each parameter's ``.grad`` to the clipped, noised, normalised DP-SGD gradient of one batch.

    ``loss_sum(outputs, targets)`` must return the SUM of the per-sample losses (so that
    the gradient with respect to a sample's output is that sample's own gradient).
    """

    def __init__(
        self,
        model: nn.Module,
        *,
        max_grad_norm: float,
        noise_multiplier: float,
        expected_batch_size: float,
        loss_sum: Callable[[torch.Tensor, torch.Tensor], torch.Tensor],
        generator: torch.Generator | None = None,
    ) -> None:
        layers = _layers(model)
        if layers is None:
            raise ValueError(
                "book-keeping clipping needs a model of nn.Linear layers and element-wise activations"
            )
        if not (max_grad_norm > 0 and expected_batch_size > 0 and noise_multiplier >= 0):
            raise ValueError("clipping norm and expected batch size must be positive, noise non-negative")
        self.layers = layers
        self.linears: list[nn.Linear] = [layer for layer in layers if isinstance(layer, nn.Linear)]
        self.max_grad_norm = float(max_grad_norm)
        self.noise_multiplier = float(noise_multiplier)
        self.expected_batch_size = float(expected_batch_size)
        self.loss_sum = loss_sum
        self.generator = generator
        self._params = [p for lin in self.linears for p in lin.parameters()]
        self._sizes = [p.numel() for p in self._params]
        self._numel = sum(self._sizes)

    def _forward(self, x: torch.Tensor) -> tuple[torch.Tensor, list[torch.Tensor], list[torch.Tensor]]:
        inputs: list[torch.Tensor] = []
        outputs: list[torch.Tensor] = []
        h = x
        for layer in self.layers:
            if isinstance(layer, nn.Linear):
                inputs.append(h)
                h = layer(h)
                outputs.append(h)
            else:
                h = layer(h)
        return h, inputs, outputs

    def per_sample_norms(
        self,
        inputs: list[torch.Tensor],
        grads: tuple[torch.Tensor, ...],
        input_sq_norms: torch.Tensor | None = None,
    ) -> torch.Tensor:
        """Each sample's whole-model gradient norm; ``input_sq_norms``: |x_i|^2 of the batch, if known."""
        total: torch.Tensor | None = None
        for i, (lin, a, g) in enumerate(zip(self.linears, inputs, grads, strict=True)):
            a2 = input_sq_norms if i == 0 and input_sq_norms is not None else a.square().sum(1)
            if lin.bias is not None:
                a2 = a2 + 1.0
            part = g.square().sum(1).mul_(a2)
            total = part if total is None else total.add_(part)
        assert total is not None  # _layers guarantees at least one Linear
        return total.sqrt_()

    def step_gradients(
        self,
        x: torch.Tensor,
        y: torch.Tensor,
        *,
        input_sq_norms: torch.Tensor | None = None,
        weights: torch.Tensor | None = None,
    ) -> torch.Tensor:
        """Compute the batch's DP gradient into ``.grad`` of every parameter; returns the summed loss.

        ``input_sq_norms`` (optional) is ``x.square().sum(1)``, precomputed once for the whole
        data set by a caller that draws many batches from it. ``weights`` (optional, each in
        [0, 1]) scale each sample's CLIPPED gradient: a sample still contributes at most the
        clipping norm, so the privacy analysis is unchanged, and the weighting is not undone
        by clipping (as it would be by weighting the loss before clipping).
        """
        if weights is not None and (
            weights.shape != (x.shape[0],) or bool(((weights < 0) | (weights > 1)).any())
        ):
            raise ValueError("per-sample weights must be one value in [0, 1] per row")
        if x.dim() != 2:
            raise ValueError("book-keeping clipping needs 2-D inputs (one row per sample)")
        out, inputs, outputs = self._forward(x)
        loss = self.loss_sum(out, y)
        grads = torch.autograd.grad(loss, outputs)
        with torch.no_grad():  # the released gradient is data, not part of any graph
            norms = self.per_sample_norms(inputs, grads, input_sq_norms)
            scale = 1.0 / self.expected_batch_size
            # Opacus' clip factor min(1, C / (norm + 1e-6)) = C / max(norm + 1e-6, C), here times
            # 1 / E[batch] (Opacus divides the noised sum by the expected batch size)
            factor = (
                (self.max_grad_norm * scale) / norms.add_(_NORM_EPS).clamp_(min=self.max_grad_norm)
            ).unsqueeze(1)
            if weights is not None:
                factor = factor * weights.unsqueeze(1).to(factor.dtype)
            noise = torch.normal(
                0.0,
                self.noise_multiplier * self.max_grad_norm * scale,
                size=(self._numel,),
                generator=self.generator,
            )
            chunks = iter(torch.split(noise, self._sizes))
            for lin, a, g in zip(self.linears, inputs, grads, strict=True):
                weighted = g * factor
                lin.weight.grad = torch.addmm(next(chunks).view_as(lin.weight), weighted.t(), a)
                if lin.bias is not None:
                    lin.bias.grad = torch.add(next(chunks), weighted.sum(0))
        return loss.detach()
