"""The library_docs_prose dev corpus: registered in the default list, identifier-free, each
package's licence shipped, cut with package_docs_prose's cut (tested there), none of its packages
shared with package_docs_prose or held out, and the paragraphs naming people or organisations
dropped (benchmarks/pii_data/library_docs_prose/convert.py)."""

from __future__ import annotations

import importlib.util
import re
from collections import Counter
from pathlib import Path
from types import ModuleType

from benchmarks.pii import CORPORA, HELDOUT
from benchmarks.pii_evaluation.outside import DATA_ROOT, OUTSIDE_CORPORA, load_outside

CORPUS = DATA_ROOT / "library_docs_prose"


def _load(path: Path, name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _convert() -> ModuleType:
    return _load(CORPUS / "convert.py", "library_docs_prose_convert")


def test_corpus_is_a_dev_corpus_in_the_default_list() -> None:
    assert "library_docs_prose" in OUTSIDE_CORPORA
    assert "library_docs_prose" in CORPORA and "library_docs_prose" not in HELDOUT
    source = (CORPUS / "SOURCE.md").read_text("utf-8")
    assert "held-out" not in source.replace("not held-out", "").replace("held out as", "")
    for package in _convert().PACKAGES:
        assert f"{package.distribution} {package.version}" in source


def test_no_package_is_shared_with_package_docs_or_held_out() -> None:
    ours = {p.directory for p in _convert().PACKAGES}
    theirs = {p.directory for p in _load(DATA_ROOT / "package_docs_prose" / "convert.py", "pdp").PACKAGES}
    assert not ours & theirs
    assert not ours & {"numpy", "scipy"}  # numpy_docs_prose is held out; SciPy too close to it


def test_the_cut_is_package_docs_prose_cut() -> None:
    convert = _convert()
    theirs = _load(DATA_ROOT / "package_docs_prose" / "convert.py", "pdp_cut")
    text = "The " + "word " * 30 + "ends here."
    assert convert.paragraphs(text) == theirs.paragraphs(text) == [text]
    assert convert.paragraphs.__code__.co_code == theirs.paragraphs.__code__.co_code


def test_each_package_ships_its_licence_file() -> None:
    convert = _convert()
    licences = {p.name for p in (CORPUS / "licences").iterdir()}
    for package in convert.PACKAGES:
        prefixes = tuple(f"{package.distribution}-{package.version}-{f}" for f in ("LICENSE", "COPYING"))
        assert any(name.startswith(prefixes) for name in licences), package.distribution
    by_directory = {p.directory: p.licence for p in convert.PACKAGES}
    records = load_outside("library_docs_prose")
    assert {d.source.split("/")[0] for d in records} == set(by_directory)


def test_paragraphs_are_unique_prose_without_identifiers() -> None:
    docs = load_outside("library_docs_prose")
    assert len(docs) == 345 and not any(d.spans for d in docs)
    assert len({d.text for d in docs}) == len(docs)
    assert len({d.doc_id for d in docs}) == len(docs)
    per_package = Counter(d.source.split("/")[0] for d in docs)
    assert max(per_package.values()) == 30 and len(per_package) == 14
    convert = _convert()
    names = re.compile(r"\b(?:" + "|".join(d.name for d in convert.DROPPED) + r")\b")
    for doc in docs:
        assert convert.paragraphs(doc.text) == [doc.text], doc.doc_id  # passes every check of the cut
        assert not convert.skipped(Path(doc.source)), doc.doc_id
        assert convert.dropped(doc.source, doc.text) is None, doc.doc_id
        assert not names.search(doc.text), doc.doc_id
        assert "\n" not in doc.text and not re.search(r"https?://|@|\b(19|20)\d\d\b|\d{6,}", doc.text)


def test_the_hand_drops_are_named_by_file_and_fingerprint() -> None:
    convert = _convert()
    assert len({(d.file, d.sha256) for d in convert.DROPPED}) == len(convert.DROPPED) == 10
    for entry in convert.DROPPED:
        assert re.fullmatch(r"[0-9a-f]{12}", entry.sha256) and entry.reason
        assert entry.file.split("/")[0] in {p.directory for p in convert.PACKAGES}
    assert convert.dropped("sklearn/base.py", "Any paragraph at all.") is None
