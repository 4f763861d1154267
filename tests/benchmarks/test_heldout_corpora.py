"""Held-out corpora: strict loaders (offsets, hashes, labels), TAB's masking rule, the CODE row.

Assertion messages name documents, never values: these corpora are not for reading.
"""

from __future__ import annotations

import copy
import hashlib
import io
import json
import random
import re
from contextlib import redirect_stdout
from typing import Any

import pytest
from benchmarks.pii_evaluation.corpus import GoldSpan
from benchmarks.pii_evaluation.heldout import (
    HELDOUT_CORPORA,
    HeldoutDataError,
    load_heldout,
    presidio_research_document,
)
from benchmarks.pii_evaluation.metrics import Span, evaluate
from benchmarks.pii_evaluation.outside import (
    DATA_ROOT,
    NAMED_TYPES,
    OUTSIDE_CORPORA,
    PRESIDIO_RESEARCH_TYPES,
    OutsideDocument,
    score_view,
)
from benchmarks.pii_evaluation.tab import CODE_TYPE, TAB_TYPES, TabDataError, tab_core, tab_document
from benchmarks.pii_evaluation.wnut import WNUT_TYPES, WnutDataError, wnut_document
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.support.gold import assert_gold_mapped

from veil.pii.entity import EntityType


def _tab_records() -> list[dict[str, Any]]:
    records: list[dict[str, Any]] = json.loads((DATA_ROOT / "tab_echr" / "documents.json").read_text("utf-8"))
    return records


# -- TAB ------------------------------------------------------------------------------------------


def test_tab_gold_is_the_direct_and_quasi_mentions_of_scored_types() -> None:
    records = _tab_records()
    docs = load_heldout("tab_echr")
    assert len(records) == len(docs) == 10
    for record, doc in zip(records, docs, strict=True):
        expected_gold: set[tuple[int, int, str]] = set()
        expected_ignored: set[tuple[int, int]] = set()
        for m in record["mentions"]:
            start, end = m["start_offset"], m["end_offset"]
            assert record["text"][start:end] == m["span_text"], record["doc_id"]
            scored = TAB_TYPES[m["entity_type"]]
            core = tab_core(record["text"], start, end)
            if scored is not None and m["identifier_type"] in {"DIRECT", "QUASI"} and core is not None:
                expected_gold.add((core[0], core[1], scored))
                expected_ignored.update(p for p in ((start, core[0]), (core[1], end)) if p[0] < p[1])
            else:
                expected_ignored.add((start, end))
        assert {(s.start, s.end, str(s.type)) for s in doc.spans} == expected_gold, record["doc_id"]
        assert set(doc.ignored) == expected_ignored, record["doc_id"]
        assert doc.wildcard == CODE_TYPE and doc.scored_types is None
    kinds = {str(s.type) for d in docs for s in d.spans}
    assert kinds == {"PERSON", "LOCATION", "ORGANIZATION", "DATE_TIME", CODE_TYPE}
    # NO_MASK mentions exist and never become gold
    assert any(m["identifier_type"] == "NO_MASK" for r in records for m in r["mentions"])


@pytest.mark.parametrize(
    ("mention", "core"),
    [
        ("Mr Ab Cd", "Ab Cd"),  # TAB ignores mr/mrs/ms: the title need not be masked
        ("Mrs Ef", "Ef"),
        ("Dr Gh", "Dr Gh"),  # ...but not other titles
        ("Mr and Mrs Ij", "Ij"),
        ("\u201cK\u201d", "K"),
        ("Court\u2019s", "Court"),
        ("between 1982 and 1984", "1982 and 1984"),
        ("(no. 2)", "2"),
        ("Normandy", "Normandy"),  # a name that merely starts like "no"/"nr" is kept whole
        ("Mr", None),
        ("\u201d", None),
    ],
)
def test_tab_core_trims_what_tabs_evaluation_ignores(mention: str, core: str | None) -> None:
    text = f"xx {mention} yy"
    got = tab_core(text, 3, 3 + len(mention))
    assert (None if got is None else text[got[0] : got[1]]) == core


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from([*"abMrsNo. ,()\u2019\u201c\u201d-"]), min_size=1, max_size=20))
def test_tab_core_stays_inside_the_mention_and_never_ends_on_an_ignorable_character(mention: str) -> None:
    text = f"Q {mention} Q"
    got = tab_core(text, 2, 2 + len(mention))
    if got is not None:
        start, end = got
        assert 2 <= start < end <= 2 + len(mention)
        assert (
            text[start] not in " ,.()\u2019\u201c\u201d-" and text[end - 1] not in " ,.()\u2019\u201c\u201d-"
        )


