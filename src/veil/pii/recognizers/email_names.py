"""People's names that an e-mail address in the same text spells out.

"Send copies to bohumil@capkovic.com. - Bohumil", "sirpa_sirvio27@luukku.com ... Sirpa Sirviö":
a capitalised word of the text that is also a part of an e-mail address's local part (split at
dots, underscores, hyphens and digits; accents ignored; "jsmith" also as "smith") is the name of
that address's owner, whatever its origin, so no gazetteer needs to know it. A capitalised word
right after it that the local part also holds joins it ("Sirpa Sirviö"). Parts that are ordinary
English words or mailbox roles ("support", "info", "sales", "admin") say nothing (0.7).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from veil.pii.entity import EntityType
from veil.pii.recognizer import Recognizer
from veil.pii.recognizers.common import LOWER, NAME_TAIL, UPPER, wordset
from veil.pii.recognizers.name_lists import fold
from veil.pii.recognizers.person_words import COMMON_CAPITALISED
from veil.pii.vocabulary import is_ordinary_word

__all__ = ["EmailNameFinder", "email_local_parts", "person_email_name"]

_LOCAL_PART = re.compile(r"(?<![\w.+-])([\w.+-]{3,64})@[\w-]+(?:\.[\w-]+)+")
_PART = re.compile(r"[^\W\d_]{3,}")
# the first capital first (``re`` scans for it), what may not be before it checked after it: a
# leading look-behind is tried at every position
_CAPITALISED = re.compile(rf"[{UPPER}](?<![\w'\u2019@.-][{UPPER}]){NAME_TAIL}(?![\w'\u2019@-])")
_NEXT = re.compile(rf"[ \t]([{UPPER}][{LOWER}'\u2019-]+)(?![\w'\u2019@-])")
# Mailbox roles and words of addresses that name no person.
_ROLES = wordset(
    """
    info support sales admin contact hello office team help service billing accounts noreply reply
    mail postmaster webmaster hostmaster abuse security privacy legal press media jobs careers hr
    marketing orders shop store booking bookings reception enquiries inquiries newsletter news
    """
)


def email_local_parts(text: str) -> frozenset[str]:
    """The words (3+ letters, accents folded, lower case) of the local parts of the e-mail
    addresses in ``text``, less mailbox roles and ordinary English words; a word of five letters
    or more also without its first letter (an initial: "jsmith")."""
    parts = set()
    for match in _LOCAL_PART.finditer(text):
        for part in _PART.findall(match.group(1)):
            folded = fold(part).lower()
            if folded not in _ROLES and not is_ordinary_word(folded):
                parts.add(folded)
                if len(folded) > 4:
                    parts.add(folded[1:])  # an initial before a family name: "jsmith"
    return frozenset(parts)


class EmailNameFinder:
    """Capitalised words that a local part of an e-mail address in the text spells out."""

    def __call__(self, text: str) -> Iterator[tuple[int, int, float]]:
        if "@" not in text:
            return
        parts = email_local_parts(text)
        if not parts:
            return
        for match in _CAPITALISED.finditer(text):
            word = match.group()
            if word in COMMON_CAPITALISED or fold(word).lower() not in parts:
                continue
            end = match.end()
            following = _NEXT.match(text, end)
            if following is not None and fold(following.group(1)).lower() in parts:
                end = following.end()
            yield match.start(), end, 0.7

    def __repr__(self) -> str:
        return "EmailNameFinder()"


def person_email_name() -> Recognizer:
    return Recognizer(name="person_email_name", entity_type=EntityType.PERSON, finder=EmailNameFinder())
