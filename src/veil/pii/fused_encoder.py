"""A fused inference forward for the token encoder of spaCy's small English NER model.

The NER model of ``en_core_web_sm`` 3.x embeds each token with four hash embeddings (NORM,
PREFIX, SUFFIX, SHAPE), mixes them with a maxout layer, widens the context with four residual
window blocks (``expand_window >> maxout >> layernorm``) and projects the result to the parser's
width. thinc runs this as a tree of about sixty layers, each a Python call with its own
bookkeeping (parameter look-ups, backprop closures, list/ragged conversions), a large share of
the encoder's time on a tweet or a sentence.

:func:`fuse` replaces the encoder's forward, at inference only, with one function that makes
the same calls on the same thinc ops in the same order (``maxout``, ``hash``, ``gather_add``,
``seq2col``, numpy's mean and variance); only the bookkeeping goes. It does so only when the
encoder is exactly the architecture read here (layer names, dimensions, window sizes, padding);
any other model keeps thinc's forward. Training (``is_train``) and an empty document go to the
original forward too.

The matrix products are numpy's (OpenBLAS, :data:`NUMPY_PRODUCTS`) rather than thinc's ``gemm``
(BLIS): 2-3x faster on these shapes with one thread. They sum in another order, so a vector
differs from thinc's in its last bits (about 1e-6 of values up to 10), not in what NER finds:
predictions were identical on all 15 dev corpora (every document's spans, types, scores to four
places). With ``NUMPY_PRODUCTS`` false the output is thinc's to the bit.

One saving is arithmetic: thinc runs the residual blocks over the documents with ``pad`` (4) zero
rows around each, and computes every row of every block. A document's rows after the last block
read the rows within one window of them before it, and so on back: the outermost row at either
end of the batch is read by nothing after the first block, the next one by nothing after the
second, and so on. Each block here drops its ``window`` rows at either end before the matrix
product (a row of ``gemm``, ``maxout`` and the layer norm depends on that row alone): for a
tweet of ten tokens, 52 rows go through the blocks instead of 72, with the same document rows.
Another: a token's embedding and its mixed vector (the widest product) depend on its four
features alone, so from :data:`_DISTINCT_FROM` tokens on they are computed once per distinct row
of features and copied to its tokens (half the rows of a long judgment, more of a batch).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy

__all__ = ["ENCODER_NAME", "FusedEncoder", "fuse"]

# the encoder of en_core_web_sm 3.x's NER (thinc's name of the chain, which spells out its layers)
_EMBED = "extract_features>>list2ragged>>with_array(" + "|".join(["ints-getitem>>hashembed"] * 4) + ")"
_MIX = "with_array(maxout>>layernorm>>dropout)>>ragged2list"
_BLOCK = "residual(expand_window>>maxout>>layernorm>>dropout)"
_ENCODE = "with_array(" + ">>".join([_BLOCK] * 4) + ")"
ENCODER_NAME = f"{_EMBED}>>{_MIX}>>{_ENCODE}>>list2array>>linear"
# from this many tokens in a call, the embedding and mixing run once per distinct row of features
# (below it, finding the distinct rows costs more than it saves: a tweet repeats few tokens)
_DISTINCT_FROM = 48
# the matrix products by numpy (OpenBLAS) rather than thinc's BLIS gemm: 2-3x faster on these
# shapes, the same products to float rounding (not to the bit: see the module's docstring)
NUMPY_PRODUCTS = True
# from this many rows on, a maxout's product reads a C-contiguous copy of its weights' transpose
# (:class:`_Transposed`) rather than the transposed view: OpenBLAS's kernel for a few rows is 1.3-3.5x
# faster on it (288x288 weights, 10 rows: 62 -> 17 us; 25 rows: 86 -> 52 us) and, from 5 rows on,
# sums in the same order: bit-identical products (every row count 5-700, three draws, each maxout
# of en_core_web_sm 3.8; 1-4 rows differ in the last bits, so they keep the view)
_CONTIGUOUS_FROM = 8


class FusedEncoder:
    """The encoder's forward as one function (a class, not a closure: the model stays picklable)."""

    def __init__(self, model: Any, original: Callable[..., Any]) -> None:
        self.original = original
        nodes = list(model.walk(order="dfs_pre"))  # program order
        by_name: dict[str, list[Any]] = {}
        for node in nodes:
            by_name.setdefault(node.name, []).append(node)
        self.columns = _only(by_name, "extract_features").attrs["columns"]
        self.getitems = [n.attrs["index"] for n in by_name["ints-getitem"]]
        self.embeds = by_name["hashembed"]
        self.maxouts = by_name["maxout"]
        self.norms = by_name["layernorm"]
        self.windows = [n.attrs["window_size"] for n in by_name["expand_window"]]
        self.linear = _only(by_name, "linear")
        self.pad = next(n.attrs["pad"] for n in nodes if n.name == _ENCODE)
        self.transposed = [_Transposed(layer) for layer in self.maxouts]

    def __call__(self, model: Any, docs: Sequence[Any], is_train: bool) -> tuple[Any, Callable[..., Any]]:
        if is_train or not docs or any(len(doc) == 0 for doc in docs):
            return self.original(model, docs, is_train)  # type: ignore[no-any-return]
        ops = model.ops
        xp = ops.xp
        # extract_features >> list2ragged
        features = [ops.asarray2i(doc.to_array(self.columns), dtype="uint64") for doc in docs]
        flat = ops.flatten(features)
        # a token's embedding and mixed vector depend on its four features alone: each distinct row
        # of features is computed once (a long text repeats half its tokens: "the", ",", "Court")
        inverse = None
        if len(flat) >= _DISTINCT_FROM:
            flat, inverse = xp.unique(flat, axis=0, return_inverse=True)
        # with_array(ints-getitem >> hashembed | ...): each column hashed into its table, side by side
        embedded = []
        for index, embed in zip(self.getitems, self.embeds, strict=True):
            vectors = embed.get_param("E")
            ids = ops.as_contig(flat[index], dtype="uint64")
            keys = ops.hash(ids, embed.attrs["seed"]) % vectors.shape[0]
            embedded.append(ops.gather_add(vectors, keys))
        X = _normed(self.norms[0], _maxout(ops, self.maxouts[0], xp.hstack(embedded), self.transposed[0]))
        if inverse is not None:
            X = X[inverse.reshape(-1)]
        # ragged2list >> with_array(pad): the documents one after the other, `pad` zero rows around each
        pad, width = self.pad, X.shape[1]
        parts: list[Any] = []
        at = 0
        for feature in features:
            parts.append(xp.zeros((pad, width), dtype=X.dtype))
            parts.append(X[at : at + len(feature)])
            at += len(feature)
        parts.append(xp.zeros((pad, width), dtype=X.dtype))
        X = xp.concatenate(parts)
        # the residual window blocks; each drops `window` rows at either end, which nothing reads
        # (no document row reads them: see the module's docstring)
        trimmed = 0
        blocks = zip(self.windows, self.maxouts[1:], self.norms[1:], self.transposed[1:], strict=True)
        for window, maxout, norm, transposed in blocks:
            windowed = ops.seq2col(X, window)[window : len(X) - window]
            X = X[window : len(X) - window] + _normed(norm, _maxout(ops, maxout, windowed, transposed))
            trimmed += window
        # unflatten(pad) >> list2array: the padding out again
        rows: list[Any] = []
        at = pad - trimmed
        for feature in features:
            rows.append(X[at : at + len(feature)])
            at += len(feature) + pad
        X = xp.concatenate(rows)
        # linear
        Y = _product(ops, X, self.linear.get_param("W"))
        Y += self.linear.get_param("b")
        return Y, _no_backprop


