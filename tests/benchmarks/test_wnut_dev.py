"""The WNUT 2017 dev corpus (``wnut17_dev``, WNUT's dev split): its strict loader (shared with the
held-out ``wnut17_test``), its offsets, its separation from the held-out texts, its source files,
and its place in the benchmark's default list.

The held-out corpus is compared by the hashes of its texts only, through its loader: no text,
span or count of it is read or printed here.
"""

from __future__ import annotations

import pytest
from benchmarks.pii_evaluation.heldout import load_heldout
from benchmarks.pii_evaluation.outside import DATA_ROOT
from benchmarks.pii_evaluation.wnut import (
    WNUT_DEV_CORPORA,
    WNUT_SCORED,
    WNUT_SPLITS,
    WNUT_TYPES,
    WnutDataError,
    load_wnut,
    wnut17_dev,
    wnut_document,
)
from tests.support.gold import (
    assert_dev_corpus_in_the_default_list,
    assert_dev_source,
    assert_gold_mapped,
    assert_loader_rejects,
    broken_entities,
    corpus_records,
    sha256_text,
)

DEV = DATA_ROOT / "wnut17_dev"


def test_every_dev_document_loads_with_its_offsets_checked() -> None:
    records = corpus_records(DEV)
    docs = wnut17_dev()
    assert len(records) == len(docs) == 1009
    assert [r["index"] for r in records] == list(range(1009))
    for record, doc in zip(records, docs, strict=True):
        assert doc.doc_id == f"wnut17-dev-{record['index']:04d}" and doc.source == "WNUT 2017 dev"
        assert doc.text == record["text"] and doc.scored_types == WNUT_SCORED
        assert all(set(e) == {"start", "end", "label", "text"} for e in record["entities"]), doc.doc_id
        assert_gold_mapped(doc, record, WNUT_TYPES)
    counts = {t: sum(str(s.type) == t for d in docs for s in d.spans) for t in sorted(WNUT_SCORED)}
    assert counts == {"LOCATION": 74, "ORGANIZATION": 34, "PERSON": 470}
    labels = [e["label"] for r in records for e in r["entities"]]
    assert len(labels) == 836
    assert {label: labels.count(label) for label in ("product", "creative-work", "group")} == {
        "product": 114,
        "creative-work": 105,
        "group": 39,
    }
    assert sum(not d.spans for d in docs) == 556  # the documents FP/100 counts in


def test_no_dev_text_is_a_held_out_text() -> None:
    dev = {sha256_text(d.text) for d in wnut17_dev()}
    held_out = {sha256_text(d.text) for d in load_heldout("wnut17_test")}
    assert held_out and dev.isdisjoint(held_out)  # sizes and overlaps are not printed
    held_out_ids = {d.doc_id for d in load_heldout("wnut17_test")}
    assert held_out_ids.isdisjoint({d.doc_id for d in wnut17_dev()})


@pytest.mark.parametrize(("field", "value", "message"), broken_entities("villain", "WNUT 2017"))
def test_loader_rejects_unknown_labels_and_misplaced_spans(field: str, value: object, message: str) -> None:
    assert_loader_rejects(
        DEV, lambda record: wnut_document(record, "dev"), WnutDataError, field, value, message
    )


def test_conversion_of_the_dev_split_is_the_test_splits_converter() -> None:
    from benchmarks.pii_data.wnut17 import convert

    assert convert.SOURCE_FILES == {
        "wnut17_test": "emerging.test.annotated",
        "wnut17_dev": "emerging.dev.conll",
    }
    assert set(convert.SOURCE_FILES) == set(WNUT_SPLITS)
    # a document the converter makes loads as the dev corpus's documents do
    (record,) = convert.documents("Ada\tB-person\nfrom\tO\nAcme\tB-corporation\nCorp\tI-corporation\n")
    doc = wnut_document(record, "dev")
    assert [(doc.text[s.start : s.end], str(s.type)) for s in doc.spans] == [
        ("Ada", "PERSON"),
        ("Acme Corp", "ORGANIZATION"),
    ]


def test_source_says_dev_names_origin_commit_hash_count_and_ships_the_licence() -> None:
    assert_dev_source(
        DEV,
        [
            "https://github.com/leondz/emerging_entities_17",
            "`emerging.dev.conll`",
            "`e52a2d2a71ac1a051ca2d532eef28653c5c02603`",
            "`e053b752b8155113ca66e7db08af5f2f5f43ab993694e4774f1ec5bad42312d8`",
            "1,009 documents",
            "CC BY 4.0",
        ],
        ["Creative Commons Attribution 4.0", "`emerging.dev.conll`", "Derczynski"],
        names_its_hash=False,
    )


def test_wnut17_dev_is_a_dev_corpus_in_the_default_list_and_wnut17_test_stays_held_out() -> None:
    from benchmarks import pii

    assert WNUT_SPLITS == {"wnut17_dev": "dev", "wnut17_test": "test"}
    assert_dev_corpus_in_the_default_list("wnut17_dev", WNUT_DEV_CORPORA, lambda: load_wnut("wnut17_dev"))
    assert "wnut17_test" in pii.HELDOUT and "wnut17_test" not in pii.CORPORA
    assert "wnut17_test" not in WNUT_DEV_CORPORA
