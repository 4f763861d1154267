"""What says that an acronym or a word in camel case names an organisation, not a term or code.

spaCy's small model labels acronyms ("NATO", "DAB", "TCP") and camel-case words ("LinkedIn",
"ResearchGate", "HashMap") ORG alike. In technical prose nearly all of them are terms and
identifiers, so :mod:`veil.pii.ner_spans` drops them unless the words around them say the thing
acts or is joined as a body does:

* a body's act or its people after it: "DAB said", "the FTU's spokesman", "OSU researchers";
* a body's relation before it: "a member of the NPP", "studied at OSU", "funded by the ESA";
* a phrase naming a body that defines it: "New People Party (NPP)"
  (:attr:`veil.pii.text_clues.TextClues.bodies`);
* a list after a kind of body: "services like GoogleScholar and ResearchGate" (:func:`listed_bodies`);
* the same word kept as an organisation elsewhere in the text (one sense per text,
  :func:`veil.pii.ner_spans.names_among`).

None of these is asked in a technical text (:func:`looks_technical`): there "the API said",
"members of HashMap" are a program's prose, not a body's.
"""

from __future__ import annotations

import re

from veil.pii.recognizers.body_cues import MEMBERSHIP, NAMING, OFFICES, alternation, political_heads
from veil.pii.recognizers.common import wordset
from veil.pii.recognizers.software_names import is_technical

__all__ = [
    "acts_after",
    "acts_as_a_body",
    "firm_camel_shape",
    "listed_bodies",
    "looks_technical",
    "sited_or_owning",
]

# A body's act or its people, right after the word (possessive allowed): "DAB said", "the FTU's
# chairman", "OSU researchers", "LibriVox volunteers".
_BODY_AFTER = re.compile(
    r"(?:'s|\u2019s)?[ \t]+(?:said|says|announced|announces|stated|states|claimed|claims|urged|urges|argued"
    r"|criticised|criticized|condemned|welcomed|warned|denied|confirmed|rejected|opposed|supports|supported"
    r"|voted|elected|appointed|hired|fired|sued|funded|funds|awarded|awards|publishes|published|spokes(?:man|woman|person)"
    r"|chair(?:man|woman)?|president|director|leaders?|leadership|officials?|members?|lawmakers|legislators"
    r"|followers|loyalists"
    r"|candidates?|volunteers|website|web[ \t]+site|headquarters|founders?|researchers|scientists|students"
    r"|faculty|professors?|staff|employees|recordings|reporters?|correspondents?|journalists?|journals|issued)(?![\w-])"
    # a possessive before a person's name: "DAB's Ben Chan", "the FTU's Alice Mak" (a member)
    r"|(?:'s|\u2019s)[ \t]+[A-Z][a-z]+[ \t]+[A-Z][a-z]"
    # its name spelt out after it, in parentheses: "the PKK (the Kurdistan Workers' Party)"
    rf"|[ \t]*\((?:the[ \t]+)?(?:[A-Z][\w'\u2019-]*[ \t]+){{1,6}}{political_heads()}\b"
)
# A body's relation, right before the word: "a member of the NPP", "studied at OSU", "funded by
# the ESA", "according to AFP", "joined LinkedIn".
_BODY_BEFORE = re.compile(
    rf"(?i:{alternation(MEMBERSHIP + OFFICES)}"
    r"[ \t]+(?:of|for)"
    r"|joined|founded|professor[ \t]+at"
    r"|lecturer[ \t]+at|studied[ \t]+at|studies[ \t]+at|student[ \t]+at|graduated[ \t]+from|funded[ \t]+by"
    r"|sponsored[ \t]+by|published[ \t]+by|according[ \t]+to|told|employed[ \t]+by|launched"
    # the kind of body right before its name: "the magazine MicroMega", "the airline JetBlue"
    r"|magazine|newspaper|airline|carrier|broadcaster|network|publisher|charity|organi[sz]ation|agency"
    r"|union|party|website|site|label|studio|university|college|institute|council)"
    # "an illegal organisation, namely the MLKP", "the party, the DAB"
    rf",?[ \t]+(?:{alternation(NAMING)}[ \t]+)?(?:the[ \t]+)?$"
    # a person's name then "of": "Elizabeth Quat of DAB", "Wong Kwok-kin of the FTU"
    r"|[A-Z][a-z]+[ \t]+[A-Z][\w-]*[a-z][ \t]+of[ \t]+(?:the[ \t]+)?$"
)
# Kinds of body whose examples a text lists: "services like GoogleScholar and ResearchGate",
# "parties such as the DAB and the FTU", "airlines including JetBlue".
_BODY_KINDS = wordset(
    """
    services companies firms sites websites platforms organizations organisations airlines carriers parties
    networks broadcasters publishers newspapers magazines charities agencies universities banks brands
    retailers startups labels studios unions groups
    """
)


