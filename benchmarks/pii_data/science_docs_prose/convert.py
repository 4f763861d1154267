"""Build ``paragraphs.json``: identifier-free scientific and API-reference prose from the docstrings
of seven installed packages (maths, plotting, optimisation, differential privacy, data frames).

The two other docstring corpora (``package_docs_prose``, ``library_docs_prose``) drop every
paragraph holding reST markup or a parameter line, and every paragraph naming a person, eponyms
included: what is left is plain, easy prose. This corpus keeps the text scientific reference
docs are made of, so that the false positives a held-out corpus of that style meets can be
found on a dev corpus:

* reST roles and literals stay as written (``:func:`besselj```, ``O(n^2)``, ``:math:`...```);
* the description of a parameter, return value or attribute (numpydoc ``name : type`` with an
  indented description, Google ``name: description``) is a paragraph of its own;
* eponyms stay: a person's name used as the name of a method, function, distribution, theorem
  or unit ("Cholesky decomposition", "Bessel functions", "the Gauss-Legendre rule", "Poisson
  noise", "Gaussian") names a thing, not a person, so a PERSON found there is a false positive.

Dropped, as in the other two corpora: paragraphs with an identifier or a date (:func:`identifying`:
a URL, an ``@``, a year 1800-2099, six digits in a row, ``localhost``, an IPv4 address, a month or
weekday name, ``et al``), doctests, tables, directives and code blocks (indented under prose).
Then up to :data:`PER_PACKAGE` paragraphs of each package are sampled with
``random.Random(SEED)``, and the capitalised words of the sample were read by hand: a paragraph
that names a person AS a person (an author, a citation, "due to X", "X proved"), or an
organisation, is listed in :data:`DROPPED` and removed afterwards (the rest of the sample, which
was checked, stays the same). Every prediction on what is left is a false positive.

Run once, from the repository root, with the versions of :data:`PACKAGES` installed (it refuses
others): ``python benchmarks/pii_data/science_docs_prose/convert.py [--site-packages DIR]
[--out DIR]``; it writes ``paragraphs.json``, copies each package's licence files into
``licences/`` and lists them in ``LICENSES.md``. The benchmark and the tests read only what it wrote.
"""

from __future__ import annotations

import ast
import importlib.util
import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

HERE = Path(__file__).resolve().parent
SEED = 20261205
PER_PACKAGE = 45
MIN_LENGTH = 100


