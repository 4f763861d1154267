"""Fixtures of the API tests: ``api`` (the app over a fresh workspace, a real API key and
client per role) and ``clients`` (``{role: client}``); see tests/support/api.py."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.support.api import ApiEnv, TestClient, close_env, make_env


@pytest.fixture
def api(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[ApiEnv]:
    """The app over a fresh SQLite workspace, with a client per role (see the module doc)."""
    monkeypatch.setenv("VEIL_ACTOR", "api-test")
    env = make_env(tmp_path / "ws")
    try:
        yield env
    finally:
        close_env(env)


@pytest.fixture
def clients(api: ApiEnv) -> dict[str, TestClient]:
    """``{role: client}`` for every role (a real API key each)."""
    return api.clients
