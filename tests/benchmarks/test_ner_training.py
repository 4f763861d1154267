"""The NER fine-tune's data handling: label mapping, missing-vs-O, handles, the overlap filter,
and the reference documents it trains on (invented sentences only)."""

from __future__ import annotations

import gzip
import hashlib

import pytest
from benchmarks.ner_training.convert import (
    MISSING,
    Sentence,
    drop_overlapping,
    gold_label,
    read_conll,
    sentence_spans,
    shingle_hashes,
)
from benchmarks.ner_training.train import DATA, TRAINING_FILES, load_sentences
from hypothesis import given
from hypothesis import strategies as st

CONLL = (
    "Maribel\tB-person\nOkonkwo\tI-person\nvisited\tO\nLakeport\tB-location\n\n"
    "we\tO\nwatched\tO\nStarfall\tB-creative-work\nReturns\tI-creative-work\nat\tO\n"
    "Brindle\tB-corporation\nCinemas\tI-corporation\n\t\n"
    "the\tO\nSkyhawks\tB-group\nwon\tO\n"
)


def test_gold_types_map_to_spacy_labels() -> None:
    assert gold_label("PER") == gold_label("person") == "PERSON"
    assert gold_label("ORG") == gold_label("corporation") == "ORG"
    assert gold_label("LOC") == gold_label("location") == "LOC"
    for unshared in ("product", "creative-work", "group"):
        assert gold_label(unshared) == MISSING
    assert gold_label("OTH") is None


def test_read_conll_splits_on_blank_and_tab_only_lines() -> None:
    sentences = read_conll(CONLL, "invented")
    assert [len(s.tokens) for s in sentences] == [4, 7, 3]
    assert sentences[0].tags == ("B-PERSON", "I-PERSON", "O", "B-LOC")


def test_unshared_types_are_missing_not_outside() -> None:
    second, third = read_conll(CONLL, "invented")[1:]
    assert second.tags == ("O", "O", MISSING, MISSING, "O", "B-ORG", "I-ORG")
    entities, missing = sentence_spans(second)
    assert entities == [(5, 7, "ORG")]
    assert missing == [(2, 4)]
    assert sentence_spans(third) == ([], [(1, 2)])


def test_handles_are_joined_and_missing() -> None:
    text = "thanks\tO\n@\tO\nbrenna_t\tB-PER\nand\tO\nOlwen\tB-PER\nin\tO\n#Dunmore\tB-LOC\n"
    (sentence,) = read_conll(text, "invented")
    assert sentence.tokens == ("thanks", "@brenna_t", "and", "Olwen", "in", "#Dunmore")
    assert sentence.tags == ("O", MISSING, "O", "B-PERSON", "O", MISSING)


def test_an_orphan_inside_tag_starts_an_entity() -> None:
    sentence = Sentence("invented", ("so", "Quillon", "Bay"), ("O", "I-LOC", "I-LOC"))
    assert sentence_spans(sentence) == ([(1, 3, "LOC")], [])


def test_overlap_filter_drops_sentences_sharing_an_eight_word_shingle() -> None:
    corpus = {"somecorpus": shingle_hashes("One two three four five six seven eight nine.")}
    near = Sentence(
        "x", tuple(["zero", "one", "two", "three", "four", "five", "six", "seven", "eight"]), ("O",) * 9
    )
    short = Sentence("x", tuple(["one", "two", "three", "four", "five", "six", "seven"]), ("O",) * 7)
    other = Sentence("x", tuple(["one", "two", "three", "four", "five", "six", "seven", "nine"]), ("O",) * 8)
    kept, dropped = drop_overlapping([near, short, other], corpus)
    assert kept == [short, other]
    assert dropped == {"somecorpus": 1}


@given(st.lists(st.sampled_from(["alpha", "Beta", "gamma", "DELTA", "7"]), min_size=8, max_size=20))
def test_shingles_ignore_case_and_punctuation(words: list[str]) -> None:
    plain = " ".join(words)
    noisy = " , ".join(w.upper() for w in words) + " !"
    assert shingle_hashes(plain) == shingle_hashes(noisy)
    assert shingle_hashes(plain)


def test_stored_training_files_are_the_recorded_ones() -> None:
    # sha256 of the raw files as fetched (SOURCE.md), checked after decompressing.
    expected = {
        "wnut17train.conll.gz": "731820e13f71af324c6b55a1575ec2ce59fbaa2a0806f8f0400b98d56cd6a7a5",
        "btc_a.conll.gz": "ac824cc13c88283fe3cca05343e46c79ec4cd5b174429f27bf8fe0ebdc1bbf33",
        "btc_b.conll.gz": "504a094a0398e03fd7b394510e313b8fc844407102252182d90aea23f53cc322",
        "btc_e.conll.gz": "77aca745cdc28ae0fafbcf36a93ccfd15357a8db97c21d91083592dd85e348c5",
    }
    assert set(expected) == set(TRAINING_FILES)
    for name, digest in expected.items():
        assert hashlib.sha256(gzip.decompress((DATA / name).read_bytes())).hexdigest() == digest
    sentences = load_sentences()
    assert len(sentences) == 6594
    assert {s.source for s in sentences} == set(TRAINING_FILES.values())


def test_reference_doc_resolves_places_keeps_silver_and_marks_missing() -> None:
    spacy = pytest.importorskip("spacy")
    from benchmarks.ner_training.annotate import SilverCounts, reference_doc

    nlp = spacy.blank("en")
    sentence = Sentence(
        "invented",
        ("Tavi", "Renko", "flew", "to", "Ostrava", "on", "Monday", "with", "the", "Skyhawks", "and", "Alps"),
        ("B-PERSON", "I-PERSON", "O", "O", "B-LOC", "O", "O", "O", "O", MISSING, "O", "B-LOC"),
    )
    predicted = [(0, 1, "ORG"), (6, 7, "DATE"), (9, 10, "NORP"), (11, 12, "LOC"), (2, 3, "PERSON")]
    counts = SilverCounts()
    doc = reference_doc(nlp, sentence, predicted, counts)
    assert [(e.start, e.end, e.label_) for e in doc.ents] == [
        (0, 2, "PERSON"),
        (4, 5, "GPE"),
        (6, 7, "DATE"),
        (11, 12, "LOC"),
    ]
    assert doc[9].ent_iob == 0  # missing: neither an entity nor O
    assert doc[2].ent_iob == 0  # the model's own PERSON off the gold: not unlearnt by default
    assert doc[3].ent_iob_ == "O"
    assert (counts.gold, counts.silver, counts.missing, counts.denied) == (3, 1, 2, 1)
    assert (counts.gpe, counts.loc) == (1, 1)

    outside = reference_doc(nlp, sentence, predicted, denied="outside")
    assert outside[2].ent_iob_ == "O"  # trained as O when asked
    assert [(e.start, e.end, e.label_) for e in outside.ents] == [
        (e.start, e.end, e.label_) for e in doc.ents
    ]
