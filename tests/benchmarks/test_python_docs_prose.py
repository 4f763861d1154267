"""The python_docs_prose dev corpus: registered in the default list, identifier-free, and its
cut (benchmarks/pii_data/python_docs_prose/convert.py) drops code and paragraphs naming people."""

from __future__ import annotations

import importlib.util
import re
from types import ModuleType

from benchmarks.pii import CORPORA, HELDOUT
from benchmarks.pii_evaluation.outside import DATA_ROOT, OUTSIDE_CORPORA, load_outside
from hypothesis import given, settings
from hypothesis import strategies as st


def _convert() -> ModuleType:
    path = DATA_ROOT / "python_docs_prose" / "convert.py"
    spec = importlib.util.spec_from_file_location("python_docs_prose_convert", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_corpus_is_a_dev_corpus_in_the_default_list() -> None:
    assert "python_docs_prose" in OUTSIDE_CORPORA
    assert "python_docs_prose" in CORPORA and "python_docs_prose" not in HELDOUT
    source = (DATA_ROOT / "python_docs_prose" / "SOURCE.md").read_text("utf-8")
    assert "held-out" not in source.replace("not held-out", "")
    assert "Python Software Foundation License" in source


def test_paragraphs_are_unique_prose_without_identifiers() -> None:
    docs = load_outside("python_docs_prose")
    assert len(docs) == 500 and not any(d.spans for d in docs)
    assert len({d.text for d in docs}) == len(docs)
    assert len({d.doc_id for d in docs}) == len(docs)
    assert sum(d.source.startswith("pydoc_data/") for d in docs) == 250
    convert = _convert()
    for doc in docs:
        assert len(doc.text) >= 120 and "\n" not in doc.text, doc.doc_id
        assert not convert.personal(doc.text), doc.doc_id
        assert not re.search(r"https?://|@|\b(19|20)\d\d\b|\d{6,}", doc.text), doc.doc_id


# lower-case words; none a marker the cut drops a paragraph for ("www." at a sentence's end, "localhost")
_WORD = st.from_regex(r"[a-z]{3,9}", fullmatch=True).filter(lambda w: "www" not in w and w != "localhost")
# at least 120 characters (the cut's minimum), a sentence's capital and full stop
_SENTENCE = st.lists(_WORD, min_size=40, max_size=60).map(lambda ws: "The " + " ".join(ws) + ".")


@settings(max_examples=60, deadline=None)
@given(
    prose=_SENTENCE,
    code=st.lists(_WORD, min_size=1, max_size=4),
    indent=st.sampled_from(["   ", "\t", "    "]),
)
def test_the_cut_drops_code_lists_and_headings(prose: str, code: list[str], indent: str) -> None:
    convert = _convert()
    code_block = "\n".join(f"{indent}{w} = {w}()" for w in code)
    heading = "Some Heading\n" + "*" * 12
    bullets = "* " + prose
    text = "\n\n".join([heading, prose, code_block, bullets, f">>> {code[0]}()", prose.replace(" ", "\n", 3)])
    kept = convert.paragraphs(text)
    assert kept == [prose, prose]


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
            "by Raymond Hettinger",
            "Guido",
            "id 1234567",
        ]
    ),
)
def test_personal_data_and_dates_drop_a_paragraph(prose: str, marker: str) -> None:
    convert = _convert()
    assert not convert.personal(prose)
    words = prose.split()
    assert convert.personal(" ".join([*words[:5], marker, *words[5:]]))
