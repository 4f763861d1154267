"""The words every match of a regular expression starts with, read from the compiled pattern.

Patterns of labels and cue words ("Account holder:", "Billed to", "Established in") start with an
alternation of words in any case (``common.words``). The engine finds where such words start
once per text, in the text's lower-case view (:mod:`veil.pii.recognizers.word_leads`), and tries
each pattern only there. :func:`word_prefixes` reads those words from the parse tree
(``re._parser``, as :mod:`veil.pii.regex_needs` does): for every way a match may begin, the plain
ASCII letters, digits and spaces it must begin with, in lower case, and whether a look-behind
right at its start or after its first character rules out a word character before it.

The reading is conservative: a character class of more than a few characters, an optional item, a
back-reference or a look-ahead ends a prefix where it is; a pattern with a way to begin that has no
prefix of :data:`MIN_PREFIX` characters, or more than :data:`MAX_PREFIXES` ways, has none, and
the engine scans for it as usual.
"""

from __future__ import annotations

import importlib
import re
from typing import Any

__all__ = ["MAX_PREFIXES", "MIN_PREFIX", "word_prefixes"]


def _module(name: str) -> Any:
    try:
        return importlib.import_module(name)
    except ImportError:  # pragma: no cover - an interpreter without it: every pattern is scanned for
        return None


_parser: Any = _module("re._parser")
_c: Any = _module("re._constants")

# Prefixes shorter than this start too many words of prose for a lead to be worth it; so do these
# (a pattern with one of them is scanned for: its places would be a good share of a text's words).
MIN_PREFIX = 2
_COMMON_STARTS = frozenset(
    ["an", "as", "at", "be", "by", "de", "di", "do", "en", "es", "in", "is", "it", "la"]
)
_COMMON_STARTS |= frozenset(
    ["le", "of", "on", "or", "so", "th", "to", "up", "we", "ha", "he", "wh", "wa", "wi"]
)
_COMMON_STARTS |= frozenset(["fo", "fr", "no", "ar", "ca", "re", "se", "pa", "ma", "mo", "al", "st"])
MAX_PREFIXES = 600
_MAX_LENGTH = 12  # longer prefixes add nothing to a lead's selectivity
_MAX_CLASS = 4  # a class of at most this many characters (in lower case) is enumerated
_PLAIN = frozenset("abcdefghijklmnopqrstuvwxyz0123456789 ./#:'&-")
# characters re matches case-insensitively to others than their own upper and lower case ("s" and
# "\u017f"): never in a prefix
_EXTRA_CASES: frozenset[int] = frozenset()
_casefix: Any = _module("re._casefix")
if _casefix is not None:
    _EXTRA_CASES = frozenset(code for key, others in _casefix._EXTRA_CASES.items() for code in (key, *others))


class _Unknown(Exception):
    """A shape this reading does not follow."""


# (prefix, complete): complete when the prefix is all the item can match, so what follows goes on it
_Prefixes = list[tuple[str, bool]]


def word_prefixes(regex: re.Pattern[str]) -> tuple[str, ...] | None:
    """The lower-case starts of every match of ``regex``, when every match starts at a word start
    (no word character before it) with one of them, each at least :data:`MIN_PREFIX` characters of
    ASCII letters, digits and spaces and none the start of the commonest words ("in", "at",
    "the"); None otherwise (or when this reading cannot tell)."""
    if _parser is None or _c is None:
        return None
    try:
        parsed = _parser.parse(regex.pattern, regex.flags)
        if not _word_start(list(parsed)):
            return None
        found = _sequence(list(parsed), bool(parsed.state.flags & re.IGNORECASE))
    except (_Unknown, RecursionError):
        return None
    except Exception:  # a shape this reading does not know
        return None
    starts = {p for p, _ in found}
    if not starts or any(len(p) < MIN_PREFIX or not p[0].isalnum() or p in _COMMON_STARTS for p in starts):
        return None
    return tuple(sorted(starts))


