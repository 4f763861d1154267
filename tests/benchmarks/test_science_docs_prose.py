"""The science_docs_prose dev corpus (benchmarks/pii_data/science_docs_prose/): a dev corpus in the
default list, each package's licence shipped, unique paragraphs that pass its cut and hold no
identifier or date, no package shared with the other docstring corpora or held out, the hand drops
named by file and fingerprint; and the cut itself, on docstrings invented here."""

from __future__ import annotations

import importlib.util
import re
from collections import Counter
from pathlib import Path
from types import ModuleType

from benchmarks.pii import CORPORA, HELDOUT
from benchmarks.pii_evaluation.outside import DATA_ROOT, OUTSIDE_CORPORA, load_outside

CORPUS = DATA_ROOT / "science_docs_prose"
PARAGRAPHS = 312


def _load(path: Path, name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _convert() -> ModuleType:
    return _load(CORPUS / "convert.py", "science_docs_prose_convert")


def test_is_a_dev_corpus_in_the_default_list() -> None:
    assert "science_docs_prose" in OUTSIDE_CORPORA
    assert "science_docs_prose" in CORPORA and "science_docs_prose" not in HELDOUT
    source = (CORPUS / "SOURCE.md").read_text("utf-8")
    assert "A DEV corpus (in the benchmark's default list,\n  tuned on) - not held-out." in source
    for package in _convert().PACKAGES:
        assert f"{package.distribution} {package.version}" in source


def test_no_package_is_shared_with_the_other_docstring_corpora_or_held_out() -> None:
    ours = {p.directory for p in _convert().PACKAGES}
    for other in ("package_docs_prose", "library_docs_prose"):
        theirs = {p.directory for p in _load(DATA_ROOT / other / "convert.py", f"{other}_c").PACKAGES}
        assert not ours & theirs, other
    assert not ours & {"numpy", "scipy", "jax"}  # numpy_docs_prose is held out; these copy or echo it


def test_each_package_ships_its_licence_file() -> None:
    convert = _convert()
    licences = {p.name for p in (CORPUS / "licences").iterdir()}
    index = (CORPUS / "LICENSES.md").read_text("utf-8")
    for package in convert.PACKAGES:
        prefix = f"{package.distribution}-{package.version}-LICENSE"
        assert any(name.startswith(prefix) for name in licences), package.distribution
        assert f"| {package.distribution} {package.version} | {package.licence} |" in index
    by_directory = {p.directory: p.licence for p in convert.PACKAGES}
    for doc in load_outside("science_docs_prose"):
        assert doc.source.split("/")[0] in by_directory


def test_paragraphs_are_unique_prose_without_identifiers() -> None:
    docs = load_outside("science_docs_prose")
    assert len(docs) == PARAGRAPHS and not any(d.spans for d in docs)
    assert len({d.text for d in docs}) == len(docs) == len({d.doc_id for d in docs})
    per_package = Counter(d.source.split("/")[0] for d in docs)
    assert max(per_package.values()) == 45 and len(per_package) == 7
    convert = _convert()
    names = re.compile(r"\b(?:" + "|".join(d.name for d in convert.DROPPED) + r")\b")
    for doc in docs:
        assert convert.paragraphs(doc.text) == [doc.text], doc.doc_id  # passes every check of the cut
        assert not convert.skipped(Path(doc.source)), doc.doc_id
        assert convert.dropped(doc.source, doc.text) is None, doc.doc_id
        assert not names.search(doc.text), doc.doc_id
        assert "\n" not in doc.text and not re.search(
            r"https?://|@|\b(19|20)\d\d\b|\d{6,}|\bet al\b", doc.text
        )


def test_the_hand_drops_are_named_by_file_and_fingerprint() -> None:
    convert = _convert()
    assert len({(d.file, d.sha256) for d in convert.DROPPED}) == len(convert.DROPPED) == 3
    for entry in convert.DROPPED:
        assert re.fullmatch(r"[0-9a-f]{12}", entry.sha256) and entry.reason
        assert entry.file.split("/")[0] in {p.directory for p in convert.PACKAGES}
    assert convert.dropped("sympy/core/basic.py", "Any paragraph at all.") is None


_LONG = "which is evaluated with the working precision and returned as a new object of the same kind"


def test_the_cut_keeps_markup_and_eponyms_and_reads_parameter_descriptions() -> None:
    convert = _convert()
    prose = f"Computes the Varnel decomposition of :math:`A` with ``lower=True``, {_LONG}."
    numpydoc = f"Parameters\n----------\norder : int\n    The order of the Tarlow polynomial, {_LONG}."
    # (Google items each on one line, all at one indentation, are read as one paragraph: SOURCE.md)
    google = f"Args:\n  damping: The damping of the Quenby update,\n    {_LONG}.\n  eps: Short."
    assert convert.paragraphs(prose) == [prose]
    assert convert.paragraphs(numpydoc) == [f"The order of the Tarlow polynomial, {_LONG}."]
    assert convert.paragraphs(google) == [f"The damping of the Quenby update, {_LONG}."]


def test_the_cut_drops_code_lists_dates_and_short_text() -> None:
    convert = _convert()
    assert convert.paragraphs(f">>> solve(x, {_LONG!r})\n42") == []
    assert convert.paragraphs(f"Use it so::\n\n    value = compute()  # {_LONG}") == []
    assert convert.paragraphs(f"- a bullet item {_LONG}.") == []
    assert convert.paragraphs(f"Changed in the release of 2019, {_LONG}.") == []
    assert convert.paragraphs(f"See the method of Varnel et al for the rest, {_LONG}.") == []
    assert convert.paragraphs("Too short to be a paragraph.") == []
