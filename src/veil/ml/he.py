"""Encrypted inference with CKKS (TenSEAL): a server scores a model on data it cannot read.

Roles and what each one holds::

    client  keygen            -> secret.ctx (0600: secret + public keys), public.ctx
            encrypt_batch     features -> ciphertexts (the public part is enough)
            decrypt_scores    ciphertext scores -> logits -> sigmoid -> probabilities
    server  score / score_request   public.ctx + ciphertexts + plaintext model -> ciphertext scores
                                    (refuses a context that holds the secret key)

**Packing.** Column-major: one ciphertext per feature holds that feature for up to
``N/2`` samples (4,096 slots at ``N = 8192``); more samples take more chunks. A linear
model is then ``sum_j w_j * ct_j + b`` — plaintext-times-ciphertext products and
additions only, one rescale (depth 1), no rotations and so no Galois keys. The
polynomial MLP ``sum_k v_k (W_k . x + b_k)^2 + c`` folds ``sqrt|v_k|`` into the hidden
weights, so each hidden unit costs one squaring and the whole model depth 2: it fits
the default modulus chain ``(60, 40, 40, 60)``.

**Files.** Contexts, encrypted features and encrypted scores share one container:
``VEILHE1\\n``, a length-prefixed JSON header (kind, key id, shape, feature names, the
SHA-256 of the body) and length-prefixed TenSEAL blobs. The key id ties every
ciphertext to its key pair, so a wrong context is named instead of decrypting noise;
the checksum catches corruption and truncation. CKKS ciphertexts are malleable: the
checksum is no defence against a malicious server (the model is semi-honest), and
the scores reveal nothing to the server but their count.

The headers carry counts and feature *names*, never values.

**Models from the registry and from federated runs.** A model file may carry its
``inputs``: how raw columns become the model's inputs (numeric columns clamped to their
bounds and scaled, categorical ones one-hot encoded, missing values given a fixed
input). :func:`export_registered` writes such a file from a ``veil train`` model
(logistic regression: its weights exactly), and :func:`load_model` reads the JSON that
``veil federated --out`` writes as it is; the client then encrypts raw rows (a
``veil release`` Parquet file, or CSV) and :meth:`InputEncoding.encode` does the rest,
so the path from ``veil train`` to ``veil he score`` needs no hand-made matrix.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import math
import secrets
import struct
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any, ClassVar, Literal

import numpy as np
import numpy.typing as npt

from veil.errors import ConfigError, ConflictError, CryptoError, InputError, NotFoundError
from veil.fileio import atomic_write_bytes

if TYPE_CHECKING:
    from veil.workspace import Workspace

__all__ = [
    "DEFAULT_COEFF_MOD_BIT_SIZES",
    "HeKeys",
    "InputEncoding",
    "InputFeature",
    "LinearModel",
    "Model",
    "PolyMLP",
    "decrypt_logits",
    "decrypt_scores",
    "encrypt_batch",
    "encrypted_info",
    "export_registered",
    "fit_logreg",
    "fit_poly_mlp",
    "keygen",
    "load_model",
    "score",
    "score_request",
    "sigmoid",
    "write_keys",
]

FloatArray = npt.NDArray[np.float64]

DEFAULT_COEFF_MOD_BIT_SIZES = (60, 40, 40, 60)
_MAGIC = b"VEILHE1\n"
_FORMAT = 1
_MAX_HEADER = 1 << 20
Kind = Literal["public_context", "secret_context", "features", "scores"]


def _tenseal() -> ModuleType:
    try:
        return importlib.import_module("tenseal")
    except ImportError as exc:  # pragma: no cover - the ml extra is installed in tests
        raise ConfigError("encrypted inference needs TenSEAL: pip install 'veil[ml]'") from exc


# -- container ---------------------------------------------------------------------------------


def _pack(header: dict[str, Any], blobs: list[bytes]) -> bytes:
    body = b"".join(struct.pack(">Q", len(b)) + b for b in blobs)
    full = {**header, "format": _FORMAT, "blobs": len(blobs), "sha256": hashlib.sha256(body).hexdigest()}
    head = json.dumps(full, sort_keys=True, separators=(",", ":")).encode()
    return _MAGIC + struct.pack(">I", len(head)) + head + body


def _unpack(data: bytes, expected: tuple[Kind, ...], what: str) -> tuple[dict[str, Any], list[bytes]]:
    """Header and blobs of a Veil HE file; :class:`CryptoError` for anything malformed."""
    if not data.startswith(_MAGIC):
        raise CryptoError(f"{what} is not a Veil encrypted-inference file (bad magic bytes)")
    start = len(_MAGIC) + 4
    if len(data) < start:
        raise CryptoError(f"{what} is truncated")
    (head_len,) = struct.unpack(">I", data[len(_MAGIC) : start])
    if head_len > _MAX_HEADER or len(data) < start + head_len:
        raise CryptoError(f"{what} is truncated or corrupt (header length)")
    try:
        header = json.loads(data[start : start + head_len])
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise CryptoError(f"{what} is corrupt (unreadable header)") from exc
    if not isinstance(header, dict) or header.get("format") != _FORMAT:
        raise CryptoError(f"{what} has an unknown header format")
    body = data[start + head_len :]
    if hashlib.sha256(body).hexdigest() != header.get("sha256"):
        raise CryptoError(f"{what} was changed or truncated (checksum mismatch)")
    kind = header.get("kind")
    if kind not in expected:
        raise InputError(f"{what} holds {kind}, expected {' or '.join(expected)}")
    blobs: list[bytes] = []
    pos = 0
    while pos < len(body):
        (n,) = struct.unpack(">Q", body[pos : pos + 8])
        blobs.append(body[pos + 8 : pos + 8 + n])
        pos += 8 + n
    if len(blobs) != header.get("blobs"):
        raise CryptoError(f"{what} is corrupt (blob count)")
    return header, blobs


# -- keys --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class HeKeys:
    """A loaded CKKS context: the client's (with the secret key) or the server's (public only).

    ``key_id`` is random per key pair and written into every ciphertext made under it.
    """

    key_id: str
    context: Any = field(repr=False)  # tenseal.Context (untyped)
    slots: int
    depth: int

    @classmethod
    def generate(
        cls,
        poly_modulus_degree: int = 8192,
        coeff_mod_bit_sizes: tuple[int, ...] = DEFAULT_COEFF_MOD_BIT_SIZES,
        scale_bits: int = 40,
        n_threads: int | None = None,
    ) -> HeKeys:
        """A fresh key pair. The default supports models of multiplicative depth 2 (128-bit security)."""
        ts = _tenseal()
        if len(coeff_mod_bit_sizes) < 3:
            raise ConfigError("coeff_mod_bit_sizes needs at least 3 primes (depth >= 1)")
        kwargs: dict[str, Any] = {"n_threads": n_threads} if n_threads else {}
        try:
            ctx = ts.context(
                ts.SCHEME_TYPE.CKKS,
                poly_modulus_degree=poly_modulus_degree,
                coeff_mod_bit_sizes=list(coeff_mod_bit_sizes),
                **kwargs,
            )
        except ValueError as exc:
            raise ConfigError(f"invalid CKKS parameters: {exc}") from exc
        ctx.global_scale = 2.0**scale_bits
        return cls(secrets.token_hex(8), ctx, poly_modulus_degree // 2, len(coeff_mod_bit_sizes) - 2)

    @classmethod
    def load(cls, data: bytes, what: str = "context") -> HeKeys:
        header, blobs = _unpack(data, ("public_context", "secret_context"), what)
        try:
            ctx = _tenseal().context_from(blobs[0])
        except (ValueError, RuntimeError) as exc:
            raise CryptoError(f"{what} is corrupt (TenSEAL could not read it)") from exc
        if (header["kind"] == "secret_context") != bool(ctx.has_secret_key()):
            raise CryptoError(f"{what} says {header['kind']} but its content disagrees")
        return cls(str(header["key_id"]), ctx, int(header["slots"]), int(header["depth"]))

    @classmethod
    def read(cls, path: Path) -> HeKeys:
        try:
            data = path.read_bytes()
        except FileNotFoundError as exc:
            raise NotFoundError(f"context file {path} not found (create one with `veil he keygen`)") from exc
        return cls.load(data, what=f"context file {path}")

    @property
    def has_secret_key(self) -> bool:
        return bool(self.context.has_secret_key())

    def _header(self, kind: Kind) -> dict[str, Any]:
        return {"kind": kind, "key_id": self.key_id, "slots": self.slots, "depth": self.depth}

    def public_bytes(self) -> bytes:
        """The public part only: public and relinearisation keys, never the secret key."""
        blob = self.context.serialize(
            save_public_key=True, save_secret_key=False, save_galois_keys=False, save_relin_keys=True
        )
        return _pack(self._header("public_context"), [blob])

    def secret_bytes(self) -> bytes:
        if not self.has_secret_key:
            raise CryptoError("this context holds no secret key (it is a public context)")
        blob = self.context.serialize(
            save_public_key=True, save_secret_key=True, save_galois_keys=False, save_relin_keys=True
        )
        return _pack(self._header("secret_context"), [blob])

    def public(self) -> HeKeys:
        """The server's view of these keys (loaded from :meth:`public_bytes`)."""
        return HeKeys.load(self.public_bytes())


