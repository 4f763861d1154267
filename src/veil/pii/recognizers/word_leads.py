"""Where a text may hold one of some words in any letter case, found in its lower-case view.

A pattern that starts with an alternation of words in any case (``common.words(..., any_case=True)``:
roles before a name, a document's labels) is slow to scan for: nearly every letter of prose is
the first character of one of its branches in one case or the other, and the regex engine tries
every branch there. The same words in lower case, after a look-behind for a word start, are found
about three times faster in the text's lower-case view (:func:`folded`, one C call per text); the
pattern itself is then tried only where one of its words starts (:func:`led`), and finds what
``finditer`` finds over the whole text.

The lower-case view keeps every character's place, and a character that a case-insensitive
regex matches to an ASCII letter is that letter in lower case there (``re`` also matches
"\u0130", "\u0131" to "i" and "\u017f" to "s", which ``str.lower`` keeps or lengthens: they
are mapped first). No character that is not a word character becomes one, so a word start
there is one in the text. A text whose lower-case view is longer (a character with no
one-character lower case) has none, and its patterns are scanned for as usual.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping

__all__ = ["WORDS", "LeadGroup", "WordLead", "WordTable", "folded", "led", "literal_prefix", "prefixes"]

# what re's case-insensitive matching takes for an ASCII letter and str.lower does not give as one
_FIXES = str.maketrans({"\u0130": "i", "\u0131": "i", "\u017f": "s"})
_UNFIXED = ("\u0130", "\u0131", "\u017f")
# A lead matching at more than one place in this many characters is dense: the pattern is scanned
# for instead (same matches, fewer Python calls); as compiled_recognizer's.
_DENSE = 24
# a prefix: what the lower-case view writes (regex_starts), its first character a letter or digit
_PREFIX = re.compile(r"[^\W_][\w ./#:'&\u00b0\u00ba\u00aa-]*")

# The last text folded and its view: the recognizers of one text ask for it in turn.
_memo: tuple[str, str | None] = ("", "")


def folded(text: str) -> str | None:
    """``text`` in lower case, each character at its place; None where that cannot be."""
    global _memo
    memo = _memo
    if memo[0] is text:
        return memo[1]
    view: str | None = text.lower()
    if not text.isascii() and any(c in text for c in _UNFIXED):
        view = text.translate(_FIXES).lower()
    if view is not None and len(view) != len(text):
        view = None
    _memo = (text, view)
    return view


def literal_prefix(word: str) -> str:
    """The start of ``word`` (a regex of a word, any case) that is plain ASCII letters and
    digits, in lower case: every match of ``word`` starts with it in the lower-case view. An
    optional character ("co-?founder") ends it before the character it makes optional."""
    end = 0
    while end < len(word) and word[end].isascii() and word[end].isalnum():
        end += 1
    if end < len(word) and word[end] in "?*{":
        end -= 1
    return word[: max(end, 0)].lower()


def prefixes(alternatives: Iterable[str]) -> tuple[str, ...]:
    """The literal starts of ``alternatives`` (regexes of words, any case), in lower case: where
    one of them matches, one of these starts."""
    found = tuple(sorted({literal_prefix(a) for a in alternatives}))
    if not all(found):
        raise ValueError("every alternative needs a literal first letter or digit")
    return found


class WordLead:
    """The places of a text where one of ``prefixes`` (lower-case ASCII letters, digits and spaces, each
    an alternative's literal start) begins a word, in the text's lower-case view."""

    def __init__(self, prefixes: Iterable[str]) -> None:
        self.prefixes = tuple(sorted(set(prefixes)))
        if not self.prefixes or not all(_PREFIX.fullmatch(p) and p == p.lower() for p in self.prefixes):
            raise ValueError("a word lead needs lower-case ASCII prefixes")
        # one character per match, the rest looked ahead for: a match longer than a word's first
        # character could hide the start of the next word from the scan (its matches do not
        # overlap); a prefix that starts with a shorter one adds no place
        # (in sorted order a prefix's own prefixes come right before it and before everything that
        # starts with them: one pass, not a test of every pair, which took 0.35 s for the ~2,800
        # prefixes of the engine's table, at each of the 7 rebuilds of a process's first text)
        shortest: list[str] = []
        for prefix in self.prefixes:
            if not shortest or not prefix.startswith(shortest[-1]):
                shortest.append(prefix)
        tails: dict[str, list[str]] = {}
        for prefix in shortest:
            tails.setdefault(prefix[0], []).append(re.escape(prefix[1:]))
        alternation = "|".join(
            f"{re.escape(head)}(?={'|'.join(sorted(rest, key=lambda t: (-len(t), t)))})"
            for head, rest in sorted(tails.items())
        )
        self._regex = re.compile(rf"(?<![a-z0-9_])(?:{alternation})")

    def places(self, text: str) -> list[int] | None:
        """Where one of the prefixes starts a word of ``text``, in order; None where the text has
        no lower-case view or these places are dense (the caller scans instead)."""
        found = self.scan(text)
        return None if found is None or len(found) * _DENSE > len(text) else found

    def scan(self, text: str) -> list[int] | None:
        """Where one of the prefixes starts a word of ``text``, in order; None where the text has
        no lower-case view."""
        view = folded(text)
        return None if view is None else [m.start() for m in self._regex.finditer(view)]


def led(regex: re.Pattern[str], text: str, places: list[int] | None) -> Iterator[re.Match[str]]:
    """What ``regex.finditer(text)`` finds, for a regex whose every match is non-empty and starts
    at one of ``places`` (in order); ``None``: every place (a scan)."""
    if places is None:
        yield from regex.finditer(text)
        return
    after = 0
    for start in places:
        if start >= after:
            match = regex.match(text, start)
            if match is not None:
                yield match
                after = match.end()


class WordTable:
    """Groups of prefixes (:class:`WordLead`'s), each numbered once: one scan of a text's lower-case
    view finds where the words of every group start, for all the patterns and finders that read
    them (the engine's lead table, :class:`LeadGroup`, the labels of ``labelled``). The last text's
    places are kept: the recognizers of one text ask in turn."""

    def __init__(self) -> None:
        self._groups: dict[tuple[str, ...], int] = {}
        # by the first two letters of each group's prefixes, the group's prefixes that start so
        self._by_start: dict[str, list[tuple[int, tuple[str, ...]]]] = {}
        self._by_object: dict[int, tuple[tuple[str, ...], int]] = {}
        self._lead: WordLead | None = None
        self._memo: tuple[str, int, list[list[int]] | None] = ("", -1, None)

    def register(self, group: Iterable[str]) -> int:
        """The number of ``group`` (lower-case prefixes of two characters or more), new or known."""
        known = self._by_object.get(id(group))
        if known is not None and known[0] is group:
            return known[1]  # the same tuple again: a finder asks at every text
        number = self._register(group)
        if isinstance(group, tuple):
            self._by_object[id(group)] = (group, number)  # (kept: its id stays its own)
        return number

    def _register(self, group: Iterable[str]) -> int:
        key = tuple(sorted(set(group)))
        number = self._groups.get(key)
        if number is not None:
            return number
        if not key or not all(len(p) > 1 and _PREFIX.fullmatch(p) and p == p.lower() for p in key):
            raise ValueError("a group needs lower-case ASCII prefixes of two characters or more")
        number = len(self._groups)
        by_start: dict[str, list[str]] = {}
        for prefix in key:
            by_start.setdefault(prefix[:2], []).append(prefix)
        for start, prefixes_ in by_start.items():
            self._by_start.setdefault(start, []).append((number, tuple(prefixes_)))
        self._lead = None
        self._groups[key] = number
        return number

    def places(self, number: int, text: str) -> list[int] | None:
        """Where a prefix of group ``number`` starts a word of ``text``, in order; None where the
        text has no lower-case view or those places are dense (the caller scans instead)."""
        memo = self._memo
        if memo[0] is not text or memo[1] <= number:  # another text, or a group added since
            every = self._all_places(text)
            memo = self._memo = (text, len(self._groups) if every is None else len(every), every)
        found = memo[2]
        if found is None:
            return None
        places = found[number]
        return None if len(places) * _DENSE > len(text) else places

    def _all_places(self, text: str) -> list[list[int]] | None:
        lead = self._lead
        if lead is None:
            lead = self._lead = WordLead(p for group in self._groups for p in group)
        places = lead.scan(text)
        view = folded(text)
        if places is None or view is None:
            return None
        found: list[list[int]] = [[] for _ in self._groups]
        count, by_start = len(found), self._by_start  # (a group another thread adds now waits)
        for place in places:
            for number, group in by_start.get(view[place : place + 2], ()):
                if number < count and view.startswith(group, place):
                    found[number].append(place)
        return found


# The table every pattern and finder of this process registers its words in (numbers are this
# process's: a finder sent to another one registers its words there).
WORDS = WordTable()


class LeadGroup:
    """Several patterns, each of which starts with one of its own words in any case
    (``common.words(..., any_case=True)`` first, no look-behind before it), each tried only where
    its own words start (:data:`WORDS`)."""

    def __init__(self, patterns: Mapping[re.Pattern[str], Iterable[str]]) -> None:
        # by the pattern's id: hashing a compiled pattern hashes its whole code, at every call
        self._patterns = tuple(patterns)  # (which keeps the ids theirs)
        self._starts = {id(regex): prefixes(alternatives) for regex, alternatives in patterns.items()}
        self._groups = {number: WORDS.register(starts) for number, starts in self._starts.items()}

    def finditer(self, regex: re.Pattern[str], text: str) -> Iterator[re.Match[str]]:
        """What ``regex.finditer(text)`` finds."""
        group = self._groups.get(id(regex))
        return regex.finditer(text) if group is None else led(regex, text, WORDS.places(group, text))
