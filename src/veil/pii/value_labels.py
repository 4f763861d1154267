"""A word that labels the value after it is a label, not a name.

Forms, chats and tickets write an identifier after the word that names its kind: "Iban:
DE89...", "iban de89...", "Nino: AB 12 34 56 C", "Passport no. X1234567". Some of those words
are also first names ("Iban" is a Basque name, "Nino" an Italian one), so a name rule (a cue
before a colon, a repeated first name) can read the label as a person. What settles it is the
value: when the word right before a found identifier is one of the words that identifier's own
recognizer takes as its context (its label), the word names the value's kind and is not a person,
place or organisation.

Only a single-word name is dropped, only when it equals a context word of the very entity that
follows it — or, when that entity is an identifier (a personal, tax, bank or document number),
a context word of any identifier type: records label numbers with their country's word or
another kind's ("nif: 232013969" is a Portuguese VAT number under the Spanish NIF's word, "ssn:
811218-9876" a Swedish personnummer) — and only across a label's punctuation ("", ":", "#", "-",
"is", "no.", "number"): "Nino Rossi: AB 12 34 56 C" keeps its person (two words).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from veil.pii.entity import IDENTIFIER_TYPES, EntityType
from veil.pii.recognizer import Candidate, Recognizer

__all__ = ["ValueLabels"]

# (as strings: a custom recognizer's type is any string, "EMPLOYEE_ID")
_NAME_TYPES = frozenset(str(t) for t in (EntityType.PERSON, EntityType.ORGANIZATION, EntityType.LOCATION))
# between a label and its value: blanks, a label's punctuation ("Tel. 030..."), "is", "no.", "nr"
_BETWEEN = re.compile(r"[ \t:#=.\-]*(?:(?:is|no|nr|num|number|n°)\.?[ \t:#=.\-]*)?", re.IGNORECASE)
_WITHIN = 24  # a label further from its value than this is not its label
_IDENTIFIERS = frozenset(str(t) for t in IDENTIFIER_TYPES)


class ValueLabels:
    """The context words of the recognizers of every type but names, by word (case-folded)."""

    def __init__(self, recognizers: Iterable[Recognizer]) -> None:
        labels: dict[str, set[str]] = {}
        for recognizer in recognizers:
            if recognizer.entity_type in _NAME_TYPES:
                continue
            for word in recognizer.context:
                if word and " " not in word.strip():
                    labels.setdefault(word.strip().casefold(), set()).add(str(recognizer.entity_type))
        self.labels = {word: frozenset(types) for word, types in labels.items()}

    def drop(self, text: str, kept: list[Candidate]) -> list[Candidate]:
        """``kept`` (sorted, not overlapping) less the names that label the value after them."""
        if len(kept) < 2 or not self.labels:
            return kept
        out: list[Candidate] = []
        for i, candidate in enumerate(kept):
            if i + 1 < len(kept) and self._labels_next(text, candidate, kept[i + 1]):
                continue
            out.append(candidate)
        return out

    def _labels_next(self, text: str, name: Candidate, value: Candidate) -> bool:
        start, end, kind = name[0], name[1], name[2]
        if kind not in _NAME_TYPES or value[2] in _NAME_TYPES or value[0] - end > _WITHIN:
            return False
        types = self.labels.get(text[start:end].casefold())
        if types is None or (
            value[2] not in types and not (value[2] in _IDENTIFIERS and types & _IDENTIFIERS)
        ):
            return False
        between = _BETWEEN.match(text, end, value[0])
        return between is not None and between.end() == value[0]
