"""What the two docstring corpora (package_docs_prose, library_docs_prose) must both hold: dev
corpora in the default list, each package's licence shipped, unique identifier-free paragraphs
that pass the cut, and the hand drops named by file and fingerprint. One table, one test each."""

from __future__ import annotations

import importlib.util
import re
from collections import Counter
from pathlib import Path
from types import ModuleType
from typing import NamedTuple

import pytest
from benchmarks.pii import CORPORA, HELDOUT
from benchmarks.pii_evaluation.outside import DATA_ROOT, OUTSIDE_CORPORA, load_outside


class Corpus(NamedTuple):
    name: str
    paragraphs: int
    packages: int
    drops: int
    licence_files: tuple[str, ...]  # what a package's shipped licence file names start with
    some_source: str  # a source file of one of its packages


DOCSTRING_CORPORA = (
    Corpus("package_docs_prose", 340, 12, 4, ("LICENSE",), "click/core.py"),
    Corpus("library_docs_prose", 345, 14, 10, ("LICENSE", "COPYING"), "sklearn/base.py"),
)
IDS = [c.name for c in DOCSTRING_CORPORA]


def _convert(corpus: Corpus) -> ModuleType:
    path = DATA_ROOT / corpus.name / "convert.py"
    spec = importlib.util.spec_from_file_location(f"{corpus.name}_convert", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("corpus", DOCSTRING_CORPORA, ids=IDS)
def test_corpus_is_a_dev_corpus_in_the_default_list(corpus: Corpus) -> None:
    assert corpus.name in OUTSIDE_CORPORA
    assert corpus.name in CORPORA and corpus.name not in HELDOUT
    source = (DATA_ROOT / corpus.name / "SOURCE.md").read_text("utf-8")
    assert "held-out" not in source.replace("not held-out", "")
    for package in _convert(corpus).PACKAGES:
        assert f"{package.distribution} {package.version}" in source


@pytest.mark.parametrize("corpus", DOCSTRING_CORPORA, ids=IDS)
def test_each_package_ships_its_licence_file(corpus: Corpus) -> None:
    convert = _convert(corpus)
    licences = {p.name for p in (DATA_ROOT / corpus.name / "licences").iterdir()}
    for package in convert.PACKAGES:
        prefixes = tuple(f"{package.distribution}-{package.version}-{f}" for f in corpus.licence_files)
        assert any(name.startswith(prefixes) for name in licences), package.distribution
    by_directory = {p.directory: p.licence for p in convert.PACKAGES}
    records = load_outside(corpus.name)
    assert {d.source.split("/")[0] for d in records} == set(by_directory)


@pytest.mark.parametrize("corpus", DOCSTRING_CORPORA, ids=IDS)
def test_paragraphs_are_unique_prose_without_identifiers(corpus: Corpus) -> None:
    docs = load_outside(corpus.name)
    assert len(docs) == corpus.paragraphs and not any(d.spans for d in docs)
    assert len({d.text for d in docs}) == len(docs)
    assert len({d.doc_id for d in docs}) == len(docs)
    per_package = Counter(d.source.split("/")[0] for d in docs)
    assert max(per_package.values()) == 30 and len(per_package) == corpus.packages
    convert = _convert(corpus)
    names = re.compile(r"\b(?:" + "|".join(d.name for d in convert.DROPPED) + r")\b")
    for doc in docs:
        assert convert.paragraphs(doc.text) == [doc.text], doc.doc_id  # passes every check of the cut
        assert not convert.skipped(Path(doc.source)), doc.doc_id
        assert convert.dropped(doc.source, doc.text) is None, doc.doc_id
        assert not names.search(doc.text), doc.doc_id
        assert "\n" not in doc.text and not re.search(r"https?://|@|\b(19|20)\d\d\b|\d{6,}", doc.text)


@pytest.mark.parametrize("corpus", DOCSTRING_CORPORA, ids=IDS)
def test_the_hand_drops_are_named_by_file_and_fingerprint(corpus: Corpus) -> None:
    convert = _convert(corpus)
    assert len({(d.file, d.sha256) for d in convert.DROPPED}) == len(convert.DROPPED) == corpus.drops
    for entry in convert.DROPPED:
        assert re.fullmatch(r"[0-9a-f]{12}", entry.sha256) and entry.reason
        assert entry.file.split("/")[0] in {p.directory for p in convert.PACKAGES}
    assert convert.dropped(corpus.some_source, "Any paragraph at all.") is None
