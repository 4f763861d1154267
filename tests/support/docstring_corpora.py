"""What the tests of the docstring corpora (package_docs_prose, library_docs_prose,
science_docs_prose) share: loading a corpus's ``convert.py`` by path, as the scripts load each
other, and the checks of its paragraphs and hand drops against that script. Tests import this as
``tests.support.docstring_corpora``.
"""

from __future__ import annotations

import importlib.util
import re
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType

from benchmarks.pii_evaluation.outside import OutsideDocument

__all__ = ["assert_hand_drops", "assert_paragraphs", "load_script"]


def load_script(path: Path, name: str) -> ModuleType:
    """The Python file at ``path`` run as module ``name`` (a converter is a script, not a package)."""
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def assert_paragraphs(
    convert: ModuleType,
    docs: Sequence[OutsideDocument],
    *,
    paragraphs: int,
    per_package: int,
    packages: int,
    identifiers: str,
) -> None:
    """``paragraphs`` unique paragraphs (by text and id) with no gold span, at most ``per_package``
    of each of ``packages`` packages (and that many of one), each passing every check of ``convert``'s
    cut, from a file it does not skip, no hand drop, naming none of the dropped names, one line
    and no match of ``identifiers``."""
    assert len(docs) == paragraphs and not any(d.spans for d in docs)
    assert len({d.text for d in docs}) == len(docs)
    assert len({d.doc_id for d in docs}) == len(docs)
    per = Counter(d.source.split("/")[0] for d in docs)
    assert max(per.values()) == per_package and len(per) == packages
    names = re.compile(r"\b(?:" + "|".join(d.name for d in convert.DROPPED) + r")\b")
    for doc in docs:
        assert convert.paragraphs(doc.text) == [doc.text], doc.doc_id  # passes every check of the cut
        assert not convert.skipped(Path(doc.source)), doc.doc_id
        assert convert.dropped(doc.source, doc.text) is None, doc.doc_id
        assert not names.search(doc.text), doc.doc_id
        assert "\n" not in doc.text and not re.search(identifiers, doc.text)


def assert_hand_drops(convert: ModuleType, drops: int, some_source: str) -> None:
    """``drops`` hand drops, each named once by file and a 12-digit fingerprint, with a reason, in
    a file of one of ``convert``'s packages; a paragraph of ``some_source`` that is none is kept."""
    assert len({(d.file, d.sha256) for d in convert.DROPPED}) == len(convert.DROPPED) == drops
    for entry in convert.DROPPED:
        assert re.fullmatch(r"[0-9a-f]{12}", entry.sha256) and entry.reason
        assert entry.file.split("/")[0] in {p.directory for p in convert.PACKAGES}
    assert convert.dropped(some_source, "Any paragraph at all.") is None
