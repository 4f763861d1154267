"""The package_docs_prose cut (benchmarks/pii_data/package_docs_prose/convert.py) drops code,
markup, identifiers and the paragraphs naming people or organisations; what both docstring
corpora must hold (registration, licences, unique identifier-free paragraphs, hand drops) is
tested in test_docstring_corpora."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

from benchmarks.pii_evaluation.outside import DATA_ROOT
from hypothesis import given, settings
from hypothesis import strategies as st

CORPUS = DATA_ROOT / "package_docs_prose"


def _convert() -> ModuleType:
    spec = importlib.util.spec_from_file_location("package_docs_prose_convert", CORPUS / "convert.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


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
