"""Acronyms that act or are joined as a body does, found without the NER: "the RHS said",
"Dozens of FSLN followers", "the RSPB's stance", "a member of the KDP." (a full stop after the
acronym ends the sentence; only a letter after the dot makes it part of a code or a domain, "ABC.com").

spaCy's small model leaves most acronyms of bodies it has not seen untyped, and the NER filter
keeps the ones it types only after such cues (:mod:`veil.pii.organization_cues`). This reads the
same cues around any acronym of two to six capitals: a body's act or its people after it, a
body's relation or kind before it (:func:`~veil.pii.organization_cues.acts_as_a_body`), or,
after "the", a possession or a bare "at" (:func:`~veil.pii.organization_cues.sited_or_owning`).

Not in a program's prose (:func:`.program_prose.is_program_prose`: "the API said", "the CPU's
cache"), not in text written in capitals, and never an acronym of a role, a degree, a thing or a
measure that such cues also follow ("the CEO said", "the PM announced", "the DNA's structure",
"the GDP's growth"), nor a country's or a state's code (:mod:`.country_codes`,
:mod:`.region_codes` read them as places).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from veil.pii.entity import EntityType
from veil.pii.recognizer import Recognizer
from veil.pii.recognizers.body_cues import acts_after, acts_as_a_body, sited_or_owning
from veil.pii.recognizers.common import wordset
from veil.pii.recognizers.place_names import US_STATES
from veil.pii.recognizers.program_prose import is_program_prose
from veil.pii.recognizers.region_codes import PROVINCE_CODES, REGION_ABBREVIATIONS

__all__ = ["NOT_BODIES", "acronym_bodies", "acronym_body"]

# Acronyms of roles, degrees, things, measures and documents that a body's cues also follow.
NOT_BODIES = wordset(
    """
    CEO CFO COO CTO CIO CMO VP GM MP MPs MEP PM DJ MC PR HR IT QA AI ML TV PC CD DVD GPS USB PDF URL
    API CPU GPU RAM ROM SQL HTML CSS XML JSON HTTP FAQ ID PIN ATM SUV IQ GDP GNP CPI VAT DNA RNA HIV
    AIDS COVID PhD MBA MD BA BSc MSc MA LLB LLM JD RN OK AM PM BC AD CE BCE UTC GMT EST PST USD EUR
    GBP AUD CAD NZD JPY CNY UK US USA EU UN UAE USSR PRC DPRK OMG LOL WTF BTW FYI ASAP RIP TBA TBC
    NB PS CV RSVP DIY CCTV SMS MMS NFT IPO ETF IRA CFO ICU ER OR NHS GP
    """
)
_ACRONYM = re.compile(r"(?<![\w./@#&'\u2019-])(?P<the>[Tt]he[ \t]+)?(?P<name>[A-Z]{2,6})(?![\w/@&-]|\.\w)")
# what makes the acronym part of a longer name or a term: a legal form or an ampersand beside it
# ("CCNG, Inc.", "SJMC & FPC": the firm's whole name is read elsewhere), a number after it ("RFC
# 2231", "ISO 9001": a standard)
_PART_OF_MORE = re.compile(
    r"[ \t]*(?:,[ \t]*)?(?:Inc|Ltd|LLC|Corp|Co|plc|GmbH|AG|S\.?A)\b|[ \t]*&|[ \t]+[0-9]|-[0-9]"
)
_AMPERSAND_BEFORE = re.compile(r"&[ \t]*$")
# a lower-case word after the acronym that is no function word makes it a modifier, a term ("the
# LOF score", "the GDP figures"), unless it is a body's act or people ("FSLN followers")
_NEXT_WORD = re.compile(r"[ \t]+([a-z]+)\b")
_FUNCTION_WORDS = wordset(
    """
    and or but nor in on at to of for with from by as was were is are has have had did does do will would
    could should can may might must who which that than then so yet when where while after before since
    """
)
# three words of capitals in a row: a heading or a shout
_CAPS_RUN = re.compile(r"[A-Z]{2,}[ \t,.!?:;-]+[A-Z]{2,}[ \t,.!?:;-]+[A-Z]{2,}")


def acronym_bodies(text: str) -> Iterator[tuple[int, int, float]]:
    """Acronyms with a body's cue around them (0.6), none in a program's prose."""
    technical: bool | None = None
    for match in _ACRONYM.finditer(text):
        name = match.group("name")
        if name in NOT_BODIES or name in US_STATES or name in PROVINCE_CODES or name in REGION_ABBREVIATIONS:
            continue
        start, end = match.span("name")
        if _PART_OF_MORE.match(text, end) or _AMPERSAND_BEFORE.search(text, max(0, start - 3), start):
            continue
        following = _NEXT_WORD.match(text, end)
        if following and following.group(1) not in _FUNCTION_WORDS and not acts_after(text, end):
            continue
        if not acts_as_a_body(text, start, end) and not (
            match.group("the") and sited_or_owning(text, start, end)
        ):
            continue
        if _CAPS_RUN.search(text, max(0, start - 16), min(len(text), end + 16)) is not None:
            continue
        if technical is None:
            technical = is_program_prose(text)
        if technical:
            return
        yield start, end, 0.6


def acronym_body() -> Recognizer:
    """:func:`acronym_bodies` as an ORGANIZATION recognizer."""
    return Recognizer(
        name="organization_acronym_body", entity_type=EntityType.ORGANIZATION, finder=acronym_bodies
    )
