"""The fused greedy NER decoder finds what spaCy's own decoder finds: every token's IOB tag and entity
type, on invented texts (empty, blank, one token, long, unicode, abutting names, line breaks) and on
random texts from a small vocabulary; it leaves documents with preset entities and any other model
architecture to spaCy."""

from __future__ import annotations

import types
from typing import Any

import numpy
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from spacy.pipeline.ner import EntityRecognizer

from veil.pii.fused_decoder import Decoded, FusedEntityRecognizer, _Scorer, fits, fuse_decoder
from veil.pii.nlp import load_model

_NLP = load_model()
_NER = _NLP.get_pipe("ner")

Tags = list[tuple[int, str]]


def _spacy(text: str) -> Tags:
    doc = _NLP.make_doc(text)
    EntityRecognizer.set_annotations(_NER, [doc], EntityRecognizer.predict(_NER, [doc]))
    return [(token.ent_iob, token.ent_type_) for token in doc]


def _fused(text: str) -> Tags:
    doc = _NLP(text)
    return [(token.ent_iob, token.ent_type_) for token in doc]


def _batch(texts: list[str]) -> list[Tags]:
    return [[(token.ent_iob, token.ent_type_) for token in doc] for doc in _NLP.pipe(texts, batch_size=4)]


def test_the_loaded_model_decodes_with_the_fused_decoder() -> None:
    assert isinstance(_NER, FusedEntityRecognizer)
    assert fits(_NER)
    assert fuse_decoder(_NLP)  # idempotent


@pytest.mark.parametrize(
    "text",
    [
        "",
        " ",
        "\n\n\t ",
        "Quell",
        "Marta",
        "Dr. Ivo Brannt met Marta Quell of the Orvale Trust in Varnow on 3 May 2021.",
        "Ivo BranntMarta Quell and Orvale Bank,Varnow City;Paris",
        "Ivo Brannt\nMarta Quell\n\nNew York\n  Lisbon  \n",
        "Zoë Ångström and José Núñez visited Zürich and São Paulo with Ærø Ltd.",
        "Paris London Berlin Madrid Rome Vienna Prague",
        "The United States of America and the Republic of Orvale signed the Varnow Accord in 1999.",
        "Mr. Brannt paid $4,500 (about €4,100) on Monday, 12 March, at 9:30 a.m. - 40% of it in cash.",
        "NEW YORK (Reuters) - Marta Quell, 42, CEO of Orvale Corp., said on Tuesday.",
    ],
)
def test_same_tags_as_spacy_on_invented_texts(text: str) -> None:
    assert _fused(text) == _spacy(text)


def test_same_tags_on_a_long_text() -> None:
    unit = (
        "In March 2020 Marta Quell, the director of the Orvale Museum in Varnow, wrote to Ivo Brannt "
        "about the loan of 14 paintings from the National Gallery of Lisbon. "
    )
    text = " ".join(f"{unit} Item {i}: Quell{i % 7} went to Varnow{i % 5}." for i in range(80))
    assert len(_NLP.make_doc(text)) > 2500
    assert _fused(text) == _spacy(text)


def test_a_batch_of_documents_gives_each_its_own_tags() -> None:
    texts = ["Marta Quell lives in Varnow.", "", "Ivo Brannt", " ", "Orvale Bank paid $5 million on Friday."]
    assert _batch(texts) == [_spacy(text) for text in texts]


def test_preset_entities_go_to_spacys_decoder() -> None:
    text = "Marta Quell met Ivo Brannt in Varnow."
    doc = _NLP.make_doc(text)
    doc.ents = [doc.char_span(0, 11, label="ORG")]
    result = _NER.predict([doc])
    assert not isinstance(result, Decoded)
    expected = _NLP.make_doc(text)
    expected.ents = [expected.char_span(0, 11, label="ORG")]
    EntityRecognizer.set_annotations(_NER, [expected], EntityRecognizer.predict(_NER, [expected]))
    _NER.set_annotations([doc], result)
    assert [(t.ent_iob, t.ent_type_) for t in doc] == [(t.ent_iob, t.ent_type_) for t in expected]
    assert doc.ents[0].label_ == "ORG"


def test_a_fresh_document_is_decoded_by_the_fused_decoder() -> None:
    assert isinstance(_NER.predict([_NLP.make_doc("Marta Quell lives in Varnow.")]), Decoded)


def _other_pipe(**changes: Any) -> Any:
    cfg = {**_NER.cfg, **changes}
    return EntityRecognizer(
        _NER.vocab,
        _NER.model,
        _NER.name,
        moves=_NER.moves,
        update_with_oracle_cut_size=cfg["update_with_oracle_cut_size"],
        beam_width=cfg["beam_width"],
        beam_density=cfg["beam_density"],
        beam_update_prob=cfg["beam_update_prob"],
        incorrect_spans_key=cfg["incorrect_spans_key"],
    )


