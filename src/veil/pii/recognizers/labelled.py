"""Values found after the words that name them: weak formats that need their label.

A passport number, a driving licence, a bank account, a number plate or a medical record
number has no checksum and no shape of its own: "123456789" is as likely an order number.
:class:`LabelledValue` looks for the label first ("passport no.", "Führerschein", "MRN") —
labels are rare, so the search is cheap — and then for one value of the expected shape
right after it, within the clause: the label and the value may be separated by a few words
("passport number of the applicant is X", "account (checking): X") but not by a sentence or
a line break (a line that ends with a label's colon continues on the next line).

A label may name a list ("passports: X and Y", "plates X, Y"): further values joined to the
first by a comma, "and", "or", "&" or "/" are reported too. A bare value without its label is
never reported, nor is a label inside a path or URL ("/account/profile"), nor a value that
belongs to another noun named in between ("account locked - ticket 0601911": the number is
the ticket's). Each recognizer module declares its labels
and value shapes as data and wraps them in a :class:`~veil.pii.recognizer.Recognizer` with
this finder.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from veil.pii.recognizers.common import words
from veil.pii.recognizers.word_leads import WORDS, led
from veil.pii.regex_needs import needs_digit
from veil.pii.regex_starts import word_prefixes

__all__ = ["LabelledValue"]

# A clause ends at a sentence end, a semicolon, a pipe or a line break (unless the line ends
# with a label's colon, "Passport no.:\n123456789", or asks for the value, "His passport
# number?\nCALLER: 123456789").
# A period after a one- or two-letter word  is an abbreviation, not a sentence end.
_CLAUSE_END = re.compile(
    r"(?<![\s(][A-Za-z])(?<![\s(][A-Za-z]{2})[.!](?=\s+[A-Z])|\?(?=[ \t]+[A-Z])|[;|]|(?<![:?\s])[ \t]*\n"
    r"|\n[ \t]*\n"
)


# Between two values of one list: ", ", " and ", " or ", " & ", " / ".
_LIST_JOINER = re.compile(r"\s*(?:,\s*(?:and\s+|or\s+)?|\s(?:and|or|&)\s+|\s*/\s*)", re.IGNORECASE)


_DIGIT = re.compile(r"\d")

# Nouns whose own number may follow a label ("account locked - ticket 0601911").
_OTHER_NOUN = re.compile(
    r"(?i)(?<![^\W_])(?:ticket|order|invoice|ref|reference|tracking|case|transaction|txn|booking|"
    r"confirmation|serial|version|room|page|flight|phone|tel|fax|mobile|amount|total)(?![^\W_])"
)


class LabelledValue:
    """``finder(text)``: the first value matching ``value`` within ``reach`` characters after a
    label (whole words, any case), validated by ``validate`` when given, at ``score``.

    ``value`` is a regex of the value itself; boundaries (not inside a longer token) are added
    here. Up to ``max_values`` values may follow one label as a list ("plates AB-123 and CD-456"):
    each joined to the one before, so a list ends at its first item of another shape; courts join
    dozens of application numbers to one "nos.", so the cap only bounds a pathological text.
    ``label_pattern`` (a regex, matched in the case it says) replaces the alternation built from
    ``labels`` where that alternation would be long: nouns times number words ("case no.", "claim
    number", ...) are cheaper as two groups than as hundreds of literal labels.
    """

    def __init__(
        self,
        labels: tuple[str, ...],
        value: str,
        *,
        score: float = 0.8,
        reach: int = 40,
        validate: Callable[[str], bool] | None = None,
        max_values: int = 1000,
        flags: int = 0,
        label_pattern: str | None = None,
    ) -> None:
        self.labels = labels
        self.value = value
        self.score = score
        self.reach = reach
        self.validate = validate
        self.max_values = max_values
        self.flags = flags
        cleaned = sorted({t.strip() for t in labels if t.strip()}, key=lambda t: (-len(t), t))
        # scan-friendly (see common.py's speed note): grouped by first letter, any case
        alternation = label_pattern or words(
            [r"\s*".join(map(re.escape, t.split())) for t in cleaned], any_case=True
        )
        self._labels = re.compile(rf"(?:{alternation})(?![^\W_]|/\w)")
        self._value = re.compile(rf"(?<![\w@/\\.+-])(?:{value})(?![^\W_]|[-/.]\w)", flags)
        # a value with a digit in every match (a number, a code) is not looked for in a text
        # without one, and neither are its labels: most texts' labels are the costly part
        self._needs_digit = needs_digit(self._value)
        # the labels' first words: one scan of a text finds where they start for every finder
        # (veil.pii.recognizers.word_leads); None: the labels are scanned for
        self._label_words = word_prefixes(self._labels)

    def __call__(self, text: str) -> Iterator[tuple[int, int, float]]:
        if self._needs_digit and _DIGIT.search(text) is None:
            return
        last_end = 0
        words_ = self._label_words
        # (the group's number is asked for here, not kept: a finder sent to another process finds
        # its own number there)
        places = None if words_ is None else WORDS.places(WORDS.register(words_), text)
        for label in led(self._labels, text, places):
            if label.start() < last_end or text[label.start() - 1 : label.start()] in ("/", "\\"):
                continue  # inside a value already reported, or a path ("/account/profile")
            hi = min(len(text), label.end() + self.reach)
            clause = _CLAUSE_END.search(text, label.end(), hi)
            if clause is not None:
                hi = clause.start()
            found = 0
            at = label.end()
            while found < self.max_values:
                match = self._next_value(text, at, hi)
                if match is None or (found and match.start() != at):
                    break
                yield match.start(), match.end(), self.score
                last_end = at = match.end()
                found += 1
                joiner = _LIST_JOINER.match(text, at)
                if joiner is None:
                    break
                # the list goes on past the first value's reach, to the end of the clause
                hi = min(len(text), at + joiner.end() - at + self.reach)
                clause = _CLAUSE_END.search(text, at, hi)
                if clause is not None:
                    hi = clause.start()
                at = joiner.end()

    def _next_value(self, text: str, start: int, end: int) -> re.Match[str] | None:
        """The first value in ``text[start:end]`` that passes ``validate`` (after a list joiner:
        right at ``start`` only)."""
        for match in self._value.finditer(text, start, end):
            if _OTHER_NOUN.search(text, start, match.start()):
                return None
            if self.validate is None or self.validate(match.group()):
                return match
        return None

    def __repr__(self) -> str:
        return f"LabelledValue(labels={len(self.labels)}, score={self.score})"