def keygen(
    poly_modulus_degree: int = 8192,
    coeff_mod_bit_sizes: tuple[int, ...] = DEFAULT_COEFF_MOD_BIT_SIZES,
    scale_bits: int = 40,
) -> tuple[bytes, bytes]:
    """``(public_bytes, secret_bytes)`` of a fresh CKKS key pair."""
    keys = HeKeys.generate(poly_modulus_degree, coeff_mod_bit_sizes, scale_bits)
    return keys.public_bytes(), keys.secret_bytes()


def write_keys(out_dir: Path, public: bytes, secret: bytes, *, force: bool = False) -> tuple[Path, Path]:
    """Write ``public.ctx`` (0644) and ``secret.ctx`` (0600, atomically) into ``out_dir``."""
    pub_path, sec_path = out_dir / "public.ctx", out_dir / "secret.ctx"
    if not force and (pub_path.exists() or sec_path.exists()):
        raise ConflictError(
            f"{out_dir} already holds a key pair; ciphertexts made under it could no longer be "
            "decrypted if it were replaced (pass --force to replace it anyway)"
        )
    atomic_write_bytes(sec_path, secret, mode=0o600)
    atomic_write_bytes(pub_path, public, mode=0o644)
    return pub_path, sec_path


# -- models ------------------------------------------------------------------------------------


