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

from veil.pii.recognizers.body_cues import acts_after, acts_as_a_body, sited_or_owning
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
