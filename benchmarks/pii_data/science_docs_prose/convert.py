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

import argparse
import ast
import hashlib
import importlib.metadata
import json
import random
import re
import shutil
import sysconfig
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import NamedTuple

HERE = Path(__file__).resolve().parent
SEED = 20261205
PER_PACKAGE = 45
MIN_LENGTH = 100


class Package(NamedTuple):
    """An installed distribution whose docstrings are read."""

    directory: str  # its import directory under site-packages
    distribution: str
    version: str
    licence: str  # SPDX identifier


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


class Dropped(NamedTuple):
    """A sampled paragraph removed by hand: its file, the SHA-256 prefix of its text, the name."""

    file: str
    sha256: str
    name: str
    reason: str


DROPPED: tuple[Dropped, ...] = (
    Dropped("matplotlib/dviread.py", "e458afa9a5dd", "Adobe", "an organisation (a vendor's glyph names)"),
    Dropped(
        "mpmath/functions/bessel.py",
        "4874e81c1cf4",
        "Abramowitz|Stegun",
        "two people (a handbook cited by its authors)",
    ),
    Dropped("sympy/integrals/rde.py", "5488f3ab6714", "Bronstein", "a person (a book's author, cited)"),
)

MONTHS_DAYS = (
    "January|February|March|April|May|June|July|August|September|October|November|December"
    "|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday"
)
IDENTIFYING = re.compile(
    r"https?:|www\.|@|\b(?:1[89]|20)\d\d\b|\d{6,}|localhost|\b\d+\.\d+\.\d+\.\d+\b"
    rf"|\b(?:{MONTHS_DAYS})\b|\bet al\b"
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


def identifying(text: str) -> bool:
    """Whether the text holds something that is personal data or a date (then it is dropped)."""
    return IDENTIFYING.search(text) is not None


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


def fingerprint(text: str) -> str:
    """The SHA-256 prefix :data:`DROPPED` names a paragraph by."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def dropped(file: str, text: str) -> Dropped | None:
    """The :data:`DROPPED` entry naming a paragraph, if one does."""
    key = fingerprint(text)
    return next((d for d in DROPPED if d.file == file and d.sha256 == key), None)


def skipped(relative: Path) -> bool:
    """Test modules and packages (``test*``), vendored and external code, below the package directory."""
    return any(
        part.startswith("test") or "vendor" in part or part == "externals" for part in relative.parts[1:]
    )


def docstrings(path: Path) -> Iterator[str]:
    """The module, class and function docstrings of one source file, and its module-level string
    constants (mpmath keeps its functions' documentation in ``function_docs.py`` as such)."""
    try:
        tree = ast.parse(path.read_text("utf-8"))
    except (SyntaxError, UnicodeDecodeError, ValueError):
        return
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            doc = ast.get_docstring(node)
            if doc:
                yield doc
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


def candidates(site_packages: Path) -> dict[str, list[dict[str, str]]]:
    """Every unique paragraph of the packages, by package directory (the pool sampled from)."""
    by_package: dict[str, list[dict[str, str]]] = {}
    seen: set[str] = set()
    for package in PACKAGES:
        root = site_packages / package.directory
        if not root.is_dir():
            raise SystemExit(f"{package.distribution} is not installed in {site_packages}")
        for path in sorted(root.rglob("*.py")):
            relative = path.relative_to(site_packages)
            if skipped(relative):
                continue
            for doc in docstrings(path):
                for text in paragraphs(doc):
                    if text not in seen:
                        seen.add(text)
                        record = {"file": relative.as_posix(), "text": text, "licence": package.licence}
                        by_package.setdefault(package.directory, []).append(record)
    return by_package


def sample(site_packages: Path) -> list[dict[str, str]]:
    """The seeded sample of each package's paragraphs, before the hand drops."""
    rng = random.Random(SEED)
    chosen: list[dict[str, str]] = []
    for _, pool in sorted(candidates(site_packages).items()):
        chosen += rng.sample(pool, min(len(pool), PER_PACKAGE))
    return chosen


def build(site_packages: Path) -> list[dict[str, str]]:
    """The corpus: the sample less the :data:`DROPPED` paragraphs."""
    chosen = sample(site_packages)
    kept = [r for r in chosen if dropped(r["file"], r["text"]) is None]
    if len(chosen) - len(kept) != len(DROPPED):
        raise SystemExit("not every DROPPED paragraph was in the sample: the sources differ from SOURCE.md's")
    return kept


def check_versions(site_packages: Path) -> None:
    """Refuse to run on other versions than :data:`PACKAGES` names (the sample would differ)."""
    installed = {
        (d.metadata["Name"] or "").lower(): d.version
        for d in importlib.metadata.distributions(path=[str(site_packages)])
    }
    wrong = [
        f"{p.distribution} {installed.get(p.distribution, 'missing')} (want {p.version})"
        for p in PACKAGES
        if installed.get(p.distribution) != p.version
    ]
    if wrong:
        raise SystemExit("other versions installed: " + ", ".join(wrong))


def copy_licences(site_packages: Path, out: Path) -> None:
    """Each package's licence files into ``licences/``, named ``<distribution>-<version>-<file>``,
    and ``LICENSES.md``, their index (mpmath and matplotlib keep theirs in the dist-info folder
    itself, the others in its ``licenses/``)."""
    target = out / "licences"
    target.mkdir(exist_ok=True)
    index = [
        "# Licences of the packages the paragraphs were cut from",
        "",
        "| package | licence | files |",
        "|---|---|---|",
    ]
    for package in PACKAGES:
        dist_info = site_packages / f"{package.distribution}-{package.version}.dist-info"
        files = [
            f
            for folder in (dist_info / "licenses", dist_info)
            for f in sorted(folder.glob("*"))
            if f.is_file() and f.name.startswith(("LICENSE", "NOTICE", "COPYING"))
        ]
        if not files:
            raise SystemExit(f"no licence file in {dist_info}")
        names = []
        for file in files:
            name = f"{package.distribution}-{package.version}-{file.name}"
            shutil.copyfile(file, target / name)
            names.append(f"`licences/{name}`")
        index.append(f"| {package.distribution} {package.version} | {package.licence} | {', '.join(names)} |")
    (out / "LICENSES.md").write_text("\n".join(index) + "\n", "utf-8")


def main(argv: Sequence[str] | None = None) -> None:
    """Write the corpus (``paragraphs.json``, ``licences/``, ``LICENSES.md``) into ``--out``."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0] if __doc__ else None)
    parser.add_argument("--site-packages", type=Path, default=Path(sysconfig.get_paths()["purelib"]))
    parser.add_argument("--out", type=Path, default=HERE, help="folder for paragraphs.json and licences/")
    parser.add_argument("--sample", action="store_true", help="print the sample before the drops, to read it")
    args = parser.parse_args(argv)
    check_versions(args.site_packages)
    if args.sample:
        for record in sample(args.site_packages):
            print(json.dumps({**record, "sha": fingerprint(record["text"])}, ensure_ascii=False))
        return
    records = build(args.site_packages)
    args.out.mkdir(parents=True, exist_ok=True)
    target = args.out / "paragraphs.json"
    tmp = target.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(records, ensure_ascii=False, indent=1) + "\n", "utf-8")
    tmp.replace(target)
    copy_licences(args.site_packages, args.out)
    print(f"{len(records)} paragraphs -> {target}")


if __name__ == "__main__":
    main()
