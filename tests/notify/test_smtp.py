"""The SMTP sender against a real SMTP server (aiosmtpd), its settings, and the outbox."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from tests.support.smtp import SmtpCatcher

from veil.errors import ConfigError
from veil.notify import Message, Outbox, SmtpSender, SmtpSettings, sender_from_config


def _settings(port: int) -> SmtpSettings:
    return SmtpSettings(host="127.0.0.1", port=port, starttls=False, sender="privacy@example.org")


def test_smtp_sender_delivers_to_a_real_server() -> None:
    with SmtpCatcher() as smtp:
        SmtpSender(_settings(smtp.port)).send(Message("ana@example.com", "Your code", "Code: 123456"))
        [got] = smtp.wait_for(1)
    assert smtp.recipients == [["ana@example.com"]]
    assert got["From"] == "privacy@example.org"
    assert got["Subject"] == "Your code"
    assert got["Message-ID"].endswith("@example.org>")
    body = got.get_body(("plain",))
    assert body is not None and "Code: 123456" in body.get_content()


def test_a_message_never_shows_its_address_or_body() -> None:
    text = repr(Message("ana@example.com", "Your code", "Code: 123456"))
    assert "ana@" not in text and "123456" not in text


def test_settings_from_veil_toml(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert sender_from_config(tmp_path) is None  # no veil.toml: no sender
    (tmp_path / "veil.toml").write_text(
        '[notify.smtp]\nhost = "smtp.example.org"\nport = 2525\nstarttls = false\n'
        'username = "veil"\npassword_env = "VEIL_TEST_SMTP_PW"\nfrom = "dpo@example.org"\n',
        encoding="utf-8",
    )
    sender = sender_from_config(tmp_path)
    assert sender is not None
    s = sender.settings
    assert (s.host, s.port, s.starttls, s.username, s.sender) == (
        "smtp.example.org",
        2525,
        False,
        "veil",
        "dpo@example.org",
    )
    with pytest.raises(ConfigError, match="VEIL_TEST_SMTP_PW"):
        s.password()
    monkeypatch.setenv("VEIL_TEST_SMTP_PW", "pw")
    assert s.password() == "pw"


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ('host = "h"\nfrom = "a@b.org"\nsmarthost = 1\n', "unknown settings: smarthost"),
        ('host = ""\nfrom = "a@b.org"\n', "host must be set"),
        ('host = "h"\nfrom = "nobody"\n', "from must be an e-mail"),
        ('host = "h"\nfrom = "a@b.org"\nport = 70000\n', "port must be"),
        ('host = "h"\nfrom = "a@b.org"\nusername = "u"\n', "go together"),
    ],
)
def test_bad_settings_are_refused(tmp_path: Path, table: str, message: str) -> None:
    (tmp_path / "veil.toml").write_text("[notify.smtp]\n" + table, encoding="utf-8")
    with pytest.raises(ConfigError, match=message):
        sender_from_config(tmp_path)


class _SlowSender:
    def __init__(self) -> None:
        self.sent: list[str] = []
        self.release = threading.Event()

    def send(self, message: Message) -> None:
        self.release.wait(5)
        if message.subject == "fail":
            raise OSError("connection refused")
        self.sent.append(message.subject)


def test_the_outbox_returns_at_once_and_survives_a_failed_delivery() -> None:
    sender = _SlowSender()
    outbox = Outbox(sender)
    start = time.monotonic()
    outbox.put(Message("a@example.org", "fail", "x"))
    outbox.put(Message("a@example.org", "second", "x"))
    assert time.monotonic() - start < 0.5  # the slow sender is not waited for
    sender.release.set()
    outbox.join()
    assert sender.sent == ["second"] and outbox.failures == 1
    outbox.close()


def test_the_outbox_delivers_through_smtp() -> None:
    with SmtpCatcher() as smtp:
        outbox = Outbox(SmtpSender(_settings(smtp.port)))
        outbox.put(Message("bo@example.com", "Hello", "Body"))
        outbox.close()
        assert smtp.wait_for(1)[0]["To"] == "bo@example.com"
