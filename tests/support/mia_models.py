"""Small models and Adult features for membership-inference and fairness experiments.

The attacks in :mod:`veil.ml.attacks` take plain callables; this module supplies the ones the
tests and ``benchmarks/mia.py`` use:

* :func:`adult_arrays` — a random Adult subset as standardised / one-hot numpy features,
  a 0/1 label (``income == ">50K"``) and the raw sensitive columns (``sex``, ``race``);
* :func:`train_mlp` — a plain (non-private) torch MLP trained full-batch with Adam and no
  regularisation, so that on a few hundred rows it deliberately memorises its training set;
* :func:`train_dp_mlp` — the same architecture trained with DP-SGD by Opacus
  (``make_private_with_epsilon``, Poisson sampling, flat clipping, RDP accounting).

Both trainers return an :class:`MlpClassifier` whose ``predict_proba`` is a
``numpy -> numpy`` function, computed in float64 from the logits so that the probability
of the *other* class never rounds to zero (LiRA's logit scaling needs it). Training draws
from a forked torch RNG seeded by ``seed``: runs are reproducible and the caller's global
torch RNG is left untouched.

These are experiment models, not Veil's production trainer (``veil.ml.trainer``).
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import torch
from tests.support.adult import TARGET, load_adult
from torch import nn

__all__ = [
    "AdultArrays",
    "DpTraining",
    "MlpClassifier",
    "adult_arrays",
    "train_dp_mlp",
    "train_mlp",
]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

NUMERIC = ("age", "fnlwgt", "education_num", "capital_gain", "capital_loss", "hours_per_week")
LOG_SCALED = ("capital_gain", "capital_loss")  # heavy-tailed: log1p before standardising
# RDP orders: Opacus' defaults plus larger ones, which large epsilons (~8 and up) need for a tight
# bound (Opacus warns when the best order is the largest one it tried).
RDP_ALPHAS = [1 + x / 10.0 for x in range(1, 100)] + list(range(12, 64)) + [64, 96, 128, 192, 256, 512, 1024]
CATEGORICAL = (
    "workclass", "education", "marital_status", "occupation", "relationship", "race", "sex",
    "native_country",
)  # fmt: skip


@dataclass(frozen=True)
class AdultArrays:
    """Adult rows as model inputs: ``X`` (n, d) float64, ``y`` (n,) 0/1, sensitive columns as str."""

    X: FloatArray
    y: IntArray
    sex: npt.NDArray[np.str_]
    race: npt.NDArray[np.str_]
    feature_names: tuple[str, ...]

    def __len__(self) -> int:
        return int(self.y.shape[0])

    def subset(self, index: npt.NDArray[np.intp] | slice) -> AdultArrays:
        return AdultArrays(
            self.X[index], self.y[index], self.sex[index], self.race[index], self.feature_names
        )


def adult_arrays(rows: int | None = None, *, seed: int = 0, table: pa.Table | None = None) -> AdultArrays:
    """A random subset of ``rows`` Adult rows (all rows if ``None``), shuffled with ``seed``, encoded.

    Numeric columns are standardised (capital gain/loss after ``log1p``) and categorical ones
    one-hot encoded over the categories present in the subset. Statistics come from the
    subset itself, which is fine for experiments (the encoding is not a released artefact).
    """
    source = table if table is not None else load_adult()
    order = np.random.default_rng(seed).permutation(source.num_rows)
    if rows is not None:
        if not 0 < rows <= source.num_rows:
            raise ValueError(f"rows must be in 1..{source.num_rows}, got {rows}")
        order = order[:rows]
    data = source.take(pa.array(order))
    blocks: list[FloatArray] = []
    names: list[str] = []
    for name in NUMERIC:
        values = np.asarray(data.column(name).to_numpy(zero_copy_only=False), dtype=np.float64)
        if name in LOG_SCALED:
            values = np.log1p(values)
        std = float(values.std())
        blocks.append(((values - values.mean()) / (std if std > 0 else 1.0))[:, None])
        names.append(name)
    for name in CATEGORICAL:
        values_str = _strings(data, name)
        categories = sorted(set(values_str.tolist()))
        blocks.append((values_str[:, None] == np.asarray(categories)[None, :]).astype(np.float64))
        names.extend(f"{name}={category}" for category in categories)
    y = (np.char.strip(_strings(data, TARGET)) == ">50K").astype(np.int64)
    return AdultArrays(np.hstack(blocks), y, _strings(data, "sex"), _strings(data, "race"), tuple(names))


def _strings(table: pa.Table, name: str) -> npt.NDArray[np.str_]:
    return np.asarray([str(v).strip() for v in table.column(name).to_pylist()], dtype=np.str_)


@dataclass
class MlpClassifier:
    """A trained torch MLP over float features; ``predict_proba`` maps numpy to numpy."""

    module: nn.Module
    epsilon: float | None = None  # the DP guarantee it was trained under (None: not private)
    delta: float | None = None
    history: list[float] = field(default_factory=list)  # mean training loss per epoch

    def logits(self, X: npt.ArrayLike) -> FloatArray:
        inputs = torch.as_tensor(np.asarray(X, dtype=np.float32))
        self.module.eval()
        with torch.no_grad():
            out = self.module(inputs)
        return np.asarray(out.numpy(), dtype=np.float64)

    def predict_proba(self, X: npt.ArrayLike) -> FloatArray:
        """Class probabilities (n, 2), softmax in float64."""
        z = self.logits(X)
        z = z - z.max(axis=1, keepdims=True)
        e = np.exp(z)
        return np.asarray(e / e.sum(axis=1, keepdims=True), dtype=np.float64)

    def predict(self, X: npt.ArrayLike) -> IntArray:
        return np.asarray(self.logits(X).argmax(axis=1), dtype=np.int64)


def _mlp(inputs: int, hidden: int, layers: int) -> nn.Module:
    parts: list[nn.Module] = []
    width = inputs
    for _ in range(layers):
        parts += [nn.Linear(width, hidden), nn.ReLU()]
        width = hidden
    parts.append(nn.Linear(width, 2))
    return nn.Sequential(*parts)


def _tensors(X: npt.ArrayLike, y: npt.ArrayLike) -> tuple[torch.Tensor, torch.Tensor]:
    features = torch.as_tensor(np.asarray(X, dtype=np.float32))
    labels = torch.as_tensor(np.asarray(y, dtype=np.int64))
    if features.ndim != 2 or labels.ndim != 1 or features.shape[0] != labels.shape[0]:
        raise ValueError(
            f"X must be (n, d) and y (n,); got {tuple(features.shape)} and {tuple(labels.shape)}"
        )
    return features, labels


def train_mlp(
    X: npt.ArrayLike,
    y: npt.ArrayLike,
    *,
    hidden: int = 256,
    layers: int = 2,
    epochs: int = 300,
    lr: float = 1e-3,
    seed: int = 0,
) -> MlpClassifier:
    """A non-private MLP, full-batch Adam without weight decay or early stopping.

    With the defaults and a few hundred rows it reaches ~zero training loss: the
    deliberately overfit baseline a membership-inference attack should expose.
    """
    features, labels = _tensors(X, y)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        module = _mlp(features.shape[1], hidden, layers)
        optimizer = torch.optim.Adam(module.parameters(), lr=lr)
        loss_fn = nn.CrossEntropyLoss()
        history: list[float] = []
        module.train()
        for _ in range(epochs):
            optimizer.zero_grad()
            loss = loss_fn(module(features), labels)
            loss.backward()
            optimizer.step()
            history.append(float(loss.item()))
    return MlpClassifier(module, history=history)


@dataclass(frozen=True)
class DpTraining:
    """DP-SGD settings: the (epsilon, delta) target is met after ``epochs`` passes."""

    epsilon: float = 1.0
    delta: float | None = None  # None: 1 / (10 n), below 1/n as DP needs
    epochs: int = 30
    batch_size: int = 64  # expected (Poisson) batch size
    max_grad_norm: float = 1.0
    lr: float = 0.05  # plain SGD with momentum
    hidden: int = 256
    layers: int = 2


def train_dp_mlp(
    X: npt.ArrayLike,
    y: npt.ArrayLike,
    settings: DpTraining | None = None,
    *,
    seed: int = 0,
) -> MlpClassifier:
    """The same MLP trained with DP-SGD (Opacus, Poisson sampling) to ``(epsilon, delta)``.

    The privacy unit is one training row. Secure mode (a CSPRNG for noise and sampling) is
    off: this trainer is for experiments and audits, and Opacus' notice about it is
    silenced here and only here.
    """
    from opacus import PrivacyEngine  # heavy import, only when DP training runs

    cfg = settings or DpTraining()
    features, labels = _tensors(X, y)
    n = int(labels.shape[0])
    delta = cfg.delta if cfg.delta is not None else 1.0 / (10 * n)
    if not 0 < delta < 1:
        raise ValueError(f"delta must be in (0, 1), got {delta}")
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        module = _mlp(features.shape[1], cfg.hidden, cfg.layers)
        optimizer = torch.optim.SGD(module.parameters(), lr=cfg.lr, momentum=0.9)
        loader = torch.utils.data.DataLoader(
            torch.utils.data.TensorDataset(features, labels),
            batch_size=min(cfg.batch_size, n),
            shuffle=True,
        )
        with warnings.catch_warnings():
            # secure_mode=False is deliberate (see the docstring); Opacus warns on every engine.
            warnings.filterwarnings("ignore", message="Secure RNG turned off", category=UserWarning)
            engine = PrivacyEngine(accountant="rdp", secure_mode=False)
        private_module, private_optimizer, private_loader = engine.make_private_with_epsilon(
            module=module,
            optimizer=optimizer,
            data_loader=loader,
            target_epsilon=cfg.epsilon,
            target_delta=delta,
            epochs=cfg.epochs,
            max_grad_norm=cfg.max_grad_norm,
            poisson_sampling=True,
            alphas=RDP_ALPHAS,
        )
        loss_fn = nn.CrossEntropyLoss()
        history: list[float] = []
        private_module.train()
        for _ in range(cfg.epochs):
            losses: list[float] = []
            for batch_x, batch_y in private_loader:
                private_optimizer.zero_grad()
                if batch_y.numel() == 0:  # Poisson sampling can draw an empty batch
                    continue
                # Opacus' per-sample hooks are full backward hooks; torch warns when they fire with
                # no input requiring grad, so the first layer's input takes part in autograd.
                loss = loss_fn(private_module(batch_x.requires_grad_(True)), batch_y)
                loss.backward()
                private_optimizer.step()
                losses.append(float(loss.item()))
            history.append(math.fsum(losses) / len(losses) if losses else float("nan"))
        spent = float(engine.accountant.get_epsilon(delta=delta, alphas=RDP_ALPHAS))
        private_module.cleanup()  # hooks and per-sample gradient buffers off the shared parameters
    return MlpClassifier(module, epsilon=spent, delta=delta, history=history)
