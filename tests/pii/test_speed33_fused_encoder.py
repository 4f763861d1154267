"""The fused encoder's two shortcuts of pass 33 give thinc's numbers to the bit: a maxout of
:data:`~veil.pii.fused_encoder._CONTIGUOUS_FROM` rows or more multiplies by a contiguous copy of the
weights' transpose (the same sums as the transposed view), and the layer norm's variance reuses the
mean (numpy's own steps). The copy follows the layer when its weights are replaced."""

from __future__ import annotations

import numpy
from hypothesis import given, settings
from hypothesis import strategies as st

from veil.pii import fused_encoder
from veil.pii.fused_encoder import FusedEncoder, _maxout, _Transposed, _variance
from veil.pii.nlp import load_model

_NLP = load_model()
_ENCODER = _NLP.get_pipe("ner").model.get_ref("tok2vec")


def _fused() -> FusedEncoder:
    func = _ENCODER._func
    assert isinstance(func, FusedEncoder)
    return func


@settings(max_examples=60, deadline=None)
@given(
    rows=st.integers(min_value=1, max_value=300), seed=st.integers(0, 2**32 - 1), scale=st.floats(0.05, 20)
)
def test_contiguous_transpose_gives_the_views_products(rows: int, seed: int, scale: float) -> None:
    fused = _fused()
    rng = numpy.random.default_rng(seed)
    for layer, transposed in zip(fused.maxouts, fused.transposed, strict=True):
        W, WT = transposed.get(_ENCODER.ops)
        X = (rng.standard_normal((rows, W.shape[1])) * scale).astype("float32")
        assert WT.flags.c_contiguous and numpy.array_equal(WT, W.T)
        expected = numpy.matmul(X, W.T)
        got = (
            numpy.matmul(X, WT)
            if rows >= fused_encoder._CONTIGUOUS_FROM
            else fused_encoder._product(_ENCODER.ops, X, W)
        )
        assert numpy.array_equal(expected, got)
        nO, nP = layer.get_dim("nO"), layer.get_dim("nP")
        Y = expected + layer.get_param("b").reshape(nO * nP)
        best, _ = _ENCODER.ops.maxout(Y.reshape(rows, nO, nP))
        assert numpy.array_equal(_maxout(_ENCODER.ops, layer, X, transposed), best)


@settings(max_examples=80, deadline=None)
@given(
    rows=st.integers(min_value=1, max_value=400),
    width=st.sampled_from([1, 3, 64, 96, 288]),
    seed=st.integers(0, 2**32 - 1),
    scale=st.floats(0.01, 50),
    shift=st.floats(-10, 10),
)
def test_variance_is_numpys_to_the_bit(rows: int, width: int, seed: int, scale: float, shift: float) -> None:
    rng = numpy.random.default_rng(seed)
    X = (rng.standard_normal((rows, width)) * scale + shift).astype("float32")
    mu = X.mean(axis=1, keepdims=True)
    assert numpy.array_equal(_variance(X, mu), X.var(axis=1, keepdims=True))
    assert _variance(X, mu).dtype == numpy.float32


def test_variance_of_other_dtypes_is_numpys() -> None:
    X = numpy.arange(12, dtype="float64").reshape(3, 4) ** 1.5
    assert numpy.array_equal(_variance(X, X.mean(axis=1, keepdims=True)), X.var(axis=1, keepdims=True))


def test_transposed_copy_follows_replaced_weights() -> None:
    layer = _fused().maxouts[1]
    transposed = _Transposed(layer)
    original = layer.get_param("W")
    W, WT = transposed.get(_ENCODER.ops)
    assert transposed.get(_ENCODER.ops)[1] is WT  # made once while the weights stay
    try:
        layer.set_param("W", original * 2)
        W2, WT2 = transposed.get(_ENCODER.ops)
        assert WT2 is not WT and numpy.array_equal(WT2, W2.T) and numpy.array_equal(W2, W * 2)
    finally:
        layer.set_param("W", original)
    assert numpy.array_equal(transposed.get(_ENCODER.ops)[1], WT)


def test_fused_forward_matches_thincs_on_short_and_long_documents() -> None:
    texts = [
        "Ines Vakaro wrote.",
        "Dr. Quenby Tarlo met the board of Orvale Ltd in Varnow on 3 May, said Ines Vakaro.",
        " ".join(["The council of Brenmouth thanked Tarlo and Vakaro in Lisbon."] * 12),
    ]
    fused = _fused()
    for text in texts:
        docs = [_NLP.make_doc(text)]
        expected, _ = fused.original(_ENCODER, docs, False)
        got, _ = fused(_ENCODER, docs, False)
        assert numpy.allclose(expected, got, rtol=1e-4, atol=1e-4)
