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
        self._by_object: dict[int, tuple[tuple[str, ...], int]] = {}
        self._lead: _TableLead | None = None
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
        self._lead = None
        self._groups[key] = number
        return number

    def places(self, number: int, text: str) -> list[int] | None:
        """Where a prefix of group ``number`` starts a word of ``text``, in order; None where the
        text has no lower-case view or those places are dense (the caller scans instead)."""
        memo = self._memo
        if memo[0] is not text:
            every = self._all_places(text)
            memo = self._memo = (text, len(self._groups) if every is None else len(every), every)
        elif memo[1] <= number:  # groups added since this text was read (a process's first text)
            every = memo[2]
            if every is not None:  # (None: no view, and so for every group)
                every = every + self._more_places(text, len(every))
            memo = self._memo = (text, len(self._groups) if every is None else len(every), every)
        found = memo[2]
        if found is None:
            return None
        places = found[number]
        return None if len(places) * _DENSE > len(text) else places

    def _all_places(self, text: str) -> list[list[int]] | None:
        lead = self._lead
        if lead is None:
            lead = self._lead = _TableLead(list(self._groups))
        view = folded(text)
        return None if view is None else lead.places(view)

    def _more_places(self, text: str, known: int) -> list[list[int]]:
        """The places of the groups from number ``known`` on in ``text`` (which has a view), read
        by a lead of those groups only: finders register their groups at their first text (7 times
        in the engine's), and a lead of every group (some 20 ms to build) is built once a text."""
        view = folded(text)
        assert view is not None  # (the caller's text has a view)
        return _TableLead(list(self._groups)[known:]).places(view)


class _TableLead:
    """Where the prefixes of a table's groups start words, and which groups each one starts.

    One scan finds each word start where a prefix begins, together with the longest prefix that
    begins there: the prefixes that begin at one place all begin the same text, so each is a
    prefix of the longest, and the groups read at that place are those holding a prefix of it
    (looked up, not tried one by one: a place was a dozen ``startswith`` calls). The prefixes
    are one trie in the pattern (a branch per next character, deeper ones tried first, so the
    first match is the longest), which is tried only after a character that ends a word: a
    pattern that opens with a look-behind is tried at every position, one that opens with a
    class of characters skips to them. The pattern takes only that character, so the next word
    may start right after the prefix's first one, as the look-behind allowed."""

    def __init__(self, groups: list[tuple[str, ...]]) -> None:
        self.count = len(groups)
        holding: dict[str, set[int]] = {}  # the groups that hold each prefix
        for number, group in enumerate(groups):
            for prefix in group:
                holding.setdefault(prefix, set()).add(number)
        empty: set[int] = set()
        self.groups_of: dict[str, tuple[int, ...]] = {
            longest: tuple(
                sorted(set().union(*(holding.get(longest[:k], empty) for k in range(2, len(longest) + 1))))
            )
            for longest in holding
        }
        self._after_break = re.compile(f"[^a-z0-9_](?=({_trie(sorted(holding))}))")

    def places(self, view: str) -> list[list[int]]:
        """Where a prefix of each group starts a word of ``view`` (a lower-case view), in order."""
        found: list[list[int]] = [[] for _ in range(self.count)]
        groups_of = self.groups_of
        for match in self._after_break.finditer(" " + view):  # (a blank before: the text's start)
            place = match.start()  # (the blank's place in the view it was put before)
            for number in groups_of[match.group(1)]:
                found[number].append(place)
        return found


_Node = dict[str, "_Node"]  # a trie's node: the next characters (and "" where a word ends)


def _trie(words: list[str]) -> str:
    """A regex of ``words`` as a trie whose first match at a place is the longest word there."""
    root: _Node = {}
    for word in words:
        node = root
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}  # a word ends here

    def branch(node: _Node) -> str:
        alternatives = [re.escape(char) + branch(child) for char, child in sorted(node.items()) if char]
        if not alternatives:
            return ""
        body = alternatives[0] if len(alternatives) == 1 else f"(?:{'|'.join(alternatives)})"
        if "" not in node:
            return body
        return f"(?:{body})?" if len(alternatives) == 1 else f"{body}?"  # longer first, then here

    return branch(root)


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
