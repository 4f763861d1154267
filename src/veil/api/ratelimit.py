"""Per-key and per-client rate limits: an in-process token bucket.

Why not a library: ``slowapi``/``limits`` are not dependencies of Veil, and the installed
``pyrate-limiter`` comes only with the test tool schemathesis; a token bucket is twenty
lines. The buckets live in the worker's memory, so with ``--workers N`` each worker counts
on its own (a client can get up to N times the rate across workers); the auth endpoint's
10-a-minute limit is per worker likewise. State is lost on restart, which only resets
counters.
"""

from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass

from veil.errors import RateLimitedError

__all__ = ["RateLimiter"]

#: Buckets kept at most (the oldest are dropped; a dropped bucket starts full again).
MAX_BUCKETS = 100_000


@dataclass(slots=True)
class _Bucket:
    tokens: float
    stamp: float


class RateLimiter:
    """``per_minute`` requests a minute per key, refilled continuously, bursts up to the rate."""

    def __init__(self, per_minute: int) -> None:
        self.per_minute = per_minute
        self._rate = per_minute / 60.0
        self._buckets: dict[str, _Bucket] = {}
        self._lock = threading.Lock()

    def hit(self, key: str) -> None:
        """Take one token for ``key``, or raise RateLimitedError (with the seconds to wait)."""
        now = time.monotonic()
        with self._lock:
            bucket = self._buckets.get(key)
            if bucket is None:
                if len(self._buckets) >= MAX_BUCKETS:
                    self._buckets.pop(next(iter(self._buckets)))
                bucket = self._buckets[key] = _Bucket(float(self.per_minute), now)
            bucket.tokens = min(float(self.per_minute), bucket.tokens + (now - bucket.stamp) * self._rate)
            bucket.stamp = now
            if bucket.tokens >= 1.0:
                bucket.tokens -= 1.0
                return
            wait = math.ceil((1.0 - bucket.tokens) / self._rate)
        raise RateLimitedError(
            f"rate limit of {self.per_minute} requests a minute reached; retry in {wait} s", retry_after=wait
        )
