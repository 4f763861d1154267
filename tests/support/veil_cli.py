"""Run the real ``veil`` console script in a subprocess (shared by the e2e tests)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest


def _veil_executable() -> str:
    beside = Path(sys.executable).parent / "veil"
    if beside.exists():
        return str(beside)
    found = shutil.which("veil")
    if found is None:  # pragma: no cover - the package is installed with its console script
        pytest.fail("the veil console script is not installed (pip install -e .)")
    return found


VEIL = _veil_executable()


def veil_env(actor: str = "e2e") -> dict[str, str]:
    """The environment the CLI runs with: this one, an actor name, no debug tracebacks."""
    env = {k: v for k, v in os.environ.items() if k != "VEIL_DEBUG"}
    env["VEIL_ACTOR"] = actor
    return env


def veil(
    *args: str, ws: Path | None = None, check: bool = True, actor: str = "e2e", timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    """``veil ARGS [--workspace WS]`` with no stdin; raises with its output when it fails and ``check``."""
    cmd = [VEIL, *args]
    if ws is not None:
        cmd += ["--workspace", str(ws)]
    proc = subprocess.run(
        cmd, capture_output=True, text=True, env=veil_env(actor), timeout=timeout, stdin=subprocess.DEVNULL
    )
    if check and proc.returncode != 0:
        raise AssertionError(f"{args} exited {proc.returncode}\nstdout:{proc.stdout}\nstderr:{proc.stderr}")
    return proc


def veil_json(*args: str, ws: Path, actor: str = "e2e") -> Any:
    return json.loads(veil(*args, "--json", ws=ws, actor=actor).stdout)
