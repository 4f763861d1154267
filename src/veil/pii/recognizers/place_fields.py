"""Place fields of a form or record pasted as text: a line "Label: value" whose label names a
town or a postcode ("City: Ernakulam", "Town/City: ashby", "PIN: 682016", "Zip code: 83702").

Forms, sign-up exports, shipping labels and CRM notes print each field on its own line with its
label, and the value is then whatever the person typed: a town unknown to any gazetteer, in
lower case, misspelled, a district that no other rule reads as a place. The label says what it
is, so the value is reported whole (0.85) when it has the shape of its kind: a town of one to
four words of letters (not "N/A", "none", "same as above", not a sentence's or a type's words:
"city: str"), a postcode of three to ten letters and digits with at least one digit (after
"PIN", India's six digits: a card's PIN is no place). Street lines are the address blocks'
(:mod:`~veil.pii.recognizers.addresses`), which split them into parts; labels that also name
things of prose ("State:", "Country:", "Region:") are left to the other rules.

Read by :class:`~veil.pii.recognizers.addresses.AddressFinder` (one LOCATION recognizer for all
address shapes); hand-written from how forms print their fields.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from veil.pii.recognizers.common import wordset
from veil.pii.recognizers.house_numbers import is_sentence_word
from veil.pii.vocabulary import is_ordinary_word

__all__ = ["place_fields"]

_TOWN_LABELS = (
    r"city|town|town/city|city/town|suburb|village|locality|district|county|municipality|hometown"
    r"|place[ \t]of[ \t]birth|birthplace|city[ \t]of[ \t]birth|ort|wohnort|stadt|ville|ciudad|città"
)
_CODE_LABELS = (
    r"post[ \t]?code|postal[ \t]code|zip|zip[ \t]?code|pin|pin[ \t]?code|eircode|plz|cap|cep|code[ \t]postal"
)
# one field a line, after any bullet or quote mark; the value runs to the line's end
_FIELD = re.compile(
    rf"^[ \t>*•-]*(?i:(?P<town>{_TOWN_LABELS})|(?P<code>{_CODE_LABELS}))"
    r"[ \t]*:[ \t]*(?P<value>[^\n]{1,80}?)[ \t\r]*$",
    re.MULTILINE,
)
_TOWN_VALUE = re.compile(r"[^\W\d_](?:[^\W\d_]|['\u2019.-])*(?:[ \t]+[^\W\d_](?:[^\W\d_]|['\u2019.-])*){0,3}")
# digits and capitals in one or two groups, a digit among them ("83702", "SW1A 1AA", "1100-053")
_CODE_VALUE = re.compile(r"(?=[A-Z0-9 -]{0,9}\d)[A-Z0-9]{2,5}(?:[ -][A-Z0-9]{2,4})?")
_NOT_VALUES = wordset(
    """
    n/a na none nil null unknown tbd tbc same as above below see -- yes no true false
    other any all various home work n.a. none.
    str int float bool dict list tuple char varchar text obj
    """
)


_PIN_VALUE = re.compile(r"[1-9]\d\d[ \t]?\d{3}")  # India's PIN code (a card's PIN is no place)


def _is_value(kind: str, value: str, label: str) -> bool:
    folded = value.casefold()
    if folded in _NOT_VALUES or any(w in _NOT_VALUES for w in folded.split()[:1]):
        return False
    if kind == "town":
        words = value.split()
        # "city: The city name", "town: string": words of a sentence or a type, not a town's name
        # (a town named by one capitalised word stays: "City: Bath")
        ordinary = all(is_ordinary_word(w) for w in words) and (len(words) > 1 or value.islower())
        return (
            _TOWN_VALUE.fullmatch(value) is not None
            and not ordinary
            and not any(is_sentence_word(w) for w in words)
        )
    pattern = _PIN_VALUE if label.casefold().startswith("pin") else _CODE_VALUE
    return pattern.fullmatch(value) is not None


def place_fields(text: str) -> Iterator[tuple[int, int, float]]:
    """(start, end, 0.85) of the value of each place field in ``text``."""
    for match in _FIELD.finditer(text):
        kind = "town" if match.group("town") is not None else "code"
        value = match.group("value").rstrip(" \t.,;")
        if not value or not _is_value(kind, value, match.group(kind)):
            continue
        start = match.start("value")
        yield start, start + len(value), 0.85