def _only(by_name: dict[str, list[Any]], name: str) -> Any:
    (node,) = by_name[name]
    return node


class _Transposed:
    """A maxout layer's weights as the matrix its product reads, and that matrix's transpose as a
    C-contiguous copy, made again whenever the layer holds another weight array (thinc's
    ``set_param``). The fused forward only infers: weights changed in place, by training the same
    model object after it was fused, are not seen (Veil's pipeline is its own and never trained)."""

    def __init__(self, layer: Any) -> None:
        self.layer = layer
        self.source: Any = None
        self.matrix: Any = None
        self.copy: Any = None

    def get(self, ops: Any) -> tuple[Any, Any]:
        """The weights (``nO * nP`` x ``nI``) and their transpose, contiguous."""
        source = self.layer.get_param("W")
        if source is not self.source:
            layer = self.layer
            nO, nP, nI = layer.get_dim("nO"), layer.get_dim("nP"), layer.get_dim("nI")
            self.matrix = ops.reshape2f(source, nO * nP, nI)
            self.copy = ops.xp.ascontiguousarray(self.matrix.T)
            self.source = source
        return self.matrix, self.copy


def _maxout(ops: Any, layer: Any, X: Any, transposed: _Transposed) -> Any:
    nO, nP = layer.get_dim("nO"), layer.get_dim("nP")
    W, WT = transposed.get(ops)
    if NUMPY_PRODUCTS and ops.xp is numpy and len(X) >= _CONTIGUOUS_FROM:
        Y = numpy.matmul(X, WT)  # the same sums as X @ W.T, on a faster kernel (_CONTIGUOUS_FROM)
    else:
        Y = _product(ops, X, W)
    Y += ops.reshape1f(layer.get_param("b"), nO * nP)
    best, _ = ops.maxout(ops.reshape3f(Y, Y.shape[0], nO, nP))
    return best


