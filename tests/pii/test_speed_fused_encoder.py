"""The fused encoder (:mod:`veil.pii.fused_encoder`) computes what thinc's layers compute, to the
bit: for one document and for a batch, on invented texts of names, words, codes, punctuation and
blank stretches (what a focused view holds); and NER finds the same entities with either."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import numpy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

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


def _both(docs: list[Any]) -> tuple[Any, Any]:
    fused = _fused()
    return fused.original(_ENCODER, docs, False)[0], fused(_ENCODER, docs, False)[0]


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


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_TEXTS, min_size=2, max_size=6))
def test_a_batch_is_encoded_to_the_bit(texts: list[str]) -> None:
    expected, found = _both([_NLP.make_doc(text) for text in texts])
    assert numpy.array_equal(found, expected)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_TEXTS)
def test_ner_finds_the_same_entities_either_way(text: str) -> None:
    fused = _fused()
    found = [(e.start_char, e.end_char, e.label_) for e in _NLP(text).ents]
    _ENCODER._func = fused.original
    try:
        expected = [(e.start_char, e.end_char, e.label_) for e in _NLP(text).ents]
    finally:
        _ENCODER._func = fused
    assert found == expected


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
