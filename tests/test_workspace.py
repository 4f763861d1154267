"""Workspace settings."""

from __future__ import annotations

from pathlib import Path

import pytest

from veil.errors import ConfigError
from veil.workspace import Workspace


def test_database_url_can_come_from_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """$VEIL_DATABASE_URL replaces the URL in veil.toml; a store of another workspace is refused."""
    Workspace.init(tmp_path / "a").close()
    Workspace.init(tmp_path / "b").close()
    monkeypatch.setenv("VEIL_DATABASE_URL", f"sqlite:///{tmp_path / 'b' / 'veil.db'}")
    with pytest.raises(ConfigError, match="different workspaces"):
        Workspace.open(tmp_path / "a")
    monkeypatch.setenv("VEIL_DATABASE_URL", f"sqlite:///{tmp_path / 'a' / 'veil.db'}")
    Workspace.open(tmp_path / "a").close()
