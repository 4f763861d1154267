"""What every match of a regular expression must contain, read from the compiled pattern.

The engine runs some ninety patterns over every text, and most of them describe numbers: an
IBAN, a card, a date, a postcode. A text without a single digit cannot hold a match of any of
them, and prose, chat and headings often have none, so :func:`needs_digit` lets the engine skip
those patterns there (one ``\\d`` search per text instead of seventy scans).

The answer is read from the pattern's parse tree (``re._parser``, the parser ``re.compile`` itself
uses: no library exposes it, and a pattern string cannot be judged by testing it on samples).
It is conservative: only what every match must consume counts — a digit literal, a class of
digits only (``\\d``, ``[0-9]``, ``[2-7]``), a group, a repetition of at least once or an
alternation all of whose branches need one. Lookarounds, back-references and anything the parser
of a later Python shapes differently count as needing nothing, so the pattern always runs.
"""

from __future__ import annotations

import importlib
import re
from typing import Any

__all__ = [
    "digit_lead",
    "digit_run",
    "needed_strings",
    "needs_digit",
    "one_character",
    "starts_with",
    "widest",
]


def _module(name: str) -> Any:
    try:
        return importlib.import_module(name)
    except ImportError:  # pragma: no cover - an interpreter without it: nothing is skipped
        return None


# the parser re.compile uses (Python 3.11+; private, hence untyped and read defensively)
_parser: Any = _module("re._parser")
_c: Any = _module("re._constants")
_ZERO, _NINE = ord("0"), ord("9")


def needs_digit(regex: re.Pattern[str]) -> bool:
    """True when every match of ``regex`` contains a decimal digit (``\\d`` in Unicode)."""
    if _parser is None or _c is None:
        return False
    try:
        return _sequence(_parser.parse(regex.pattern, regex.flags))
    except Exception:  # a shape this reading does not know: the pattern always runs
        return False


def starts_with(regex: str, lead: str) -> bool:
    """True when every match of ``regex`` starts with a match of ``lead`` at the same position,
    which consumes at least one character: ``regex`` is ``lead`` followed by more, and ``lead`` is
    one item of its parse (a group, an alternation), not repeated there, with the same flags.
    False also when this reading cannot tell (the engine then scans for ``regex`` as usual)."""
    if _parser is None or not regex.startswith(lead):
        return False
    try:
        whole, head = _parser.parse(regex), _parser.parse(lead)
        return (
            len(head) == 1
            and len(whole) > 1
            and repr(whole[0]) == repr(head[0])
            and whole.state.flags == head.state.flags
            and head.getwidth()[0] > 0
        )
    except Exception:  # a shape this reading does not know
        return False


def digit_lead(regex: re.Pattern[str]) -> str:
    """The start of ``regex`` that every match begins with when it is one digit (a literal digit
    or a class of digits only) and the lookbehinds right after it: ``\\d(?<![\\w.]\\d)`` of
    ``\\d(?<![\\w.]\\d)\\d{3}-\\d{4}``; "" when the pattern starts otherwise or this reading
    cannot tell. The cut is checked on the parse: the lead's items are the pattern's first items.

    Lookbehinds before the digit (``(?<![<>]=)\\d(?<!\\w\\d)...``, "not after a comparison")
    are left out of the lead: they consume nothing, so every match still starts where the digit
    and its own lookbehinds match, and the pattern tried there checks them itself (a lookbehind
    reads the text before the place it is tried at). A scan for such a pattern tried its
    lookbehinds at every character of the text."""
    pattern = regex.pattern
    first = 0
    while pattern.startswith(("(?<!", "(?<="), first):
        first = _group_end(pattern, first)
        if not first:
            return ""
    end = _first_char_end(pattern, first)
    while end and pattern.startswith(("(?<!", "(?<="), end):
        end = _group_end(pattern, end)
    if not end or _parser is None or _c is None:
        return ""
    lead = pattern[first:end]
    try:
        whole, head = _parser.parse(pattern, regex.flags), _parser.parse(lead, regex.flags)
        before = _parser.parse(pattern[:first], regex.flags) if first else []
        skip = len(before)
        first_op, first_av = head[0]
        same = (
            whole.state.flags == head.state.flags
            and len(whole) >= skip + len(head)
            and all(repr(whole[i]) == repr(before[i]) for i in range(skip))
            and all(repr(whole[skip + i]) == repr(head[i]) for i in range(len(head)))
        )
        digit = (first_op is _c.LITERAL and _ZERO <= first_av <= _NINE) or (
            first_op is _c.IN and _digit_class(first_av)
        )
        behind = all(_lookbehind(op, av) for op, av in [*before, *head[1:]])
    except Exception:  # a shape this reading does not know: no lead
        return ""
    return lead if same and digit and behind else ""


def _lookbehind(op: Any, av: Any) -> bool:
    """An item that is a lookbehind (``(?<!...)``, ``(?<=...)``): it consumes nothing."""
    return (op is _c.ASSERT_NOT or op is _c.ASSERT) and av[0] == -1


