"""``veil``'s public front: everything in ``__all__`` imports, is documented, and loads lazily."""

from __future__ import annotations

import importlib
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

import veil

ROOT = Path(__file__).resolve().parents[1]


def _documentation() -> str:
    return "\n".join(
        p.read_text(encoding="utf-8") for p in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
    )


@pytest.mark.parametrize("name", veil.__all__)
def test_every_public_name_imports_from_its_module(name: str) -> None:
    value = getattr(veil, name)
    if name == "__version__":
        assert isinstance(value, str)
        return
    module = importlib.import_module(veil._EXPORTS[name])
    assert getattr(module, name) is value
    assert name in dir(veil)


def test_all_is_the_sorted_list_of_exports() -> None:
    assert veil.__all__ == sorted([*veil._EXPORTS, "__version__"])
    from veil import Workspace  # the ordinary spelling works

    assert Workspace.__name__ == "Workspace"
    with pytest.raises(AttributeError, match="no attribute 'Nothing'"):
        veil.Nothing


def test_every_public_name_is_documented() -> None:
    docs = _documentation()
    missing = [n for n in veil.__all__ if n != "__version__" and not re.search(rf"\b{re.escape(n)}\b", docs)]
    assert missing == [], f"not named in README.md or docs/: {missing}"


def test_the_readme_shows_the_python_api() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Python API", 1)[1].split("\n## ", 1)[0]
    block = section.split("```python", 1)[1].split("```", 1)[0]
    for name in ("Workspace", "Release", "DpQuery", "PiiEngine", "Anonymizer", "erase_subject"):
        assert name in block  # tests/e2e/test_readme.py runs the block


def test_import_veil_loads_no_capability() -> None:
    """``import veil`` imports nothing of Veil but the package (so ``veil --help`` stays fast)."""
    code = "import json, sys, veil; print(json.dumps(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    modules = set(json.loads(out))
    assert {m for m in modules if m.startswith("veil.")} == set()
    assert not modules & {"sqlalchemy", "pyarrow", "duckdb", "numpy", "torch", "fastapi", "opendp", "spacy"}