def sigmoid(z: FloatArray) -> FloatArray:
    out: FloatArray = 0.5 * (1.0 + np.tanh(0.5 * z))  # stable for large |z|
    return out


def _floats(values: Any, what: str) -> tuple[float, ...]:
    try:
        out = tuple(float(v) for v in values)
    except (TypeError, ValueError) as exc:
        raise InputError(f"model {what} must be a list of numbers") from exc
    if not all(math.isfinite(v) for v in out):
        raise InputError(f"model {what} must be finite")
    return out


def _as_matrix(X: Any, n_features: int | None = None) -> FloatArray:
    arr = np.asarray(X, dtype=np.float64)
    if arr.ndim == 1:
        arr = arr.reshape(1, -1)
    if arr.ndim != 2:
        raise InputError("features must be a 2-D array (samples x features)")
    if n_features is not None and arr.shape[1] != n_features:
        raise InputError(f"features have {arr.shape[1]} columns, the model expects {n_features}")
    if not np.isfinite(arr).all():
        bad = sorted({int(j) for j in np.nonzero(~np.isfinite(arr))[1]})
        raise InputError(f"features contain missing or non-finite values in column(s) {bad}")
    return arr


@dataclass(frozen=True)
class InputFeature:
    """How one raw column becomes model inputs (one for a numeric column, one per category)."""

    name: str
    kind: Literal["numeric", "categorical"]
    #: numeric: input = (clamp(x, bounds) - centre) / scale; a missing value gives ``missing``
    centre: float = 0.0
    scale: float = 1.0
    bounds: tuple[float, float] | None = None
    missing: float = 0.0
    #: categorical: one input per category (1 for the row's value, all 0 when missing or unknown)
    categories: tuple[str, ...] = ()
    #: categorical: compare values with surrounding spaces removed (the federated encoding)
    strip: bool = False
    #: categorical: one more input, ``NAME=(other)``, set by any value outside the categories
    #: (a ``veil train`` model's declared keys)
    other: bool = False

    def __post_init__(self) -> None:
        if self.kind not in ("numeric", "categorical"):
            raise InputError(f"model input {self.name!r}: kind must be numeric or categorical")
        if self.kind == "numeric":
            numbers = [self.centre, self.scale, self.missing, *(self.bounds or ())]
            if not all(math.isfinite(v) for v in numbers) or self.scale == 0:
                raise InputError(
                    f"model input {self.name!r}: centre, scale, bounds must be finite, scale non-zero"
                )
        elif not self.categories:
            raise InputError(f"model input {self.name!r}: a categorical input needs its categories")

    @property
    def columns(self) -> list[str]:
        if self.kind == "numeric":
            return [self.name]
        names = [f"{self.name}={c}" for c in self.categories]
        return [*names, f"{self.name}=(other)"] if self.other else names

    def to_dict(self) -> dict[str, Any]:
        if self.kind == "numeric":
            return {
                "name": self.name,
                "kind": "numeric",
                "centre": self.centre,
                "scale": self.scale,
                "bounds": list(self.bounds) if self.bounds is not None else None,
                "missing": self.missing,
            }
        return {
            "name": self.name,
            "kind": "categorical",
            "categories": list(self.categories),
            "strip": self.strip,
            "other": self.other,
        }

    @classmethod
    def from_dict(cls, d: Any) -> InputFeature:
        if not isinstance(d, dict) or not isinstance(d.get("name"), str):
            raise InputError("model inputs: each feature needs a name")
        if d.get("kind") == "numeric":
            b = d.get("bounds")
            lo_hi = _floats(b, "input bounds") if b is not None else None
            if lo_hi is not None and (len(lo_hi) != 2 or lo_hi[0] > lo_hi[1]):
                raise InputError(f"model input {d['name']!r}: bounds must be [low, high]")
            return cls(
                d["name"],
                "numeric",
                centre=_floats([d.get("centre", 0.0)], "input centre")[0],
                scale=_floats([d.get("scale", 1.0)], "input scale")[0],
                bounds=(lo_hi[0], lo_hi[1]) if lo_hi is not None else None,
                missing=_floats([d.get("missing", 0.0)], "input missing value")[0],
            )
        cats = d.get("categories")
        if not isinstance(cats, list):
            raise InputError(f"model input {d['name']!r}: categories must be a list")
        return cls(
            d["name"],
            "categorical",
            categories=tuple(str(c) for c in cats),
            strip=bool(d.get("strip")),
            other=bool(d.get("other")),
        )