def _package_docs_cut() -> ModuleType:
    """package_docs_prose's convert.py: its records, identifier test, sampling, drops, version
    check, licence copy and writer serve here too (loaded by path, as a script); only the cut and
    what is read differ."""
    spec = importlib.util.spec_from_file_location(
        "package_docs_prose_convert", HERE.parent / "package_docs_prose" / "convert.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_CUT = _package_docs_cut()
identifying = _CUT.identifying
fingerprint = _CUT.fingerprint

# package_docs_prose's records: an installed distribution (directory, distribution, version, licence)
# and a paragraph removed by hand (file, SHA-256 prefix of its text, the name, the reason)
Package = _CUT.Package
Dropped = _CUT.Dropped


# order matters: a paragraph found in two packages is kept in the first. None is read by
# package_docs_prose or library_docs_prose; NumPy (held out), SciPy and JAX (whose numpy and
# scipy modules copy NumPy's docstrings) are left out.
PACKAGES = (
    Package("sympy", "sympy", "1.14.0", "BSD-3-Clause"),
    Package("mpmath", "mpmath", "1.3.0", "BSD-3-Clause"),
    Package("matplotlib", "matplotlib", "3.11.2", "LicenseRef-Matplotlib"),
    Package("optax", "optax", "0.2.8", "Apache-2.0"),
    Package("opendp", "opendp", "0.16.0", "MIT"),
    Package("polars", "polars", "1.36.1", "MIT"),
    Package("mbi", "mbi", "2.0.0", "Apache-2.0"),
)


DROPPED = (
    Dropped("matplotlib/dviread.py", "e458afa9a5dd", "Adobe", "an organisation (a vendor's glyph names)"),
    Dropped(
        "mpmath/functions/bessel.py",
        "4874e81c1cf4",
        "Abramowitz|Stegun",
        "two people (a handbook cited by its authors)",
    ),
    Dropped("sympy/integrals/rde.py", "5488f3ab6714", "Bronstein", "a person (a book's author, cited)"),
)

# doctests, tables ("|", "+---+", "=== ==="), directives and a literal block's "::" lead: not
# prose (a heading's underline alone is no table: it is removed, the section read)
NOT_PROSE = re.compile(
    r">>>|\.\.\.\s|\||^\.\. |\s\.\. \w|::\s*$|^\s*(?:\+[-=+]+\+|=+(?:\s+=+)+)\s*$", re.MULTILINE
)
PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
UNDERLINE = re.compile(r"\s*[=~^-]{3,}\s*$")
SECTION_HEAD = re.compile(r"\s*[A-Z][a-z]+(?: [A-Z][a-z]+)?:?\s*$")  # "Parameters", "See Also", "Args:"
NUMPYDOC_ITEM = re.compile(r"\**\w+(?:, \**\w+)*\s+:(?:\s.*)?$")  # "x : array_like", "a, b : int"
GOOGLE_ITEM = re.compile(r"\**\w+(?: \([^)]*\))?: (?=\S)")  # "learning_rate: A global ...", "x (int): ..."
BULLET = re.compile(r"\s*(?:[-*+•]|\d+\.|\(\w\))\s")
SENTENCE = re.compile(r"[a-z)`]\. |[a-z)`]\.$")


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def _items(lines: list[str]) -> Iterator[list[str]]:
    """The items of a block: a line at the block's least indentation starts one, deeper lines
    continue it (a parameter's description under its ``name : type`` line)."""
    base = min(_indent(line) for line in lines)
    item: list[str] = []
    for line in lines:
        if _indent(line) == base and item:
            yield item
            item = []
        item.append(line)
    if item:
        yield item


def _item_text(item: list[str]) -> str | None:
    """The prose of one item: a parameter's description, or a plain paragraph's lines (None when
    the item is a code or math block indented under a lead line, or a list)."""
    head = item[0].strip()
    rest = [line.strip() for line in item[1:]]
    if NUMPYDOC_ITEM.fullmatch(head):
        return " ".join(rest) if rest else None
    google = GOOGLE_ITEM.match(head)
    if google:
        return " ".join([head[google.end() :], *rest])
    if rest or BULLET.match(item[0]):
        return None  # a lead line with something indented under it, or a bullet
    return head


def paragraphs(docstring: str) -> list[str]:
    """The prose paragraphs of one cleaned docstring (see the module docstring)."""
    kept = []
    for block in PARAGRAPH_BREAK.split(docstring):
        lines = [line.rstrip() for line in block.split("\n") if line.strip()]
        if not lines or NOT_PROSE.search(block):
            continue
        lines = [line for line in lines if not (UNDERLINE.match(line) or SECTION_HEAD.match(line))]
        if not lines:
            continue
        if all(_indent(line) == _indent(lines[0]) for line in lines):
            items = [[" ".join(line.strip() for line in lines)]]  # one plain paragraph
        else:
            items = list(_items(lines))
        for item in items:
            text = _item_text(item)
            if text is None or len(text) < MIN_LENGTH or not SENTENCE.search(text):
                continue
            if identifying(text) or BULLET.match(text):
                continue
            kept.append(text)
    return kept


def dropped(file: str, text: str) -> Any:
    """The :data:`DROPPED` entry naming a paragraph, if one does (else None)."""
    return _CUT.dropped(file, text, DROPPED)


def skipped(relative: Path) -> bool:
    """Test modules and packages (``test*``), vendored and external code, below the package directory."""
    return bool(_CUT.skipped(relative, frozenset({"externals"})))


def docstrings(path: Path) -> Iterator[str]:
    """The module, class and function docstrings of one source file, and its module-level string
    constants (mpmath keeps its functions' documentation in ``function_docs.py`` as such)."""
    tree = _CUT.parse(path)
    if tree is None:
        return
    yield from _CUT.tree_docstrings(tree)
    for statement in tree.body:
        if (
            isinstance(statement, ast.Assign)
            and isinstance(statement.value, ast.Constant)
            and isinstance(statement.value.value, str)
            and "\n" in statement.value.value
        ):
            # the same cleaning ast.get_docstring applies
            yield _clean(statement.value.value)


def _clean(text: str) -> str:
    lines = text.expandtabs().split("\n")
    margin = min((_indent(line) for line in lines[1:] if line.strip()), default=0)
    return "\n".join([lines[0].strip(), *(line[margin:] for line in lines[1:])]).strip()


READER = _CUT.Reader(skipped, docstrings, paragraphs)


def main(argv: Sequence[str] | None = None) -> None:
    """package_docs_prose's writer, given this corpus's folder, packages, dropped paragraphs, seed,
    reader and sample size; licences are read from the dist-info folder too, and ``--sample``
    prints the sample before the drops, to read it."""
    _CUT.main(
        argv,
        here=HERE,
        packages=PACKAGES,
        entries=DROPPED,
        seed=SEED,
        doc=__doc__,
        reader=READER,
        per_package=PER_PACKAGE,
        dist_info_too=True,
        sample_option=True,
    )


if __name__ == "__main__":
    main()