def test_other_architectures_keep_spacys_decoder() -> None:
    assert fits(_other_pipe())
    assert not fits(_other_pipe(beam_width=4))  # beam search: not greedy
    assert not fits(types.SimpleNamespace(model=types.SimpleNamespace(name="tagger_model", layers=[])))
    stub = types.SimpleNamespace(model=_NER.model, cfg=_NER.cfg, moves=types.SimpleNamespace(n_moves=3))
    assert not fits(stub)  # not the BILUO transition system


def test_a_model_that_does_not_fit_is_not_replaced() -> None:
    class Pipeline:
        def __init__(self, pipe: Any) -> None:
            self.pipe = pipe
            self._components = [("ner", pipe)]

        def get_pipe(self, name: str) -> Any:
            return self.pipe

        def make_doc(self, text: str) -> Any:
            return _NLP.make_doc(text)

    beam = _other_pipe(beam_width=4)
    pipeline = Pipeline(beam)
    assert not fuse_decoder(pipeline, ["Marta Quell"])
    assert pipeline._components == [("ner", beam)]
    greedy = _other_pipe()
    pipeline = Pipeline(greedy)
    assert fuse_decoder(pipeline, ["Marta Quell lives in Varnow."])
    assert isinstance(pipeline._components[0][1], FusedEntityRecognizer)


_NAMES = ["Marta", "Quell", "Ivo", "Brannt", "Orvale", "Varnow", "Paris", "Lisbon", "José", "Zoë"]
_WORDS = [
    *_NAMES,
    *["Bank", "Museum", "Trust", "Inc.", "Ltd", "CEO", "Dr.", "Mr.", "Ms.", "New", "York", "City", "United"],
    *["the", "of", "and", "in", "on", "met", "said", "paid", "Monday", "March", "2021", "12", "$5"],
    *["million", "40%", "Nations"],
]
_PUNCT = [".", ",", ";", ":", "-", "(", ")", "'s", "\n", "\n\n", "  ", '"', "!", "?", "/"]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(_WORDS), st.sampled_from(_PUNCT)), max_size=60), st.randoms())
def test_same_tags_as_spacy_on_random_texts(pieces: list[str], random: Any) -> None:
    text = "".join(piece + random.choice([" ", " ", " ", ""]) for piece in pieces)
    assert _fused(text) == _spacy(text)


def test_sentence_starts_stop_entities_as_in_spacy() -> None:
    text = "Yesterday Marta Quell met Ivo Brannt of the Orvale Museum in New York City on 3 May 2021."
    fused, expected = _NLP.make_doc(text), _NLP.make_doc(text)
    for doc in (fused, expected):
        for i in (2, 5, 10, 14, 17):  # inside names, places and a date
            doc[i].is_sent_start = True
    assert isinstance(_NER.predict([fused]), Decoded)
    _NER(fused)
    EntityRecognizer.set_annotations(_NER, [expected], EntityRecognizer.predict(_NER, [expected]))
    assert [(t.ent_iob, t.ent_type_) for t in fused] == [(t.ent_iob, t.ent_type_) for t in expected]
    assert any(t.ent_iob == 3 for t in fused)


def test_scores_are_spacys_to_the_bit() -> None:
    """Every state spaCy's greedy walk passes through, closed or inside an entity, in a batch of two
    documents (the second one's rows are offset): the same scores as spaCy's own step model."""
    texts = (
        "Dr. Ivo Brannt met Marta Quell of the Orvale Trust in New York on 3 May 2021.",
        "The United Nations and Orvale Bank paid $4.5 million to José Núñez in Lisbon last Friday.",
    )
    docs = [_NLP.make_doc(text) for text in texts]
    step = _NER.model.predict(docs)
    scorer = _Scorer(_NER.model, docs)
    closed = scorer.closed()
    names = [_NER.moves.get_class_name(i) for i in range(_NER.moves.n_moves)]
    opened = 0
    for state in _NER.moves.init_batch(docs):
        while not state.is_final():
            expected = step.predict([state])[0]
            token, start, _ = step.get_token_ids([state])[0]  # batch positions
            if start == -1:
                got = closed[token]
            else:
                got = scorer.open(start + 1, token + 1, token + 2)[0]
                opened += 1
            assert numpy.array_equal(got, expected)
            valid = [k for k, name in enumerate(names) if _NER.moves.is_valid(state, name)]
            _NER.moves.apply_transition(state, names[max(valid, key=lambda k: (expected[k], -k))])
    assert opened >= 5