@dataclass(frozen=True)
class InputEncoding:
    """The raw columns a model reads and how they are encoded (carried in its model file)."""

    features: tuple[InputFeature, ...]

    @property
    def columns(self) -> list[str]:
        """Names of the encoded inputs, in the model's order (``age``, ``sex=Female``, ...)."""
        return [c for f in self.features for c in f.columns]

    @property
    def raw_columns(self) -> list[str]:
        return [f.name for f in self.features]

    def encode(self, columns: Mapping[str, Sequence[Any]], n: int, what: str = "input") -> FloatArray:
        """The (n x inputs) matrix of raw column values; errors name columns, never values."""
        missing = [f.name for f in self.features if f.name not in columns]
        if missing:
            raise InputError(f"{what} has no column(s) {', '.join(missing)} (the model's raw inputs)")
        x = np.zeros((n, len(self.columns)), dtype=np.float64)
        at = 0
        for f in self.features:
            values = columns[f.name]
            if f.kind == "numeric":
                lo, hi = f.bounds if f.bounds is not None else (-math.inf, math.inf)
                for i, v in enumerate(values):
                    if v is None or (isinstance(v, float) and math.isnan(v)):
                        x[i, at] = f.missing
                        continue
                    try:
                        number = float(v)
                    except (TypeError, ValueError):
                        raise InputError(f"{what}: column {f.name} holds a non-numeric value") from None
                    if not math.isfinite(number):
                        x[i, at] = f.missing
                        continue
                    x[i, at] = (min(max(number, lo), hi) - f.centre) / f.scale
                at += 1
            else:
                index = {c: j for j, c in enumerate(f.categories)}
                other = len(f.categories) if f.other else None
                for i, v in enumerate(values):
                    if v is None:
                        continue
                    j = index.get(str(v).strip() if f.strip else str(v), other)
                    if j is not None:
                        x[i, at + j] = 1.0
                at += len(f.categories) + int(f.other)
        return x

    def to_dict(self) -> dict[str, Any]:
        return {"features": [f.to_dict() for f in self.features]}

    @classmethod
    def from_dict(cls, d: Any) -> InputEncoding:
        if not isinstance(d, dict) or not isinstance(d.get("features"), list) or not d["features"]:
            raise InputError("model inputs must list the features")
        return cls(tuple(InputFeature.from_dict(f) for f in d["features"]))

    @classmethod
    def from_training(cls, encoding: dict[str, Any]) -> InputEncoding:
        """From a ``veil train`` model's saved encoding (``veil.ml.data_prep.Encoding.to_dict``)."""
        out = []
        for f in encoding["features"]:
            if f["kind"] == "numeric":
                b = f.get("bounds")
                out.append(
                    InputFeature(
                        str(f["name"]),
                        "numeric",
                        centre=float(f["centre"]),
                        scale=float(f["scale"]),
                        bounds=(float(b[0]), float(b[1])) if b is not None else None,
                        missing=0.0,  # Encoding.encode leaves a missing value at 0 (the centre)
                    )
                )
            else:
                out.append(
                    InputFeature(
                        str(f["name"]),
                        "categorical",
                        categories=tuple(f["categories"]),
                        strip=bool(f.get("strip", False)),
                        other=bool(f.get("other", False)),
                    )
                )
        return cls(tuple(out))

    @classmethod
    def from_federated(cls, spec: dict[str, Any]) -> InputEncoding:
        """From a ``veil federated`` spec: numeric scaled to [0, 1] (missing: 0.5), categories stripped."""
        out = []
        for name, (lo, hi) in spec["numeric"].items():
            lo, hi = float(lo), float(hi)
            out.append(
                InputFeature(str(name), "numeric", centre=lo, scale=hi - lo, bounds=(lo, hi), missing=0.5)
            )
        for name, cats in spec["categorical"].items():
            out.append(
                InputFeature(str(name), "categorical", categories=tuple(str(c) for c in cats), strip=True)
            )
        return cls(tuple(out))


