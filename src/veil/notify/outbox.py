"""Sending on a background thread: the caller's answer never waits for a delivery.

The portal's sign-in answers in the same time whether or not a code was sent (a code goes
only to a subject Veil holds); handing the message to an :class:`Outbox` keeps the SMTP
round trip out of that answer. A failed delivery is logged by its exception's class only
(never the address or the message).
"""

from __future__ import annotations

import logging
import queue
import threading

from veil.notify.sender import Message, Sender

__all__ = ["Outbox"]

log = logging.getLogger(__name__)

#: Messages waiting at most (past that a new one is dropped and logged: a flood of sign-ins
#: must not grow memory without bound).
MAX_WAITING = 1000


class Outbox:
    """A queue in front of a :class:`Sender`, drained by one daemon thread (started lazily)."""

    def __init__(self, sender: Sender) -> None:
        self.sender = sender
        self._queue: queue.Queue[Message | None] = queue.Queue(MAX_WAITING)
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self.failures = 0

    def put(self, message: Message) -> None:
        """Queue ``message`` for delivery and return at once."""
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._drain, name="veil-outbox", daemon=True)
                self._thread.start()
        try:
            self._queue.put_nowait(message)
        except queue.Full:
            self.failures += 1
            log.warning("outbox full: a message was dropped")

    def _drain(self) -> None:
        while True:
            message = self._queue.get()
            try:
                if message is None:
                    return
                self.sender.send(message)
            except Exception as exc:  # a delivery failure must not end the thread
                self.failures += 1
                log.warning("message delivery failed: %s", type(exc).__name__)
            finally:
                self._queue.task_done()

    def join(self) -> None:
        """Wait until every queued message was handed to the sender (tests, shut-down)."""
        self._queue.join()

    def close(self) -> None:
        """Deliver what is queued, then stop the thread."""
        with self._lock:
            thread = self._thread
            self._thread = None
        if thread is not None and thread.is_alive():
            self._queue.put(None)
            thread.join(timeout=30)
