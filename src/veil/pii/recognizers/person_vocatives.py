"""A name addressed at the head or the tail of a message's sentence: "Malach, What you say makes
sense", "P.S. Tom, Please contact the office", "Orla, could you send it?", "Nice save, Tobin!".

E-mails and forum replies open a paragraph with the reader's bare name, a comma, and a new sentence
in a capital. The name is the first word of its sentence (after a sentence's end, a line's start or
"P.S."), one or two capitalised words, and the word after the comma opens a sentence addressed to
someone (:data:`_OPENERS`: "Please", "Could", "I", "Thanks", ...). Discourse words stand there
too ("However, I", "Well, I", "Yes, I", "Uh, I"): no chat word or filler; a word the dictionary
knows counts only when it is a known given name ("Tom", "Constance"); a place never does. Never in
a program's prose.

Comments and tweets address the reader the same way at a sentence's end: a comma, one or two
capitalised words, then "!", "?", a full stop or the message's end ("Great run, Tobin!", "Where did
you go, Marisha?"); the same words are no name there. Text split into tokens puts a space before
the comma ("Tobin , could you"), and a chat writes the next sentence in lower case: both count.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from veil.pii.data import FIRST_NAMES, load_words
from veil.pii.entity import EntityType
from veil.pii.recognizer import Recognizer
from veil.pii.recognizers.brand_words import is_brand
from veil.pii.recognizers.chat_words import is_chat_word
from veil.pii.recognizers.person_devices import is_assistant_address
from veil.pii.recognizers.person_mentions import name_words
from veil.pii.recognizers.person_words import COMMON_CAPITALISED
from veil.pii.recognizers.place_names import gazetteer_places
from veil.pii.recognizers.program_prose import is_program_prose
from veil.pii.recognizers.role_words import is_role_word
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
    r"(?P<name>[A-Z][a-z]+(?:[ \t][A-Z][a-z]+)?)[ \t]?,[ \t]+(?i:" + _OPENERS + r")(?![\w'\u2019-])",
    re.MULTILINE,
)
# At a sentence's tail: a comma, the name, then "!", "?", a full stop or the text's end.
_TAIL_VOCATIVE = re.compile(
    r"(?<=\w)[ \t]?,[ \t]+(?P<name>[A-Z][a-z]+(?:[ \t][A-Z][a-z]+)?)"
    r"(?=[ \t]*(?:[!?]|\.(?:[ \t]|$)|$))",
    re.MULTILINE,
)


# hesitations a speaker opens with ("Um, I think"), which no dictionary holds
_FILLERS = frozenset({"Um", "Umm", "Er", "Erm", "Ehm", "Ah", "Oh", "Okay", "Ok", "Aw", "Eh", "Hm"})


# words of a sentence said to someone: "Thank you, Tobin.", "See you, Tobin." (not "by his
# architect, Bahai.")
_SAID_TO_WORDS = re.compile(
    r"(?<![\w'\u2019])(?:you|your|ya|u|thanks|thank|thx|hi|hey|hello|bye|congrats|congratulations|welcome"
    r"|love|miss|morning|night|sorry|please|pls)(?![\w'\u2019])",
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(r"[.!?\n]")
# how far back a tail vocative's sentence is read
_SENTENCE_SPAN = 160


def _said_to(text: str, match: re.Match[str]) -> bool:
    """A tail vocative's sentence is said to someone: "!" or "?" after the name, or a word said to
    someone before it; and the word before the comma is no capitalised word but such a word
    ("Marx, Karl and Engels, Friedrich.": a family name, then a given one)."""
    start = match.start()
    before = text[max(0, start - _SENTENCE_SPAN) : start]
    last = before.rsplit(None, 1)[-1] if before.strip() else ""
    if last[:1].isupper() and not last.isupper() and _SAID_TO_WORDS.fullmatch(last) is None:
        return False  # (but "Thanks, Mary.")
    if text[match.end() : match.end() + 2].strip()[:1] in ("!", "?"):
        return True
    ends = [m.end() for m in _SENTENCE_END.finditer(before)]
    return _SAID_TO_WORDS.search(before, ends[-1] if ends else 0) is not None


def vocative_names(text: str) -> Iterator[tuple[int, int, float]]:
    """The names addressed at a sentence's head or tail (see the module's docstring), at 0.75."""
    if ", " not in text:
        return
    matches = [*_VOCATIVE.finditer(text), *(m for m in _TAIL_VOCATIVE.finditer(text) if _said_to(text, m))]
    if not matches or is_program_prose(text):
        return
    given = load_words(FIRST_NAMES)
    places = gazetteer_places()
    for m in matches:
        words = m.group("name").split()
        if any(
            w in places or w in COMMON_CAPITALISED or is_chat_word(w) or w in _FILLERS or is_brand(w)
            for w in words
        ):
            continue
        if any(is_ordinary_word(w) and w not in given for w in words):
            continue
        if is_role_word(words[0]):
            continue  # "Thanks, Doctor": a role
        start = m.start("name")
        if is_assistant_address(text, start, m.end("name")):
            continue  # "Alexa, please skip this song": a voice assistant spoken to
        if name_words(words) != words:
            start += len(words[0]) + 1  # "Thanks, Sheikh Bahai": the rank is no part of the name
        yield start, m.end("name"), 0.75


def person_vocative() -> Recognizer:
    """:func:`vocative_names` as a PERSON recognizer."""
    return Recognizer(name="person_vocative", entity_type=EntityType.PERSON, finder=vocative_names)
