"""The GUM corpora: the dev corpus (GUM's train split) and the held-out one (dev and test splits),
their strict loader, their licences, and the conversion's naming rule on invented CoNLL-U.

Assertion messages name documents, never values; the held-out corpus is only counted here.
"""

from __future__ import annotations

import copy
import hashlib
import itertools
import json
import re
from typing import Any

import pytest
from benchmarks.pii_data.gum.convert import document, splits
from benchmarks.pii_evaluation.gum import (
    GUM_DEV_CORPORA,
    GUM_GENRE_LICENCES,
    GUM_TYPES,
    GumDataError,
    gum_dev,
    gum_document,
)
from benchmarks.pii_evaluation.heldout import load_heldout
from benchmarks.pii_evaluation.outside import DATA_ROOT, OUTSIDE_CORPORA
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.support.gold import assert_gold_mapped

DEV = DATA_ROOT / "gum_dev"
SCORED = {"person": "PERSON", "place": "LOCATION", "organization": "ORGANIZATION"}


def _records(folder: str = "gum_dev") -> list[dict[str, Any]]:
    records: list[dict[str, Any]] = json.loads((DATA_ROOT / folder / "documents.json").read_text("utf-8"))
    return records


def test_every_dev_document_loads_with_its_names_mapped_and_other_labels_not_scored() -> None:
    records = _records()
    docs = gum_dev()
    assert len(records) == len(docs) == 84
    assert len({d.doc_id for d in docs}) == 84
    for record, doc in zip(records, docs, strict=True):
        assert record["split"] == "train", doc.doc_id
        assert doc.scored_types == frozenset({"PERSON", "LOCATION", "ORGANIZATION"})
        assert hashlib.sha256(doc.text.encode()).hexdigest() == record["text_sha256"], doc.doc_id
        assert_gold_mapped(doc, record, GUM_TYPES)
        assert doc.spans, doc.doc_id  # every document names someone or something
    counts = {t: sum(str(s.type) == t for d in docs for s in d.spans) for t in SCORED.values()}
    assert counts == {"PERSON": 1403, "LOCATION": 1317, "ORGANIZATION": 814}
    assert sum(len(d.ignored) for d in docs) == 1071
    genres = {g: sum(r["genre"] == g for r in records) for g in GUM_GENRE_LICENCES}
    assert genres == {"academic": 14, "bio": 16, "court": 5, "interview": 15, "news": 20, "voyage": 14}


def test_a_dev_documents_spans_cut_out_names_of_its_text() -> None:
    doc = next(d for d in gum_dev() if d.doc_id == "gum-academic_art")
    names = {(doc.value(s), str(s.type)) for s in doc.spans}
    assert ("University of Portsmouth", "ORGANIZATION") in names
    assert ("United Kingdom", "LOCATION") in names  # "United" is a VERB/NNP in GUM: part of the name
    assert ("Durham University", "ORGANIZATION") in names
    assert all(v[0].isupper() for v, _ in names)


def test_gold_spans_do_not_overlap_or_lie_inside_ignored_spans_and_keep_to_word_edges() -> None:
    for doc in gum_dev():
        gold = sorted((s.start, s.end) for s in doc.spans)
        for (_, end), (start, _) in itertools.pairwise(gold):
            assert end <= start, doc.doc_id
        for (a, b), (c, d) in itertools.product(gold, doc.ignored):
            assert b <= c or d <= a, doc.doc_id  # an ignored span would hide predictions on the gold
        for start, end in gold:
            assert start == 0 or not doc.text[start - 1].isalnum(), doc.doc_id
            assert end == len(doc.text) or not doc.text[end].isalnum(), doc.doc_id
            assert not re.match(r"(?i)(the|mr\.?|mrs\.?|dr\.?|president) ", doc.text[start:end]), doc.doc_id


def test_the_mapping_scores_persons_places_organisations_only() -> None:
    assert {k: v for k, v in GUM_TYPES.items() if v is not None} == SCORED
    assert set(GUM_GENRE_LICENCES) == {"academic", "bio", "court", "interview", "news", "voyage"}
    assert not any("NC" in licence for licence in GUM_GENRE_LICENCES.values())


