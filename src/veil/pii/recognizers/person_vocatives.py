"""A name addressed at the head of a message's sentence: "Malach, What you say makes sense",
"P.S. Tom, Please contact the office", "Orla, Could you send it?".

E-mails and forum replies open a paragraph with the reader's bare name, a comma, and a new sentence
in a capital. The name is the first word of its sentence (after a sentence's end, a line's start or
"P.S."), one or two capitalised words, and the word after the comma opens a sentence addressed to
someone (:data:`_OPENERS`: "Please", "Could", "I", "Thanks", ...). Discourse words stand there
too ("However, I", "Well, I", "Yes, I", "Uh, I"): no chat word or filler; a word the dictionary
knows counts only when it is a known given name ("Tom", "Constance"); a place never does. Never in
a program's prose.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from veil.pii.data import FIRST_NAMES, load_words
from veil.pii.entity import EntityType
from veil.pii.recognizer import Recognizer
from veil.pii.recognizers.chat_words import is_chat_word
from veil.pii.recognizers.person_words import COMMON_CAPITALISED
from veil.pii.recognizers.place_names import gazetteer_places
from veil.pii.recognizers.program_prose import is_program_prose
from veil.pii.vocabulary import is_ordinary_word

__all__ = ["person_vocative", "vocative_names"]

# the first words of a sentence said to someone
_OPENERS = (
    r"What|Please|I|We|You|Thanks|Thank|Here|Attached|Can|Could|Would|Will|Do|Did|Are|Is|Just|Let"
    r"|Hope|Sorry|This|Any|Have|Has|How|When|Where|Why|Got|Glad|Enclosed|Per|Following|Regarding"
    r"|FYI|Your|If"
)
_VOCATIVE = re.compile(
    r"(?:^|(?<=[.!?] )|(?<=[.!?]  )|(?<=\n)|(?<=P\.S\. ))"
    r"(?P<name>[A-Z][a-z]+(?:[ \t][A-Z][a-z]+)?),[ \t]+(?:" + _OPENERS + r")(?![\w'\u2019-])",
    re.MULTILINE,
)


# hesitations a speaker opens with ("Um, I think"), which no dictionary holds
_FILLERS = frozenset({"Um", "Umm", "Er", "Erm", "Ehm", "Ah", "Oh", "Okay", "Ok", "Aw", "Eh", "Hm"})


def vocative_names(text: str) -> Iterator[tuple[int, int, float]]:
    """The names addressed at a sentence's head (see the module's docstring), at 0.75."""
    if ", " not in text:
        return
    matches = list(_VOCATIVE.finditer(text))
    if not matches or is_program_prose(text):
        return
    given = load_words(FIRST_NAMES)
    places = gazetteer_places()
    for m in matches:
        words = m.group("name").split()
        if any(w in places or w in COMMON_CAPITALISED or is_chat_word(w) or w in _FILLERS for w in words):
            continue
        if any(is_ordinary_word(w) and w not in given for w in words):
            continue
        yield m.start("name"), m.end("name"), 0.75


def person_vocative() -> Recognizer:
    """:func:`vocative_names` as a PERSON recognizer."""
    return Recognizer(name="person_vocative", entity_type=EntityType.PERSON, finder=vocative_names)
