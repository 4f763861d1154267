"""The layering in docs/architecture.md holds: the import contracts of pyproject.toml.

``[tool.importlinter]`` in pyproject.toml declares three contracts (import-linter runs them
over the import graph of ``src/veil``; imports inside functions count, ``TYPE_CHECKING``
imports do not):

* ``layers`` — interfaces (``veil.cli``) → ``veil.demo`` → ``veil.ml`` → ``veil.dp`` |
  ``veil.pii`` | ``veil.rights`` → ``veil.vault`` → ``veil.consent`` → ``veil.workspace`` →
  ``veil.audit`` → ``veil.crypto`` → ``veil.migrations`` → the foundations (config,
  database, schema, fileio, clock, errors); a layer imports only the layers below it;
* ``interfaces`` — nothing below ``veil.cli`` imports it;
* ``acyclic`` — no import cycles among the modules and packages of any ``veil`` package.

``lint-imports`` (the same check, from the shell) prints the same report.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = ROOT / "pyproject.toml"


def _config() -> dict[str, object]:
    return dict(tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["tool"]["importlinter"])


def test_the_import_contracts_hold() -> None:
    """``lint-imports`` (as a developer or CI runs it) keeps every contract."""
    script = Path(sys.executable).parent / "lint-imports"
    proc = subprocess.run(
        [str(script), "--config", str(PYPROJECT), "--no-cache"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Contracts: 3 kept, 0 broken." in proc.stdout


def test_every_top_level_module_has_a_layer() -> None:
    """A new package or module of veil must be placed in the layers (not left unconstrained)."""
    contracts = {c["id"]: c for c in _config()["contracts"]}  # type: ignore[attr-defined]
    layered = {name.strip() for layer in contracts["layers"]["layers"] for name in re.split(r"[|:]", layer)}
    src = ROOT / "src" / "veil"
    top = {
        f"veil.{p.stem}"
        for p in src.iterdir()
        if (p.suffix == ".py" and p.stem not in ("__init__", "__main__"))
        or (p.is_dir() and (p / "__init__.py").exists())
    }
    assert top - layered == set(), f"modules no layer names: {sorted(top - layered)}"
    assert layered - top == set(), f"layers name modules that do not exist: {sorted(layered - top)}"
    below_interfaces = set(contracts["interfaces"]["source_modules"])
    interfaces = {"veil.cli", "veil.api", "veil.web"}
    assert below_interfaces == top - interfaces
    assert set(contracts["interfaces"]["forbidden_modules"]) == interfaces


def test_the_architecture_document_names_the_contract() -> None:
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    assert "tests/test_architecture.py" in text and "[tool.importlinter]" in text