def one_character(regex: re.Pattern[str]) -> bool:
    """True when every match of ``regex`` is exactly one character long (False when unsure)."""
    if _parser is None:
        return False
    try:
        return bool(_parser.parse(regex.pattern, regex.flags).getwidth() == (1, 1))
    except Exception:  # a shape this reading does not know
        return False


def digit_run(regex: re.Pattern[str]) -> int:
    """The most digits in a row that every match of ``regex`` holds (``\\d{5}`` of a postcode
    after a town's name: 5); 0 when this reading cannot tell. A text without such a run (no
    ``\\d{n}`` match, in Unicode: a superset of any digit class) holds no match.

    Read along the pattern's sequence, into groups: each digit item (a digit, a class of digits,
    a repetition of one) adds its least count to the run; an item that consumes nothing (an
    anchor, a lookaround) keeps it; anything else (an alternation, an optional or repeated group,
    another class) ends it."""
    if _parser is None or _c is None:
        return 0
    try:
        return _run(_parser.parse(regex.pattern, regex.flags), 0)[0]
    except Exception:  # a shape this reading does not know: no run
        return 0


def _run(items: Any, run: int) -> tuple[int, int]:
    """(the longest run of digits every match of ``items`` holds, the run still open after
    them), given the run open before them."""
    best = run
    for op, av in items:
        if op in (_c.AT, _c.ASSERT, _c.ASSERT_NOT):
            continue  # consumes nothing: "12\b34" still reads four digits in a row, or nothing
        if _one_digit(op, av):
            run += 1
        elif op in (_c.MAX_REPEAT, _c.MIN_REPEAT, getattr(_c, "POSSESSIVE_REPEAT", None)) and (
            len(av[2]) == 1 and _one_digit(*av[2][0])
        ):
            run += av[0]  # "\d{2,4}": at least two digits, the next item right after them
        elif op is _c.SUBPATTERN:
            inner, run = _run(av[-1], run)
            best = max(best, inner)
        elif op is getattr(_c, "ATOMIC_GROUP", None):
            inner, run = _run(av, run)
            best = max(best, inner)
        else:
            run = 0
        best = max(best, run)
    return best, run


# Literal strings a match needs one of: at most this many (each is a search of the text, some
# 0.5 ns a character: four still cost less than the scan they spare), from sets of at most
# _SPELLINGS spellings of the literal text.
_MOST_NEEDED = 4
_SPELLINGS = 64


def needed_strings(regex: re.Pattern[str]) -> tuple[str, ...]:
    """Strings one of which every match of ``regex`` holds (a text without any holds no match):
    ("day",) for a pattern that needs a weekday's name, ("&",) for "X & Y"; () when this reading
    finds none worth a search.

    Read along the pattern's sequence, into groups, repetitions of at least once and alternations
    (each branch's strings): a run of literal characters, classes of a few characters and
    alternations of such, with lookarounds and anchors between them (they consume nothing), is
    spelt out; the most selective spelling set found is kept (one string that all its spellings
    share, or a few spellings, the shortest longest). Case-blind parts spell nothing."""
    if _parser is None or _c is None:
        return ()
    try:
        parsed = _parser.parse(regex.pattern, regex.flags)
        if parsed.state.flags & re.IGNORECASE:
            return ()
        found = _needed(list(parsed))
    except Exception:  # a shape this reading does not know: nothing to look for
        return ()
    if not found:
        return ()
    shared = _shared(sorted(found))
    if shared:
        return (shared,)
    return tuple(sorted(found)) if len(found) <= _MOST_NEEDED else ()


def _needed(items: list[Any]) -> set[str] | None:
    """The most selective set of strings one of which every match of ``items`` holds, or None."""
    best: set[str] | None = None
    run: set[str] | None = {""}
    for op, av in [*items, (None, None)]:
        spelt = None if op is None else _spelt(op, av)
        if spelt is not None and run is not None:
            run = {a + b for a in run for b in spelt}
            if len(run) > _SPELLINGS:
                run = None  # (too many spellings: the run tells nothing more)
            continue
        if run is not None and run != {""}:
            best = _selective(best, run)
        run = {""} if spelt is None else spelt  # (an item after a given-up run starts one)
        if op is not None and spelt is None:
            best = _selective(best, _inside(op, av))
    return best


def _inside(op: Any, av: Any) -> set[str] | None:
    """What every match of one item that is not spelt out holds, read inside it."""
    if op is _c.SUBPATTERN:
        return None if av[1] or av[2] else _needed(list(av[-1]))  # (flags changed: not read)
    if op in (_c.MAX_REPEAT, _c.MIN_REPEAT, getattr(_c, "POSSESSIVE_REPEAT", None)):
        return _needed(list(av[2])) if av[0] >= 1 else None
    if op is getattr(_c, "ATOMIC_GROUP", None):
        return _needed(list(av))
    if op is _c.BRANCH:
        found: set[str] = set()
        for branch in av[1]:
            inner = _needed(list(branch))
            if inner is None:
                return None
            found |= inner
        return found if len(found) <= _SPELLINGS else None
    return None