def _product(ops: Any, X: Any, W: Any) -> Any:
    """``X @ W.T``: numpy's matrix product (OpenBLAS) where :data:`NUMPY_PRODUCTS`, else thinc's
    ``gemm`` (BLIS)."""
    if NUMPY_PRODUCTS and ops.xp is numpy:
        return numpy.matmul(X, W.T)
    return ops.gemm(X, W, trans2=True)


def _normed(layer: Any, X: Any) -> Any:
    mu = X.mean(axis=1, keepdims=True)
    var = _variance(X, mu) + 1e-08
    Xhat = (X - mu) * var ** (-1.0 / 2.0)
    Y = Xhat * layer.get_param("G")
    Y += layer.get_param("b")
    return Y


def _variance(X: Any, mu: Any) -> Any:
    """``X.var(axis=1, keepdims=True)`` given ``mu = X.mean(axis=1, keepdims=True)``: numpy's own steps
    (``numpy._core._methods._var``: the same mean, the squared deviations summed, divided by the row
    length as an ``intp``), without computing the mean a second time: the same values to the bit
    (tests/pii/test_speed33_fused_encoder.py), about 8 us less per layer on a tweet. Other arrays
    (cupy's) ask for ``var`` itself."""
    if not isinstance(X, numpy.ndarray) or X.dtype != numpy.float32:
        return X.var(axis=1, keepdims=True)
    squares = X - mu
    numpy.multiply(squares, squares, out=squares)
    total = numpy.add.reduce(squares, axis=1, keepdims=True)
    return numpy.true_divide(total, numpy.intp(X.shape[1]), out=total, casting="unsafe")


def _no_backprop(d_output: Any) -> Any:
    raise NotImplementedError("the fused encoder only infers; train with the original forward")


def fuse(ner: Any, probe: Sequence[Any] = ()) -> bool:
    """Give the NER pipe's encoder the fused forward when it is exactly the architecture read
    here and, on the ``probe`` documents, gives thinc's vectors (to float rounding); whether it
    did. Idempotent.

    The probe guards against a thinc release that keeps the layers' names and shapes but changes
    what one of them computes: the fused forward would then differ silently, so it is compared
    with thinc's own once, when the model loads, and left out where the two disagree."""
    try:
        encoder = ner.model.get_ref("tok2vec")
    except (AttributeError, KeyError):
        return False
    if isinstance(encoder._func, FusedEncoder):
        return True
    if encoder.name != ENCODER_NAME or not _shapes_fit(encoder):
        return False
    fused = FusedEncoder(encoder, encoder._func)
    if probe and not _agrees(encoder, fused, probe):
        return False
    encoder._func = fused
    return True


def _agrees(encoder: Any, fused: FusedEncoder, probe: Sequence[Any]) -> bool:
    import numpy

    docs = list(probe)
    expected, _ = fused.original(encoder, docs, False)
    got, _ = fused(encoder, docs, False)
    return bool(
        numpy.shape(expected) == numpy.shape(got) and numpy.allclose(expected, got, rtol=1e-4, atol=1e-4)
    )


def _shapes_fit(encoder: Any) -> bool:
    nodes = list(encoder.walk(order="dfs_pre"))
    names = [n.name for n in nodes]
    expected = {"hashembed": 4, "maxout": 5, "layernorm": 5, "expand_window": 4, "linear": 1}
    if {name: names.count(name) for name in expected} != expected:
        return False
    if any(n.ops is not encoder.ops for n in nodes):
        return False  # one ops object throughout, as thinc builds it
    padding = next((n.attrs.get("pad", 0) for n in nodes if n.name == _ENCODE), 0)
    if sum(n.attrs["window_size"] for n in nodes if n.name == "expand_window") > padding:
        return False  # the trimmed rows would reach a document's
    maxouts = [n for n in nodes if n.name == "maxout"]
    return maxouts[0].get_dim("nI") == 4 * maxouts[0].get_dim("nO") and all(
        m.get_dim("nI") == 3 * m.get_dim("nO") for m in maxouts[1:]
    )
