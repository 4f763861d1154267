"""The package_docs_prose dev corpus: registered in the default list, identifier-free, each
package's licence shipped, and its cut (benchmarks/pii_data/package_docs_prose/convert.py)
drops code, markup, identifiers and the paragraphs naming people or organisations."""

from __future__ import annotations

import importlib.util
import re
from collections import Counter
from pathlib import Path
from types import ModuleType

from benchmarks.pii import CORPORA, HELDOUT
from benchmarks.pii_evaluation.outside import DATA_ROOT, OUTSIDE_CORPORA, load_outside
from hypothesis import given, settings
from hypothesis import strategies as st

CORPUS = DATA_ROOT / "package_docs_prose"


def _convert() -> ModuleType:
    spec = importlib.util.spec_from_file_location("package_docs_prose_convert", CORPUS / "convert.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_corpus_is_a_dev_corpus_in_the_default_list() -> None:
    assert "package_docs_prose" in OUTSIDE_CORPORA
    assert "package_docs_prose" in CORPORA and "package_docs_prose" not in HELDOUT
    source = (CORPUS / "SOURCE.md").read_text("utf-8")
    assert "held-out" not in source.replace("not held-out", "")
    for package in _convert().PACKAGES:
        assert f"{package.distribution} {package.version}" in source


def test_each_package_ships_its_licence_file() -> None:
    convert = _convert()
    licences = {p.name for p in (CORPUS / "licences").iterdir()}
    for package in convert.PACKAGES:
        prefix = f"{package.distribution}-{package.version}-LICENSE"
        assert any(name.startswith(prefix) for name in licences), package.distribution
    by_directory = {p.directory: p.licence for p in convert.PACKAGES}
    records = load_outside("package_docs_prose")
    assert {d.source.split("/")[0] for d in records} == set(by_directory)


def test_paragraphs_are_unique_prose_without_identifiers() -> None:
    docs = load_outside("package_docs_prose")
    assert len(docs) == 340 and not any(d.spans for d in docs)
    assert len({d.text for d in docs}) == len(docs)
    assert len({d.doc_id for d in docs}) == len(docs)
    per_package = Counter(d.source.split("/")[0] for d in docs)
    assert max(per_package.values()) == 30 and len(per_package) == 12
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
    assert len({(d.file, d.sha256) for d in convert.DROPPED}) == len(convert.DROPPED) == 4
    for entry in convert.DROPPED:
        assert re.fullmatch(r"[0-9a-f]{12}", entry.sha256) and entry.reason
        assert entry.file.split("/")[0] in {p.directory for p in convert.PACKAGES}
    assert convert.dropped("click/core.py", "Any paragraph at all.") is None


def test_test_modules_and_vendored_code_are_skipped() -> None:
    convert = _convert()
    for path in ("click/testing.py", "pandas/tests/frame/test_api.py", "pydantic/_vendor/x.py"):
        assert convert.skipped(Path(path)), path
    for path in ("click/core.py", "attr/_make.py", "sqlalchemy/orm/session.py"):
        assert not convert.skipped(Path(path)), path


# lower-case words; none a marker the cut drops a paragraph for ("www." at a sentence's end, "localhost")
_WORD = st.from_regex(r"[a-z]{3,9}", fullmatch=True).filter(lambda w: "www" not in w and w != "localhost")
# at least 120 characters (the cut's minimum), a sentence's capital and full stop
_SENTENCE = st.lists(_WORD, min_size=40, max_size=60).map(lambda ws: "The " + " ".join(ws) + ".")


@settings(max_examples=60, deadline=None)
@given(
    prose=_SENTENCE,
    name=_WORD,
    indent=st.sampled_from(["   ", "\t", "    "]),
    underline=st.sampled_from(["-----", "=====", "~~~~~"]),
)
def test_the_cut_drops_code_lists_headings_and_markup(
    prose: str, name: str, indent: str, underline: str
) -> None:
    convert = _convert()
    assert convert.paragraphs(prose) == [prose]
    words = prose.split()
    wrapped = "\n".join([" ".join(words[:5]), " ".join(words[5:20]), " ".join(words[20:])])
    assert convert.paragraphs(wrapped) == [prose]  # lines are joined
    blocks = [
        f"{prose}\n{indent}{name} = {name}()",  # code after a line of prose
        f"- {prose}",
        f"3. {prose}",
        f"Notes\n{underline}\n{prose}",
        f"See Also\n{prose}",  # a numpydoc section head
        f"{name} : int\n{prose}",  # a numpydoc parameter line
        f">>> {prose}",
        " ".join([*words[:3], f":func:`{name}`", *words[3:]]),
        " ".join([*words[:3], f"``{name}``", *words[3:]]),
        f".. note:: {prose}",
        prose[:100] + ".",  # too short
        prose.rstrip("."),  # no sentence
    ]
    for block in blocks:
        assert convert.paragraphs(block) == [], block
    assert convert.paragraphs("\n\n".join(blocks)) == []
    assert convert.paragraphs("\n\n".join([*blocks, prose])) == [prose]


@settings(max_examples=60, deadline=None)
@given(
    prose=_SENTENCE,
    marker=st.sampled_from(
        [
            "https://example.org/x",
            "jo@example.org",
            "in 1998",
            "on 10.0.0.12",
            "via localhost",
            "each Monday",
            "in March",
            "as Nguyen et al showed",
            "id 1234567",
        ]
    ),
)
def test_personal_data_and_dates_drop_a_paragraph(prose: str, marker: str) -> None:
    convert = _convert()
    assert not convert.identifying(prose)
    words = prose.split()
    marked = " ".join([*words[:5], marker, *words[5:]])
    assert convert.identifying(marked)
    assert convert.paragraphs(marked) == []