def _inputs_of(d: dict[str, Any], names: tuple[str, ...]) -> InputEncoding | None:
    raw = d.get("inputs")
    if raw is None:
        return None
    inputs = InputEncoding.from_dict(raw)
    if tuple(inputs.columns) != names:
        raise InputError("model inputs do not encode to the model's feature names (in order)")
    return inputs


@dataclass(frozen=True)
class LinearModel:
    """Logistic regression ``sigmoid(w . x + b)``; the server computes ``w . x + b`` on ciphertexts."""

    weights: tuple[float, ...]
    bias: float
    feature_names: tuple[str, ...]
    #: how raw columns become ``feature_names`` (None: the features are given as they are)
    inputs: InputEncoding | None = None
    #: where the model comes from (registry name, version, dataset, privacy): informative only
    source: dict[str, Any] | None = None
    kind: ClassVar[str] = "logistic_regression"
    depth: ClassVar[int] = 1

    def __post_init__(self) -> None:
        if len(self.weights) != len(self.feature_names) or not self.weights:
            raise InputError("a linear model needs one weight per feature name (and at least one)")

    def decision_function(self, X: Any) -> FloatArray:
        arr = _as_matrix(X, len(self.weights))
        out: FloatArray = arr @ np.asarray(self.weights) + self.bias
        return out

    def predict_proba(self, X: Any) -> FloatArray:
        return sigmoid(self.decision_function(X))

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "kind": self.kind,
            "feature_names": list(self.feature_names),
            "weights": list(self.weights),
            "bias": self.bias,
        }
        if self.inputs is not None:
            out["inputs"] = self.inputs.to_dict()
        if self.source is not None:
            out["source"] = self.source
        return out

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> LinearModel:
        if "weights" not in d and "weight" in d and isinstance(d.get("spec"), dict):
            return cls._from_federated(d)
        names = tuple(str(n) for n in d.get("feature_names", ()))
        return cls(
            _floats(d.get("weights"), "weights"),
            _floats([d.get("bias")], "bias")[0],
            names,
            inputs=_inputs_of(d, names),
            source=d.get("source") if isinstance(d.get("source"), dict) else None,
        )

    @classmethod
    def _from_federated(cls, d: dict[str, Any]) -> LinearModel:
        """The JSON ``veil federated --out`` writes (``weight``, ``bias``, ``columns``, ``spec``)."""
        try:
            inputs = InputEncoding.from_federated(d["spec"])
        except (KeyError, TypeError, ValueError) as exc:
            raise InputError("federated model: its spec is incomplete") from exc
        names = tuple(inputs.columns)
        if [str(c) for c in d.get("columns", names)] != list(names):
            raise InputError("federated model: its columns do not match its spec")
        spec = d["spec"]
        source = {"federated": True, "dataset": spec.get("dataset"), "target": spec.get("target")}
        source["positive"] = spec.get("positive")
        return cls(
            _floats(d.get("weight"), "weight"), _floats([d.get("bias")], "bias")[0], names, inputs, source
        )


@dataclass(frozen=True)
class PolyMLP:
    """One hidden layer with ``x^2`` activation: ``sum_k v_k (W_k . x + b_k)^2 + c`` (a logit)."""

    hidden_weights: tuple[tuple[float, ...], ...]
    hidden_bias: tuple[float, ...]
    output_weights: tuple[float, ...]
    output_bias: float
    feature_names: tuple[str, ...]
    inputs: InputEncoding | None = None
    source: dict[str, Any] | None = None
    kind: ClassVar[str] = "poly_mlp"
    depth: ClassVar[int] = 2

    def __post_init__(self) -> None:
        h, d = len(self.hidden_weights), len(self.feature_names)
        if not h or any(len(r) != d for r in self.hidden_weights):
            raise InputError("poly_mlp hidden_weights must be a (hidden x features) matrix")
        if len(self.hidden_bias) != h or len(self.output_weights) != h:
            raise InputError("poly_mlp needs one hidden bias and one output weight per hidden unit")

    def decision_function(self, X: Any) -> FloatArray:
        arr = _as_matrix(X, len(self.feature_names))
        hidden = arr @ np.asarray(self.hidden_weights).T + np.asarray(self.hidden_bias)
        out: FloatArray = (hidden**2) @ np.asarray(self.output_weights) + self.output_bias
        return out

    def predict_proba(self, X: Any) -> FloatArray:
        return sigmoid(self.decision_function(X))

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "feature_names": list(self.feature_names),
            "hidden_weights": [list(r) for r in self.hidden_weights],
            "hidden_bias": list(self.hidden_bias),
            "output_weights": list(self.output_weights),
            "output_bias": self.output_bias,
            **({"inputs": self.inputs.to_dict()} if self.inputs is not None else {}),
            **({"source": self.source} if self.source is not None else {}),
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> PolyMLP:
        rows = d.get("hidden_weights")
        if not isinstance(rows, list):
            raise InputError("model hidden_weights must be a list of lists")
        names = tuple(str(n) for n in d.get("feature_names", ()))
        return cls(
            tuple(_floats(r, "hidden_weights") for r in rows),
            _floats(d.get("hidden_bias"), "hidden_bias"),
            _floats(d.get("output_weights"), "output_weights"),
            _floats([d.get("output_bias")], "output_bias")[0],
            names,
            inputs=_inputs_of(d, names),
            source=d.get("source") if isinstance(d.get("source"), dict) else None,
        )


