"""The library_docs_prose dev corpus: cut with package_docs_prose's cut (tested there), none of
its packages shared with package_docs_prose or held out (benchmarks/pii_data/library_docs_prose/
convert.py); what both docstring corpora must hold is tested in test_docstring_corpora."""

from __future__ import annotations

from types import ModuleType

from benchmarks.pii_evaluation.outside import DATA_ROOT
from tests.support.docstring_corpora import load_script

CORPUS = DATA_ROOT / "library_docs_prose"


def _convert() -> ModuleType:
    return load_script(CORPUS / "convert.py", "library_docs_prose_convert")


def test_no_package_is_shared_with_package_docs_or_held_out() -> None:
    ours = {p.directory for p in _convert().PACKAGES}
    theirs = {
        p.directory for p in load_script(DATA_ROOT / "package_docs_prose" / "convert.py", "pdp").PACKAGES
    }
    assert not ours & theirs
    assert not ours & {"numpy", "scipy"}  # numpy_docs_prose is held out; SciPy too close to it


def test_the_cut_is_package_docs_prose_cut() -> None:
    convert = _convert()
    theirs = load_script(DATA_ROOT / "package_docs_prose" / "convert.py", "pdp_cut")
    text = "The " + "word " * 30 + "ends here."
    assert convert.paragraphs(text) == theirs.paragraphs(text) == [text]
    assert convert.paragraphs.__code__.co_code == theirs.paragraphs.__code__.co_code