def _word_start(items: list[Any]) -> bool:
    """Whether the sequence ``items`` can only match where no word character comes before it: a
    look-behind for one first (``(?<![\\w-])X``), or right after a first character (``X(?<!\\wX)``),
    or every branch of a first alternation so."""
    if not items:
        return False
    op, av = items[0]
    if op is _c.SUBPATTERN:
        return _word_start(list(av[-1]))
    if op is _c.BRANCH:
        return all(_word_start(list(branch)) for branch in av[1])
    if _no_word_before(items[0], 1):
        return True
    # X(?<!\wX): the look-behind's second character is the first one, so it reads the one before it
    return (
        op in (_c.LITERAL, _c.IN)
        and len(items) > 1
        and _no_word_before(items[1], 2)
        and repr(list(items[1][1][1])[1]) == repr(items[0])
    )


def _no_word_before(item: Any, width: int) -> bool:
    """``item`` is a negative look-behind of ``width`` characters whose first is a class that holds
    every word character (``(?<![\\w'-])``, ``(?<!\\wA)``)."""
    op, av = item
    if op is not _c.ASSERT_NOT or av[0] != -1:
        return False
    body = list(av[1])
    if len(body) != width or body[0][0] is not _c.IN:
        return False
    members = body[0][1]
    return (_c.CATEGORY, _c.CATEGORY_WORD) in members and not any(m[0] is _c.NEGATE for m in members)


def _sequence(items: list[Any], icase: bool) -> _Prefixes:
    out: _Prefixes = [("", True)]
    for op, av in items:
        if all(not complete for _, complete in out):
            break
        if op in (_c.ASSERT, _c.ASSERT_NOT, _c.AT):
            continue  # zero-width: nothing consumed
        ways = _item(op, av, icase)
        grown: _Prefixes = []
        for prefix, complete in out:
            if not complete:
                grown.append((prefix, False))
                continue
            for more, goes_on in ways:
                whole = prefix + more
                grown.append((whole[:_MAX_LENGTH], goes_on and len(whole) < _MAX_LENGTH))
        out = list(dict.fromkeys(grown))
        if len(out) > MAX_PREFIXES:
            raise _Unknown
    return out


def _item(op: Any, av: Any, icase: bool) -> _Prefixes:
    if op is _c.LITERAL:
        char = _plain(chr(av))
        return [(char, True)] if char else [("", False)]
    if op is _c.IN:
        chars = _class(av, icase)
        return [(c, True) for c in chars] if chars else [("", False)]
    if op is _c.SUBPATTERN:
        _, add, remove, body = av
        inner = (icase or bool(add & re.IGNORECASE)) and not bool(remove & re.IGNORECASE)
        return _sequence(list(body), inner)
    if op is getattr(_c, "ATOMIC_GROUP", None):
        return _sequence(list(av), icase)
    if op is _c.BRANCH:
        return [way for branch in av[1] for way in _sequence(list(branch), icase)]
    if op in (_c.MAX_REPEAT, _c.MIN_REPEAT, getattr(_c, "POSSESSIVE_REPEAT", None)):
        least, _, body = av
        if least < 1:
            return [("", False)]
        return [(p, False) for p, _ in _sequence(list(body), icase)]  # at least once, then unknown
    return [("", False)]  # any character, a back-reference, a look-ahead's neighbour...


def _plain(char: str) -> str:
    """``char`` as the lower-case view writes whatever ``re`` matches to it (in any case, or
    exactly): its lower case; "" when that is not one character that nothing else folds to."""
    lower = char.lower()
    if char.isascii():
        return lower if lower in _PLAIN else ""
    if (
        len(lower) != 1
        or ord(char) in _EXTRA_CASES
        or ord(lower) in _EXTRA_CASES
        or not (lower.isalnum() or lower in "\u00b0\u00ba\u00aa")  # letters, "n\u00b0", "n\u00ba"
        or lower in "\u0130\u0131\u017f"
    ):
        return ""
    return lower


def _class(members: Any, icase: bool) -> list[str]:
    """The characters of a small class of plain characters, in lower case; [] otherwise."""
    chars: set[str] = set()
    for op, av in members:
        if op is _c.LITERAL:
            chars.add(chr(av))
        elif op is _c.RANGE and av[1] - av[0] < _MAX_CLASS * 2:
            chars.update(chr(c) for c in range(av[0], av[1] + 1))
        else:
            return []
    lowered = {_plain(c) for c in chars}
    if len(lowered) > _MAX_CLASS or "" in lowered:
        return []
    return sorted(lowered)
