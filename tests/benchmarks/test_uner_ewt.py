"""The Universal NER English EWT corpora: the dev corpus ``uner_ewt_dev`` (strict loader, offsets,
converter, source files, place in the default list) and the held-out ``uner_ewt_test``
(counted, registered as held-out, sharing no text with any dev corpus).

The held-out corpus is compared by hashes of its texts and 8-word shingles only, through its
loader: no text, span or miss of it is read or printed here; assertion messages name documents.
"""

from __future__ import annotations

import hashlib

import pytest
from benchmarks.pii_data.uner.convert import SHINGLE_WORDS, shingles
from benchmarks.pii_evaluation.btc import btc_dev
from benchmarks.pii_evaluation.gum import gum_dev
from benchmarks.pii_evaluation.heldout import HELDOUT_CORPORA, load_heldout
from benchmarks.pii_evaluation.outside import DATA_ROOT, OutsideDocument
from benchmarks.pii_evaluation.uner import (
    UNER_DEV_CORPORA,
    UNER_SCORED,
    UNER_TYPES,
    UnerDataError,
    uner_ewt_dev,
    uner_ewt_document,
    uner_ewt_test,
    uner_pud_dev,
)
from benchmarks.pii_evaluation.wnut import wnut17_dev
from tests.support.gold import (
    assert_dev_corpus_in_the_default_list,
    assert_dev_source,
    assert_gold_mapped,
    assert_loader_rejects,
    broken_entities,
    corpus_records,
    sha256_text,
)

DEV = DATA_ROOT / "uner_ewt_dev"
HELD = DATA_ROOT / "uner_ewt_test"
_GENRES = ("answers", "email", "newsgroup", "reviews", "weblog")


def _genres(records: list[dict[str, object]]) -> dict[str, int]:
    return {g: sum(str(r["id"]).startswith(f"{g}-") for r in records) for g in _GENRES}


def _labels(records: list[dict[str, object]]) -> dict[str, int]:
    labels = [e["label"] for r in records for e in r["entities"]]  # type: ignore[attr-defined]
    return {label: labels.count(label) for label in UNER_TYPES}


def test_every_dev_document_loads_with_its_offsets_checked() -> None:
    records = corpus_records(DEV)
    docs = uner_ewt_dev()
    assert len(records) == len(docs) == 318
    assert [r["index"] for r in records] == list(range(318))
    for record, doc in zip(records, docs, strict=True):
        assert doc.doc_id == f"uner-ewt-{record['id']}" and doc.source == "UNER English EWT"
        assert doc.text == record["text"] and doc.scored_types == UNER_SCORED and not doc.ignored
        assert all(set(e) == {"start", "end", "label", "text"} for e in record["entities"]), doc.doc_id
        assert_gold_mapped(doc, record, UNER_TYPES)
    assert _labels(records) == {"PER": 343, "LOC": 399, "ORG": 224}
    assert _genres(records) == {"answers": 61, "email": 15, "newsgroup": 36, "reviews": 192, "weblog": 14}
    assert sum(len(r["text"]) for r in records) == 124_929
    assert sum(not d.spans for d in docs) == 151  # the documents FP/100 counts in


def test_heldout_documents_are_counted_and_load_strictly_never_read() -> None:
    records = corpus_records(HELD)
    docs = load_heldout("uner_ewt_test")
    assert len(records) == len(docs) == 316
    for record, doc in zip(records, docs, strict=True):
        assert_gold_mapped(doc, record, UNER_TYPES)
        assert doc.doc_id.startswith("uner-ewt-") and doc.scored_types == UNER_SCORED
    assert _labels(records) == {"PER": 449, "LOC": 317, "ORG": 322}
    assert _genres(records) == {"answers": 69, "email": 23, "newsgroup": 26, "reviews": 184, "weblog": 14}
    assert sum(not d.spans for d in docs) == 132
    assert [d.doc_id for d in uner_ewt_test()] == [d.doc_id for d in docs]


def _hashed_shingles(docs: list[OutsideDocument]) -> set[str]:
    out: set[str] = set()
    for doc in docs:
        out |= {hashlib.sha256(gram.encode()).hexdigest() for gram in shingles(doc.text)}
    return out


def test_no_dev_text_shares_eight_words_with_the_heldout_file() -> None:
    held = _hashed_shingles(load_heldout("uner_ewt_test"))
    assert held and SHINGLE_WORDS == 8  # sizes and overlaps are not printed
    for name, load in {
        "uner_ewt_dev": uner_ewt_dev,
        "uner_pud_dev": uner_pud_dev,
        "gum_dev": gum_dev,
        "wnut17_dev": wnut17_dev,
        "btc_dev": btc_dev,
    }.items():
        docs = load()
        assert _hashed_shingles(docs).isdisjoint(held), name
    held_hashes = {sha256_text(d.text) for d in load_heldout("uner_ewt_test")}
    assert held_hashes.isdisjoint(sha256_text(d.text) for d in uner_ewt_dev())
    held_ids = {r["id"] for r in corpus_records(HELD)}
    assert held_ids.isdisjoint(r["id"] for r in corpus_records(DEV))


