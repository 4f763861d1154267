"""E-mail through an SMTP server (the standard library's :mod:`smtplib`).

Settings come from the ``[notify.smtp]`` table of the workspace's ``veil.toml``::

    [notify.smtp]
    host = "smtp.example.org"
    port = 587
    starttls = true                      # STARTTLS before authenticating (default true)
    username = "veil"                    # optional
    password_env = "VEIL_SMTP_PASSWORD"  # the password is read from this variable, never the file
    from = "privacy@example.org"
    timeout_s = 10

A workspace without the table has no sender (:func:`sender_from_config` returns None): the
portal then says it cannot send codes instead of pretending to.
"""

from __future__ import annotations

import os
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path
from typing import Any

from veil.config import read_table
from veil.errors import ConfigError
from veil.notify.sender import Message

__all__ = ["SmtpSender", "SmtpSettings", "sender_from_config"]

_KNOWN = {"host", "port", "starttls", "username", "password_env", "from", "timeout_s"}


@dataclass(frozen=True, slots=True)
class SmtpSettings:
    host: str
    sender: str
    port: int = 587
    starttls: bool = True
    username: str | None = None
    password_env: str | None = None
    timeout_s: float = 10.0

    def __post_init__(self) -> None:
        if not self.host:
            raise ConfigError("[notify.smtp] host must be set")
        if "@" not in self.sender:
            raise ConfigError("[notify.smtp] from must be an e-mail address")
        if not 0 < self.port < 65536:
            raise ConfigError("[notify.smtp] port must be between 1 and 65535")
        if (self.username is None) != (self.password_env is None):
            raise ConfigError("[notify.smtp] username and password_env go together")

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> SmtpSettings:
        unknown = sorted(set(raw) - _KNOWN)
        if unknown:
            raise ConfigError(f"[notify.smtp] has unknown settings: {', '.join(unknown)}")
        try:
            return cls(
                host=str(raw.get("host", "")),
                sender=str(raw.get("from", "")),
                port=int(raw.get("port", 587)),
                starttls=bool(raw.get("starttls", True)),
                username=str(raw["username"]) if "username" in raw else None,
                password_env=str(raw["password_env"]) if "password_env" in raw else None,
                timeout_s=float(raw.get("timeout_s", 10.0)),
            )
        except (TypeError, ValueError) as exc:
            raise ConfigError(f"[notify.smtp] has a bad value: {exc}") from exc

    def password(self) -> str | None:
        if self.password_env is None:
            return None
        value = os.environ.get(self.password_env)
        if value is None:
            raise ConfigError(f"[notify.smtp] password_env names ${self.password_env}, which is not set")
        return value


class SmtpSender:
    """Sends each message over a new SMTP connection (STARTTLS and login when configured)."""

    def __init__(self, settings: SmtpSettings) -> None:
        self.settings = settings

    def send(self, message: Message) -> None:
        s = self.settings
        mail = EmailMessage()
        mail["From"] = s.sender
        mail["To"] = message.to
        mail["Subject"] = message.subject
        mail["Date"] = formatdate(localtime=False, usegmt=True)
        mail["Message-ID"] = make_msgid(domain=s.sender.rsplit("@", 1)[1])
        mail.set_content(message.body)
        with smtplib.SMTP(s.host, s.port, timeout=s.timeout_s) as smtp:
            if s.starttls:
                smtp.starttls(context=ssl.create_default_context())
            password = s.password()
            if s.username is not None and password is not None:
                smtp.login(s.username, password)
            smtp.send_message(mail)


def sender_from_config(root: Path) -> SmtpSender | None:
    """The sender ``root/veil.toml`` configures (``[notify.smtp]``), or None without one."""
    notify = read_table(root, "notify")
    unknown = sorted(set(notify) - {"smtp"})
    if unknown:
        raise ConfigError(f"[notify] has unknown settings: {', '.join(unknown)}")
    table = notify.get("smtp")
    if table is None:
        return None
    if not isinstance(table, dict):
        raise ConfigError("[notify.smtp] must be a table")
    return SmtpSender(SmtpSettings.from_dict(table))
