"""Build ``paragraphs.json``: identifier-free prose from the docstrings of twelve installed packages.

The docstrings (module, class, function) of the packages in :data:`PACKAGES` are read with
:mod:`ast` from their installed sources (nothing is imported), without test modules and vendored
code (:func:`skipped`). The cut (:func:`paragraphs`): docstrings split at blank lines; a
paragraph with an indented line after its first, a bullet, a numbered item, a heading underline
or a numpydoc section head is dropped; lines are joined with one space; at least 120 characters
with a sentence in it; nothing that is personal data or a date (:func:`identifying`: a URL, an
``@``, a year 1800-2099, six digits in a row, ``localhost``, an IPv4 address, a month or weekday
name, ``et al``), no reST/doctest markup (:data:`MARKUP`) and no numpydoc parameter line.
Duplicates are removed (the first package in :data:`PACKAGES` order keeps one), then up to 30
paragraphs of each package are sampled with ``random.Random(20261204)``. The capitalised words
of that sample were read by hand: the paragraphs naming a person or an organisation are listed
in :data:`DROPPED` and removed from the sample afterwards (so the rest of the sample, which was
checked, stays the same).

Run once, from the repository root, with the versions of :data:`PACKAGES` installed (it refuses
others): ``python benchmarks/pii_data/package_docs_prose/convert.py [--site-packages DIR]
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
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, NamedTuple

HERE = Path(__file__).resolve().parent
SEED = 20261204
PER_PACKAGE = 30
MIN_LENGTH = 120


class Package(NamedTuple):
    """An installed distribution whose docstrings are read."""

    directory: str  # its import directory under site-packages
    distribution: str
    version: str
    licence: str  # SPDX identifier


# order matters: a paragraph found in two packages is kept in the first
PACKAGES = (
    Package("click", "click", "8.3.3", "BSD-3-Clause"),
    Package("jinja2", "jinja2", "3.1.6", "BSD-3-Clause"),
    Package("httpx", "httpx", "0.29.0", "BSD-3-Clause"),
    Package("attr", "attrs", "26.1.0", "MIT"),
    Package("pydantic", "pydantic", "2.14.4", "MIT"),
    Package("rich", "rich", "14.3.4", "MIT"),
    Package("pandas", "pandas", "3.1.1", "BSD-3-Clause"),
    Package("requests", "requests", "2.34.2", "Apache-2.0"),
    Package("sqlalchemy", "sqlalchemy", "2.1.9", "MIT"),
    Package("networkx", "networkx", "3.6.1", "BSD-3-Clause"),
    Package("fastapi", "fastapi", "0.138.2", "MIT"),
    Package("alembic", "alembic", "1.20.1", "MIT"),
)


class Dropped(NamedTuple):
    """A sampled paragraph removed by hand: its file, the SHA-256 prefix of its text, the name."""

    file: str
    sha256: str
    name: str
    reason: str


DROPPED = (
    Dropped("click/parser.py", "f4abac29a4d4", "Ward", "a person (optparse's author) and the PSF"),
    Dropped("networkx/generators/geometric.py", "eaf3a527ec26", "Waxman", "a person (eponymous model)"),
    Dropped(
        "networkx/algorithms/approximation/traveling_salesman.py",
        "100488868995",
        "Christofides",
        "a person (eponymous algorithm)",
    ),
    Dropped("sqlalchemy/dialects/mssql/pyodbc.py", "49506f557acc", "Microsoft", "an organisation (a vendor)"),
)

MONTHS_DAYS = (
    "January|February|March|April|May|June|July|August|September|October|November|December"
    "|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday"
)
IDENTIFYING = re.compile(
    r"https?:|www\.|@|\b(?:1[89]|20)\d\d\b|\d{6,}|localhost|\b\d+\.\d+\.\d+\.\d+\b"
    rf"|\b(?:{MONTHS_DAYS})\b|\bet al\b"
)
MARKUP = re.compile(r":[a-z]+:`|``|\.\. |>>>|\|")  # reST roles and literals, directives, doctests, tables
PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
LIST_OR_UNDERLINE = re.compile(r"\s*(?:[-*+]|\d+\.|[=~^-]{3,})(?:\s|$)")
SECTION_HEAD = re.compile(r"\s*[A-Z][a-z]+(?: [A-Z][a-z]+)?\s*$")  # numpydoc "Returns", "See Also"
PARAMETER = re.compile(r"\b\w+ : ")  # numpydoc "name : type"
SENTENCE = re.compile(r"[a-z]\. |[a-z]\.$")


def identifying(text: str) -> bool:
    """Whether the text holds something that is personal data or a date (then it is dropped)."""
    return IDENTIFYING.search(text) is not None


def paragraphs(docstring: str) -> list[str]:
    """The prose paragraphs of one cleaned docstring (see the module docstring)."""
    kept = []
    for block in PARAGRAPH_BREAK.split(docstring):
        lines = block.split("\n")
        if any(line.startswith((" ", "\t")) for line in lines[1:]):
            continue
        if any(LIST_OR_UNDERLINE.match(line) or SECTION_HEAD.match(line) for line in lines):
            continue
        text = " ".join(line.strip() for line in lines)
        if len(text) < MIN_LENGTH or not SENTENCE.search(text):
            continue
        if identifying(text) or MARKUP.search(text) or PARAMETER.search(text):
            continue
        kept.append(text)
    return kept


def fingerprint(text: str) -> str:
    """The SHA-256 prefix :data:`DROPPED` names a paragraph by."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def dropped(file: str, text: str, entries: Sequence[Any] = ()) -> Any | None:
    """The entry of ``entries`` (default :data:`DROPPED`) naming a paragraph, if one does."""
    key = fingerprint(text)
    return next((d for d in entries or DROPPED if d.file == file and d.sha256 == key), None)


