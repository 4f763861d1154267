"""The words around a name that say a body is meant: who belongs to it, the phrase that names it in
apposition, and the heads of a political or armed body's spelt-out name.

Two layers read them: :mod:`veil.pii.organization_cues` keeps an acronym NER found when such words
stand around it ("a member of the NPP", "an armed group, namely the TLVF", "the PKK (the
Kurdistan Workers' Party)"), and :mod:`veil.pii.recognizers.legal_bodies` finds the acronym itself
in a judgment ("membership of the Dev-Yol", "an illegal organisation, namely the DHKP-C"). One list
each, so the two layers cannot drift apart: a cue added here is read by both.

The cues right around a word (:func:`acts_as_a_body`: a body's act or people after it, "DAB said",
"FSLN followers"; a body's relation or kind before it, "a member of the NPP"; and, for acronyms,
:func:`sited_or_owning`) live here too, so that recognizers (:mod:`.acronym_bodies`) read them
without importing the NER layer; :mod:`veil.pii.organization_cues` re-exports them.
"""

from __future__ import annotations

import re

from veil.pii.recognizers.common import wordset

__all__ = [
    "MEMBERSHIP",
    "NAMING",
    "NAMING_VERBS",
    "OFFICES",
    "POLITICAL_HEADS",
    "acts_after",
    "acts_as_a_body",
    "alternation",
    "political_heads",
    "sited_or_owning",
]

# Who or what belongs to a body, before "of": "a member of the KDP-B", "membership of the MLKP",
# "the activities of the TLVF", "supporters of the VRP", "leaders of the DAB". Regex parts.
MEMBERSHIP = (
    "members?",
    "membership",
    "leaders?",
    "activities",
    "militants?",
    "sympathi[sz]ers?",
    "supporters?",
)
# Offices a body has, before "of" or "for": "the chairman of the FTU", "secretary general of the
# NPP". Any body has them, an outlawed one is not named by them in a judgment ("the head of the
# Court"), so only the organisation layer reads them. Regex parts.
OFFICES = (
    "head",
    "chair(?:man|woman)?",
    "president",
    "director",
    "secretary",
    r"secretary[ \t-]+general",
    r"general[ \t]+secretary",
    "founder",
    "chief",
    "CEO",
    "dean",
    "rector",
    "chancellor",
    "spokes(?:man|woman|person)",
)
# A verb that names a body in apposition: "an organisation called National Youth", "a group known
# as the TLVF". Regex parts.
NAMING_VERBS = (r"known[ \t]+as", "called", "named")
# Every word that names a body in apposition after its kind: "an illegal organisation, namely the
# DHKP-C", "the party, i.e. the VRP", "an armed group, that is the TLVF". Regex parts.
NAMING = ("namely", r"i\.e\.", r"that[ \t]+is", *NAMING_VERBS)
# Heads of a political or armed body's spelt-out name: "(the Kurdistan Workers' Party)",
# "(Revolutionary Way)", "(the People's Liberation Army)".
POLITICAL_HEADS = wordset(
    "Party Front Army Movement Union Organisation Organization Brigade Brigades League Federation"
    " Association Way Path Council Committee Alliance Group Forces Force"
)


def alternation(parts: tuple[str, ...]) -> str:
    """``parts`` (regex parts) as one non-capturing group."""
    return "(?:" + "|".join(parts) + ")"


def political_heads() -> str:
    """:data:`POLITICAL_HEADS` as one non-capturing group, longest first (a regex part)."""
    return alternation(tuple(sorted(POLITICAL_HEADS, key=lambda w: (-len(w), w))))


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
