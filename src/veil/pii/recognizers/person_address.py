"""A first name as people write it to someone online: spoken to, greeted, thanked, mourned.

In comments and chat a person is most often named by a given name alone, and the words around
it say that it is a person: the writer speaks to them ("Kelsey, you should ...", "Lauren you
were great") or greets, thanks, praises, mourns or shouts them out ("hey Emily", "shoutout to
Priya", "rip Kenny", "happy birthday Damien", "great video Quillon!", "my boy Marcus"). A word
that the gazetteers know as a given name (and that is no common word, see
:class:`~veil.pii.recognizers.first_names.FirstNameFinder`) is a person there (0.7); so is, after
a social cue, a word no gazetteer knows when it is capitalised and no English word, no chat slang
or laughter, no place and not in capitals ("great video Quillon!", "my boy Dubbz"), or in lower case
a known first or family name that is no English word ("hey deji"): :func:`addressed_names` (0.5,
raised by the first-name recognizer's context words: "thanks", "hey", "to"); and such a word
spoken to ("Jaiden, you are so kind").

* **spoken to** - the name opens the text, a line or a sentence and a second-person word
  follows, after an optional comma: "you", "your", "u", "ur", "please", "pls";
* **a social cue before it** - a greeting, thanks, praise, a wish or a mourning word, then an
  optional comma: "hey", "thanks", "thank you", "great video", "good job", "love you", "miss
  you", "rip", "happy birthday", "congrats", "shoutout to", "props to", "my boy", "poor"; a
  message's sign-off ("thanks again", "talk to you later", "take care") or a post's byline
  ("posted by", "written by").
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from functools import cache

from veil.pii.data import COMMON_WORDS, ENGLISH_WORDS, known_places, load_list
from veil.pii.recognizers.brand_words import is_brand
from veil.pii.recognizers.chat_words import is_chat_word
from veil.pii.recognizers.common import wordset
from veil.pii.recognizers.person_words import COMMON_CAPITALISED
from veil.pii.recognizers.role_words import is_role_word
from veil.pii.vocabulary import is_ordinary_word

__all__ = ["addressed_names", "english_words", "is_addressed", "is_cue"]

_SECOND_PERSON = re.compile(
    r"[ \t]*,?[ \t]*(?:you|your|yours|you're|you\u2019re|youre|you've|you\u2019ve|u|ur|ya|yall|y'all"
    r"|please|pls|plz)(?![\w'\u2019-])"
)
# Where a sentence opens: the text's start, a line's, or after a sentence's end.
_OPENS = re.compile(r"(?:^|[\n.!?])[ \t]*$")
_CUES = (
    # a thanks or a parting that signs a message off ("Thanks again Nina.", "talk to you later
    # Brannoc"), and a post's byline ("Posted by darin"): before "thanks", which they start with
    r"thanks again|thank you again|thanks so much|thank you so much|many thanks|thanks a lot"
    r"|talk to you later|see you later|see ya later|take care|posted by|written by"
    r"|hey|hi|hiya|hello|yo|sup|thanks|thank you|thank u|thanx|thx|tysm|cheers"
    r"|(?:great|nice|good|awesome|amazing|cool|sick|dope|lovely|beautiful) (?:video|vid|videos|vids|stream"
    r"|song|track|cover|edit|job|work|one|episode|ep|content|podcast|set|shot|goal|game|play|performance)"
    r"|well done|love you|love u|luv u|miss you|miss u"
    r"|we love you|rip|r\.i\.p\.?|rest in peace|happy birthday|happy bday|happy b-day|hbd"
    r"|congrats|congratulations|shoutout to|shout out to|shout-out to|shoutouts to|props to"
    r"|respect to|salute to|big up|bless|god bless|my boy|my girl|my man|my guy|my dude|my bro"
    r"|my sis|poor|go go|get well soon|good luck|goodnight|good night|good morning|welcome back"
)
_CUE_BEFORE = re.compile(rf"(?i)(?<![\w'\u2019-])(?:{_CUES})[ \t]*[,:]?[ \t]*$")


def is_addressed(text: str, start: int, end: int) -> bool:
    """The word ``text[start:end]`` is spoken to ("Kelsey, you ...") or follows a social cue
    ("shoutout to Priya", "rip Kenny"); see the module's doc. A brand, an app or an assistant is
    spoken to as a friend is ("Hey Siri, you ...", "thanks Uber"): never addressed here."""
    if is_brand(text[start:end]):
        return False
    before = text[max(0, start - 24) : start]
    if _CUE_BEFORE.search(before) is not None:
        return True
    return (
        _OPENS.search(text, max(0, start - 8), start) is not None
        and _SECOND_PERSON.match(text, end) is not None
    )


# A social cue.
_CUE = re.compile(rf"(?<![\w'\u2019-])(?:{_CUES})(?![\w'\u2019-])")  # read in the text in lower case
_CUE_ANY_CASE = re.compile(_CUE.pattern, re.IGNORECASE)  # where lower-casing changes the length
# After a cue, the word it addresses (a letter first; digits and inner capitals allowed: "Dubbz",
# "iJustine"), and maybe a second capitalised word of the same name.
_ADDRESSED = re.compile(
    r"[ \t]*[,:]?[ \t]+(?P<name>[^\W\d_][\w'\u2019-]{1,24}(?:[ \t][A-Z][a-z][\w'\u2019-]{1,24})?)(?![\w@/])"
)
_POSSESSIVE = ("'s", "\u2019s")
# A second-person word, read in the text in lower case (no look-behind first: the scan then skips
# to the letters that start one; what precedes it is checked after).
_YOU = re.compile(
    r"(?:you|your|yours|you're|you\u2019re|youre|you've|you\u2019ve|u|ur|ya|yall|y'all"
    r"|please|pls|plz)(?![\w'\u2019-])"
)
_YOU_ANY_CASE = re.compile(_YOU.pattern, re.IGNORECASE)
# A word that opens the text, a line or a sentence, and ends where a second-person word follows,
# after an optional comma: "Jaiden, you ...".
_OPENING_WORD = re.compile(
    r"(?:^[ \t]*|(?<=[.!?])[ \t]+)(?P<name>[^\W\d_][\w'\u2019-]{1,24})[ \t]*,?[ \t]*\Z", re.MULTILINE
)


def addressed_names(text: str, known_lower: Callable[[str], bool]) -> Iterator[tuple[int, int, float]]:
    """(start, end, 0.5) of each word no gazetteer needs to know that a social cue addresses:
    capitalised, no English or common word, no chat word, no place, not in capitals ("great video
    Shan!"); in lower case only when ``known_lower`` (a known name that is no word: "hey deji")."""
    lowered = text.lower()
    same = len(lowered) == len(text)  # else lower-casing moved the offsets: read the text itself
    for you in _YOU.finditer(lowered) if same else _YOU_ANY_CASE.finditer(text):
        at = you.start()
        if at > 0 and (text[at - 1].isalnum() or text[at - 1] in "_'\u2019-"):
            continue  # inside a word: "menu", "thank-you"
        spoken = _OPENING_WORD.search(text, max(0, at - 40), at)
        if spoken is not None and _unknown_name_word(spoken.group("name"), known_lower):
            yield spoken.start("name"), spoken.end("name"), 0.5  # "Jaiden, you are so kind"
    cues = _CUE.finditer(lowered) if same else _CUE_ANY_CASE.finditer(text)
    for cue in cues:
        match = _ADDRESSED.match(text, cue.end())
        if match is None:
            continue
        parts = match.group("name").split()
        first = parts[0]
        if first.endswith(_POSSESSIVE):
            first = first[:-2]
        if _PEOPLE_CUE.fullmatch(cue.group()) is not None and _initials(first):
            yield match.start("name"), match.start("name") + len(first), 0.5  # "happy birthday MJ"
            continue
        if not _unknown_name_word(first, known_lower):
            continue
        start = match.start("name")
        end = start + len(first)
        if len(parts) == 2 and _unknown_name_word(parts[1], known_lower) and first[0].isupper():
            end = match.end("name")  # "salute to Sitaram Katel"
        yield start, end, 0.5


# Continents and worlds that a cue may address too ("Happy Birthday America", "goodnight Asia"),
# and that the place gazetteer does not list.
_WORLDS = wordset(
    "America Americas Asia Europe Africa Oceania Antarctica Arctic Eurasia Scandinavia Balkans Caribbean "
    "Earth Mars Venus Jupiter Saturn Pluto"
)
# An apostrophe with lower-case letters after it: a contraction ("I'm", "You're", "Don't"), no
# name ("O'Brien", "D'Angelo" go on in a capital).
_CONTRACTION = re.compile(r"['\u2019][a-z]")


# The cues said to or of a person only (no firm is wished a happy birthday or mourned), after
# which initials in capitals name someone: "happy birthday MJ", "RIP JT", "miss you KB".
_PEOPLE_CUE = re.compile(
    r"(?i:happy birthday|happy bday|happy b-day|hbd|rip|r\.i\.p\.?|rest in peace|miss you|miss u"
    r"|love you|love u|luv u|get well soon|my boy|my girl|my bro|my sis)"
)


def _initials(word: str) -> bool:
    """Two or three capitals that are no chat word, word, place or world ("MJ"; not "LOL",
    "ALL", "USA")."""
    return (
        2 <= len(word) <= 3
        and word.isalpha()
        and word.isupper()
        and not is_chat_word(word)
        and word.lower() not in english_words()
        and word not in known_places()
        and word not in _WORLDS
    )


def _unknown_name_word(word: str, known_lower: Callable[[str], bool]) -> bool:
    """A word that may name the one addressed: see :func:`addressed_names`."""
    bare = word.strip("'\u2019-")
    if len(bare) < 2 or is_chat_word(bare) or bare.isupper() or bare in COMMON_CAPITALISED:
        return False
    if _CONTRACTION.search(bare) is not None or bare in _WORLDS or is_brand(bare):
        return False  # "I'm", "Happy Birthday America", "thanks Uber": no one addressed
    if is_role_word(bare) or is_cue(bare):
        return False  # "thanks Mom", "hey Mods you around": a relative or a role; "Yo you up": the cue
    if bare.islower():
        return known_lower(bare)
    folded = bare.lower()
    return not (folded in english_words() or is_ordinary_word(bare) or bare in known_places())


@cache
def english_words() -> frozenset[str]:
    """English words and the common words of the package's lists, lower case."""
    return load_list(ENGLISH_WORDS) | load_list(COMMON_WORDS)


_ONE_WORD_CUE = re.compile(rf"(?i:{_CUES})")


def is_cue(word: str) -> bool:
    """``word`` is a social cue of one word ("Poor", "Rip", "Hey", "Thanks")."""
    return _ONE_WORD_CUE.fullmatch(word) is not None
