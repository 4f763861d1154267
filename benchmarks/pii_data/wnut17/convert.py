"""Turn one split of WNUT 2017 Emerging Entities (CoNLL, one token and BIO tag a line) into
the ``documents.json`` of its corpus folder: the tokens of each document joined by single
spaces, and each entity as character offsets into that text, with its label and its text.

One converter for both corpora, so the dev corpus is made exactly as the held-out one:

* ``wnut17_test`` - ``emerging.test.annotated``, the test set (held-out: never tuned on);
* ``wnut17_dev`` - ``emerging.dev.conll``, the dev set (a dev corpus: tuned on).

Run once from a git directory holding https://github.com/leondz/emerging_entities_17 at the
commit the corpus's SOURCE.md names (nothing here runs at benchmark or test time)::

    python -m benchmarks.pii_data.wnut17.convert GIT_DIR COMMIT CORPUS
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

# Each corpus -> its file in the WNUT 2017 repository.
SOURCE_FILES: dict[str, str] = {
    "wnut17_test": "emerging.test.annotated",
    "wnut17_dev": "emerging.dev.conll",
}


def documents(conll: str) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for block in conll.strip("\n").split("\n\n"):
        tokens: list[str] = []
        tags: list[str] = []
        for line in block.split("\n"):
            token, tag = line.rsplit("\t", 1)
            tokens.append(token)
            tags.append(tag.strip())
        text, starts = "", []
        for token in tokens:
            if text:
                text += " "
            starts.append(len(text))
            text += token
        out.append({"index": len(out), "text": text, "entities": bio_entities(text, tokens, starts, tags)})
    return out


def bio_entities(
    text: str, tokens: Sequence[str], starts: Sequence[int], tags: Sequence[str]
) -> list[dict[str, Any]]:
    """The entities BIO ``tags`` mark, as character offsets into ``text`` (token ``i`` written at
    ``starts[i]``) with their label and text; an ``I-`` tag after another label opens an entity."""
    entities: list[dict[str, Any]] = []
    for i, tag in enumerate(tags):
        if tag.startswith("B-") or (tag.startswith("I-") and (i == 0 or tags[i - 1][2:] != tag[2:])):
            entities.append({"start": starts[i], "end": starts[i] + len(tokens[i]), "label": tag[2:]})
        elif tag.startswith("I-"):
            entities[-1]["end"] = starts[i] + len(tokens[i])
        elif tag != "O":
            raise ValueError(f"unknown tag {tag!r}")
    for e in entities:
        e["text"] = text[e["start"] : e["end"]]
    return entities


def write_corpus(
    git_dir: str, commit: str, source_file: str, corpus: str, convert: Callable[[str], list[dict[str, Any]]]
) -> None:
    """Convert ``source_file`` as of ``commit`` in ``git_dir`` with ``convert`` into
    ``benchmarks/pii_data/<corpus>/documents.json`` (the CoNLL converters' shared last step)."""
    conll = subprocess.run(
        ["git", f"--git-dir={git_dir}", "show", f"{commit}:{source_file}"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    docs = convert(conll)
    target = Path(__file__).parent.parent / corpus / "documents.json"
    target.write_text(json.dumps(docs, ensure_ascii=False, indent=None) + "\n", encoding="utf-8")
    print(f"{len(docs)} documents, {sum(len(d['entities']) for d in docs)} entities", file=sys.stderr)


def main(git_dir: str, commit: str, corpus: str) -> None:
    write_corpus(git_dir, commit, SOURCE_FILES[corpus], corpus, documents)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3])
