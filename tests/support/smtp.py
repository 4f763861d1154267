"""A real SMTP server for tests (aiosmtpd on a free local port) that keeps what it receives.

with SmtpCatcher() as smtp:
    ...  # send to 127.0.0.1:smtp.port
    message = smtp.wait_for(1)[0]
"""

from __future__ import annotations

import email
import email.policy
import re
import socket
import threading
import time
from email.message import EmailMessage
from types import TracebackType
from typing import Any

from aiosmtpd.controller import Controller

__all__ = ["SmtpCatcher", "code_in"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class _Handler:
    def __init__(self, catcher: SmtpCatcher) -> None:
        self.catcher = catcher

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        with self.catcher.lock:
            self.catcher.messages.append(message)
            self.catcher.recipients.append(list(envelope.rcpt_tos))
        return "250 OK"


class SmtpCatcher:
    """An SMTP server on 127.0.0.1 (no TLS, no auth) that records every message."""

    def __init__(self) -> None:
        self.port = _free_port()
        self.messages: list[EmailMessage] = []
        self.recipients: list[list[str]] = []
        self.lock = threading.Lock()
        self._controller = Controller(_Handler(self), hostname="127.0.0.1", port=self.port)

    def __enter__(self) -> SmtpCatcher:
        self._controller.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._controller.stop()

    def wait_for(self, n: int, timeout: float = 10.0) -> list[EmailMessage]:
        """The first ``n`` messages, waiting up to ``timeout`` seconds for them to arrive."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                if len(self.messages) >= n:
                    return list(self.messages[:n])
            time.sleep(0.02)
        raise AssertionError(f"expected {n} messages, the SMTP server got {len(self.messages)}")


def code_in(message: EmailMessage) -> str:
    """The sign-in code a portal message carries."""
    body = message.get_body(("plain",))
    assert body is not None
    found = re.search(r"\b(\d{6,})\b", body.get_content())
    assert found is not None, "no code in the message"
    return found.group(1)
