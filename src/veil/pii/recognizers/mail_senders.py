"""The sender of an e-mail as a forwarded or quoted message's header writes them (PERSON, 0.85).

* **a sender line** (Lotus Notes style): a person's name joined to their organisation's mail
  name by "@", then the date it was sent::

      Dana Whitcombe@NORTHWIND 08/16/2000 12:05 PM
      Dana Whitcombe@NORTHWIND COMMUNICATIONS on 08/16/2000 03:14:14 PM
      Dana Whitcombe/HOU/NORTHWIND@NorthwindMail 03/28/2001 05:09 PM

  The whole "Name@ORG" is the person's address and names them; in the "Name/UNIT@host" form
  only the name is theirs (the units and the host are the organisation's). The date after it
  (or "on" and a date, after words in capitals) makes it a sender line, not an e-mail address
  ("dana.whitcombe@northwind.com" has a lower-case domain and no date: the e-mail recognizer's).
* **a display name**: the quoted name before an address in angle brackets, as "From:" headers
  and quoted replies write it: ``"Whitcombe, Dana" <dwhit@example.net>``, ``"Quenby"<q...@...>``,
  ``"TJW" <tjw@...>`` (initials). One to three words, capitalised or initials in capitals; not a
  list's, a shop's or a group's title ("The Cat Album", "Customer Service": a function word
  first, or English words only).
* **an inverted display name in quotes** without its address, as a quoted reply's header or a
  pasted address book writes it: ``"Whitcombe, Dana" wrote``; the second word a known given
  name.
* **a name that signs off at the very end**, after a parting ("see you at the gym later
  Quenby", "talk to you later, Dara") or as a byline of its own ("... Loved it! By natalie
  Voss"): the text's last words, a capitalised word that is no English, chat or place word, a
  known given name in lower case, maybe with a capitalised family name, or two or three initials
  in capitals that are no chat word or place ("talk to you later GT"; not "LOL", "UK").
* **a name or initials after a signature mark at the very end**, as e-mails, forum posts and
  support tweets sign: a dash, a tilde, a caret or an asterisk ("Call me when you land. -Tobin",
  "~Dara", "Is it plugged in? ^JS", "What device are you using? * AM") or a kiss ("xx Coco",
  "xoxo jen"), then a capitalised word (maybe a second one), initials in capitals (one to three
  letters, after a mark only: "-M") or a known given name in lower case. At a line's start a dash
  or an asterisk must touch the name ("-Tobin"): "- Tobin" there opens a list's item; after a
  sentence's end on the same line, a blank may follow the mark. The word must be no English,
  chat or place word ("-Thanks", "~Cheers", "- UK").
* **initials that sign a message** beside the writer's name in full, as a signature block
  repeats it: "Thx dp Dana Pell", "Let me know. DP Dana Pell" (the initials: the name is found
  as a name). The letters must be the name's initials, in either case, and no word ("an Ann
  Newton", "ok Olive King": an English or a chat word); the name no place and not opening with
  an English word ("LA Los Angeles", "UN United Nations": an abbreviation spelt out).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from veil.pii.data import FIRST_NAMES, known_places, load_words
from veil.pii.entity import EntityType
from veil.pii.recognizer import Recognizer
from veil.pii.recognizers.chat_words import is_chat_word
from veil.pii.recognizers.common import wordset
from veil.pii.recognizers.person_address import english_words
from veil.pii.vocabulary import is_ordinary_word

__all__ = [
    "display_names",
    "mail_senders",
    "marked_sign_off",
    "sender_names",
    "signed_initials",
    "signed_off",
]

# A name of two or three capitalised words, maybe with a middle initial ("Jeffrey T Hodge"), that
# ends where the address part starts.
_NAME = re.compile(
    r"(?<![\w.@/-])(?P<name>[A-Z][a-z][A-Za-z'\u2019-]*(?:[ \t][A-Z]\.?)?"
    r"(?:[ \t](?:Mc|Mac|O['\u2019]|De)?[A-Z][a-z][A-Za-z'\u2019-]*){1,2})\Z"
)
_NAME_WINDOW = 60  # characters looked at before the address part for the name
# The address part and the date: "@ORG" or "/UNIT/...@host", words in capitals, "on", a date.
_ADDRESS = re.compile(
    r"(?:(?P<at>@[A-Z][A-Za-z]+)|(?:/[A-Z][\w&-]*)+@[A-Za-z][\w-]*)"
    r"(?:[ \t]+[A-Z]{2,}(?![\w@]))*[ \t]+(?:on[ \t]+)?\d{1,2}/\d{1,2}/(?:\d{4}|\d{2})(?!\d)"
)
# Where an address part may start: "@" or "/" right after a lower-case letter (a name's end).
_AFTER_NAME = re.compile(r"(?<=[a-z])[@/]")

# A quoted display name right before "<" and an address ("...@" or "...@host").
_DISPLAY = re.compile(
    r"[\"\u201c](?P<name>[^\"\u201c\u201d<>@\n]{2,40})[\"\u201d][ \t]*<[\w.+-]*(?:\.\.\.)?@"
)
# A quoted "Family, Given" name anywhere (the given name is checked against the gazetteer).
_INVERTED = re.compile(
    r"[\"\u201c](?P<name>(?:Mc|Mac|O['\u2019])?[A-Z][a-z][A-Za-z'\u2019-]*,[ \t]?(?P<given>[A-Z][a-z]+)"
    r"(?:[ \t][A-Z]\.?)?)[\"\u201d]"
)
# The text's last words after a parting or a byline of its own.
_SIGNED_OFF = re.compile(
    r"(?:(?i:\b(?:see|talk to|catch|speak to)[ \t]+(?:you|ya|u)\b)[^.!?\n]{0,24}?[ \t](?i:later)[ \t]*,?"
    r"|(?:^|[.!?\n])[ \t]*(?i:by))[ \t]+"
    r"(?P<name>[A-Za-z][a-z'\u2019-]+(?:[ \t][A-Z][a-z'\u2019-]+)?|[A-Z]{2,3})"
    r"[ \t]*[.!]*\s*\Z"
)
_TAIL = 120  # characters looked at at the end of a text for a sign-off
# A signature mark and the name or initials after it, at the text's very end: after a sentence's
# end on the same line (a blank allowed after the mark), or at a line's start (a dash or an
# asterisk touching the name; a kiss, a tilde or a caret with a blank or not).
_SIGNATURE = (
    r"(?P<name>[A-Z][a-z'\u2019-]+(?:[ \t][A-Z][a-z'\u2019-]+)?|[A-Z]{1,3}|[a-z]{3,15})[ \t]*[.!]*\s*\Z"
)
_MARKED = re.compile(
    r"(?:(?<=[.!?),])[ \t]+(?:--?|[~^*\u2013\u2014]|(?i:xx+|xoxo))[ \t]?"
    r"|(?:^|(?<=\n))[ \t]*(?:--?|[*\u2013\u2014])"
    r"|(?:^|(?<=\n))[ \t]*(?:[~^]|(?i:xx+|xoxo))[ \t]?)" + _SIGNATURE
)
# A word of a display name: capitalised ("Dana", "McGilloway", "O'Neil"), or initials in capitals.
_DISPLAY_WORD = re.compile(r"[A-Z][a-z][A-Za-z'\u2019-]*|[A-Z]{2,4}|[A-Z]\.?")
_FUNCTION_FIRST = wordset("the a an our your my from to for team support info customer service")

# Two or three letters, then a name of two or three words (a middle initial allowed).
_INITIALS = re.compile(
    r"(?<![\w@.'\u2019/-])(?P<initials>[A-Za-z]{2,3})[ \t]+"
    r"(?P<name>[A-Z][a-z]+(?:[ \t][A-Z]\.?)?(?:[ \t][A-Z][a-z'\u2019-]+){1,2})(?![\w@])"
)


def sender_names(text: str) -> Iterator[tuple[int, int, float]]:
    """(start, end, 0.85) of each sender of a sender line in ``text`` (see the module's doc)."""
    if "@" not in text:
        return
    for mark in _AFTER_NAME.finditer(text):
        at = mark.start()
        address = _ADDRESS.match(text, at)
        if address is None:
            continue
        name = _NAME.search(text[max(0, at - _NAME_WINDOW) : at])
        if name is None:
            continue
        start = at - (name.end("name") - name.start("name"))
        yield start, address.end("at") if address.group("at") else at, 0.85


def display_names(text: str) -> Iterator[tuple[int, int, float]]:
    """(start, end, 0.85) of each quoted display name before an address, and of each inverted
    display name in quotes (see the module's doc)."""
    if '"' not in text and "\u201c" not in text:
        return
    for match in _DISPLAY.finditer(text):
        name = match.group("name").strip()
        words = [w for w in re.split(r"[ \t]*,[ \t]*|[ \t]+", name) if w]
        if not 1 <= len(words) <= 3 or not all(_DISPLAY_WORD.fullmatch(w) for w in words):
            continue
        if words[0].lower() in _FUNCTION_FIRST:
            continue  # "The Cat Album", "Customer Service": a title, no one
        if all(w.lower() in english_words() or is_ordinary_word(w.lower()) for w in words):
            continue  # "Happy Hour", "Sales": words only
        start = match.start("name") + (len(match.group("name")) - len(match.group("name").lstrip()))
        yield start, start + len(name), 0.85
    for match in _INVERTED.finditer(text):
        if match.group("given") in _given_names() and _DISPLAY.match(text, match.start()) is None:
            yield match.start("name"), match.end("name"), 0.85


def signed_initials(text: str) -> Iterator[tuple[int, int, float]]:
    """(start, end, 0.85) of initials that sign a message beside the name they abbreviate."""
    for match in _INITIALS.finditer(text):
        initials = match.group("initials")
        folded = initials.lower()
        if not (initials.islower() or initials.isupper() or initials.istitle()):
            continue  # "iOS", "McD": no initials
        if folded in english_words() or is_ordinary_word(folded) or is_chat_word(folded):
            continue  # "an Ann Newton", "ok Olive King": a word
        words = match.group("name").split()
        if words[0].lower() in english_words() or " ".join(words[:2]) in known_places():
            continue  # "UN United Nations", "LA Los Angeles": an abbreviation spelt out
        # the name may run on into the next words ("dp Dana Pell Tammi, ..."): its first two or
        # three words, with or without a middle initial
        heads = ("".join(w[0] for w in words[:n]).lower() for n in (2, 3))
        full = [w for w in words if len(w.rstrip(".")) > 1]
        if folded in heads or folded == "".join(w[0] for w in full[:2]).lower():
            yield match.start("initials"), match.end("initials"), 0.85


def signed_off(text: str) -> Iterator[tuple[int, int, float]]:
    """(start, end, 0.85) of the name that signs ``text`` off at its very end (see the module's doc)."""
    tail = max(0, len(text) - _TAIL)
    match = _SIGNED_OFF.search(text, tail)
    if match is None:
        return
    words = match.group("name").split()
    first = words[0]
    folded = first.lower()
    if first.islower():
        named = first.capitalize() in _given_names() and first not in english_words()
    elif first.isupper():
        # initials after a parting ("talk to you later GT"), no chat word or place ("LOL", "UK")
        named = len(first) <= 3 and not (
            is_chat_word(folded) or folded in english_words() or first in known_places()
        )
    else:
        named = _no_word_or_place(first)
    if named:
        yield match.start("name"), match.end("name"), 0.85


def marked_sign_off(text: str) -> Iterator[tuple[int, int, float]]:
    """(start, end, 0.8) of the name or initials after a signature mark at ``text``'s very end
    (see the module's doc)."""
    match = _MARKED.search(text, max(0, len(text) - _TAIL))
    if match is None:
        return
    name = match.group("name")
    first = name.split()[0]
    folded = first.lower()
    if first.isupper():
        named = first not in known_places()  # "-M", "^JS", not "- UK"
    elif first.islower():
        named = first.capitalize() in _given_names() and folded not in english_words()
    else:
        named = _no_word_or_place(first)
    if named:
        yield match.start("name"), match.end("name"), 0.8


def _no_word_or_place(first: str) -> bool:
    """A capitalised first word that may sign a message: no English or ordinary word, chat word or place."""
    folded = first.lower()
    return not (
        folded in english_words()
        or is_ordinary_word(folded)
        or is_chat_word(folded)
        or first in known_places()
    )


def _given_names() -> frozenset[str]:
    return load_words(FIRST_NAMES)


class SenderFinder:
    """:func:`sender_names`, :func:`display_names`, :func:`signed_initials`, :func:`signed_off` and
    :func:`marked_sign_off` as a recognizer's finder."""

    def __call__(self, text: str) -> Iterator[tuple[int, int, float]]:
        yield from sender_names(text)
        yield from display_names(text)
        yield from signed_initials(text)
        yield from signed_off(text)
        yield from marked_sign_off(text)

    def __repr__(self) -> str:
        return "SenderFinder()"


def mail_senders() -> Recognizer:
    return Recognizer(name="mail_sender", entity_type=EntityType.PERSON, finder=SenderFinder())
