"""Identity documents' numbers that no country's format is known for, after their label: the
passport, internal passport or identity card number a judgment or a letter quotes ("passport
no. 4412987", "his internal passport, series 45 03 no. 123456", "identity card no. 123456",
"ID card number AB1234567").

:mod:`.travel_documents` and the national-ID recognizers report the numbers whose country's shape
they know (a UK passport's nine digits, a German ID card's letters and check digit). Most
countries' documents have no shape a reader can check, and what makes their number a person's is
the label, as for a file number (:mod:`.references`). These are reported with a lower score than
the country recognizers' (0.6 against 0.8), so a number both read keeps its country's type: the
engine keeps the best-scored of overlapping spans.

A value is a number of five to ten digits, two letters and digits ("ZS 1234567"), or a series
and number ("45 03 no. 123456", "71 2345678"); never a year, a date or one repeated digit.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from veil.pii.entity import EntityType
from veil.pii.recognizer import Recognizer
from veil.pii.recognizers.common import terms, words, wordset
from veil.pii.recognizers.labelled import LabelledValue
from veil.pii.recognizers.national_ids import is_de_id_card
from veil.pii.recognizers.travel_documents import is_document_number

__all__ = ["any_identity_card", "any_passport", "is_identity_document_number"]

# Below the country recognizers' 0.8 (and above the engine's default min_score, 0.5). The German
# card serial as printed scores only 0.5 with its label, so this fallback leaves those to de_id.
_SCORE = 0.6

_PASSPORT_LABELS = terms(
    "passport|passports|internal passport|foreign passport|travel passport|passport no|passport number"
    "|passport nr|passport series|passport details|passeport|pasaporte|passaporto|paspoort|paszport"
    "|reisepass"
)
_ID_CARD_LABELS = terms(
    "identity card|identity cards|ID card|ID-card|identity document|identity papers|national identity card"
    "|residence permit|residence card|personal identification number|personal identity number"
    "|identification number|identity number|ID number|ID no|carte d'identité|documento de identidad"
    "|carta d'identità|personalausweis|dowód osobisty|kimlik"
)
_VALUE = (
    r"\d{2}[ \t]?\d{2}[ \t]+(?:[Nn]o\.?|№)[ \t]?\d{6}"  # a series and number: 45 03 no. 123456
    r"|\d{2}[ \t]?\d{2}[ \t]\d{6}"  # 45 03 123456
    r"|\d{2}[ \t]\d{7}"  # 71 2345678
    r"|[A-Z]{1,3}[ \t]?\d{5,9}"  # ZS 1234567, AB1234567
    r"|\d{5,10}"
)


# What may stand between a document's label and its number: "passport no. X", "identity card
# of the applicant, series 45 03 no. X", "passport (no. X)". Any other word makes the number
# another thing's: "his passport and 15000 roubles", "identity card for 12500 people".
_FILLER = wordset(
    "no nr number numbers series is was of the a an his her their its applicant applicant's holder"
    " issued valid bearing n es est ist è nummer numéro número numero"
)
_WORD = re.compile(r"[^\W\d_][\w'\u2019]*")
_SPACE = r"[ \t]*"


# After these labels (the identity-card words among de_id's context words; "passport" is not one:
# travel_documents or any_passport type the number PASSPORT) a number of the German card's alphabet
# and shape is that country's format, which de_id reports as DE_ID at 0.5: this fallback leaves it.
_GERMAN_LABELS = ("ausweis", "reisepass", "id card", "identity card")  # "Personalausweis", "ID card no."


class _OnlyFillersBetween:
    """The labelled values of ``labels`` whose label is followed by filler words only.

    A class, not a closure: the registry is pickled for worker processes (``PiiEngine`` with
    ``workers``), and a local function cannot be pickled."""

    def __init__(self, labels: tuple[str, ...]) -> None:
        self._finder = LabelledValue(labels, _VALUE, score=_SCORE, validate=is_identity_document_number)
        self._label_re = re.compile(
            words([_SPACE.join(map(re.escape, t.split())) for t in labels], any_case=True)
        )

    def __call__(self, text: str) -> Iterator[tuple[int, int, float]]:
        for start, end, score in self._finder(text):
            label = None
            for label in self._label_re.finditer(text, max(0, start - 48), start):  # noqa: B007
                pass
            german = label is not None and any(word in label.group().lower() for word in _GERMAN_LABELS)
            if german and is_de_id_card(text[start:end]):
                continue  # a known country format: de_id reports the German serial as DE_ID (at 0.5)
            if label is None or all(w.lower() in _FILLER for w in _WORD.findall(text, label.end(), start)):
                yield start, end, score


def is_identity_document_number(text: str) -> bool:
    """Five digits or more, not one repeated digit, not a date (:func:`is_document_number`)."""
    return sum(c.isdigit() for c in text) >= 5 and is_document_number(text)


def any_passport() -> Recognizer:
    return Recognizer(
        name="any_passport",
        entity_type=EntityType.PASSPORT,
        finder=_OnlyFillersBetween(_PASSPORT_LABELS),
    )


def any_identity_card() -> Recognizer:
    return Recognizer(
        name="any_identity_card",
        entity_type=EntityType.REFERENCE_NUMBER,
        finder=_OnlyFillersBetween(_ID_CARD_LABELS),
    )