def test_a_prediction_of_the_title_alone_is_dropped_and_the_name_alone_is_found() -> None:
    text = "The applicant, Mr Ab Cd, lodged it."
    record = {
        "doc_id": "t",
        "annotator": "a",
        "text": text,
        "text_sha256": hashlib.sha256(text.encode()).hexdigest(),
        "mentions": [
            {
                "start_offset": 15,
                "end_offset": 23,
                "span_text": "Mr Ab Cd",
                "entity_type": "PERSON",
                "identifier_type": "DIRECT",
            }
        ],
    }
    doc = tab_document(record)
    assert [(s.start, s.end) for s in doc.spans] == [(18, 23)] and (15, 18) in doc.ignored
    for predicted in ([Span(18, 23, "PERSON")], [Span(15, 23, "PERSON")]):
        kept = score_view(predicted, None, doc.ignored, doc.spans, doc.wildcard)
        assert evaluate([doc.spans], [kept]).overall.span_recall == 1.0
    assert score_view([Span(15, 17, "PERSON")], None, doc.ignored, doc.spans, doc.wildcard) == []


def test_tab_mapping_covers_every_tab_type() -> None:
    assert set(TAB_TYPES) == {"PERSON", "CODE", "LOC", "ORG", "DEM", "DATETIME", "QUANTITY", "MISC"}
    assert {TAB_TYPES[t] for t in ("DEM", "QUANTITY", "MISC")} == {None}
    assert TAB_TYPES["CODE"] == CODE_TYPE and CODE_TYPE not in set(EntityType)


@settings(max_examples=60, deadline=None)
@given(doc_index=st.integers(0, 9), mention_seed=st.integers(0, 10_000), shift=st.integers(-3, 3))
def test_tab_loader_rejects_a_mention_whose_offsets_do_not_cut_out_its_text(
    doc_index: int, mention_seed: int, shift: int
) -> None:
    record = copy.deepcopy(_tab_records()[doc_index])
    m = record["mentions"][mention_seed % len(record["mentions"])]
    start, end = m["start_offset"] + shift, m["end_offset"] + shift
    m["start_offset"], m["end_offset"] = start, end
    text = record["text"]
    if 0 <= start < end <= len(text) and text[start:end] == m["span_text"]:
        tab_document(record)  # the shifted cut happens to read the same (e.g. a repeated letter)
    else:
        with pytest.raises(TabDataError):
            tab_document(record)


@pytest.mark.parametrize(
    ("field", "value"),
    [("entity_type", "PERSONA"), ("identifier_type", "MAYBE"), ("end_offset", 10**6)],
)
def test_tab_loader_rejects_unknown_labels_and_spans_outside_the_text(field: str, value: object) -> None:
    record = copy.deepcopy(_tab_records()[0])
    record["mentions"][0][field] = value
    with pytest.raises(TabDataError):
        tab_document(record)


def test_tab_loader_rejects_a_text_that_is_not_the_recorded_one() -> None:
    record = copy.deepcopy(_tab_records()[0])
    record["text"] = record["text"] + " "
    with pytest.raises(TabDataError, match="sha256"):
        tab_document(record)


# -- scoring: NO_MASK and the CODE row ---------------------------------------------------------------


def test_prediction_inside_a_no_mask_mention_is_neither_rewarded_nor_penalised() -> None:
    # text positions only: a NO_MASK mention (10, 20), a QUASI gold (30, 40)
    doc = OutsideDocument("d", "s", "x" * 60, (Span(30, 40, "PERSON"),), None, ((10, 20),), CODE_TYPE)
    inside, across, gold_hit = Span(12, 18, "LOCATION"), Span(15, 25, "LOCATION"), Span(30, 40, "PERSON")
    kept = score_view([inside, across, gold_hit], doc.scored_types, doc.ignored, doc.spans, doc.wildcard)
    assert kept == [across, gold_hit]
    report = evaluate([doc.spans], [kept])
    assert report.overall.span_recall == 1.0
    assert report.overall.spurious == 1  # the span reaching out of the NO_MASK mention counts