Model = LinearModel | PolyMLP
_MODELS: dict[str, type[LinearModel] | type[PolyMLP]] = {
    "logistic_regression": LinearModel,
    "poly_mlp": PolyMLP,
}


def load_model(source: Path | dict[str, Any]) -> Model:
    """A model from its JSON file (or the parsed dict): ``{"kind": "logistic_regression", ...}``."""
    what = str(source) if isinstance(source, Path) else "model"
    if isinstance(source, Path):
        try:
            source = json.loads(source.read_text(encoding="utf-8"))
        except FileNotFoundError as exc:
            raise NotFoundError(f"model file {what} not found") from exc
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise InputError(f"model file {what} is not valid JSON") from exc
    if not isinstance(source, dict) or source.get("kind") not in _MODELS:
        raise InputError(f"{what}: kind must be one of {', '.join(_MODELS)}")
    return _MODELS[source["kind"]].from_dict(source)


def export_registered(ws: Workspace, name: str, *, allow_stale: bool = False) -> LinearModel:
    """The registered model ``name`` as an encrypted-scoring model, with its inputs; audit-logged.

    A logistic regression is exported exactly (its weights and bias, its saved feature
    encoding as ``inputs``). A ReLU MLP cannot be evaluated on CKKS ciphertexts and a SISA
    ensemble averages the probabilities of several models (not a linear function): both are
    refused with what to do instead. A stale model (trained on subjects erased since) is
    refused unless ``allow_stale``: exporting it would copy the erased subjects' influence
    out of the registry, where neither a retrain nor ``veil models delete`` reaches it.
    """
    from veil.ml.registry import ModelRegistry

    registry = ModelRegistry(ws)
    card = registry.card(name)  # NotFoundError naming `veil models list`
    if card.stale and not allow_stale:
        raise ConflictError(
            f"model {name!r} is stale: {card.erased_subjects} of its training subjects were erased since. "
            f"Retrain it (`veil models retrain {name}`) before exporting it, or pass --allow-stale"
        )
    if card.shards > 1:
        raise InputError(
            f"model {name!r} is a SISA ensemble of {card.shards} models whose probabilities are averaged: "
            "not a function CKKS can evaluate. Train one model (without --shards) to score it encrypted"
        )
    if card.model != "logreg":
        raise InputError(
            f"model {name!r} is a {card.model} with ReLU activations, which CKKS cannot evaluate: train "
            "--model logreg, or fit an x^2-activation network with `veil he fit --kind poly_mlp`"
        )
    import torch

    state = torch.load(registry.path(name) / "model.pt", weights_only=True)
    weight = state["state_dict"]["weight"].reshape(-1).tolist()
    bias = float(state["state_dict"]["bias"].reshape(-1)[0])
    inputs = InputEncoding.from_training(state["encoding"])
    names = tuple(inputs.columns)
    if list(names) != list(card.encoded_features) or len(weight) != len(names):
        raise CryptoError(f"model {name!r}: its weights and its card disagree (the registry was altered)")
    source = {
        "model": name,
        "version": card.version,
        "dataset": card.dataset,
        "purpose": card.purpose,
        "target": card.target,
        "labels": list(card.labels),
        "private": card.private,
        "epsilon": card.epsilon,
        "delta": card.delta,
        "stale": card.stale,
    }
    model = LinearModel(tuple(float(w) for w in weight), bias, names, inputs, source)
    with ws.transaction() as conn:
        ws.audit.append(
            conn,
            "ml.model.export",
            purpose=card.purpose,
            dataset=card.dataset,
            details={"model": name, "version": card.version, "format": "veil-he", "stale": card.stale},
        )
    return model


def _labels(y: Any) -> npt.NDArray[np.int64]:
    arr = np.asarray(y)
    if set(np.unique(arr).tolist()) - {0, 1}:
        raise InputError("labels must be 0/1")
    return arr.astype(np.int64)