def listed_bodies(lists: tuple[tuple[str, frozenset[str]], ...]) -> frozenset[str]:
    """The words listed as examples of a kind of body (``lists`` from
    :func:`veil.pii.recognizers.software_names.kind_lists`)."""
    return frozenset(w for kind, words in lists if kind in _BODY_KINDS for w in words)


def acts_after(text: str, end: int) -> bool:
    """The words right after ``text[:end]`` are a body's act or its people (:data:`_BODY_AFTER`)."""
    return _BODY_AFTER.match(text, end) is not None


def acts_as_a_body(text: str, start: int, end: int) -> bool:
    """The words around ``text[start:end]`` say it acts or is joined as an organisation does
    (:data:`_BODY_AFTER`, :data:`_BODY_BEFORE`)."""
    return (
        _BODY_AFTER.match(text, end) is not None
        or _BODY_BEFORE.search(text, max(0, start - 40), start) is not None
    )


# A body's place or its possession, for an acronym only: "the exhibit at USI", "studied at UCSB",
# "USI's art gallery", "the ABC's new series". Too weak for a word in camel case or a phrase
# ("at HashMap" is no code's idiom, but "at Main" is a street), and asked outside technical text
# only: there "at CPU level", "the API's response" are terms.
_SITE_BEFORE = re.compile(r"(?<![\w-])at[ \t]+$")
_OWNS_AFTER = re.compile(r"(?:'s|\u2019s)[ \t]+(?:[a-z][a-z-]+[ \t]+)?[a-z]{3,}(?![\w'\u2019-])")


def sited_or_owning(text: str, start: int, end: int) -> bool:
    """An acronym ``text[start:end]`` right after a bare "at" ("the job was out at UCSB") or
    owning a thing named in lower case ("USI's opening exhibit"): a body's place or a body's
    possession, weaker cues than :func:`acts_as_a_body`'s, for acronyms outside technical text."""
    return _SITE_BEFORE.search(text, max(0, start - 4), start) is not None or (
        _OWNS_AFTER.match(text, end) is not None
    )


def looks_technical(text: str, lower_words: frozenset[str], code_words: frozenset[str]) -> bool:
    """Inline code, a call, a path of a program, a word written as code, or two words of
    programming (:func:`veil.pii.recognizers.software_names.is_technical`)."""
    return bool(code_words) or "`" in text or "()" in text or "::" in text or is_technical(lower_words)


# Two or three capitalised parts glued: "LibriVox", "ResearchGate", "JetBlue"; not a plural of
# people in camel case ("YouTubers") and no digits or runs of capitals ("HTTPServer", "Vec3").
_FIRM_CAMEL = re.compile(r"[A-Z][a-z]{1,12}(?:[A-Z][a-z]{1,12}){1,2}")


def firm_camel_shape(word: str) -> bool:
    """Shaped as a firm's or a site's name in camel case (:data:`_FIRM_CAMEL`), no plural of
    people ("YouTubers", "Redditors")."""
    return _FIRM_CAMEL.fullmatch(word) is not None and not word.endswith(("ers", "ors"))
