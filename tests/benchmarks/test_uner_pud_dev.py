"""The Universal NER English PUD dev corpus (``uner_pud_dev``): its strict loader, its offsets,
its converter, its separation from the held-out wikigold and from GUM, its source files, and its
place in the benchmark's default list.

The held-out corpora are compared by hashes only, through their loaders: no text, span or count of
them is read or printed here.
"""

from __future__ import annotations

import hashlib
import re

import pytest
from benchmarks.pii_evaluation.gum import gum_dev
from benchmarks.pii_evaluation.heldout import load_heldout
from benchmarks.pii_evaluation.outside import DATA_ROOT
from benchmarks.pii_evaluation.uner import (
    UNER_DEV_CORPORA,
    UNER_SCORED,
    UNER_TYPES,
    UnerDataError,
    uner_document,
    uner_pud_dev,
)
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

DEV = DATA_ROOT / "uner_pud_dev"
_WORDS = re.compile(r"[0-9a-z]+")


def test_every_dev_document_loads_with_its_offsets_checked() -> None:
    records = corpus_records(DEV)
    docs = uner_pud_dev()
    assert len(records) == len(docs) == 397
    assert [r["index"] for r in records] == list(range(397))
    for record, doc in zip(records, docs, strict=True):
        assert doc.doc_id == f"uner-pud-{record['id']}" and doc.source == "UNER English PUD"
        assert doc.text == record["text"] and doc.scored_types == UNER_SCORED and not doc.ignored
        assert all(set(e) == {"start", "end", "label", "text"} for e in record["entities"]), doc.doc_id
        assert_gold_mapped(doc, record, UNER_TYPES)
    labels = [e["label"] for r in records for e in r["entities"]]
    assert {label: labels.count(label) for label in UNER_TYPES} == {"PER": 414, "LOC": 426, "ORG": 235}
    assert sum(r["id"].startswith("n") for r in records) == 215
    assert sum(r["id"].startswith("w") for r in records) == 182
    assert sum(not d.spans for d in docs) == 82  # the documents FP/100 counts in


def _shingles(text: str, n: int = 8) -> set[str]:
    words = _WORDS.findall(text.lower())
    grams = (" ".join(words[i : i + n]) for i in range(len(words) - n + 1))
    return {hashlib.sha256(gram.encode()).hexdigest() for gram in grams}


def test_no_dev_text_shares_eight_words_with_wikigold_or_is_a_gum_text() -> None:
    dev = [d.text for d in uner_pud_dev()]
    held_out: set[str] = set()
    for doc in load_heldout("wikigold"):
        held_out |= _shingles(doc.text)
    assert held_out  # sizes and overlaps are not printed
    assert all(_shingles(text).isdisjoint(held_out) for text in dev)
    hashes = {sha256_text(text) for text in dev}
    assert hashes.isdisjoint({sha256_text(d.text) for d in load_heldout("gum_heldout")})
    assert hashes.isdisjoint({sha256_text(d.text) for d in gum_dev()})


@pytest.mark.parametrize(("field", "value", "message"), broken_entities("MISC", "UNER"))
def test_loader_rejects_unknown_labels_and_misplaced_spans(field: str, value: object, message: str) -> None:
    assert_loader_rejects(DEV, uner_document, UnerDataError, field, value, message)


_IOB2 = """# newdoc id = n09001
# sent_id = n09001-0001
# text = “Tovo Ilves” left Port Elin's harbour.
1\t“\tO\t-\t-
2\tTovo\tB-PER\t-\tann
3\tIlves\tI-PER\t-\tann
4\t”\tO\t-\t-
5\tleft\tO\t-\t-
6\tPort\tB-LOC\t-\tann
7\tElin\tI-LOC\t-\tann
8\t's\tO\t-\t-
9\tharbour\tO\t-\t-
10\t.\tO\t-\t-

# sent_id = n09001-0002
# text = Quell Foods said so.
1\tQuell\tB-ORG\t-\tann
2\tFoods\tI-ORG\t-\tann
3\tsaid\tO\t-\t-
4\tso\tO\t-\t-
5\t.\tO\t-\t-

"""


def test_converter_keeps_the_sentences_spacing_and_joins_them_by_a_space() -> None:
    from benchmarks.pii_data.uner import convert

    assert convert.SOURCE_FILES["uner_pud_dev"] == "en_pud-ud-test.iob2"
    (record,) = convert.documents(_IOB2)
    assert record["id"] == "n09001"
    assert record["text"] == "“Tovo Ilves” left Port Elin's harbour. Quell Foods said so."
    doc = uner_document(record)
    assert [(doc.text[s.start : s.end], str(s.type)) for s in doc.spans] == [
        ("Tovo Ilves", "PERSON"),
        ("Port Elin", "LOCATION"),
        ("Quell Foods", "ORGANIZATION"),
    ]
    with pytest.raises(ValueError, match="not next"):
        convert.documents(_IOB2.replace("4\tso\t", "4\tno\t"))
    with pytest.raises(ValueError, match="unknown tag"):
        convert.documents(_IOB2.replace("B-ORG", "X-ORG"))


_WORD = st.text(alphabet="abcdefgh", min_size=1, max_size=6)


@given(st.lists(st.tuples(_WORD, st.sampled_from(["O", "B-PER", "I-PER", "B-LOC"])), min_size=1, max_size=12))
def test_converted_spans_always_cut_out_their_tokens(rows: list[tuple[str, str]]) -> None:
    from benchmarks.pii_data.uner import convert

    text = " ".join(token for token, _ in rows)
    lines = [f"{i}\t{token}\t{tag}\t-\t-" for i, (token, tag) in enumerate(rows, 1)]
    iob2 = "# newdoc id = w00001\n# sent_id = w00001-0001\n# text = " + text + "\n" + "\n".join(lines) + "\n"
    (record,) = convert.documents(iob2)
    assert record["text"] == text
    doc = uner_document(record)  # the loader's offset checks pass on whatever the converter makes
    assert len(doc.spans) == len(record["entities"])


def test_source_says_dev_names_origin_commit_hash_count_and_ships_the_licence() -> None:
    assert_dev_source(
        DEV,
        [
            "https://github.com/UniversalNER/UNER_English-PUD",
            "`en_pud-ud-test.iob2`",
            "`07ea0553144e3fcf3d6633efe2a075b725a0d262`",
            "`71fc0e18011e930f9a1a2fb68089d732eb2035a5840677d300626c8a1dedd2fb`",
            "397 documents",
            "CC BY-SA 3.0",
            "wikigold",
        ],
        ["Attribution-ShareAlike 3.0", "`en_pud-ud-test.iob2`", "Mayhew"],
    )


def test_uner_pud_dev_is_a_dev_corpus_in_the_default_list() -> None:
    assert_dev_corpus_in_the_default_list("uner_pud_dev", UNER_DEV_CORPORA, uner_pud_dev)
