"""Cut identifier-free prose paragraphs out of NumPy's documentation (reStructuredText).

Run once to make ``paragraphs.json`` next to this file from a git directory holding NumPy
(https://github.com/numpy/numpy) at the commit SOURCE.md names::

    python -m benchmarks.pii_data.numpy_docs_prose.convert GIT_DIR COMMIT

The same cut as the Rust book corpus (``rust_book_prose/SOURCE.md``), for reStructuredText:
directives and their indented bodies, literal blocks (after ``::``), doctests, headings,
lists, tables, field lists and comments are removed; paragraphs of at least 120 characters
remain; inline roles, literals, emphasis and link targets are unwrapped. Paragraphs with a
URL, an ``@``, a four-digit year, a network address, or a name on the deny list (people the
documents cite, month and weekday names) are dropped, then 300 are sampled with
``random.Random(20261204)``. The result was read whole before it was committed (SOURCE.md).
Nothing here runs at benchmark or test time.
"""

from __future__ import annotations

import json
import random
import re
import subprocess
import sys
from pathlib import Path

FOLDERS = ("doc/source/user/", "doc/source/reference/")
MIN_CHARS = 120
SAMPLE = 300
SEED = 20261204

# people and things named in the documents that are not ordinary words (checked by reading)
DENY = re.compile(
    r"\b(Travis|Oliphant|Nicolas|Rougier|Hayseed|Mandelbrot|Vandermonde|Riverbank|Google|Fourier|"
    r"Guido|Rossum|Knuth|Wilkinson|Golub|Van Loan|Press|Teukolsky|Vetterling|"
    r"Flannery|Numerical Recipes|Matlab|MATLAB|Octave|IDL|Mathematica|Einstein|Fortran 77|"
    r"Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|January|February|March|April|"
    r"June|July|August|September|October|November|December)\b"
)
DROP = re.compile(
    r"https?://|www\.|@|\b(1[5-9]|20)\d\d\b|(?<!\d)\d{1,3}(\.\d{1,3}){3}(?!\d)|localhost|\.com\b|\.org\b"
)
ROLE = re.compile(r":[a-zA-Z:]+:`(~?)([^`<]*?)(?:\s*<([^>`]*)>)?`")
LINK = re.compile(r"`([^`<]+?)\s*<[^>`]*>`_{1,2}")
REF = re.compile(r"`([^`]+)`_{1,2}")


def _role(match: re.Match[str]) -> str:
    tilde, text, target = match.group(1), match.group(2).strip(), match.group(3)
    if not text and target:
        text = target
    if tilde:
        text = text.rsplit(".", 1)[-1]
    return text


def unwrap(paragraph: str) -> str:
    text = " ".join(line.strip() for line in paragraph.splitlines())
    text = ROLE.sub(_role, text)
    text = LINK.sub(r"\1", text)
    text = REF.sub(r"\1", text)
    text = re.sub(r"``([^`]+)``", r"\1", text)
    text = re.sub(r"\*\*([^*]+)\*\*", r"\1", text)
    text = re.sub(r"(?<![\w*])\*([^*\s][^*]*?)\*(?![\w*])", r"\1", text)
    text = re.sub(r"\|([^|\s]+)\|", r"\1", text)
    text = re.sub(r"\s*::$", ":", text)
    return re.sub(r"\s+", " ", text).strip()


def blocks(source: str) -> list[str]:
    """Top-level prose blocks: not indented, not a directive/heading/list/table/comment."""
    out: list[str] = []
    lines = source.splitlines()
    i = 0
    while i < len(lines):
        if not lines[i].strip():
            i += 1
            continue
        block = []
        while i < len(lines) and lines[i].strip():
            block.append(lines[i])
            i += 1
        first = block[0]
        literal_follows = block[-1].rstrip().endswith("::")
        skip = (
            first.startswith((" ", "\t", "..", ">>>", "*", "-", "+", "#", "|", "=", ":", "1.", "("))
            or re.match(r"^\s*(\d+|[a-z])[.)]\s", first) is not None
            or any(re.fullmatch(r"[=\-~^*#+\"'`.:]{3,}", line.strip()) for line in block)
            or any(line.startswith((" ", "\t")) for line in block[1:])
        )
        if not skip:
            out.append("\n".join(block))
        if literal_follows or first.startswith(".."):
            # the indented body that follows belongs to the directive or literal block
            while i < len(lines) and (not lines[i].strip() or lines[i].startswith((" ", "\t"))):
                i += 1
    return out


def main(git_dir: str, commit: str) -> None:
    names = subprocess.run(
        ["git", f"--git-dir={git_dir}", "ls-tree", "-r", "--name-only", commit],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    files = sorted(
        n for n in names if n.endswith(".rst") and n.startswith(FOLDERS) and "/generated/" not in n
    )
    paragraphs = []
    for name in files:
        source = subprocess.run(
            ["git", f"--git-dir={git_dir}", "show", f"{commit}:{name}"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for block in blocks(source):
            text = unwrap(block)
            if len(text) < MIN_CHARS or DROP.search(text) or DENY.search(text) or "`" in text:
                continue
            paragraphs.append({"file": name, "text": text})
    print(f"{len(paragraphs)} paragraphs from {len(files)} files", file=sys.stderr)
    chosen = sorted(random.Random(SEED).sample(range(len(paragraphs)), SAMPLE))
    out = [paragraphs[i] for i in chosen]
    target = Path(__file__).with_name("paragraphs.json")
    target.write_text(json.dumps(out, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
