"""What the two docstring corpora (package_docs_prose, library_docs_prose) must both hold: dev
corpora in the default list, each package's licence shipped, unique identifier-free paragraphs
that pass the cut, and the hand drops named by file and fingerprint. One table, one test each."""

from __future__ import annotations

from types import ModuleType
from typing import NamedTuple

import pytest
from benchmarks.pii import CORPORA, HELDOUT
from benchmarks.pii_evaluation.outside import DATA_ROOT, OUTSIDE_CORPORA, load_outside
from tests.support.docstring_corpora import assert_hand_drops, assert_paragraphs, load_script


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
    return load_script(DATA_ROOT / corpus.name / "convert.py", f"{corpus.name}_convert")


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
    assert_paragraphs(
        _convert(corpus),
        load_outside(corpus.name),
        paragraphs=corpus.paragraphs,
        per_package=30,
        packages=corpus.packages,
        identifiers=r"https?://|@|\b(19|20)\d\d\b|\d{6,}",
    )


@pytest.mark.parametrize("corpus", DOCSTRING_CORPORA, ids=IDS)
def test_the_hand_drops_are_named_by_file_and_fingerprint(corpus: Corpus) -> None:
    assert_hand_drops(_convert(corpus), corpus.drops, corpus.some_source)