# -- the loader is strict ---------------------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(doc_seed=st.integers(0, 10_000), entity_seed=st.integers(0, 10_000), shift=st.integers(-3, 3))
def test_loader_rejects_an_entity_whose_offsets_do_not_cut_out_its_text(
    doc_seed: int, entity_seed: int, shift: int
) -> None:
    records = _records()
    record = copy.deepcopy(records[doc_seed % len(records)])
    e = record["entities"][entity_seed % len(record["entities"])]
    e["start"] += shift
    e["end"] += shift
    text = record["text"]
    if 0 <= e["start"] < e["end"] <= len(text) and text[e["start"] : e["end"]] == e["text"]:
        gum_document(record, "gum_dev")  # the shifted cut happens to read the same
    else:
        with pytest.raises(GumDataError):
            gum_document(record, "gum_dev")


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("label", "PER", "unknown GUM label"),
        ("label", "time", "unknown GUM label"),
        ("end", 10**7, "outside the text"),
    ],
)
def test_loader_rejects_unknown_labels_and_spans_outside_the_text(
    field: str, value: object, message: str
) -> None:
    record = copy.deepcopy(_records()[0])
    record["entities"][0][field] = value
    with pytest.raises(GumDataError, match=message):
        gum_document(record, "gum_dev")


def test_loader_rejects_another_text_licence_or_split() -> None:
    record = copy.deepcopy(_records()[0])
    changed = dict(record, text=record["text"] + " ")
    with pytest.raises(GumDataError, match="sha256"):
        gum_document(changed, "gum_dev")
    with pytest.raises(GumDataError, match="licence"):
        gum_document(dict(record, licence="CC BY-NC-SA 4.0"), "gum_dev")
    with pytest.raises(GumDataError, match="licence"):
        gum_document(dict(record, genre="fiction"), "gum_dev")
    with pytest.raises(GumDataError, match="split"):
        gum_document(dict(record, split="test"), "gum_dev")  # a held-out document in the dev corpus
    with pytest.raises(GumDataError, match="split"):
        gum_document(record, "gum_heldout")  # a train document in the held-out corpus


# -- where the files came from -----------------------------------------------------------------------


def test_dev_source_names_its_origin_commit_licences_and_every_file() -> None:
    source = (DEV / "SOURCE.md").read_text("utf-8")
    assert "Commit: `72ce5ac14978a324c2fd18d49484e65292cbe316`" in source
    assert "https://github.com/amir-zeldes/gum" in source
    assert "Licence:" in source and "held-out: not used for tuning" not in source.lower()
    for licence in set(GUM_GENRE_LICENCES.values()):
        assert licence in source and licence in (DEV / "LICENSE.md").read_text("utf-8")
    rows = (DEV / "sources.tsv").read_text("utf-8").splitlines()[1:]
    names = {f"dep/{r['doc']}.conllu" for r in _records()}
    assert {row.split("\t")[0] for row in rows} == names
    for row in rows:
        _file, digest, split, genre, licence, _url = row.split("\t")
        assert re.fullmatch(r"[0-9a-f]{64}", digest) and split == "train"
        assert GUM_GENRE_LICENCES[genre] == licence
    assert all(p.stat().st_size < 2_000_000 for p in DEV.iterdir())


def test_gum_dev_is_a_dev_corpus_in_the_default_list() -> None:
    from benchmarks import pii

    assert "gum_dev" in GUM_DEV_CORPORA and "gum_dev" in pii.CORPORA
    assert "gum_dev" not in pii.HELDOUT and "gum_dev" not in OUTSIDE_CORPORA
    assert [d.doc_id for d in pii.load_corpus("gum_dev", 10)] == [d.doc_id for d in gum_dev()]


# -- the conversion, on invented CoNLL-U ---------------------------------------------------------------

