"""A recognizer compiled for the engine: its regexes, its context matcher, and where to try them.

Most patterns describe numbers and start with one digit and a lookbehind ("a digit not glued to
a word": ``\\d(?<![\\w.]\\d)``). A scan of a long text for each of them costs the same search for
that start again and again; the engine finds the places where each distinct *lead* matches once
per text (:class:`LeadTable`), shared by every pattern of every recognizer that starts with it,
and tries a pattern only there (:func:`led`). A lead is the author's (``Pattern.lead``: month
names) or read from the pattern (:func:`veil.pii.regex_needs.digit_lead`); either way every
match of the pattern starts where its lead matches, so what is found is what ``finditer`` finds.
Where the lead's places are dense (a hostile run of digits), ``finditer`` runs instead: one C
scan beats a Python call per place.

Patterns of labels and cue words ("Account holder", "Billed to", "Established") start with words
in any case (:func:`veil.pii.regex_starts.word_prefixes`): the table finds where any of those
words start once per text, in one scan of its lower-case view (:mod:`veil.pii.recognizers.word_leads`),
and each such pattern is tried only where its own words do.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from veil.pii.context import ContextMatcher
from veil.pii.recognizer import Recognizer
from veil.pii.recognizers.word_leads import WORDS, led
from veil.pii.regex_needs import digit_lead, digit_run, needed_strings, needs_digit, one_character
from veil.pii.regex_starts import word_prefixes

__all__ = ["Compiled", "LeadTable", "Regex", "compile_recognizer", "led", "matches", "starts"]

# regex, base score, has a "pii" group, index of its lead in Compiled.leads (-1: none)
Regex = tuple[re.Pattern[str], float, bool, int]

# A lead matching at more than one place in this many characters is dense: the pattern is scanned
# for instead (same matches, fewer Python calls).
_DENSE = 24
# a run of n digits (\d in Unicode: every digit any pattern's class reads), by n
_RUNS: dict[int, re.Pattern[str]] = {}


@dataclass(frozen=True, slots=True)
class Compiled:
    recognizer: Recognizer
    regexes: tuple[Regex, ...]
    context: ContextMatcher
    # the regexes that can match in a text without a digit (veil.pii.regex_needs): the others
    # are not run there
    digit_free: tuple[Regex, ...]
    # the patterns' leads (Pattern.lead, or read by digit_lead): where one matches, a pattern
    # led by it may start
    leads: tuple[re.Pattern[str], ...] = ()


def compile_recognizer(recognizer: Recognizer) -> Compiled:
    regexes: list[Regex] = []
    leads: dict[str, int] = {}
    for pattern in recognizer.all_patterns():
        compiled = re.compile(pattern.regex)
        text = pattern.lead or digit_lead(compiled)
        lead = leads.setdefault(text, len(leads)) if text else -1
        regexes.append((compiled, pattern.score, "pii" in compiled.groupindex, lead))
    context = ContextMatcher(
        recognizer.context,
        recognizer.negative_context,
        before=recognizer.window_before,
        after=recognizer.window_after,
        negative_after=(
            recognizer.window_after
            if recognizer.negative_window_after is None
            else recognizer.negative_window_after
        ),
        boost=recognizer.context_boost,
        penalty=recognizer.negative_penalty,
    )
    digit_free = tuple(r for r in regexes if not needs_digit(r[0]))
    return Compiled(
        recognizer, tuple(regexes), context, digit_free, tuple(re.compile(lead) for lead in leads)
    )


def starts(lead: re.Pattern[str], text: str, *, single: bool = False) -> list[int]:
    """Every position where ``lead`` matches, overlapping ones too (one search from each). With
    ``single`` (every match of ``lead`` is one character long) the next search would start where
    the last match ends anyway: one ``finditer`` finds them all, without a Python call each."""
    if single:
        return [match.start() for match in lead.finditer(text)]
    found = []
    match = lead.search(text)
    while match is not None:
        found.append(match.start())
        match = lead.search(text, match.start() + 1)
    return found


class LeadTable:
    """Every distinct lead of a set of compiled recognizers, numbered once (the same lead in two
    recognizers is one entry), and for each recognizer the table's number of each of its leads;
    and the patterns without one that start with words (``word_prefixes``), each with its group
    in :data:`~veil.pii.recognizers.word_leads.WORDS`."""

    def __init__(self, rules: Sequence[Compiled]) -> None:
        index: dict[str, int] = {}
        leads: list[re.Pattern[str]] = []
        self.ids: list[tuple[int, ...]] = []
        self.single: list[bool] = []  # each lead's matches are one character long
        # word-led patterns: their group of words (by the pattern's id: hashing a compiled pattern
        # hashes its whole code, at every call; the table keeps the rules, and so the ids)
        self.worded: dict[int, int] = {}
        self._rules = tuple(rules)
        # per text, whether it holds n digits in a row: a pattern without a lead whose every match
        # holds such a run (regex_needs.digit_run: a postcode after a town, scanned for from every
        # capital) finds nothing in a text without one
        self._has_run: tuple[str, dict[int, bool]] = ("", {})
        # for the patterns without a lead, by id: their group of words (None: none), the run of
        # digits every match holds (0: none) and the strings one of which it holds
        # (regex_needs.needed_strings: "day" of a weekday's name); a pattern with none of these is
        # not here (a plain scan)
        self.unled: dict[int, tuple[int | None, int, tuple[str, ...]]] = {}
        for rule in rules:
            ids = []
            for lead in rule.leads:
                if lead.pattern not in index:
                    index[lead.pattern] = len(leads)
                    leads.append(lead)
                    self.single.append(one_character(lead))
                ids.append(index[lead.pattern])
            self.ids.append(tuple(ids))
            for regex, _, _, lead_id in rule.regexes:
                if lead_id >= 0 or id(regex) in self.unled:
                    continue  # (a pattern with a lead is tried only where it matches: cheap)
                if id(regex) not in self.worded:
                    prefixes = word_prefixes(regex)
                    if prefixes is not None:
                        self.worded[id(regex)] = WORDS.register(prefixes)
                run = digit_run(regex)
                run = run if run > 1 else 0  # (one digit: the engine asks for that already)
                if run:
                    _RUNS.setdefault(run, re.compile(rf"\d{{{run}}}"))
                needed = needed_strings(regex)
                if run or needed or id(regex) in self.worded:
                    self.unled[id(regex)] = (self.worded.get(id(regex)), run, needed)
        self.leads = tuple(leads)

    def has_run(self, length: int, text: str) -> bool:
        """Whether ``text`` holds ``length`` digits in a row (asked once per text and length)."""
        kept = self._has_run
        if kept[0] is not text:
            kept = self._has_run = (text, {})
        found = kept[1].get(length)
        if found is None:
            found = kept[1][length] = _RUNS[length].search(text) is not None
        return found

    def memo(self) -> list[list[int] | None]:
        """An empty memo for one text: :func:`matches` fills in each lead's places when first asked."""
        return [None] * len(self.leads)


