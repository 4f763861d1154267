"""Turn Presidio's recognizer test tables into labelled sentences (run once; see SOURCE.md).

Usage: ``python -m benchmarks.pii_data.presidio_tests.convert PRESIDIO_CHECKOUT [COMMIT]``.
Reads ``presidio-analyzer/tests/test_*_recognizer.py`` of the checkout (the files only; nothing is
imported or run), takes every ``@pytest.mark.parametrize("text, expected_len,
expected_positions, ...")`` table whose rows are plain literals, and the entity the file's
``entities`` fixture returns; writes ``cases.json`` next to this file. Each case keeps
Presidio's entity name; ``benchmarks.pii_outside`` maps it to Veil's types.
"""

from __future__ import annotations

import ast
import json
import sys
from pathlib import Path
from typing import Any


def _entity(tree: ast.Module) -> str | None:
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name == "entities":
            for sub in ast.walk(node):
                if isinstance(sub, ast.Return) and sub.value is not None:
                    try:
                        value = ast.literal_eval(sub.value)
                    except ValueError:
                        return None
                    return value[0] if isinstance(value, list) and len(value) == 1 else None
    return None


def _rows(tree: ast.Module) -> list[tuple[str, list[tuple[int, int]]]]:
    rows: list[tuple[str, list[tuple[int, int]]]] = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "parametrize"):
            continue
        if len(node.args) < 2 or not isinstance(node.args[0], ast.Constant):
            continue
        names = [n.strip() for n in str(node.args[0].value).split(",")]
        if names[:3] != ["text", "expected_len", "expected_positions"] or not isinstance(
            node.args[1], ast.List
        ):
            continue
        for element in node.args[1].elts:
            try:
                row: Any = ast.literal_eval(element)
            except ValueError:
                continue
            text, count, positions = row[0], row[1], list(row[2])
            if isinstance(text, str) and count == len(positions):
                rows.append((text, [(int(a), int(b)) for a, b in positions]))
    return rows


def main() -> None:
    root = Path(sys.argv[1]) / "presidio-analyzer" / "tests"
    cases = []
    for path in sorted(root.glob("test_*_recognizer.py")):
        tree = ast.parse(path.read_text("utf-8"))
        entity = _entity(tree)
        if entity is None:
            continue
        for text, positions in _rows(tree):
            cases.append({"file": path.name, "entity": entity, "text": text, "spans": positions})
    out = Path(__file__).with_name("cases.json")
    out.write_text(json.dumps(cases, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"{len(cases)} cases from {len({c['file'] for c in cases})} files -> {out}")


if __name__ == "__main__":
    main()
