"""Turn a Universal NER English file (CoNLL-U-like blocks, one sentence each with its
``# text =`` line, then one token a line with its BIO tag of ``PER``, ``LOC`` or ``ORG`` in the
third column) into the ``documents.json`` of its corpus folder. One converter for all three
corpora, so the held-out one is made exactly as the dev ones:

* ``uner_pud_dev`` - ``en_pud-ud-test.iob2`` of UNER_English-PUD (news and Wikipedia; dev);
* ``uner_ewt_dev`` - ``en_ewt-ud-dev.iob2`` of UNER_English-EWT (web text; dev);
* ``uner_ewt_test`` - ``en_ewt-ud-test.iob2`` of UNER_English-EWT (web text; held-out: never
  read, printed or tuned on).

A document is what the file opens with ``# newdoc id =`` (PUD: news articles ``n…``, Wikipedia
articles ``w…``, two or three sentences each; EWT: one post, answer, e-mail, review or weblog
entry, its id naming its genre). Its text is its sentences' ``# text`` lines, as
written (their own spacing and quotes), joined by single spaces; each token is found in its
sentence's text left to right, so an entity's offsets cut out the words as the sentence wrote
them. Labels are copied as they are (the loader maps them to Veil's types).

A dev corpus must share no text with its held-out twin: ``uner_ewt_dev`` leaves out every
sentence of the dev file that shares an 8-word shingle (lower-cased ``[0-9a-z]+`` words) with the
held-out file's documents (:data:`HELDOUT_TWINS`; a repeated footer or quoted question), so
nothing tuned on the dev text can be a memory of held-out text. The held-out file is read for
this comparison only; nothing of it is printed.

Run once from a git directory holding https://github.com/UniversalNER/UNER_English-PUD (or
``UNER_English-EWT``) at the commit the corpus's ``SOURCE.md`` names (nothing here runs at
benchmark or test time)::

    python -m benchmarks.pii_data.uner.convert GIT_DIR COMMIT [CORPUS]
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterable
from typing import Any

from benchmarks.pii_data.wnut17.convert import bio_entities, write_corpus

# The corpus -> its file in the repository.
SOURCE_FILES: dict[str, str] = {
    "uner_pud_dev": "en_pud-ud-test.iob2",
    "uner_ewt_dev": "en_ewt-ud-dev.iob2",
    "uner_ewt_test": "en_ewt-ud-test.iob2",
}
# A dev corpus -> the held-out file whose text it must not share.
HELDOUT_TWINS: dict[str, str] = {"uner_ewt_dev": "en_ewt-ud-test.iob2"}
SHINGLE_WORDS = 8
_WORDS = re.compile(r"[0-9a-z]+")
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


def shingles(text: str, n: int = SHINGLE_WORDS) -> set[str]:
    """The runs of ``n`` consecutive lower-cased words of ``text`` (the overlap test's unit)."""
    words = _WORDS.findall(text.lower())
    return {" ".join(words[i : i + n]) for i in range(len(words) - n + 1)}


def _all_shingles(texts: Iterable[str]) -> set[str]:
    out: set[str] = set()
    for text in texts:
        out |= shingles(text)
    return out


def documents_apart(iob2: str, heldout_iob2: str) -> list[dict[str, Any]]:
    """The documents of ``iob2`` without the sentences that share a shingle with a document of
    ``heldout_iob2`` (a document keeps its other sentences, its id and its place)."""
    taken = _all_shingles(" ".join(s.text for s in sentences) for _, sentences in _documents(heldout_iob2))
    out: list[dict[str, Any]] = []
    for i, (doc_id, sentences) in enumerate(_documents(iob2)):
        record = document(doc_id, [s for s in sentences if shingles(s.text).isdisjoint(taken)], i)
        if not shingles(record["text"]).isdisjoint(taken):
            # a shingle across two kept sentences: the converter does not guess which to drop
            raise ValueError(f"document {i + 1} still shares text with the held-out file")
        out.append(record)
    return out


def _show(git_dir: str, commit: str, path: str) -> str:
    return subprocess.run(
        ["git", f"--git-dir={git_dir}", "show", f"{commit}:{path}"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def main(git_dir: str, commit: str, corpus: str = "uner_pud_dev") -> None:
    twin = HELDOUT_TWINS.get(corpus)
    if twin is None:
        write_corpus(git_dir, commit, SOURCE_FILES[corpus], corpus, documents)
    else:
        heldout = _show(git_dir, commit, twin)
        write_corpus(
            git_dir, commit, SOURCE_FILES[corpus], corpus, lambda iob2: documents_apart(iob2, heldout)
        )


if __name__ == "__main__":
    main(*sys.argv[1:])