def fit_logreg(
    X: Any, y: Any, feature_names: tuple[str, ...] | list[str] | None = None, *, c: float = 1.0
) -> LinearModel:
    """Plain logistic regression (scikit-learn) on standardised features, folded back to raw features.

    The returned weights apply to the raw ``X`` (``w_j / sd_j``, bias shifted by the means),
    so clients encrypt their features as they are.
    """
    LogisticRegression = importlib.import_module("sklearn.linear_model").LogisticRegression  # untyped
    arr = _as_matrix(X)
    names = tuple(feature_names) if feature_names is not None else tuple(f"x{j}" for j in range(arr.shape[1]))
    mean, sd = arr.mean(axis=0), arr.std(axis=0)
    sd[sd == 0] = 1.0
    clf = LogisticRegression(C=c, max_iter=1000)
    clf.fit((arr - mean) / sd, _labels(y))
    w = clf.coef_[0] / sd
    b = float(clf.intercept_[0] - np.dot(w, mean))
    return LinearModel(tuple(float(v) for v in w), b, names)


def fit_poly_mlp(
    X: Any,
    y: Any,
    feature_names: tuple[str, ...] | list[str] | None = None,
    *,
    hidden: int = 8,
    epochs: int = 200,
    lr: float = 0.05,
    seed: int = 0,
) -> PolyMLP:
    """A one-hidden-layer ``x^2``-activation MLP (torch, full-batch Adam), folded to raw features."""
    import torch

    arr = _as_matrix(X)
    names = tuple(feature_names) if feature_names is not None else tuple(f"x{j}" for j in range(arr.shape[1]))
    mean, sd = arr.mean(axis=0), arr.std(axis=0)
    sd[sd == 0] = 1.0
    gen = torch.Generator().manual_seed(seed)
    xt = torch.tensor((arr - mean) / sd, dtype=torch.float64)
    yt = torch.tensor(_labels(y), dtype=torch.float64)
    d = arr.shape[1]
    w1 = (torch.randn(hidden, d, generator=gen, dtype=torch.float64) / math.sqrt(d)).requires_grad_()
    b1 = torch.zeros(hidden, dtype=torch.float64, requires_grad=True)
    v = (torch.randn(hidden, generator=gen, dtype=torch.float64) * 0.1).requires_grad_()
    c0 = torch.zeros((), dtype=torch.float64, requires_grad=True)
    opt = torch.optim.Adam([w1, b1, v, c0], lr=lr)
    loss_fn = torch.nn.BCEWithLogitsLoss()
    for _ in range(epochs):
        opt.zero_grad()
        logits = ((xt @ w1.T + b1) ** 2) @ v + c0
        loss = loss_fn(logits, yt)
        loss.backward()
        opt.step()
    w1n, b1n = w1.detach().numpy(), b1.detach().numpy()
    raw_w = w1n / sd  # (W (x - m)/sd + b) = (W/sd) x + (b - (W/sd) m)
    raw_b = b1n - raw_w @ mean
    return PolyMLP(
        tuple(tuple(float(x) for x in row) for row in raw_w),
        tuple(float(x) for x in raw_b),
        tuple(float(x) for x in v.detach().numpy()),
        float(c0.detach()),
        names,
    )


# -- client: encrypt / decrypt -----------------------------------------------------------------


def encrypt_batch(keys: HeKeys, X: Any, feature_names: tuple[str, ...] | list[str] | None = None) -> bytes:
    """Encrypt samples x features column-major: chunk ``c``, feature ``j`` -> one ciphertext.

    The public context is enough; the secret context works too.
    """
    ts = _tenseal()
    arr = _as_matrix(X)
    n, d = arr.shape
    if n == 0 or d == 0:
        raise InputError("nothing to encrypt: the feature matrix is empty")
    names = list(feature_names) if feature_names is not None else [f"x{j}" for j in range(d)]
    if len(names) != d:
        raise InputError(f"{len(names)} feature names for {d} columns")
    chunks = math.ceil(n / keys.slots)
    cols = np.ascontiguousarray(arr.T)
    blobs = [
        ts.ckks_vector(keys.context, cols[j, c * keys.slots : (c + 1) * keys.slots]).serialize()
        for c in range(chunks)
        for j in range(d)
    ]
    header = {"kind": "features", "key_id": keys.key_id, "n": n, "features": names, "chunks": chunks}
    header["slots"] = keys.slots
    return _pack(header, blobs)


def encrypted_info(data: bytes) -> dict[str, Any]:
    """The header of encrypted features or scores: kind, key id, sample count, feature names."""
    header, _ = _unpack(data, ("features", "scores"), "encrypted input")
    return {k: v for k, v in header.items() if k not in ("sha256", "blobs", "format")}


