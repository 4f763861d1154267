"""The words around a name that say a body is meant: who belongs to it, the phrase that names it in
apposition, and the heads of a political or armed body's spelt-out name.

Two layers read them: :mod:`veil.pii.organization_cues` keeps an acronym NER found when such words
stand around it ("a member of the NPP", "an armed group, namely the TLVF", "the PKK (the
Kurdistan Workers' Party)"), and :mod:`veil.pii.recognizers.legal_bodies` finds the acronym itself
in a judgment ("membership of the Dev-Yol", "an illegal organisation, namely the DHKP-C"). One list
each, so the two layers cannot drift apart: a cue added here is read by both.
"""

from __future__ import annotations

from veil.pii.recognizers.common import wordset

__all__ = [
    "MEMBERSHIP",
    "NAMING",
    "NAMING_VERBS",
    "OFFICES",
    "POLITICAL_HEADS",
    "alternation",
    "political_heads",
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