def skipped(relative: Path, folders: frozenset[str] = frozenset()) -> bool:
    """Test modules and packages (``test*``) and vendored code, below the package directory, and
    the ``folders`` named (none here; science_docs_prose skips ``externals``)."""
    return any(part.startswith("test") or "vendor" in part or part in folders for part in relative.parts[1:])


def parse(path: Path) -> ast.Module | None:
    """One source file read with :mod:`ast` (None when it is not Python this interpreter reads)."""
    try:
        return ast.parse(path.read_text("utf-8"))
    except (SyntaxError, UnicodeDecodeError, ValueError):
        return None


def docstrings(path: Path) -> Iterator[str]:
    """The module, class and function docstrings of one source file, read with :mod:`ast`."""
    tree = parse(path)
    if tree is not None:
        yield from tree_docstrings(tree)


def tree_docstrings(tree: ast.Module) -> Iterator[str]:
    """The module, class and function docstrings of one parsed source file."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            doc = ast.get_docstring(node)
            if doc:
                yield doc


class Reader(NamedTuple):
    """How a corpus reads a package: the files it skips, the strings it reads from a file, the
    paragraphs it cuts from one (:data:`READER`: this corpus's; science_docs_prose has its own)."""

    skipped: Callable[[Path], bool]
    docstrings: Callable[[Path], Iterable[str]]
    paragraphs: Callable[[str], list[str]]


READER = Reader(skipped, docstrings, paragraphs)


def candidates(
    site_packages: Path, packages: Sequence[Any] = PACKAGES, reader: Reader = READER
) -> dict[str, list[dict[str, str]]]:
    """Every unique paragraph of the packages, by package directory (the pool sampled from)."""
    by_package: dict[str, list[dict[str, str]]] = {}
    seen: set[str] = set()
    for package in packages:
        root = site_packages / package.directory
        if not root.is_dir():
            raise SystemExit(f"{package.distribution} is not installed in {site_packages}")
        for path in sorted(root.rglob("*.py")):
            relative = path.relative_to(site_packages)
            if reader.skipped(relative):
                continue
            for doc in reader.docstrings(path):
                for text in reader.paragraphs(doc):
                    if text not in seen:
                        seen.add(text)
                        record = {"file": relative.as_posix(), "text": text, "licence": package.licence}
                        by_package.setdefault(package.directory, []).append(record)
    return by_package


def sample(
    site_packages: Path,
    packages: Sequence[Any] = PACKAGES,
    seed: int = SEED,
    *,
    reader: Reader = READER,
    per_package: int = PER_PACKAGE,
) -> list[dict[str, str]]:
    """The seeded sample of each package's paragraphs, before the hand drops."""
    rng = random.Random(seed)
    chosen: list[dict[str, str]] = []
    for _, pool in sorted(candidates(site_packages, packages, reader).items()):
        chosen += rng.sample(pool, min(len(pool), per_package))
    return chosen


def build(
    site_packages: Path,
    packages: Sequence[Any] = PACKAGES,
    entries: Sequence[Any] = DROPPED,
    seed: int = SEED,
    *,
    reader: Reader = READER,
    per_package: int = PER_PACKAGE,
) -> list[dict[str, str]]:
    """The corpus: the seeded sample of each package's paragraphs, less the dropped ``entries``
    (this corpus's :data:`PACKAGES`, :data:`DROPPED`, :data:`SEED`, :data:`READER` and
    :data:`PER_PACKAGE` unless given: the other corpora of package docstrings,
    ``library_docs_prose`` and ``science_docs_prose``, pass their own)."""
    chosen = sample(site_packages, packages, seed, reader=reader, per_package=per_package)
    kept = [r for r in chosen if dropped(r["file"], r["text"], entries) is None]
    if len(chosen) - len(kept) != len(entries):
        raise SystemExit("not every DROPPED paragraph was in the sample: the sources differ from SOURCE.md's")
    return kept


def check_versions(site_packages: Path, packages: Sequence[Any] = PACKAGES) -> None:
    """Refuse to run on other versions than :data:`PACKAGES` names (the sample would differ)."""
    installed = {
        (d.metadata["Name"] or "").lower(): d.version
        for d in importlib.metadata.distributions(path=[str(site_packages)])
    }
    wrong = [
        f"{p.distribution} {installed.get(p.distribution, 'missing')} (want {p.version})"
        for p in packages
        if installed.get(p.distribution) != p.version
    ]
    if wrong:
        raise SystemExit("other versions installed: " + ", ".join(wrong))


def copy_licences(
    site_packages: Path, out: Path, packages: Sequence[Any] = PACKAGES, *, dist_info_too: bool = False
) -> None:
    """Each package's licence (and NOTICE) files into ``licences/``, named
    ``<distribution>-<version>-<file>``, and ``LICENSES.md``, their index. The files are read from
    the dist-info folder's ``licenses/``, and with ``dist_info_too`` from the dist-info folder
    itself after it (where mpmath and matplotlib keep theirs)."""
    target = out / "licences"
    target.mkdir(exist_ok=True)
    index = [
        "# Licences of the packages the paragraphs were cut from",
        "",
        "| package | licence | files |",
        "|---|---|---|",
    ]
    for package in packages:
        # the dist-info folder spells the name with underscores (scikit_learn-1.9.1.dist-info)
        dist_info = f"{package.distribution.replace('-', '_')}-{package.version}.dist-info"
        folder = site_packages / dist_info / "licenses"
        folders = (folder, folder.parent) if dist_info_too else (folder,)
        files = [
            f
            for searched in folders
            for f in sorted(searched.glob("*"))
            if f.is_file() and f.name.startswith(("LICENSE", "NOTICE", "COPYING"))
        ]
        if not files:
            raise SystemExit(f"no licence file in {folders[-1]}")
        names = []
        for file in files:
            name = f"{package.distribution}-{package.version}-{file.name}"
            shutil.copyfile(file, target / name)
            names.append(f"`licences/{name}`")
        index.append(f"| {package.distribution} {package.version} | {package.licence} | {', '.join(names)} |")
    (out / "LICENSES.md").write_text("\n".join(index) + "\n", "utf-8")


def main(
    argv: Sequence[str] | None = None,
    *,
    here: Path = HERE,
    packages: Sequence[Any] = PACKAGES,
    entries: Sequence[Any] = DROPPED,
    seed: int = SEED,
    doc: str | None = __doc__,
    reader: Reader = READER,
    per_package: int = PER_PACKAGE,
    dist_info_too: bool = False,
    sample_option: bool = False,
) -> None:
    """Write the corpus (``paragraphs.json``, ``licences/``, ``LICENSES.md``) into ``--out``; another
    corpus of package docstrings passes its folder, packages, dropped paragraphs and seed (and
    science_docs_prose its reader, sample size, licence folders and a ``--sample`` option that
    prints the sample before the drops, to read it)."""
    parser = argparse.ArgumentParser(description=doc.split("\n", 1)[0] if doc else None)
    parser.add_argument("--site-packages", type=Path, default=Path(sysconfig.get_paths()["purelib"]))
    parser.add_argument("--out", type=Path, default=here, help="folder for paragraphs.json and licences/")
    if sample_option:
        parser.add_argument(
            "--sample", action="store_true", help="print the sample before the drops, to read it"
        )
    args = parser.parse_args(argv)
    check_versions(args.site_packages, packages)
    if sample_option and args.sample:
        for record in sample(args.site_packages, packages, seed, reader=reader, per_package=per_package):
            print(json.dumps({**record, "sha": fingerprint(record["text"])}, ensure_ascii=False))
        return
    records = build(args.site_packages, packages, entries, seed, reader=reader, per_package=per_package)
    args.out.mkdir(parents=True, exist_ok=True)
    target = args.out / "paragraphs.json"
    tmp = target.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(records, ensure_ascii=False, indent=1) + "\n", "utf-8")
    tmp.replace(target)
    copy_licences(args.site_packages, args.out, packages, dist_info_too=dist_info_too)
    print(f"{len(records)} paragraphs -> {target}")


if __name__ == "__main__":
    main()
