"""The science_docs_prose dev corpus (benchmarks/pii_data/science_docs_prose/): a dev corpus in the
default list, each package's licence shipped, unique paragraphs that pass its cut and hold no
identifier or date, no package shared with the other docstring corpora or held out, the hand drops
named by file and fingerprint; and the cut itself, on docstrings invented here."""

from __future__ import annotations

from types import ModuleType

from benchmarks.pii import CORPORA, HELDOUT
from benchmarks.pii_evaluation.outside import DATA_ROOT, OUTSIDE_CORPORA, load_outside
from tests.support.docstring_corpora import assert_hand_drops, assert_paragraphs, load_script

CORPUS = DATA_ROOT / "science_docs_prose"
PARAGRAPHS = 312


def _convert() -> ModuleType:
    return load_script(CORPUS / "convert.py", "science_docs_prose_convert")


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
        theirs = {p.directory for p in load_script(DATA_ROOT / other / "convert.py", f"{other}_c").PACKAGES}
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
    assert_paragraphs(
        _convert(),
        load_outside("science_docs_prose"),
        paragraphs=PARAGRAPHS,
        per_package=45,
        packages=7,
        identifiers=r"https?://|@|\b(19|20)\d\d\b|\d{6,}|\bet al\b",
    )


def test_the_hand_drops_are_named_by_file_and_fingerprint() -> None:
    assert_hand_drops(_convert(), 3, "sympy/core/basic.py")


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
