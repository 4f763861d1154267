"""Values found after the words that name them: weak formats that need their label.

A passport number, a driving licence, a bank account, a number plate or a medical record
number has no checksum and no shape of its own: "123456789" is as likely an order number.
:class:`LabelledValue` looks for the label first ("passport no.", "Führerschein", "MRN") —
labels are rare, so the search is cheap — and then for one value of the expected shape
right after it, within the clause: the label and the value may be separated by a few words
("passport number of the applicant is X", "account (checking): X") but not by a sentence or
a line break (a line that ends with a label's colon continues on the next line).

A bare value without its label is never reported. Each recognizer module declares its labels
and value shapes as data and wraps them in a :class:`~veil.pii.recognizer.Recognizer` with
this finder.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

__all__ = ["LabelledValue"]

# A clause ends at a sentence end, a semicolon, a pipe or a line break (unless the line ends
# with a label's colon: "Passport no.:\n123456789").
# A period after a one- or two-letter word  is an abbreviation, not a sentence end.
_CLAUSE_END = re.compile(
    r"(?<![\s(][A-Za-z])(?<![\s(][A-Za-z]{2})[.!?](?=\s+[A-Z])|[;|]|(?<![:\s])[ \t]*\n|\n[ \t]*\n"
)


class LabelledValue:
    """``finder(text)``: the first value matching ``value`` within ``reach`` characters after a
    label (whole words, any case), validated by ``validate`` when given, at ``score``.

    ``value`` is a regex of the value itself; boundaries (not inside a longer token) are added
    here. ``max_values`` values may follow one label ("plates AB-123 and CD-456").
    """

    def __init__(
        self,
        labels: tuple[str, ...],
        value: str,
        *,
        score: float = 0.8,
        reach: int = 40,
        validate: Callable[[str], bool] | None = None,
        max_values: int = 1,
        flags: int = 0,
    ) -> None:
        self.labels = labels
        self.value = value
        self.score = score
        self.reach = reach
        self.validate = validate
        self.max_values = max_values
        self.flags = flags
        cleaned = sorted({t.strip() for t in labels if t.strip()}, key=lambda t: (-len(t), t))
        alternation = "|".join(r"\s*".join(map(re.escape, t.split())) for t in cleaned)
        self._labels = re.compile(rf"(?<![^\W_])(?:{alternation})(?![^\W_])", re.IGNORECASE)
        self._value = re.compile(rf"(?<![\w@/\\.+-])(?:{value})(?![^\W_]|[-/.]\w)", flags)

    def __call__(self, text: str) -> Iterator[tuple[int, int, float]]:
        last_end = 0
        for label in self._labels.finditer(text):
            if label.start() < last_end:
                continue  # inside a value already reported
            hi = min(len(text), label.end() + self.reach)
            clause = _CLAUSE_END.search(text, label.end(), hi)
            if clause is not None:
                hi = clause.start()
            found = 0
            for match in self._value.finditer(text, label.end(), hi):
                if self.validate is not None and not self.validate(match.group()):
                    continue
                yield match.start(), match.end(), self.score
                last_end = match.end()
                found += 1
                if found >= self.max_values:
                    break

    def __repr__(self) -> str:
        return f"LabelledValue(labels={len(self.labels)}, score={self.score})"
