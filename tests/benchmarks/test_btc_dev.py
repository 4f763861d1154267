"""The Broad Twitter Corpus dev corpus (``btc_dev``, section F): its strict loader, its offsets,
how handles and hashtags are scored, its converter, its source files, and its place in the
benchmark's default list.

The held-out social corpus is compared by the hashes of its texts only, through its loader: no
text, span or count of it is read or printed here.
"""

from __future__ import annotations

import pytest
from benchmarks.pii_evaluation import Span
from benchmarks.pii_evaluation.btc import (
    BTC_DEV_CORPORA,
    BTC_SCORED,
    BTC_TYPES,
    BtcDataError,
    btc_dev,
    btc_document,
    btc_type,
)
from benchmarks.pii_evaluation.heldout import load_heldout
from benchmarks.pii_evaluation.outside import DATA_ROOT, score_view
from benchmarks.pii_evaluation.wnut import wnut17_dev
from hypothesis import given
from hypothesis import strategies as st
from tests.support.gold import (
    assert_dev_corpus_in_the_default_list,
    assert_dev_source,
    assert_gold_mapped,
    assert_loader_rejects,
    broken_entities,
    corpus_records,
    sha256_text,
)

DEV = DATA_ROOT / "btc_dev"


def test_every_dev_document_loads_with_its_offsets_checked() -> None:
    records = corpus_records(DEV)
    docs = btc_dev()
    assert len(records) == len(docs) == 2000
    assert [r["index"] for r in records] == list(range(2000))
    for record, doc in zip(records, docs, strict=True):
        assert doc.doc_id == f"btc-f-{record['index']:04d}" and doc.source == "BTC section F"
        assert doc.text == record["text"] and doc.scored_types == BTC_SCORED
        assert all(set(e) == {"start", "end", "label", "text"} for e in record["entities"]), doc.doc_id
        for e in record["entities"]:
            # one entity at a time: the same label maps by its text (handle, hashtag, words)
            single = {**record, "entities": [e]}
            one = btc_document(single)
            assert_gold_mapped(one, single, {e["label"]: btc_type(e["label"], e["text"])})
        assert set(doc.ignored) <= {(e["start"], e["end"]) for e in record["entities"]}
    counts = {
        t: sum(str(s.type) == t for d in docs for s in d.spans) for t in (*sorted(BTC_SCORED), "USERNAME")
    }
    assert counts == {"LOCATION": 493, "ORGANIZATION": 429, "PERSON": 506, "USERNAME": 1380}
    labels = [e["label"] for r in records for e in r["entities"]]
    assert {label: labels.count(label) for label in BTC_TYPES} == {"PER": 1602, "LOC": 602, "ORG": 792}
    assert sum(len(d.ignored) for d in docs) == 188
    assert sum(not d.spans for d in docs) == 465  # the documents FP/100 counts in


def test_handles_are_usernames_hashtags_are_not_scored_words_keep_their_label() -> None:
    assert btc_type("PER", "@jane_doe") == "USERNAME"
    assert btc_type("ORG", "@acme @acme_help") == "USERNAME"
    assert btc_type("LOC", "#leeds") is None
    assert btc_type("ORG", "Harbour Trust #regatta") is None
    assert btc_type("PER", "Mara Quell") == "PERSON"
    assert btc_type("LOC", "Port Elin") == "LOCATION"
    assert btc_type("ORG", "Quell Foods") == "ORGANIZATION"
    with pytest.raises(KeyError):
        btc_type("MISC", "Quell")


def test_a_handle_masked_as_a_username_is_scored_an_unlabelled_one_is_not() -> None:
    record = {
        "index": 0,
        "text": "thanks @mara_q and @tovo for #leeds tonight",
        "entities": [
            {"start": 7, "end": 14, "label": "PER", "text": "@mara_q"},
            {"start": 29, "end": 35, "label": "LOC", "text": "#leeds"},
        ],
    }
    doc = btc_document(record)
    predicted = [Span(7, 14, "USERNAME"), Span(19, 24, "USERNAME"), Span(30, 35, "LOCATION")]
    kept = score_view(predicted, doc.scored_types, doc.ignored, doc.spans)
    # the labelled handle counts, the unlabelled one is not scored, the place inside the tag is dropped
    assert kept == [Span(7, 14, "USERNAME")]


def test_no_dev_text_is_a_held_out_or_a_wnut_dev_text() -> None:
    dev = {sha256_text(d.text) for d in btc_dev()}
    held_out = {sha256_text(d.text) for d in load_heldout("wnut17_test")}
    assert held_out and dev.isdisjoint(held_out)  # sizes and overlaps are not printed
    assert dev.isdisjoint({sha256_text(d.text) for d in wnut17_dev()})


@pytest.mark.parametrize(("field", "value", "message"), broken_entities("MISC", "BTC"))
def test_loader_rejects_unknown_labels_and_misplaced_spans(field: str, value: object, message: str) -> None:
    assert_loader_rejects(DEV, btc_document, BtcDataError, field, value, message)


def test_converter_joins_a_handle_to_its_at_sign_and_skips_blank_tokens() -> None:
    from benchmarks.pii_data.btc import convert

    assert convert.SOURCE_FILES == {"btc_dev": "f.conll.fix"}
    conll = (
        "@ B-PER\nmara_q I-PER\nmet O\nTovo B-PER\nIlves I-PER\n\tO\nin O\nPort B-LOC\nElin I-LOC\n@ O\n$ O\n"
    )
    (record,) = convert.documents(conll)
    assert record["text"] == "@mara_q met Tovo Ilves in Port Elin @ $"
    doc = btc_document(record)
    assert [(doc.text[s.start : s.end], str(s.type)) for s in doc.spans] == [
        ("@mara_q", "USERNAME"),
        ("Tovo Ilves", "PERSON"),
        ("Port Elin", "LOCATION"),
    ]
    with pytest.raises(ValueError, match="unknown tag"):
        convert.documents("Tovo X-PER\n")


_WORD = st.text(alphabet="abcdefgh_", min_size=1, max_size=6)


@given(st.lists(st.tuples(_WORD, st.sampled_from(["O", "B-PER", "I-PER", "B-LOC"])), min_size=1, max_size=12))
def test_converted_spans_always_cut_out_their_tokens(rows: list[tuple[str, str]]) -> None:
    from benchmarks.pii_data.btc import convert

    (record,) = convert.documents("\n".join(f"{token} {tag}" for token, tag in rows) + "\n")
    assert record["text"] == " ".join(token for token, _ in rows)
    doc = btc_document(record)  # the loader's offset checks pass on whatever the converter makes
    assert len(doc.spans) == len(record["entities"])


def test_source_says_dev_names_origin_commit_hash_count_and_ships_the_licence() -> None:
    assert_dev_source(
        DEV,
        [
            "https://github.com/mayhewsw/broad_twitter_corpus",
            "`f.conll.fix`",
            "`350e243e8df899a6b6a3cd53f2bc33148327d3eb`",
            "`d4a100ac734b04276db406dfc42c9d5e44ee5a80432bb79cbdd91fe48c814ffb`",
            "2,000 documents",
            "CC BY 4.0",
            "USERNAME",
        ],
        ["Creative Commons Attribution 4.0", "`f.conll.fix`", "Derczynski"],
    )


def test_btc_dev_is_a_dev_corpus_in_the_default_list() -> None:
    assert_dev_corpus_in_the_default_list("btc_dev", BTC_DEV_CORPORA, btc_dev)
