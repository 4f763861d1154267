"""The portal's test workspace (ALICE and BOB, an SMTP server catching the codes) for the portal
tests. The staff-page modules define their own ``env`` (an API app), which takes precedence there."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.support.portal import PortalEnv, make_portal
from tests.support.smtp import SmtpCatcher


@pytest.fixture
def smtp() -> Iterator[SmtpCatcher]:
    with SmtpCatcher() as catcher:
        yield catcher


@pytest.fixture
def env(tmp_path: Path, smtp: SmtpCatcher) -> Iterator[PortalEnv]:
    portal = make_portal(tmp_path / "ws", smtp)
    try:
        yield portal
    finally:
        portal.close()