def _check_key(keys: HeKeys, header: dict[str, Any], what: str) -> None:
    if header.get("key_id") != keys.key_id:
        raise CryptoError(
            f"{what} was encrypted under key pair {header.get('key_id')}, but the context given is key "
            f"pair {keys.key_id}: use the context from the same `veil he keygen`"
        )


def decrypt_logits(keys: HeKeys, data: bytes) -> FloatArray:
    """The decrypted model outputs (logits), one per sample, in input order."""
    if not keys.has_secret_key:
        raise CryptoError("decrypting needs the secret context (secret.ctx); this one is public only")
    header, blobs = _unpack(data, ("scores",), "encrypted scores")
    _check_key(keys, header, "encrypted scores")
    n = int(header["n"])
    ts = _tenseal()
    parts: list[FloatArray] = []
    for blob in blobs:
        try:
            vec = ts.ckks_vector_from(keys.context, blob)
        except (ValueError, RuntimeError) as exc:
            raise CryptoError("encrypted scores are corrupt (TenSEAL could not read a ciphertext)") from exc
        parts.append(np.asarray(vec.decrypt(), dtype=np.float64))
    out = np.concatenate(parts) if parts else np.zeros(0)
    if out.shape[0] != n:
        raise CryptoError(f"encrypted scores hold {out.shape[0]} values, the header says {n}")
    return out


def decrypt_scores(keys: HeKeys, data: bytes) -> FloatArray:
    """Probabilities: the client applies the sigmoid after decryption."""
    return sigmoid(decrypt_logits(keys, data))


# -- server: score -----------------------------------------------------------------------------


def _check_model(model: Model, header: dict[str, Any], keys: HeKeys) -> None:
    names = list(header.get("features", []))
    if len(names) != len(model.feature_names):
        raise InputError(
            f"encrypted input has {len(names)} features, the model expects {len(model.feature_names)}"
        )
    if not all(n.startswith("x") and n[1:].isdigit() for n in names) and names != list(model.feature_names):
        raise InputError(
            f"encrypted features {names} do not match the model's {list(model.feature_names)} (same order)"
        )
    if model.depth > keys.depth:
        raise ConfigError(
            f"a {model.kind} needs multiplicative depth {model.depth}, these keys allow {keys.depth} "
            "(generate keys with more coefficient-modulus primes)"
        )


def _score_chunk(cts: list[Any], model: Model) -> Any:
    if isinstance(model, LinearModel):
        acc = cts[0] * model.weights[0]
        for ct, w in zip(cts[1:], model.weights[1:], strict=True):
            acc += ct * w
        return acc + model.bias
    out: Any = None
    for row, b, v in zip(model.hidden_weights, model.hidden_bias, model.output_weights, strict=True):
        s = math.sqrt(abs(v))  # v (W.x + b)^2 = sign(v) (sqrt|v| W.x + sqrt|v| b)^2: depth 2
        z = cts[0] * (s * row[0])
        for ct, w in zip(cts[1:], row[1:], strict=True):
            z += ct * (s * w)
        z += s * b
        sq = z.square()
        if out is None:
            out = sq if v >= 0 else -sq
        elif v >= 0:
            out += sq
        else:
            out -= sq
    return out + model.output_bias


def score(keys: HeKeys, data: bytes, model: Model) -> bytes:
    """Server side: ciphertext features -> ciphertext logits, without (and refusing) the secret key."""
    if keys.has_secret_key:
        raise ConfigError(
            "the scoring server must hold only the public context (public.ctx), never secret.ctx"
        )
    header, blobs = _unpack(data, ("features",), "encrypted features")
    _check_key(keys, header, "encrypted features")
    _check_model(model, header, keys)
    ts = _tenseal()
    d, chunks = len(model.feature_names), int(header["chunks"])
    if len(blobs) != d * chunks:
        raise CryptoError("encrypted features are corrupt (ciphertext count)")
    out: list[bytes] = []
    for c in range(chunks):
        try:
            cts = [ts.ckks_vector_from(keys.context, blob) for blob in blobs[c * d : (c + 1) * d]]
        except (ValueError, RuntimeError) as exc:
            raise CryptoError("encrypted features are corrupt (TenSEAL could not read a ciphertext)") from exc
        try:
            result = _score_chunk(cts, model)
        except ValueError as exc:  # e.g. "scale out of bounds" from values beyond the modulus
            raise CryptoError(f"encrypted scoring failed: {exc}") from exc
        out.append(result.serialize())
    scores = {"kind": "scores", "key_id": keys.key_id, "n": header["n"], "chunks": chunks}
    scores["model"] = model.kind
    return _pack(scores, out)


def score_request(public_context: bytes, ciphertext: bytes, model: Model) -> bytes:
    """The API-ready service function: bytes in (public context, encrypted features), bytes out."""
    return score(HeKeys.load(public_context, what="public context"), ciphertext, model)
