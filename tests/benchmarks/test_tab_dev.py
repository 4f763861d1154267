"""The TAB dev corpus (``tab_echr_dev``, TAB's dev split): its strict loader (shared with the
held-out ``tab_echr``), its offsets and hashes, its separation from the held-out documents, its
source files, and its place in the benchmark's default list.

Only document ids of the held-out corpus are read here, never its texts or mentions.
"""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from benchmarks.pii_evaluation.heldout import HELDOUT_CORPORA, load_heldout
from benchmarks.pii_evaluation.outside import DATA_ROOT, OUTSIDE_CORPORA
from benchmarks.pii_evaluation.tab import (
    CODE_TYPE,
    TAB_DEV_CORPORA,
    TAB_SPLITS,
    TAB_TEST_DOC_IDS,
    TAB_TYPES,
    TabDataError,
    load_tab,
    tab_core,
    tab_echr_dev,
)
from tests.support.gold import corpus_records, sha256_text

DEV = DATA_ROOT / "tab_echr_dev"
# Each document keeps the mentions of the first annotator TAB lists for it: ``annotator1``, except
# where that annotator did not annotate the document.
# Documents with no ``annotator1``: their first listed annotator (none of documents 58-69 has one).
FIRST_ANNOTATOR = {
    doc_id: "annotator2"
    for doc_id in (
        *("001-59205", "001-99929", "001-57698", "001-85667", "001-87462", "001-84819"),
        *("001-88377", "001-87448", "001-93953", "001-83337", "001-160998", "001-91090", "001-85665"),
    )
}


def _write_corpus(tmp_path: Any, monkeypatch: pytest.MonkeyPatch, records: list[dict[str, Any]]) -> None:
    folder = tmp_path / "tab_echr_dev"
    folder.mkdir()
    (folder / "documents.json").write_text(json.dumps(records), "utf-8")
    monkeypatch.setattr("benchmarks.pii_evaluation.tab.DATA_ROOT", tmp_path)


def test_every_dev_document_loads_with_its_offsets_and_hash_checked() -> None:
    records = corpus_records(DEV)
    docs = tab_echr_dev()
    assert len(records) == len(docs) == 69
    assert len({r["doc_id"] for r in records}) == 69
    for record, doc in zip(records, docs, strict=True):
        text = record["text"]
        first = FIRST_ANNOTATOR.get(record["doc_id"], "annotator1")
        assert record["dataset_type"] == "dev" and record["annotator"] == first, record["doc_id"]
        assert sha256_text(text) == record["text_sha256"], record["doc_id"]
        assert doc.text == text and doc.wildcard == CODE_TYPE and doc.scored_types is None
        gold: set[tuple[int, int, str]] = set()
        ignored: set[tuple[int, int]] = set()
        for m in record["mentions"]:
            start, end = m["start_offset"], m["end_offset"]
            assert set(m) == {"start_offset", "end_offset", "span_text", "entity_type", "identifier_type"}
            assert text[start:end] == m["span_text"], record["doc_id"]
            scored, core = TAB_TYPES[m["entity_type"]], tab_core(text, start, end)
            if scored is not None and m["identifier_type"] in {"DIRECT", "QUASI"} and core is not None:
                gold.add((core[0], core[1], scored))
                ignored.update(p for p in ((start, core[0]), (core[1], end)) if p[0] < p[1])
            else:
                ignored.add((start, end))
        assert {(s.start, s.end, str(s.type)) for s in doc.spans} == gold, record["doc_id"]
        assert set(doc.ignored) == ignored, record["doc_id"]
    counts = {t: sum(str(s.type) == t for d in docs for s in d.spans) for t in TAB_TYPES.values() if t}
    assert counts == {"PERSON": 513, "LOCATION": 138, "ORGANIZATION": 260, "DATE_TIME": 1160, CODE_TYPE: 163}
    assert sum(len(r["mentions"]) for r in records) == 3612


def test_no_dev_document_is_a_held_out_one() -> None:
    dev_ids = {r["doc_id"] for r in corpus_records(DEV)}
    assert not dev_ids & TAB_TEST_DOC_IDS
    # the constant names exactly the held-out corpus's documents (only their ids are read)
    held_out = json.loads((DATA_ROOT / "tab_echr" / "documents.json").read_text("utf-8"))
    assert {r["doc_id"] for r in held_out} == TAB_TEST_DOC_IDS
    assert {d.doc_id for d in load_heldout("tab_echr")}.isdisjoint({d.doc_id for d in tab_echr_dev()})


def test_loader_rejects_a_held_out_document_or_another_split_in_the_dev_corpus(
    tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    record = copy.deepcopy(corpus_records(DEV)[0])
    _write_corpus(tmp_path, monkeypatch, [dict(record, doc_id=sorted(TAB_TEST_DOC_IDS)[0])])
    with pytest.raises(TabDataError, match="held-out"):
        load_tab("tab_echr_dev")
    (tmp_path / "tab_echr_dev" / "documents.json").write_text(
        json.dumps([dict(record, dataset_type="test")]), "utf-8"
    )
    with pytest.raises(TabDataError, match="another TAB split"):
        load_tab("tab_echr_dev")


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("entity_type", "DATE", "unknown TAB entity type"),
        ("identifier_type", "SOMETIMES", "unknown TAB identifier type"),
        ("end_offset", 10**6, "outside the text"),
        ("start_offset", 55, "does not cut out"),
    ],
)
def test_loader_rejects_unknown_labels_and_misplaced_spans(field: str, value: object, message: str) -> None:
    from benchmarks.pii_evaluation.tab import tab_document

    record = copy.deepcopy(corpus_records(DEV)[0])
    record["mentions"][0][field] = value
    with pytest.raises(TabDataError, match=message):
        tab_document(record)
    with pytest.raises(TabDataError, match="sha256"):
        tab_document(dict(corpus_records(DEV)[0], text=corpus_records(DEV)[0]["text"] + " "))


def test_source_says_dev_names_origin_commit_licence_and_ships_the_licence() -> None:
    source = (DEV / "SOURCE.md").read_text("utf-8")
    assert "**Dev: used for tuning.**" in source and "held-out: not used for tuning" not in source.lower()
    assert "https://github.com/NorskRegnesentral/text-anonymization-benchmark" in source
    assert "`echr_dev.json`" in source and "`038b40fa59830956d8ee45c2b3791528f42a934d`" in source
    assert "MIT" in source
    licence = (DEV / "LICENSE").read_text("utf-8")
    assert licence == (DATA_ROOT / "tab_echr" / "LICENSE").read_text("utf-8")
    assert "Norsk Regnesentral" in licence and "MIT License" in licence
    for record in corpus_records(DEV):
        assert record["doc_id"] in source  # every document is listed by id


def test_tab_echr_dev_is_a_dev_corpus_in_the_default_list_and_tab_echr_stays_held_out() -> None:
    from benchmarks import pii

    assert TAB_SPLITS == {"tab_echr_dev": "dev", "tab_echr": "test"}
    assert "tab_echr_dev" in TAB_DEV_CORPORA and "tab_echr_dev" in pii.CORPORA
    assert "tab_echr_dev" not in pii.HELDOUT and "tab_echr_dev" not in HELDOUT_CORPORA
    assert "tab_echr_dev" not in OUTSIDE_CORPORA
    assert "tab_echr" in pii.HELDOUT and "tab_echr" not in pii.CORPORA
    assert [d.doc_id for d in pii.load_corpus("tab_echr_dev", 10)] == [d.doc_id for d in tab_echr_dev()]
