"""Build ``paragraphs.json``: identifier-free prose from CPython 3.11's own documentation.

Two sources, both shipped with the interpreter (PSF licence, see SOURCE.md):

* ``pydoc_data/topics.py`` - the Python Language Reference and library topics as plain text
  (what ``help("if")`` prints);
* the docstrings (module, class, function) of the standard library's ``Lib/*.py``, read with
  :mod:`ast` (nothing is imported), without ``test``, ``idlelib``, ``lib2to3``, ``turtledemo``
  and ``site-packages``.

The cut, the same for both: paragraphs split at blank lines; a paragraph with an indented line
(code, a grammar rule, a nested list), a heading underline, a list bullet, a footnote or a
doctest prompt is dropped; lines are joined with one space; at least 120 characters with a
sentence in it. Then every paragraph with something that IS personal data or a date is
dropped: a URL, an ``@``, a four-digit year, a network address, ``localhost``, a month or weekday
name, and the people's names found by reading the capitalised words of the whole cut
(:data:`PEOPLE`). 250 paragraphs of each source are sampled with ``random.Random(20261204)``.

Run from the repository root with CPython 3.11.7: ``python benchmarks/pii_data/python_docs_prose/convert.py``.
"""

from __future__ import annotations

import ast
import json
import random
import re
import sysconfig
from pathlib import Path

HERE = Path(__file__).resolve().parent
PER_SOURCE = 250
SEED = 20261204
SKIPPED_DIRS = frozenset({"test", "idlelib", "lib2to3", "turtledemo", "site-packages", "__pycache__"})

# people named in the cut (authors, credited contributors, quoted writers), found by reading
# the capitalised words of every kept paragraph; a paragraph naming one is dropped
PEOPLE = (
    "Guido",
    "Gamma",
    "Beck",
    "Neumann",
    "Raymond",
    "Hettinger",
)
PERSON_RE = re.compile(r"\b(?:" + "|".join(re.escape(p) for p in PEOPLE) + r")\b")
MONTHS_DAYS = re.compile(
    r"\b(?:January|February|March|April|May|June|July|August|September|October|November|December"
    r"|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept"
    r"|Oct|Nov|Dec|Mon|Tue|Wed|Thu|Fri|Sat|Sun)\b"
)
IDENTIFYING = re.compile(
    r"https?://|www\.|@|\b(?:1[5-9]|20)\d\d\b|(?<![\d.])\d{1,3}(?:\.\d{1,3}){3}(?![\d.])|localhost|::1\b"
    r"|\d{6,}|\b[0-9a-f]{0,4}(?::[0-9a-f]{0,4}){3,}",
    re.IGNORECASE,
)
UNDERLINE = re.compile(r"^\s*[*\-=~^#+]{3,}\s*$")
LIST_OR_PROMPT = re.compile(r"^(?:[*+\-] |\d+[.)] |\[\d+\]|\[#|>>>|\.\.\. |\.\. |[A-Za-z_]+ *::= |:[a-z]+:)")
SENTENCE = re.compile(r"[a-z)\"'”]\.(?:\s|$)")


def paragraphs(text: str) -> list[str]:
    """The prose paragraphs of one plain-text document (see the module docstring)."""
    kept = []
    for block in re.split(r"\n[ \t]*\n", text.strip("\n")):
        lines = block.split("\n")
        if any(line[:1].isspace() for line in lines) or any(UNDERLINE.match(line) for line in lines):
            continue
        joined = " ".join(line.strip() for line in lines)
        joined = re.sub(r"\s+", " ", joined).strip()
        if len(joined) < 120 or LIST_OR_PROMPT.match(joined) or not SENTENCE.search(joined):
            continue
        kept.append(joined)
    return kept


def personal(paragraph: str) -> bool:
    """Whether the paragraph names a person, a date or a network identifier (then it is dropped)."""
    return bool(IDENTIFYING.search(paragraph) or MONTHS_DAYS.search(paragraph) or PERSON_RE.search(paragraph))


def topic_paragraphs() -> list[dict[str, str]]:
    from pydoc_data.topics import topics  # the source, read once

    unique: dict[str, dict[str, str]] = {}  # a topic such as "compound" repeats "if", "while"...
    for name in sorted(topics):
        for p in paragraphs(topics[name]):
            if not personal(p):
                unique.setdefault(p, {"file": f"pydoc_data/topics.py:{name}", "text": p})
    return list(unique.values())


def docstring_paragraphs() -> list[dict[str, str]]:
    lib = Path(sysconfig.get_paths()["stdlib"])
    found: list[dict[str, str]] = []
    for path in sorted(lib.rglob("*.py")):
        relative = path.relative_to(lib)
        if SKIPPED_DIRS.intersection(relative.parts[:-1]):
            continue
        try:
            tree = ast.parse(path.read_text("utf-8"))
        except (SyntaxError, UnicodeDecodeError):
            continue
        seen: set[str] = set()
        for node in ast.walk(tree):
            if not isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            doc = ast.get_docstring(node)
            for p in paragraphs(doc or ""):
                if p not in seen and not personal(p):
                    seen.add(p)
                    found.append({"file": f"Lib/{relative.as_posix()}", "text": p})
    unique: dict[str, dict[str, str]] = {}
    for record in found:
        unique.setdefault(record["text"], record)
    return list(unique.values())


def build() -> list[dict[str, str]]:
    rng = random.Random(SEED)
    topics = topic_paragraphs()
    seen = {record["text"] for record in topics}
    docstrings = [record for record in docstring_paragraphs() if record["text"] not in seen]
    return rng.sample(topics, PER_SOURCE) + rng.sample(docstrings, PER_SOURCE)


def main() -> None:
    records = build()
    target = HERE / "paragraphs.json"
    tmp = target.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(records, ensure_ascii=False, indent=1) + "\n", "utf-8")
    tmp.replace(target)
    print(f"{len(records)} paragraphs -> {target}")


if __name__ == "__main__":
    main()
