"""The message and the sender protocol every delivery channel implements."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

__all__ = ["Message", "Sender"]


@dataclass(frozen=True, slots=True)
class Message:
    """One plain-text message to one recipient (``to`` is personal data: never logged)."""

    to: str
    subject: str
    body: str

    def __repr__(self) -> str:  # keeps the address and the body (a code) out of logs and tracebacks
        return f"Message(subject={self.subject!r})"


class Sender(Protocol):
    """Delivers a message, or raises (the caller decides what a failure means)."""

    def send(self, message: Message) -> None: ...
