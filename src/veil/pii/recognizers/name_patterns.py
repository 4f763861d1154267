"""The regex shapes of a person's name that the title, label, line and gazetteer rules share.

A name is capitalised words joined by one blank (a run of blanks ends a form's field), with
particles ("van der", "de la"), initials ("John F. Kennedy", "Kh. Ivanov") and family names that
go on in lower case after a hyphen ("Hauta-aho"); "Smith, Jane" on forms; a family name in
capitals as judgments and forms write it ("Mr KOWALSKI").
"""

from __future__ import annotations

import re

from veil.pii.recognizers.common import LEGAL_FORMS, LOWER, NAME_TAIL, NAME_WORD, UPPER

__all__ = [
    "CAPS_NAME",
    "CAP_TOKEN",
    "FIELD_NAME",
    "LEADING_INITIALS",
    "NAME_SEQ",
    "NOT_A_FIRM",
    "PARTICLE",
    "SENTENCE_START",
    "TITLED_NAME",
]

PARTICLE = r"(?:van|von|der|den|de|del|della|di|da|du|dos|das|do|le|la|bin|ibn|al|el|ter|ten|te|zu|y|'t)"
# A name: capitalised words joined by one space (a run of spaces ends a form field), with
# particles ("van der", "de la") and initials ("John F. Kennedy").
# a family name may go on in lower case after a hyphen: "Hauta-aho"
FAMILY_WORD = rf"{NAME_WORD}(?:-[{LOWER}]{{2,}})?"
NAME_SEQ = rf"{FAMILY_WORD}(?:[ \t](?:{PARTICLE}[ \t])*(?:[{UPPER}]\.[ \t]?)?{FAMILY_WORD}){{0,3}}"
LAST_COMMA_FIRST = rf"{NAME_WORD},[ \t]{NAME_WORD}(?:[ \t]{NAME_WORD})?"
INITIAL = rf"(?:[{UPPER}]|Kh|Zh|Sh|Ch|Ts|Yu|Ya|Ye|Yo)\."  # romanised Russian keeps "Kh.", "Yu."
LEADING_INITIALS = rf"(?:{INITIAL}[ \t]?){{0,3}}"  # "J. Smith", "A. K. Sharma"
# A sentence's first word after initials ends the name: "Mr G.D. She maintained", "Mr K. The court".
SENTENCE_START = r"(?:The|A|An|He|She|It|They|We|I|His|Her|Its|Their|This|That|On|In|At|By|After|When|But|As)"
# The name after a title: "Ms van der Berg"; particles after initials too: "Mrs M. van der Velde".
TITLED_NAME = (
    rf"(?:{PARTICLE}[ \t]){{0,3}}(?:{INITIAL}[ \t]?)*(?!{SENTENCE_START}(?![\w'\u2019-]))"
    rf"(?:{PARTICLE}[ \t]){{0,3}}{NAME_SEQ}"
)
FIELD_NAME = rf"(?>{LAST_COMMA_FIRST}|{LEADING_INITIALS}{NAME_SEQ})"
_LEGAL_FORM = "|".join(re.escape(form) for form in sorted(LEGAL_FORMS, key=lambda f: (-len(f), f)))
# What may not follow a name after a label: more of the word, a legal form ("Carlier SARL", "Albuquerque
# Fonseca - ME"), more partners ("Johnson, Jennings and Richardson"), a call's "(" ("Sentinel(...)").
NOT_A_FIRM = (
    rf"(?!\w|\(|[ \t]+(?:&[ \t]+)?(?:{_LEGAL_FORM})(?![\w&])|[ \t]-[ \t](?:ME|EI|EPP|EIRELI|Ltda)\b"
    rf"|,?[ \t](?:and|&|e|y|und|et|en)[ \t][{UPPER}])"
)

CAPS_WORD = rf"(?=[{UPPER}'\u2019-]*[AEIOUY])[{UPPER}]['\u2019]?[{UPPER}]{{2}}[{UPPER}'\u2019-]*"
CAPS_NAME = rf"(?:(?:DE|DA|DI|DU|DEL|DOS|LE|LA|VAN|VON)[ \t])?{CAPS_WORD}(?:[ \t]{CAPS_WORD})?"
# A capitalised token (or an initial before a blank) that starts no longer word: the gazetteer's unit.
CAP_TOKEN = re.compile(rf"[{UPPER}](?<![\w'\u2019.-][{UPPER}])(?:\.(?=[ \t])|{NAME_TAIL}(?![\w'\u2019-]))")