_CONLLU = """# newdoc id = GUM_news_invented
# meta::genre = news
# meta::sourceURL = https://example.org/invented
# newpar
# text = Mr. Olaf Brenn met the Prime Minister of Norland at the University of Tessa.
1\tMr.\tMr.\tPROPN\tNNP\t_\t2\tnmod:desc\t_\tEntity=(1-person-new-sssss-cf1-1-coref
2\tOlaf\tOlaf\tPROPN\tNNP\t_\t4\tnsubj\t_\t_
3\tBrenn\tBrenn\tPROPN\tNNP\t_\t2\tflat\t_\tEntity=1)
4\tmet\tmeet\tVERB\tVBD\t_\t0\troot\t_\t_
5\tthe\tthe\tDET\tDT\t_\t7\tdet\t_\tEntity=(2-person-new-sssss-cf2-3-coref
6\tPrime\tprime\tADJ\tNNP\t_\t7\tamod\t_\t_
7\tMinister\tMinister\tPROPN\tNNP\t_\t4\tobj\t_\t_
8\tof\tof\tADP\tIN\t_\t9\tcase\t_\t_
9\tNorland\tNorland\tPROPN\tNNP\t_\t7\tnmod\t_\tEntity=(3-place-new-sssss-cf3-1-coref)2)
10\tat\tat\tADP\tIN\t_\t12\tcase\t_\t_
11\tthe\tthe\tDET\tDT\t_\t12\tdet\t_\tEntity=(4-organization-new-sssss-cf4-2-coref
12\tUniversity\tUniversity\tPROPN\tNNP\t_\t4\tobl\t_\t_
13\tof\tof\tADP\tIN\t_\t14\tcase\t_\t_
14\tTessa\tTessa\tPROPN\tNNP\t_\t12\tnmod\t_\tEntity=(5-place-new-sssss-cf5-1-coref)4)|SpaceAfter=No
15\t.\t.\tPUNCT\t.\t_\t4\tpunct\t_\t_

# newpar
# text = Zemblans cheered at the Harrow school's gate.
1\tZemblans\tZemblan\tPROPN\tNNPS\t_\t2\tnsubj\t_\tEntity=(6-person-new-sssss-cf1-1-coref)
2\tcheered\tcheer\tVERB\tVBD\t_\t0\troot\t_\t_
3\tat\tat\tADP\tIN\t_\t8\tcase\t_\tEntity=(9-place-new-sssss-cf1-1-coref
4\tthe\tthe\tDET\tDT\t_\t6\tdet\t_\tEntity=(7-organization-new-sssss-cf2-3-coref
5\tHarrow\tHarrow\tPROPN\tNNP\t_\t6\tcompound\t_\t_
6-7\tschool's\t_\t_\t_\t_\t_\t_\t_\t_
6\tschool\tschool\tNOUN\tNN\t_\t8\tnmod:poss\t_\t_
7\t's\t's\tPART\tPOS\t_\t6\tcase\t_\tEntity=7)
8\tgate\tgate\tNOUN\tNN\t_\t2\tobl\t_\tEntity=9)|SpaceAfter=No
9\t.\t.\tPUNCT\t.\t_\t2\tpunct\t_\t_

# text = The violinist Ida Korr played in May.
1\tThe\tthe\tDET\tDT\t_\t2\tdet\t_\tEntity=(10-person-new-sssss-cf1-1-coref
2\tviolinist\tviolinist\tNOUN\tNN\t_\t5\tnsubj\t_\t_
3\tIda\tIda\tPROPN\tNNP\t_\t2\tappos\t_\t_
4\tKorr\tKorr\tPROPN\tNNP\t_\t3\tflat\t_\tEntity=10)
5\tplayed\tplay\tVERB\tVBD\t_\t0\troot\t_\t_
6\tin\tin\tADP\tIN\t_\t7\tcase\t_\t_
7\tMay\tMay\tPROPN\tNNP\t_\t5\tobl\t_\tEntity=(11-time-new-sssss-cf2-1-sgl)|SpaceAfter=No
8\t.\t.\tPUNCT\t.\t_\t5\tpunct\t_\t_
"""


