"""Support for API tests: a workspace, the real app over it, and an httpx client per role
holding a real API key made through the library (``veil.identity.keys.ApiKeys``). The
fixtures ``api`` and ``clients`` (tests/api/conftest.py) give one per test:

    def test_something(api: ApiEnv) -> None:
        r = api.clients["analyst"].get("/v1/purposes")
        assert api.anon.get("/v1/purposes").status_code == 401

The analyst and service keys are granted the purpose ``research`` (registered here, basis
consent); ``api.ws`` is the app's own open workspace (use it to set up data, never open
another). ``api.client(token)`` makes a client for any other credential.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from pathlib import Path

from fastapi import FastAPI

with warnings.catch_warnings():
    # starlette 1.3's test client names anyio.abc.BlockingPortal, an alias newer anyio deprecates
    warnings.simplefilter("ignore", DeprecationWarning)
    from starlette.testclient import TestClient

from veil.api.app import create_app
from veil.api.settings import ServiceSettings
from veil.consent.purpose import PurposeRegistry
from veil.identity import ROLES
from veil.identity.keys import ApiKeys, NewKey
from veil.workspace import Workspace

__all__ = ["GRANTED_PURPOSE", "SUBJECT_ID", "ApiEnv", "TestClient", "close_env", "make_env"]

#: The purpose the analyst and service keys are granted.
GRANTED_PURPOSE = "research"
#: The subject the ``subject`` key belongs to (its raw id; the key holds its pseudonym).
SUBJECT_ID = "subject-0001"


@dataclass
class ApiEnv:
    root: Path
    app: FastAPI
    ws: Workspace
    keys: dict[str, NewKey]
    clients: dict[str, TestClient]
    anon: TestClient
    _extra: list[TestClient] = field(default_factory=list)

    def client(
        self, token: str | None = None, *, client: tuple[str, int] = ("127.0.0.1", 50000)
    ) -> TestClient:
        """A client of the app sending ``Authorization: Bearer <token>`` (none without one)."""
        headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
        c = TestClient(self.app, raise_server_exceptions=False, headers=headers, client=client)
        self._extra.append(c)
        return c


def make_env(root: Path, settings: ServiceSettings | None = None) -> ApiEnv:
    """A workspace at ``root`` (made if missing), the app over it, a key and client per role."""
    if not (root / "veil.toml").exists():
        Workspace.init(root).close()
    app = create_app(root, settings=settings or ServiceSettings())
    ws: Workspace = app.state.workspace
    PurposeRegistry(ws).add(GRANTED_PURPOSE, "consent", 365, "tests")
    keys = ApiKeys(ws)
    made: dict[str, NewKey] = {}
    for role in ROLES:
        made[role] = keys.create(
            role,
            purposes=[GRANTED_PURPOSE] if role in ("analyst", "service") else [],
            subject=ws.pseudonymize(SUBJECT_ID) if role == "subject" else None,
        )
    env = ApiEnv(root=root, app=app, ws=ws, keys=made, clients={}, anon=None)  # type: ignore[arg-type]
    env.anon = env.client()
    env.clients = {role: env.client(k.token) for role, k in made.items()}
    return env


def close_env(env: ApiEnv) -> None:
    for c in env._extra:
        c.close()
    env.ws.close()
