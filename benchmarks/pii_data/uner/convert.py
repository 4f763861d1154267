"""Turn Universal NER's English PUD file (``en_pud-ud-test.iob2``: CoNLL-U-like blocks, one
sentence each with its ``# text =`` line, then one token a line with its BIO tag of ``PER``,
``LOC`` or ``ORG`` in the third column) into ``uner_pud_dev/documents.json``.

A document is what the file opens with ``# newdoc id =`` (news articles ``n…``, Wikipedia
articles ``w…``; two or three sentences each). Its text is its sentences' ``# text`` lines, as
written (their own spacing and quotes), joined by single spaces; each token is found in its
sentence's text left to right, so an entity's offsets cut out the words as the sentence wrote
them. Labels are copied as they are (the loader maps them to Veil's types).

Run once from a git directory holding https://github.com/UniversalNER/UNER_English-PUD at the
commit ``uner_pud_dev/SOURCE.md`` names (nothing here runs at benchmark or test time)::

    python -m benchmarks.pii_data.uner.convert GIT_DIR COMMIT
"""

from __future__ import annotations

import sys
from typing import Any

from benchmarks.pii_data.wnut17.convert import bio_entities, write_corpus

# The corpus -> its file in the repository.
SOURCE_FILES: dict[str, str] = {"uner_pud_dev": "en_pud-ud-test.iob2"}
_DOC = "# newdoc id = "
_SENT = "# sent_id = "
_TEXT = "# text = "


class _Sentence:
    """One sentence: its text and its tokens' forms, tags and offsets into that text."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens: list[str] = []
        self.tags: list[str] = []
        self.starts: list[int] = []

    def add(self, form: str, tag: str) -> None:
        at = self.text.find(form, self.starts[-1] + len(self.tokens[-1]) if self.tokens else 0)
        gap = self.text[self.starts[-1] + len(self.tokens[-1]) if self.tokens else 0 : at]
        if at < 0 or gap.strip():
            raise ValueError(f"token {len(self.tokens) + 1} is not next in its sentence's text")
        self.tokens.append(form)
        self.tags.append(tag)
        self.starts.append(at)


def _documents(iob2: str) -> list[tuple[str, list[_Sentence]]]:
    docs: list[tuple[str, list[_Sentence]]] = []
    sentence: _Sentence | None = None
    for line in iob2.split("\n"):
        if line.startswith(_DOC):
            docs.append((line[len(_DOC) :].strip(), []))
        elif line.startswith(_TEXT):
            sentence = _Sentence(line[len(_TEXT) :])
            docs[-1][1].append(sentence)
        elif line.startswith(_SENT) or not line.strip():
            continue
        elif line.startswith("#"):
            raise ValueError(f"unknown comment line {line.split('=')[0]!r}")
        else:
            columns = line.split("\t")
            if sentence is None or len(columns) != 5:
                raise ValueError("a token line outside a sentence or not of five columns")
            sentence.add(columns[1], columns[2])
    return docs


def document(doc_id: str, sentences: list[_Sentence], index: int) -> dict[str, Any]:
    """One document's record: its sentences joined by single spaces, entities as offsets."""
    text = ""
    tokens: list[str] = []
    starts: list[int] = []
    tags: list[str] = []
    for s in sentences:
        if text:
            text += " "
        offset = len(text)
        text += s.text
        tokens.extend(s.tokens)
        tags.extend(s.tags)
        starts.extend(offset + start for start in s.starts)
    # A sentence boundary ends an entity: no I- tag continues the sentence before's.
    return {"index": index, "id": doc_id, "text": text, "entities": bio_entities(text, tokens, starts, tags)}


def documents(iob2: str) -> list[dict[str, Any]]:
    return [document(doc_id, sentences, i) for i, (doc_id, sentences) in enumerate(_documents(iob2))]


def main(git_dir: str, commit: str, corpus: str = "uner_pud_dev") -> None:
    write_corpus(git_dir, commit, SOURCE_FILES[corpus], corpus, documents)


if __name__ == "__main__":
    main(*sys.argv[1:])