def test_any_identifier_type_masks_a_code_but_a_name_type_does_not_take_its_row() -> None:
    gold = (Span(5, 13, CODE_TYPE), Span(40, 50, "PERSON"))
    phone, person, far = Span(5, 13, "PHONE_NUMBER"), Span(4, 9, "PERSON"), Span(20, 30, "US_SSN")
    kept = score_view([phone, person, far], None, (), gold, CODE_TYPE)
    assert kept == [Span(5, 13, CODE_TYPE), person, far]
    report = evaluate([gold], [kept])
    code = report.by_type[CODE_TYPE]
    assert (code.found, code.exact, code.matched) == (1, 1, 1)
    # without the wildcard the same prediction masks the code but never matches its type
    plain = evaluate([gold], [score_view([phone], None, (), gold)]).by_type[CODE_TYPE]
    assert (plain.found, plain.exact, plain.matched) == (1, 0, 0)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 80), st.integers(1, 15), st.sampled_from([*map(str, EntityType)])),
        max_size=12,
    ),
    st.lists(st.tuples(st.integers(0, 80), st.integers(1, 10)), max_size=4),
)
def test_score_view_properties(raw: list[tuple[int, int, str]], raw_ignored: list[tuple[int, int]]) -> None:
    predicted = [Span(a, a + n, t) for a, n, t in raw]
    ignored = tuple((a, a + n) for a, n in raw_ignored)
    gold = (Span(10, 20, CODE_TYPE), Span(50, 60, "PERSON"))
    kept = score_view(predicted, None, ignored, gold, CODE_TYPE)
    for p in kept:
        assert not any(a <= p.start and p.end <= b for a, b in ignored)
        if p.type == CODE_TYPE:
            assert p.start < 20 and p.end > 10
    originals = {(p.start, p.end) for p in predicted}
    assert {(p.start, p.end) for p in kept} <= originals
    for k in kept:
        if k.type == CODE_TYPE:  # came from a prediction of an identifier type at the same offsets
            assert any((p.start, p.end) == (k.start, k.end) and p.type not in NAMED_TYPES for p in predicted)
    # a name, place, organisation or date prediction keeps its own type
    named = [
        p
        for p in predicted
        if p.type in NAMED_TYPES and not any(a <= p.start and p.end <= b for a, b in ignored)
    ]
    assert all(p in kept for p in named)


# -- presidio-research held-out and the prose corpus --------------------------------------------------


def test_presidio_research_heldout_is_the_rest_of_the_file_and_keeps_its_labels() -> None:
    heldout = json.loads((DATA_ROOT / "presidio_research_heldout" / "documents.json").read_text("utf-8"))
    dev = json.loads((DATA_ROOT / "presidio_research_synth" / "documents.json").read_text("utf-8"))
    held_idx, dev_idx = {r["index"] for r in heldout}, {r["index"] for r in dev}
    assert len(heldout) == len(held_idx) == 1100
    assert held_idx.isdisjoint(dev_idx) and held_idx | dev_idx == set(range(1500))
    assert dev_idx == set(random.Random(20261204).sample(range(1500), 400))
    docs = load_heldout("presidio_research_heldout")
    for record, doc in zip(heldout, docs, strict=True):
        expected = sorted(
            (s["start_position"], s["end_position"], PRESIDIO_RESEARCH_TYPES[s["entity_type"]])
            for s in record["spans"]
            if PRESIDIO_RESEARCH_TYPES[s["entity_type"]] is not None
        )
        assert [(s.start, s.end, s.type) for s in doc.spans] == expected, doc.doc_id
        assert all(isinstance(s, GoldSpan) for s in doc.spans)


def test_presidio_research_loader_rejects_a_wrong_offset_and_an_unknown_label() -> None:
    record = json.loads((DATA_ROOT / "presidio_research_heldout" / "documents.json").read_text("utf-8"))[0]
    shifted = copy.deepcopy(record)
    shifted["spans"][0]["start_position"] += 1
    with pytest.raises(HeldoutDataError):
        presidio_research_document(shifted)
    relabelled = copy.deepcopy(record)
    relabelled["spans"][0]["entity_type"] = "SHOE_SIZE"
    with pytest.raises(HeldoutDataError):
        presidio_research_document(relabelled)


def test_wnut_spans_keep_their_text_and_only_names_places_and_companies_are_scored() -> None:
    records = json.loads((DATA_ROOT / "wnut17_test" / "documents.json").read_text("utf-8"))
    docs = load_heldout("wnut17_test")
    assert len(records) == len(docs) == 1287
    for record, doc in zip(records, docs, strict=True):
        assert doc.scored_types == frozenset({"PERSON", "LOCATION", "ORGANIZATION"})
        assert_gold_mapped(doc, record, WNUT_TYPES)
    counts = {
        t: sum(str(s.type) == t for d in docs for s in d.spans)
        for t in ("PERSON", "LOCATION", "ORGANIZATION")
    }
    assert counts == {"PERSON": 429, "LOCATION": 150, "ORGANIZATION": 66}


