"""The fused encoder (:mod:`veil.pii.fused_encoder`) computes what thinc's layers compute: to the
bit with thinc's own matrix products (BLIS), to float rounding with numpy's (its default), for one
document and for a batch, on invented texts of names, words, codes, punctuation and blank
stretches (what a focused view holds); and NER finds the same entities with either."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from types import SimpleNamespace
from typing import Any

import numpy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from veil.pii import fused_encoder
from veil.pii.fused_encoder import ENCODER_NAME, FusedEncoder, fuse
from veil.pii.nlp import load_model

_NLP = load_model()
_NER = _NLP.get_pipe("ner")
_ENCODER = _NER.model.get_ref("tok2vec")

_WORDS = [
    "Marta",
    "Kowalczyk",
    "said",
    "the",
    "Board",
    "of",
    "Trade",
    "in",
    "Lisbon",
    "on",
    "Friday",
    "XT-2201",
    "#ad",
    "@someone",
    "!!",
    ",",
    ".",
    "'s",
    "O'Neill",
    "Zürich",
    "42",
    "    ",
    "\n",
    "\n\n",
    "e.g.",
    "UNESCO",
]
_TEXTS = st.lists(st.sampled_from(_WORDS), min_size=1, max_size=40).map(" ".join)


def _fused() -> FusedEncoder:
    func = _ENCODER._func
    assert isinstance(func, FusedEncoder)
    return func


@contextmanager
def _products(numpy_products: bool) -> Iterator[None]:
    """The fused encoder's matrix products by numpy (OpenBLAS) or by thinc's gemm (BLIS)."""
    before = fused_encoder.NUMPY_PRODUCTS
    fused_encoder.NUMPY_PRODUCTS = numpy_products
    try:
        yield
    finally:
        fused_encoder.NUMPY_PRODUCTS = before


def _both(docs: list[Any]) -> tuple[Any, Any]:
    """thinc's vectors, and the fused encoder's with thinc's own products (the same to the bit)."""
    fused = _fused()
    with _products(False):
        return fused.original(_ENCODER, docs, False)[0], fused(_ENCODER, docs, False)[0]


def _close(docs: list[Any]) -> None:
    """The fused encoder with numpy's products gives thinc's vectors to float rounding."""
    fused = _fused()
    expected = fused.original(_ENCODER, docs, False)[0]
    with _products(True):
        found = fused(_ENCODER, docs, False)[0]
    assert found.dtype == expected.dtype
    assert found.shape == expected.shape
    assert numpy.allclose(found, expected, rtol=1e-4, atol=1e-4)


def test_the_default_model_is_fused_once() -> None:
    assert _ENCODER.name == ENCODER_NAME
    assert isinstance(_ENCODER._func, FusedEncoder)
    assert fuse(_NER) is True
    assert not isinstance(_fused().original, FusedEncoder)  # fusing again wraps nothing twice


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_TEXTS)
def test_one_document_is_encoded_to_the_bit(text: str) -> None:
    expected, found = _both([_NLP.make_doc(text)])
    assert found.dtype == expected.dtype
    assert numpy.array_equal(found, expected)
    _close([_NLP.make_doc(text)])


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_TEXTS, min_size=2, max_size=6))
def test_a_batch_is_encoded_to_the_bit(texts: list[str]) -> None:
    expected, found = _both([_NLP.make_doc(text) for text in texts])
    assert numpy.array_equal(found, expected)
    _close([_NLP.make_doc(text) for text in texts])


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_TEXTS)
def test_ner_finds_the_same_entities_either_way(text: str) -> None:
    with _products(False):
        assert _entities(text, fused=True) == _entities(text, fused=False)


def _entities(text: str, *, fused: bool) -> list[tuple[int, int, str]]:
    """NER's entities in ``text``, with the fused encoder or with thinc's forward."""
    encoder = _fused()
    if not fused:
        _ENCODER._func = encoder.original
    try:
        return [(e.start_char, e.end_char, e.label_) for e in _NLP(text).ents]
    finally:
        _ENCODER._func = encoder


_SENTENCES = [
    "Marta Kowalczyk moved to Lisbon in 2019.",
    "The Board of Trade met on Friday in Zürich.",
    "I called Dr. Hannah Whitfield at the Geneva office yesterday.",
    "Our team flew from Toronto to Nairobi with Samuel Osei.",
    "Please send the invoice to Priya Raman at Acme Holdings.",
    "UNESCO named the old town of Kraków a heritage site.",
    "we met jonas at the cafe near the station",
]


def test_numpy_products_find_the_same_entities_in_simple_sentences() -> None:
    for text in _SENTENCES:
        with _products(True):
            found = _entities(text, fused=True)
        assert found == _entities(text, fused=False), text
    assert any(_entities(text, fused=True) for text in _SENTENCES)  # entities were found at all


def test_training_and_empty_documents_go_to_thinc() -> None:
    fused = _fused()
    doc = _NLP.make_doc("Marta Kowalczyk said so")
    output, backprop = fused(_ENCODER, [doc], True)  # thinc's forward: a real backprop
    assert output.shape == (len(doc), _ENCODER.get_dim("nO"))
    assert callable(backprop)
    empty, _ = fused(_ENCODER, [_NLP.make_doc("")], False)
    assert len(empty) == 0


def test_another_architecture_is_left_alone() -> None:
    other = SimpleNamespace(name="tok2vec>>linear", _func=None)
    model = SimpleNamespace(get_ref=lambda name: other)
    assert fuse(SimpleNamespace(model=model)) is False
    assert other._func is None
    assert fuse(SimpleNamespace()) is False


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from([w for w in _WORDS if w.strip()]), min_size=60, max_size=200).map(" ".join))
def test_a_long_text_with_repeated_tokens_is_encoded_to_the_bit(text: str) -> None:
    doc = _NLP.make_doc(text)
    assert len(doc) >= 48  # (from _DISTINCT_FROM tokens on, each distinct row is embedded once)
    expected, found = _both([doc])
    assert numpy.array_equal(found, expected)
    _close([doc])


def test_a_fused_forward_that_disagrees_with_thincs_on_the_probe_is_not_installed(
    monkeypatch: Any,
) -> None:
    """A thinc release that keeps the layers' names but changes what one computes: the check at
    load time leaves thinc's forward in place."""
    import spacy

    nlp = spacy.load(_model_path(), exclude=["tagger", "parser", "lemmatizer"])
    ner: Any = nlp.get_pipe("ner")
    encoder = ner.model.get_ref("tok2vec")
    thincs = encoder._func
    original_call = FusedEncoder.__call__

    def off_by_one(self: FusedEncoder, model: Any, docs: Any, is_train: bool) -> Any:
        output, backprop = original_call(self, model, docs, is_train)
        return output + 1.0, backprop

    probe = [nlp.make_doc("Marta Kowalczyk met the Board of Trade in Lisbon.")]
    monkeypatch.setattr(FusedEncoder, "__call__", off_by_one)
    assert fuse(ner, probe) is False
    assert encoder._func is thincs
    monkeypatch.setattr(FusedEncoder, "__call__", original_call)
    assert fuse(ner, probe) is True
    assert isinstance(encoder._func, FusedEncoder)


def _model_path() -> str:
    """The directory of the loaded default model (a fresh copy is loaded from it)."""
    return str(_NLP.path) if getattr(_NLP, "path", None) else _NLP.meta["name"]
