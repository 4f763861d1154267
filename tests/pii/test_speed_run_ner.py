"""A single text in a single chunk goes to the pipeline directly (:func:`veil.pii.nlp.run_ner`'s
fast path, a single ``detect`` call): the same spans as through ``nlp.pipe``."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from veil.pii.nlp import load_model, run_ner

_NLP = load_model()
_WORDS = [
    "Marta",
    "Kowalczyk",
    "met",
    "the",
    "Board",
    "of",
    "Trade",
    "in",
    "Lisbon",
    "Dr.",
    "Okafor",
    "at",
    "Acme",
    "Holdings",
    ",",
    ".",
    "      ",
    "\n",
    ":" * 70,
]
_TEXTS = st.lists(st.sampled_from(_WORDS), min_size=1, max_size=30).map(" ".join)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_TEXTS)
def test_one_text_finds_what_the_batched_path_finds(text: str) -> None:
    direct = list(run_ner(_NLP, [text], chunk_size=10_000, overlap=200, batch_size=8))
    piped = list(run_ner(_NLP, iter([text]), chunk_size=10_000, overlap=200, batch_size=8))
    assert direct == piped
    assert len(direct) == 1


def test_a_long_text_is_still_chunked() -> None:
    text = "Marta Kowalczyk met Dr. Okafor in Lisbon. " * 20
    (spans,) = run_ner(_NLP, [text], chunk_size=200, overlap=40, batch_size=8)
    (piped,) = run_ner(_NLP, iter([text]), chunk_size=200, overlap=40, batch_size=8)
    assert spans == piped
    assert any(text[s.start : s.end] == "Lisbon" for s in spans)