def test_wnut_conversion_joins_tokens_and_closes_entities_at_tag_changes() -> None:
    from benchmarks.pii_data.wnut17.convert import documents

    conll = "Ada\tB-person\nLovelace\tI-person\nvisited\tO\nNew\tB-location\nYork\tI-location\n" + (
        "Acme\tI-corporation\n\nhi\tO\n"
    )
    first, second = documents(conll)
    assert first["text"] == "Ada Lovelace visited New York Acme"
    assert [(e["text"], e["label"]) for e in first["entities"]] == [
        ("Ada Lovelace", "person"),
        ("New York", "location"),
        ("Acme", "corporation"),  # an I- tag after another type opens a new entity
    ]
    assert second == {"index": 1, "text": "hi", "entities": []}
    with pytest.raises(ValueError, match="unknown tag"):
        documents("x\tX-person\n")


def test_wnut_loader_rejects_a_wrong_offset_and_an_unknown_label() -> None:
    records = json.loads((DATA_ROOT / "wnut17_test" / "documents.json").read_text("utf-8"))
    record = next(r for r in records if r["entities"])
    shifted = copy.deepcopy(record)
    shifted["entities"][0]["end"] += 1
    with pytest.raises(WnutDataError):
        wnut_document(shifted)
    relabelled = copy.deepcopy(record)
    relabelled["entities"][0]["label"] = "villain"
    with pytest.raises(WnutDataError):
        wnut_document(relabelled)


def test_numpy_prose_has_no_identifiers() -> None:
    docs = load_heldout("numpy_docs_prose")
    assert len(docs) == 300 and not any(d.spans for d in docs)
    assert len({d.text for d in docs}) == 300
    for doc in docs:
        assert len(doc.text) >= 120, doc.doc_id
        assert not re.search(
            r"https?://|www\.|@|\b(1[5-9]|20)\d\d\b|(?<!\d)\d{1,3}(\.\d{1,3}){3}(?!\d)", doc.text
        ), doc.doc_id
        assert not re.search(
            r"\b(January|February|March|April|June|July|August|September|October|November|December"
            r"|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b",
            doc.text,
        ), doc.doc_id


# -- the benchmark's registration ------------------------------------------------------------------


def test_heldout_corpora_run_only_when_named() -> None:
    from benchmarks import pii

    assert set(HELDOUT_CORPORA).isdisjoint(pii.CORPORA)  # the default list is the dev corpora
    assert set(HELDOUT_CORPORA).isdisjoint(OUTSIDE_CORPORA)
    assert set(pii.HELDOUT) == set(HELDOUT_CORPORA)


@pytest.mark.parametrize("name", sorted(HELDOUT_CORPORA))
def test_heldout_values_are_never_printed(name: str) -> None:
    """``--show-misses`` names a held-out corpus's misses and false positives without a value or
    any of its text: not when every value is missed, not when a prediction lies outside them."""
    from benchmarks import pii

    docs = load_heldout(name)[:5]
    missed: list[list[Span]] = [[] for _ in docs]  # an engine that found nothing: every value is a miss
    spurious = [[Span(0, 5, "PERSON")] for _ in docs]
    for predictions in (missed, spurious):
        numbers = {
            "results": {
                "veil": {
                    name: {
                        "report": evaluate([d.spans for d in docs], predictions),
                        "predictions": predictions,
                    }
                }
            },
            "documents": {name: docs},
        }
        out = io.StringIO()
        with redirect_stdout(out):
            pii.print_misses(numbers, 5)
        printed = out.getvalue()
        assert "held-out" in printed
        assert not any(d.value(s) in printed for d in docs for s in d.spans)
        assert not any(d.text[0:5] in printed for d in docs)


def test_every_heldout_source_says_held_out_and_names_its_licence() -> None:
    for folder in sorted(HELDOUT_CORPORA):  # each held-out corpus lives in a folder of its name
        source = (DATA_ROOT / folder / "SOURCE.md").read_text("utf-8")
        assert "held-out: not used for tuning" in source.lower(), folder
        assert "Licence:" in source and "commit" in source.lower(), folder
        assert any((DATA_ROOT / folder).glob("LICENSE*")), folder
