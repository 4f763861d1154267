"""Messages to people outside Veil (a data subject's sign-in code): a pluggable :class:`Sender`.

* :class:`~veil.notify.sender.Sender` — the protocol: ``send(message)``;
* :class:`~veil.notify.smtp.SmtpSender` — e-mail through an SMTP server named in ``veil.toml``
  (``[notify.smtp]``; :func:`~veil.notify.smtp.sender_from_config`);
* :class:`~veil.notify.outbox.Outbox` — sends on a background thread, so a caller's answer
  never waits for (or reveals) a delivery.
"""

from __future__ import annotations

from veil.notify.outbox import Outbox
from veil.notify.sender import Message, Sender
from veil.notify.smtp import SmtpSender, SmtpSettings, sender_from_config

__all__ = ["Message", "Outbox", "Sender", "SmtpSender", "SmtpSettings", "sender_from_config"]
