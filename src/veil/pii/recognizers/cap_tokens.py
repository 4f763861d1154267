"""The capitalised words of a text (``name_patterns.CAP_TOKEN``: "Anna", "O'Neil", "J."), found
once for the finders that read them all in turn (the known-name gazetteer, lone first names):
each scan of a long text and each match object read back cost as much as the finder's own work.
"""

from __future__ import annotations

from veil.pii.recognizers.name_patterns import CAP_TOKEN

__all__ = ["Token", "cap_tokens"]

Token = tuple[int, int, str]  # start, end, the word

# The last text and its tokens: the finders of one text ask in turn (the same text object).
_memo: tuple[str, list[Token]] = ("", [])


def cap_tokens(text: str) -> list[Token]:
    """(start, end, word) of each ``CAP_TOKEN`` match of ``text``, in order; shared: not to be
    changed by the caller."""
    global _memo
    memo = _memo
    if memo[0] is text:
        return memo[1]
    tokens = [(m.start(), m.end(), m.group()) for m in CAP_TOKEN.finditer(text)]
    _memo = (text, tokens)
    return tokens