def _spelt(op: Any, av: Any) -> set[str] | None:
    """Every text one item matches, when they are few literal strings ("" for an item that
    consumes nothing); None otherwise."""
    if op is _c.LITERAL:
        return {chr(av)}
    if op in (_c.AT, _c.ASSERT, _c.ASSERT_NOT):
        return {""}
    if op is _c.IN:
        chars = {chr(a) for o, a in av if o is _c.LITERAL}
        return chars if len(chars) == len(av) and len(chars) <= _MOST_NEEDED else None
    if op is _c.SUBPATTERN:
        return None if av[1] or av[2] else _spelt_sequence(list(av[-1]))
    if op is _c.BRANCH:
        found: set[str] = set()
        for branch in av[1]:
            spelt = _spelt_sequence(list(branch))
            if spelt is None:
                return None
            found |= spelt
        return found if len(found) <= _SPELLINGS else None
    return None


def _spelt_sequence(items: list[Any]) -> set[str] | None:
    found = {""}
    for op, av in items:
        spelt = _spelt(op, av)
        if spelt is None:
            return None
        found = {a + b for a in found for b in spelt}
        if len(found) > _SPELLINGS:
            return None
    return found


def _selective(a: set[str] | None, b: set[str] | None) -> set[str] | None:
    """The more selective of two sets of needed strings (:func:`_searched`)."""
    if a is None or b is None:
        return a if b is None else b
    return a if _key(a) >= _key(b) else b


def _key(strings: set[str]) -> tuple[bool, int, int]:
    """How selective a set of needed strings is: whether it can be searched for (one shared
    string or a few), the shortest string searched for, and fewer strings."""
    shared = _shared(sorted(strings))
    if shared:
        return True, len(shared), 0
    return len(strings) <= _MOST_NEEDED, min(map(len, strings)), -len(strings)


def _shared(strings: list[str]) -> str:
    """The longest string that every one of ``strings`` holds ("" when none)."""
    shortest = min(strings, key=len)
    for size in range(len(shortest), 0, -1):
        for at in range(len(shortest) - size + 1):
            part = shortest[at : at + size]
            if all(part in s for s in strings):
                return part
    return ""


def _one_digit(op: Any, av: Any) -> bool:
    """An item that consumes exactly one digit."""
    return bool((op is _c.LITERAL and _ZERO <= av <= _NINE) or (op is _c.IN and _digit_class(av)))


# a width the parser gives an unbounded repetition (MAXREPEAT) or anything near it: unbounded
_UNBOUNDED = 1 << 16


def widest(pattern: str, flags: int = 0) -> int | None:
    """The most characters a match of ``pattern`` can span (lookarounds span none), or None
    when a match can be of any length or the parser is not there to tell."""
    if _parser is None:
        return None
    try:
        most = int(_parser.parse(pattern, flags).getwidth()[1])
    except Exception:  # a shape this reading does not know
        return None
    return most if most < _UNBOUNDED else None


def _first_char_end(pattern: str, start: int = 0) -> int:
    """Where the pattern's item at ``start`` ends when it is a digit, ``\\d`` or a class; else 0."""
    char = pattern[start : start + 1]
    if char.isdigit() and char.isascii():
        return start + 1
    if pattern.startswith("\\d", start):
        return start + 2
    if not pattern.startswith("[", start):
        return 0
    at = start + (2 if pattern.startswith(("[]", "[^]"), start) else 1)
    while at < len(pattern):
        if pattern[at] == "\\":
            at += 2
        elif pattern[at] == "]":
            return at + 1
        else:
            at += 1
    return 0


def _group_end(pattern: str, start: int) -> int:
    """Where the group opening at ``start`` closes (after its ")"), or 0; escapes and classes skipped."""
    depth, at, in_class = 0, start, False
    while at < len(pattern):
        char = pattern[at]
        if char == "\\":
            at += 2
            continue
        if in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth == 0:
                return at + 1
        at += 1
    return 0


def _sequence(items: Any) -> bool:
    return any(_item(op, av) for op, av in items)


def _item(op: Any, av: Any) -> bool:
    if op is _c.LITERAL:
        return bool(_ZERO <= av <= _NINE)
    if op is _c.IN:
        return _digit_class(av)
    if op is _c.SUBPATTERN:
        return _sequence(av[-1])
    if op in (_c.MAX_REPEAT, _c.MIN_REPEAT, getattr(_c, "POSSESSIVE_REPEAT", None)):
        least, _, body = av
        return bool(least >= 1) and _sequence(body)
    if op is _c.BRANCH:
        return all(_sequence(branch) for branch in av[1])
    if op is getattr(_c, "ATOMIC_GROUP", None):
        return _sequence(av)
    return False  # lookarounds, anchors, back-references, any character...


def _digit_class(members: Any) -> bool:
    """A character class every member of which is a digit (no negation)."""
    for op, av in members:
        if op is _c.LITERAL:
            if not _ZERO <= av <= _NINE:
                return False
        elif op is _c.RANGE:
            if not (av[0] >= _ZERO and av[1] <= _NINE):
                return False
        elif op is _c.CATEGORY:
            if av is not _c.CATEGORY_DIGIT:
                return False
        else:  # NEGATE, CHARSET, BIGCHARSET...
            return False
    return True
