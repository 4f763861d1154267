"""Support for the data-subject portal's tests: the real app over a workspace holding two
subjects with e-mail addresses, a real SMTP server (aiosmtpd) catching the codes, and a
helper that signs a subject in through the pages.

    env = make_portal(tmp_path, smtp)
    client = env.sign_in(ALICE)
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from pathlib import Path

import httpx2 as httpx
from fastapi import FastAPI
from tests.support.api import TestClient
from tests.support.smtp import SmtpCatcher, code_in

from veil.api.app import create_app
from veil.api.settings import ServiceSettings
from veil.consent.ledger import ConsentLedger
from veil.consent.purpose import PurposeRegistry
from veil.vault.ingest import Ingestor
from veil.workspace import Workspace

__all__ = ["ALICE", "BOB", "NOBODY", "PURPOSE", "PortalEnv", "csrf_of", "make_portal"]

ALICE = "S-0001"
BOB = "S-0002"
NOBODY = "S-9999"
PURPOSE = "research"
EMAILS = {ALICE: "alice@example.org", BOB: "bob@example.org"}


def csrf_of(html: str) -> str:
    """The CSRF token of the first form of a page."""
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found is not None, "no CSRF token on the page"
    return found.group(1)


@dataclass
class PortalEnv:
    root: Path
    app: FastAPI
    ws: Workspace
    smtp: SmtpCatcher
    clients: list[TestClient] = field(default_factory=list)

    def client(self, host: str = "127.0.0.1") -> TestClient:
        c = TestClient(
            self.app, raise_server_exceptions=True, base_url="http://testserver", client=(host, 50000)
        )
        self.clients.append(c)
        return c

    def request_code(self, client: TestClient, identifier: str) -> str:
        """Ask for a code for ``identifier`` and return the code the SMTP server caught."""
        before = len(self.smtp.messages)
        r = self.ask(client, identifier)
        assert r.status_code == 303, r.text
        return code_in(self.smtp.wait_for(before + 1)[before])

    def ask(self, client: TestClient, identifier: str) -> httpx.Response:
        """Post the sign-in form (with the form's CSRF token) for ``identifier``."""
        token = csrf_of(client.get("/portal/sign-in").text)
        data = {"identifier": identifier, "csrf_token": token}
        return client.post("/portal/sign-in", data=data, follow_redirects=False)

    def try_code(self, client: TestClient, code: str) -> httpx.Response:
        """Post the code form (with its CSRF token)."""
        token = csrf_of(client.get("/portal/sign-in/code").text)
        return client.post(
            "/portal/sign-in/code", data={"code": code, "csrf_token": token}, follow_redirects=False
        )

    def sign_in(self, identifier: str, host: str = "127.0.0.1") -> TestClient:
        client = self.client(host)
        code = self.request_code(client, identifier)
        r = self.try_code(client, code)
        assert r.status_code == 303 and r.headers["location"] == "/portal", r.text
        return client

    def close(self) -> None:
        for c in self.clients:
            c.close()
        signin = getattr(self.app.state, "portal_signin", None)
        if signin is not None and signin.outbox is not None:
            signin.outbox.close()
        self.ws.close()


def make_portal(root: Path, smtp: SmtpCatcher) -> PortalEnv:
    """A workspace holding ALICE and BOB (name, e-mail, age) with consent to PURPOSE, the app."""
    Workspace.init(root).close()
    with (root / "veil.toml").open("a", encoding="utf-8") as f:
        f.write(
            f'\n[notify.smtp]\nhost = "127.0.0.1"\nport = {smtp.port}\nstarttls = false\n'
            'from = "privacy@example.org"\n'
        )
    app = create_app(root, settings=ServiceSettings())
    ws: Workspace = app.state.workspace
    PurposeRegistry(ws).add(PURPOSE, "consent", 365, "medical research")
    data = root.parent / "people.csv"
    with data.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["subject_id", "full_name", "email", "age"])
        w.writerow([ALICE, "Alice Example", EMAILS[ALICE], 34])
        w.writerow([BOB, "Bob Example", EMAILS[BOB], 51])
        for i in range(3, 30):
            w.writerow([f"S-{i:04d}", f"Person {i}", f"p{i}@example.org", 20 + i])
    Ingestor(ws).run(data, "people", "subject_id")
    for sid in (ALICE, BOB):
        ConsentLedger(ws).record(sid, PURPOSE, "grant")
    return PortalEnv(root, app, ws, smtp)
