"""The wikigold held-out corpus: its strict loader, its label mapping, its conversion from CoNLL.

Assertion messages name documents, never values: this corpus is not for reading.
"""

from __future__ import annotations

import copy
import itertools

import pytest
from benchmarks.pii_data.wikigold.convert import detokenise, documents
from benchmarks.pii_evaluation.heldout import (
    WIKIGOLD_TYPES,
    HeldoutDataError,
    load_heldout,
    wikigold_document,
)
from benchmarks.pii_evaluation.outside import DATA_ROOT
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.support.gold import assert_gold_mapped, corpus_records, sha256_text

FOLDER = DATA_ROOT / "wikigold"


def test_every_document_loads_with_its_entities_mapped_and_misc_not_scored() -> None:
    records = corpus_records(FOLDER)
    docs = load_heldout("wikigold")
    assert len(records) == len(docs) == 145
    assert len({d.doc_id for d in docs}) == 145
    for record, doc in zip(records, docs, strict=True):
        assert doc.scored_types == frozenset({"PERSON", "LOCATION", "ORGANIZATION"})
        assert sha256_text(doc.text) == record["text_sha256"], doc.doc_id
        assert_gold_mapped(doc, record, WIKIGOLD_TYPES)
    # the entity counts wikigold's distribution states (docs/entity-list.txt): 934 PER, 1014 LOC,
    # 898 ORG, 712 MISC
    counts = {
        t: sum(str(s.type) == t for d in docs for s in d.spans)
        for t in ("PERSON", "LOCATION", "ORGANIZATION")
    }
    assert counts == {"PERSON": 934, "LOCATION": 1014, "ORGANIZATION": 898}
    assert sum(len(d.ignored) for d in docs) == 712


def test_gold_spans_do_not_overlap_and_lie_on_word_boundaries() -> None:
    for doc in load_heldout("wikigold"):
        bounds = sorted([(s.start, s.end) for s in doc.spans] + list(doc.ignored))
        for (_, end), (start, _) in itertools.pairwise(bounds):
            assert end <= start, doc.doc_id
        for start, end in bounds:
            assert start == 0 or not doc.text[start - 1].isalnum(), doc.doc_id
            assert end == len(doc.text) or not doc.text[end].isalnum(), doc.doc_id


def test_the_mapping_covers_wikigolds_four_labels() -> None:
    assert WIKIGOLD_TYPES == {"PER": "PERSON", "LOC": "LOCATION", "ORG": "ORGANIZATION", "MISC": None}


@settings(max_examples=60, deadline=None)
@given(doc_seed=st.integers(0, 10_000), entity_seed=st.integers(0, 10_000), shift=st.integers(-3, 3))
def test_loader_rejects_an_entity_whose_offsets_do_not_cut_out_its_text(
    doc_seed: int, entity_seed: int, shift: int
) -> None:
    records = corpus_records(FOLDER)
    record = copy.deepcopy(records[doc_seed % len(records)])
    e = record["entities"][entity_seed % len(record["entities"])]
    e["start"] += shift
    e["end"] += shift
    text = record["text"]
    if 0 <= e["start"] < e["end"] <= len(text) and text[e["start"] : e["end"]] == e["text"]:
        wikigold_document(record)  # the shifted cut happens to read the same
    else:
        with pytest.raises(HeldoutDataError):
            wikigold_document(record)


@pytest.mark.parametrize(("field", "value"), [("label", "B-PER"), ("label", "person"), ("end", 10**6)])
def test_loader_rejects_unknown_labels_and_spans_outside_the_text(field: str, value: object) -> None:
    record = copy.deepcopy(corpus_records(FOLDER)[0])
    record["entities"][0][field] = value
    with pytest.raises(HeldoutDataError):
        wikigold_document(record)


def test_loader_rejects_a_text_that_is_not_the_recorded_one() -> None:
    record = copy.deepcopy(corpus_records(FOLDER)[0])
    record["text"] = record["text"] + " "
    with pytest.raises(HeldoutDataError, match="sha256"):
        wikigold_document(record)


# -- the conversion from CoNLL ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tokens", "text"),
    [
        (["Ab", "Cd", "(", "born", "1901", ")", "was", "n't", "here", "."], "Ab Cd (born 1901) wasn't here."),
        (["She", "said", '"', "no", "way", '"', ",", "then", "left", "."], 'She said "no way", then left.'),
        (["the", "players", "'", "union", "'s", "chair"], "the players' union's chair"),
        (["a", "'", "Best", "Song", "'", "award"], "a 'Best Song' award"),
        (
            ["Oslo", "-based", "and", "jazz", "/", "rock", ",", "#", "2", "in", "1990", "--", "1995"],
            "Oslo-based and jazz/rock, #2 in 1990 -- 1995",
        ),
    ],
)
def test_detokenise_writes_tokens_as_english_is_written(tokens: list[str], text: str) -> None:
    got, starts = detokenise(tokens)
    assert got == text
    assert [got[s : s + len(t)] for s, t in zip(starts, tokens, strict=True)] == tokens


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.sampled_from(["Ab", "cd", ",", ".", '"', "'", "(", ")", "'s", "/", "-x", "$", "n't"]), max_size=20
    )
)
def test_detokenise_keeps_every_token_in_order_at_its_start(tokens: list[str]) -> None:
    text, starts = detokenise(tokens)
    assert [text[s : s + len(t)] for s, t in zip(starts, tokens, strict=True)] == tokens
    assert starts == sorted(starts) and text.replace(" ", "") == "".join(tokens)


def test_conversion_reads_io_tags_and_closes_entities_at_sentence_and_type_changes() -> None:
    conll = (
        "Ab I-PER\nCd I-PER\nvisited O\nNew I-LOC\nYork I-LOC\nEf I-ORG\n\n"
        "Gh I-ORG\nsaid O\n. O\n\n-DOCSTART- O\n\nIj I-MISC\n\n-DOCSTART- O\n\n"
    )
    first, second = documents(conll)
    assert first["text"] == "Ab Cd visited New York Ef Gh said."
    assert [(e["text"], e["label"]) for e in first["entities"]] == [
        ("Ab Cd", "PER"),
        ("New York", "LOC"),
        ("Ef", "ORG"),  # a type change closes an entity (IO tags have no B-)
        ("Gh", "ORG"),  # ...and so does a sentence break
    ]
    assert first["text_sha256"] == sha256_text(first["text"])
    assert (second["index"], second["text"], len(second["entities"])) == (1, "Ij", 1)
    with pytest.raises(ValueError, match="unknown tag"):
        documents("x B-PER\n")


# -- the benchmark's registration ------------------------------------------------------------------


def test_source_says_held_out_and_names_its_licence_and_commit() -> None:
    source = (FOLDER / "SOURCE.md").read_text("utf-8")
    assert "held-out: not used for tuning" in source.lower()
    assert "Licence:" in source and "CC BY 4.0" in source
    assert "27f595cc97631cca4d54a6af6cb07752532367f6" in source
    assert "c797a64d0cf73ed058363f77671486bcfd413e70fda1726ad4a6ba624455225f" in source
    assert (FOLDER / "LICENSE.md").is_file()
