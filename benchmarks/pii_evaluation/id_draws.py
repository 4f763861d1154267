"""Drawing identifiers for the generated corpora: digits, birth dates, and the check character
python-stdnum accepts. Shared by the identifier makers of both corpus families."""

from __future__ import annotations

import random
import string
from collections.abc import Callable

__all__ = ["birth", "complete", "digits"]


def digits(rng: random.Random, n: int, first: str = "123456789") -> str:
    return rng.choice(first) + "".join(rng.choice(string.digits) for _ in range(n - 1))


def birth(rng: random.Random) -> tuple[int, int, int]:
    return rng.randint(1945, 2005), rng.randint(1, 12), rng.randint(1, 28)


def complete(rng: random.Random, body: Callable[[], str], valid: Callable[[str], bool], alphabet: str) -> str:
    """``body() + c`` for the check character ``c`` that python-stdnum accepts (new body if none)."""
    for _ in range(1000):
        stem = body()
        for ch in alphabet:
            if valid(stem + ch):
                return stem + ch
    raise RuntimeError("no valid identifier found")  # pragma: no cover