def matches(
    regex: re.Pattern[str], lead: int, table: LeadTable, memo: list[list[int] | None], text: str
) -> Iterable[re.Match[str]]:
    """What ``regex.finditer(text)`` finds; with a lead (``lead``: its number in ``table``, -1 for
    none), tried only where the lead matches unless its places are dense; a pattern without one
    that starts with words, only where they start; one without a lead, not where the text lacks
    the run of digits that every match holds (:func:`veil.pii.regex_needs.digit_run`) nor one of
    the strings one of which it holds (:func:`veil.pii.regex_needs.needed_strings`)."""
    if lead < 0:
        plan = table.unled.get(id(regex))
        if plan is None:
            return regex.finditer(text)
        group, run, needed = plan
        if run and not table.has_run(run, text):
            return ()
        if needed and needed[0] not in text and (len(needed) == 1 or not any(s in text for s in needed[1:])):
            return ()  # (one string mostly: no generator made)
        if group is None:
            return regex.finditer(text)
        worded = WORDS.places(group, text)
        if worded is None:
            return regex.finditer(text)  # (no lower-case view, or dense places: a scan)
        return led(regex, text, worded) if worded else ()
    places = memo[lead]
    if places is None:
        places = memo[lead] = starts(table.leads[lead], text, single=table.single[lead])
    if not places:
        return ()  # (most patterns in most texts: no generator made for nothing)
    if len(places) * _DENSE > len(text):
        return regex.finditer(text)
    return led(regex, text, places)