def test_conversion_rebuilds_the_text_and_keeps_names_only() -> None:
    record = document("GUM_news_invented", "train", _CONLLU)
    text = record["text"]
    assert text == (
        "Mr. Olaf Brenn met the Prime Minister of Norland at the University of Tessa.\n\n"
        "Zemblans cheered at the Harrow school's gate. The violinist Ida Korr played in May."
    )
    assert record["text_sha256"] == hashlib.sha256(text.encode()).hexdigest()
    assert (record["genre"], record["split"], record["licence"]) == ("news", "train", "CC BY 2.5")
    got = [(e["text"], e["label"]) for e in record["entities"]]
    assert got == [
        ("Olaf Brenn", "person"),  # the courtesy title is not the name
        ("Norland", "place"),  # inside a role, which is not a name itself
        ("University of Tessa", "organization"),  # no "the"; "Tessa" inside it is not a second entity
        ("Ida Korr", "person"),  # the name after its descriptor; "May" is a date, neither gold nor ignored
        ("Zemblans", "person-group"),  # a plural proper noun: a group, not scored
        ("Harrow", "name-in-mention"),  # a name inside "the Harrow school": not scored
    ]
    for e in record["entities"]:
        assert text[e["start"] : e["end"]] == e["text"]
    gum_document(record, "gum_dev")  # what the converter writes, the loader reads


def test_conversion_checks_its_text_against_the_sentence_and_reads_the_splits() -> None:
    with pytest.raises(ValueError, match="not rebuilt"):
        document("GUM_news_invented", "train", _CONLLU.replace("# text = Mr. Olaf", "# text = Mr.  Olaf"))
    with pytest.raises(ValueError, match="unknown GUM entity type"):
        document("GUM_news_invented", "train", _CONLLU.replace("(6-person", "(6-alien"))
    assert splits("# Splits\n\n## dev\n\n  * GUM_a_b\n\n## train\n\n  * GUM_c_d\n  * GUM_e_f\n") == {
        "GUM_a_b": "dev",
        "GUM_c_d": "train",
        "GUM_e_f": "train",
    }


# -- the held-out corpus: counted and checked, never read -----------------------------------------------


def test_heldout_documents_load_from_gums_dev_and_test_splits_only() -> None:
    records = _records("gum_heldout")
    docs = load_heldout("gum_heldout")
    assert len(records) == len(docs) == 24
    assert {r["split"] for r in records} == {"dev", "test"}
    assert {g: sum(r["genre"] == g for r in records) for g in GUM_GENRE_LICENCES} == dict.fromkeys(
        GUM_GENRE_LICENCES, 4
    )
    counts = {t: sum(str(s.type) == t for d in docs for s in d.spans) for t in SCORED.values()}
    assert counts == {"PERSON": 307, "LOCATION": 374, "ORGANIZATION": 176}
    assert sum(len(d.ignored) for d in docs) == 323
    dev = gum_dev()
    assert not {d.doc_id for d in docs} & {d.doc_id for d in dev}  # no document in both corpora
    assert not {d.text for d in docs} & {d.text for d in dev}
    for doc in docs:
        assert doc.scored_types == frozenset(SCORED.values())
        for (a, b), (c, d) in itertools.product([(s.start, s.end) for s in doc.spans], doc.ignored):
            assert b <= c or d <= a, doc.doc_id


def test_heldout_source_says_held_out_and_names_its_licences_commit_and_files() -> None:
    folder = DATA_ROOT / "gum_heldout"
    source = (folder / "SOURCE.md").read_text("utf-8")
    assert "held-out: not used for tuning" in source.lower()
    assert "Commit: `72ce5ac14978a324c2fd18d49484e65292cbe316`" in source
    licence = (folder / "LICENSE.md").read_text("utf-8")
    for name in set(GUM_GENRE_LICENCES.values()):
        assert name in source and name in licence
    rows = (folder / "sources.tsv").read_text("utf-8").splitlines()[1:]
    assert {row.split("\t")[0] for row in rows} == {f"dep/{r['doc']}.conllu" for r in _records("gum_heldout")}
    assert {row.split("\t")[2] for row in rows} == {"dev", "test"}
    assert all(p.stat().st_size < 2_000_000 for p in folder.iterdir())
