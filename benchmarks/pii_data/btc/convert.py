"""Turn section F of the Broad Twitter Corpus (CoNLL: one token and BIO tag of PER, LOC or ORG a
line, a blank line between tweets) into ``btc_dev/documents.json``: each tweet's tokens joined
by single spaces, except that an ``@`` token is joined to the handle after it (``@ jane`` in the
CoNLL file was ``@jane`` in the tweet; a mention split in two reads as no tweet does), and each
entity as character offsets into that text with BTC's label (``PER``, ``LOC``, ``ORG``) and its
text. Labels are copied as they are; which entities are mentions or hashtags is decided by the
loader (:mod:`benchmarks.pii_evaluation.btc`) from their text. A token that is blank (three in
section F, all tagged ``O``; one of them a line break that splits its line in two) is left out.

Run once from a git directory holding https://github.com/mayhewsw/broad_twitter_corpus at the
commit ``btc_dev/SOURCE.md`` names (nothing here runs at benchmark or test time)::

    python -m benchmarks.pii_data.btc.convert GIT_DIR COMMIT
"""

from __future__ import annotations

import re
import sys
from typing import Any

from benchmarks.pii_data.wnut17.convert import bio_entities, write_corpus

# The corpus -> its file in the repository (section F with its mentions' tags repaired by the
# repository's fix.py: the handle after a tagged "@" continues the entity).
SOURCE_FILES: dict[str, str] = {"btc_dev": "f.conll.fix"}
_HANDLE = re.compile(r"\w")


def _tokens(block: str) -> tuple[list[str], list[str]]:
    tokens: list[str] = []
    tags: list[str] = []
    for line in block.split("\n"):
        parts = line.split()
        if not parts or (len(parts) == 1 and line[0].isspace() and parts[0] == "O"):
            continue  # a blank token (its line broken in two in one tweet): nothing to place
        if len(parts) != 2:
            raise ValueError(f"not a token and a tag: {line!r}")
        tokens.append(parts[0])
        tags.append(parts[1])
    return tokens, tags


def document(block: str, index: int) -> dict[str, Any]:
    """One tweet's record from its CoNLL block."""
    tokens, tags = _tokens(block)
    text, starts = "", []
    for i, token in enumerate(tokens):
        glued = i > 0 and tokens[i - 1] == "@" and _HANDLE.match(token) is not None
        if text and not glued:
            text += " "
        starts.append(len(text))
        text += token
    return {"index": index, "text": text, "entities": bio_entities(text, tokens, starts, tags)}


def documents(conll: str) -> list[dict[str, Any]]:
    blocks = [b for b in conll.strip("\n").split("\n\n") if b.strip()]
    return [document(block, i) for i, block in enumerate(blocks)]


def main(git_dir: str, commit: str, corpus: str = "btc_dev") -> None:
    write_corpus(git_dir, commit, SOURCE_FILES[corpus], corpus, documents)


if __name__ == "__main__":
    main(*sys.argv[1:])