def test_dev_text_is_not_a_gum_or_wikigold_text() -> None:
    dev = _hashed_shingles(uner_ewt_dev())
    for name in ("gum_heldout", "wikigold", "wnut17_test"):
        assert dev.isdisjoint(_hashed_shingles(load_heldout(name))), name


@pytest.mark.parametrize(("field", "value", "message"), broken_entities("MISC", "UNER"))
def test_loader_rejects_unknown_labels_and_misplaced_spans(field: str, value: object, message: str) -> None:
    assert_loader_rejects(DEV, uner_ewt_document, UnerDataError, field, value, message)


_DEV_IOB2 = """# newdoc id = email-00001
# sent_id = email-00001-0001
# text = Hi Tovo, the boat left Port Elin.
1\tHi\tO\t-\t-
2\tTovo\tB-PER\t-\tann
3\t,\tO\t-\t-
4\tthe\tO\t-\t-
5\tboat\tO\t-\t-
6\tleft\tO\t-\t-
7\tPort\tB-LOC\t-\tann
8\tElin\tI-LOC\t-\tann
9\t.\tO\t-\t-

# sent_id = email-00001-0002
# text = one two three four five six seven eight nine
1\tone\tO\t-\t-
2\ttwo\tO\t-\t-
3\tthree\tO\t-\t-
4\tfour\tO\t-\t-
5\tfive\tO\t-\t-
6\tsix\tO\t-\t-
7\tseven\tO\t-\t-
8\teight\tO\t-\t-
9\tnine\tO\t-\t-

"""
_HELD_IOB2 = """# newdoc id = email-00002
# sent_id = email-00002-0001
# text = two three four five six seven eight nine ten
1\ttwo\tO\t-\t-
2\tthree\tO\t-\t-
3\tfour\tO\t-\t-
4\tfive\tO\t-\t-
5\tsix\tO\t-\t-
6\tseven\tO\t-\t-
7\teight\tO\t-\t-
8\tnine\tO\t-\t-
9\tten\tO\t-\t-

"""


def test_converter_leaves_out_the_dev_sentences_that_share_a_shingle_with_the_heldout_file() -> None:
    from benchmarks.pii_data.uner import convert

    assert convert.SOURCE_FILES["uner_ewt_dev"] == "en_ewt-ud-dev.iob2"
    assert convert.SOURCE_FILES["uner_ewt_test"] == "en_ewt-ud-test.iob2"
    assert convert.HELDOUT_TWINS == {"uner_ewt_dev": "en_ewt-ud-test.iob2"}
    (whole,) = convert.documents(_DEV_IOB2)
    (apart,) = convert.documents_apart(_DEV_IOB2, _HELD_IOB2)
    assert whole["text"].endswith("nine") and apart["text"] == "Hi Tovo, the boat left Port Elin."
    assert apart["entities"] == whole["entities"]  # the kept sentence's spans are unchanged
    doc = uner_ewt_document(apart)
    assert [(doc.text[s.start : s.end], str(s.type)) for s in doc.spans] == [
        ("Tovo", "PERSON"),
        ("Port Elin", "LOCATION"),
    ]
    # a held-out file sharing nothing leaves the dev document whole
    (kept,) = convert.documents_apart(_DEV_IOB2, _HELD_IOB2.replace("two", "zwei"))
    assert kept == whole


def test_dev_source_says_dev_names_origin_commit_hash_counts_and_ships_the_licence() -> None:
    assert_dev_source(
        DEV,
        [
            "https://github.com/UniversalNER/UNER_English-EWT",
            "`en_ewt-ud-dev.iob2`",
            "`8ed072de2fd24022cc62458997fe96a8fe191ea4`",
            "`c491d62a7a0447946ac85b11308083ea61328ece`",
            "`0cafd881cf31d39897b6d588420fab8fbbe4423d271725c59921ac9dd49c0713`",
            "318 documents",
            "CC BY-SA 4.0",
            "before any rule was tuned",
        ],
        ["Attribution-ShareAlike 4.0", "`en_ewt-ud-dev.iob2`", "Mayhew"],
    )


def test_heldout_source_says_held_out_and_names_its_commit_file_and_hash() -> None:
    source = (HELD / "SOURCE.md").read_text("utf-8")
    assert "held-out: not used for tuning" in source.lower() and "dev: used for tuning" not in source.lower()
    for text in (
        "`en_ewt-ud-test.iob2`",
        "`8ed072de2fd24022cc62458997fe96a8fe191ea4`",
        "`821ad826d5f503ac03b4edc3fbc2174f21fbb005ec25863caf2051c434616d6e`",
        sha256_text((HELD / "documents.json").read_text("utf-8")),
        "316 documents",
        "CC BY-SA 4.0",
    ):
        assert text in source, text
    assert "Attribution-ShareAlike 4.0" in (HELD / "LICENSE.md").read_text("utf-8")


def test_uner_ewt_dev_is_a_dev_corpus_in_the_default_list_and_uner_ewt_test_stays_held_out() -> None:
    from benchmarks import pii

    assert_dev_corpus_in_the_default_list("uner_ewt_dev", UNER_DEV_CORPORA, uner_ewt_dev)
    assert "uner_ewt_test" in HELDOUT_CORPORA and "uner_ewt_test" in pii.HELDOUT
    assert "uner_ewt_test" not in pii.CORPORA and "uner_ewt_test" not in UNER_DEV_CORPORA
