"""A leader's family name before the government named after them: "the Bush administration",
"the first Ostrova presidency", "the new Varga administration".

News and forum posts name a government by its head's family name; the small model reads the
name as part of an organisation or drops it as an ordinary word ("bush"), while the corpora's
annotators mark the name as the person's. Only the word right before a lower-case
"administration" or "presidency", after "the" (and an ordinal or a word of time); not a party, a
people, a place or a body's word ("the Labour administration", "the Afghan administration", "the
Kabul administration", "the Hospital administration"): an ordinary English word counts only when a
list of family names knows it ("Bush", "Ford"). Never in a program's prose.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from veil.pii.data import LAST_NAMES, known_places, load_list
from veil.pii.entity import EntityType
from veil.pii.recognizer import Recognizer
from veil.pii.recognizers.common import wordset
from veil.pii.recognizers.people_words import GROUP_WORDS
from veil.pii.recognizers.program_prose import is_program_prose
from veil.pii.vocabulary import is_ordinary_word

__all__ = ["administration_names", "person_administration"]

_HEADED = re.compile(
    r"(?<![\w-])(?i:the)[ \t]+(?:(?i:first|second|third|new|current|former|previous|last|late|early"
    r"|incoming|outgoing|present|then)[ \t]+)?(?P<name>[A-Z][a-z]+(?:-[A-Z][a-z]+)?)(?:['\u2019]s)?"
    r"[ \t]+(?:administration|presidency)(?![\w-])"
)
# parties, sides and levels of government, which name an administration without a leader
_NOT_LEADERS = wordset(
    """
    Labour Labor Tory Tories Conservative Liberal Democrat Democratic Republican Green Greens Socialist
    Communist Coalition Federal Provincial Regional Municipal National Central Local State City County
    Civil Military Interim Transitional Royal Imperial Colonial Soviet Nazi Baathist Taliban
    Junta Party Council Hospital University College School District Board Trust Church Court
    """
)


def administration_names(text: str) -> Iterator[tuple[int, int, float]]:
    """The family names before "administration" or "presidency" (see the module's docstring)."""
    if "administration" not in text and "presidency" not in text:
        return
    matches = list(_HEADED.finditer(text))
    if not matches or is_program_prose(text):
        return
    family = load_list(LAST_NAMES)
    places = known_places()
    for m in matches:
        name = m.group("name")
        if name in _NOT_LEADERS or name in GROUP_WORDS or name in places:
            continue
        if is_ordinary_word(name) and name not in family:
            continue
        yield m.start("name"), m.end("name"), 0.75


def person_administration() -> Recognizer:
    """:func:`administration_names` as a PERSON recognizer."""
    return Recognizer(
        name="person_administration", entity_type=EntityType.PERSON, finder=administration_names
    )
