"""Turn the WNUT 2017 Emerging Entities test set (CoNLL, one token and BIO tag a line) into
``documents.json`` next to this file: the tokens of each document joined by single spaces, and
each entity as character offsets into that text, with its label and its text.

Run once from a git directory holding https://github.com/leondz/emerging_entities_17 at the
commit SOURCE.md names (nothing here runs at benchmark or test time)::

    python -m benchmarks.pii_data.wnut17_test.convert GIT_DIR COMMIT
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

SOURCE_FILE = "emerging.test.annotated"


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
        out.append({"index": len(out), "text": text, "entities": entities})
    return out


def main(git_dir: str, commit: str) -> None:
    conll = subprocess.run(
        ["git", f"--git-dir={git_dir}", "show", f"{commit}:{SOURCE_FILE}"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    docs = documents(conll)
    target = Path(__file__).with_name("documents.json")
    target.write_text(json.dumps(docs, ensure_ascii=False, indent=None) + "\n", encoding="utf-8")
    print(f"{len(docs)} documents, {sum(len(d['entities']) for d in docs)} entities", file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
