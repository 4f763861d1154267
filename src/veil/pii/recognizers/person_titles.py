"""A person's name after a title: "Dr. Jane Smith", "Mrs O'Neil", "Herr Müller", "Mr KOWALSKI" (0.85).

A judge's style keeps "Justice" with the name: "Lord Justice Simon Brown", "Mr Justice Okafor",
"Mrs Justice Hale" are written and cited so, and the name is "Justice Okafor" (0.95: above the
name alone, after the title "Justice" or known to the gazetteer with its context).

So do the styles that are part of how a person is named, unlike "Mr" or "Dr": a knight's or a
dame's ("Sir John Freeland", "Dame Mary Arden": the style goes with the given name, never "Sir
Freeland"); it also tells who was knighted, so it is masked with the name (0.9: above the name
alone, which a name recogniser finds without its style). "Judge" stays a title outside the span
("Judge K.", "Judge van der Berg" name "K." and "van der Berg").

A military rank is a title too, of one or more words ("Flight Lieutenant Winks", "Air
Vice-Marshal R. Charles", "Commodore J. Blackett"), and like "Mr" stays outside the span (0.85).
Ranks that are also common words before other capitalised words ("Major", "General", "Private",
"Marshal", "Corporal", "Lieutenant": "Corporal Punishment Act", "Lieutenant Governor") count only
in their compound forms ("Major General", "Field Marshal", "Lance Corporal").

Initials joined by a hyphen, as French and Belgian given names are abbreviated, belong to the
name after a title: "Mr J.-P. Costa", "Mrs M.-A. Lefèvre" (0.85); so do initials set apart by
the blank of a symbol font (U+F020, left in texts converted from word processors:
"Mr\uf020L.\uf020Wildhaber").
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from veil.pii.entity import EntityType
from veil.pii.recognizer import Pattern, Recognizer
from veil.pii.recognizers.body_heads import ARTEFACT_HEADS, HEADS
from veil.pii.recognizers.common import words, wordset
from veil.pii.recognizers.name_patterns import CAPS_NAME, INITIAL, TITLED_NAME
from veil.pii.recognizers.name_plausibility import is_plausible_titled_name
from veil.pii.recognizers.person_words import TITLES
from veil.pii.recognizers.place_kinds import KIND_AFTER
from veil.pii.recognizers.venue_names import SURNAME_HEADS, names_a_venue, titled_person_score

__all__ = ["person_titles"]

# The styles kept in the span (see above); "Sir" and "Dame" also open a letter ("Dear Sir"),
# where no capitalised name follows.
KEPT_STYLES = ("Sir", "Dame")
_KEPT_STYLE = re.compile(rf"(?:{'|'.join(KEPT_STYLES)})[ \t]+")
_SYMBOL_BLANK = "\uf020"
# Military ranks (see above), longest first where one begins another.
RANKS = (
    *("Air Chief Marshal", "Air Vice-Marshal", "Air Vice Marshal", "Air Marshal", "Air Commodore"),
    *("Field Marshal", "Vice-Admiral", "Vice Admiral", "Rear-Admiral", "Rear Admiral", "Admiral"),
    *("Major-General", "Major General", "Lieutenant-General", "Lieutenant General", "Brigadier General"),
    *("Lieutenant-Colonel", "Lieutenant Colonel", "Lieutenant Commander", "Wing Commander", "Commander"),
    *("Group Captain", "Squadron Leader", "Flight Lieutenant", "Flight Sergeant", "Flying Officer"),
    *("Pilot Officer", "Warrant Officer", "Petty Officer", "Staff Sergeant", "Lance-Corporal"),
    *("Lance Corporal", "Lance-Bombardier", "Bombardier", "Colonel", "Brigadier", "Commodore"),
)


def _plausible(text: str) -> bool:
    """:func:`is_plausible_titled_name` of the name, without a style kept in front of it (and
    with a symbol font's blanks read as blanks)."""
    return is_plausible_titled_name(_KEPT_STYLE.sub("", text.replace(_SYMBOL_BLANK, " "), count=1))


# Nouns that end the name of a place, a business or an institution: after a rank they make a
# name of the whole ("the Admiral Hotel", "the Colonel Benbow Inn", "Brigadier Gerard Stakes"),
# not a person named after a title.
# Heads that are family names too ("Hall", "House", "Lodge") are left to the words around the
# name (:func:`~.venue_names.names_a_venue`: "Major Torvik Hall said" is a person).
_NAMED_AFTER_RANK = (
    frozenset(
        {*KIND_AFTER, *HEADS, *ARTEFACT_HEADS}
        | wordset("Inn Tavern Pub Bar Cafe Restaurant Shop Store Stores Stakes Cup Trophy Award Prize")
        | wordset("Street Road Avenue Lane Drive Close Way Building House Lodge Arms Class Ship Line")
    )
    - SURNAME_HEADS
)
# the name after a rank may not be followed, within its capitalised words, by one of those nouns
# (in any case: "the Admiral Nelson pub")
_NOT_NAMED_AFTER = (
    rf"(?!(?:[A-Z][\w'\u2019.-]*[ \t]+){{0,3}}(?i:{'|'.join(sorted(_NAMED_AFTER_RANK))})(?![\w-]))"
)


def _ranks() -> str:
    """The ranks as one alternation, each word of a compound rank joined by a blank or a hyphen."""
    return words(tuple(rank.replace(" ", r"[ \t]+") for rank in RANKS))


class TitledNameFinder:
    """The name after a title or a military rank (0.85), unless title and name together name a
    venue, a business or a prize ("the Captain Drewe House", "Admiral Benbow Inn":
    :mod:`.venue_names`)."""

    def __init__(self) -> None:
        self._patterns = (
            re.compile(rf"{words(tuple(TITLES))}\.?[ \t]+(?P<pii>{TITLED_NAME})(?!\w)"),
            re.compile(rf"{_ranks()}[ \t]+{_NOT_NAMED_AFTER}(?P<pii>{TITLED_NAME})(?!\w)"),
        )

    def __repr__(self) -> str:
        return "TitledNameFinder()"

    def __call__(self, text: str) -> Iterator[tuple[int, int, float]]:
        for pattern in self._patterns:
            for match in pattern.finditer(text):
                start, end = match.span("pii")
                if not names_a_venue(text, match.start(), start, end):
                    yield start, end, titled_person_score(text, start, end, 0.85)


def person_titles() -> Recognizer:
    titles = words(tuple(TITLES))
    styles = words(("Lord", "Lady", "Mr", "Mrs", "Ms"))
    return Recognizer(
        name="person_title",
        entity_type=EntityType.PERSON,
        finder=TitledNameFinder(),
        patterns=(
            Pattern(rf"{styles}\.?[ \t]+(?P<pii>Justice[ \t]+{TITLED_NAME})(?!\w)", 0.95, "judge_style"),
            Pattern(rf"(?P<pii>{words(KEPT_STYLES)}[ \t]+{TITLED_NAME})(?!\w)", 0.9, "kept_style"),
            # "Mr J.-P. Costa": hyphen-joined initials, then the family name
            Pattern(
                rf"{titles}\.?[ \t]+(?P<pii>{INITIAL}-{INITIAL}[ \t]?{TITLED_NAME})(?!\w)", 0.85, "initials"
            ),
            # "Mr\uf020L.\uf020Wildhaber": a symbol font's blank after an initial
            Pattern(
                rf"{titles}\.?[ \t{_SYMBOL_BLANK}]+"
                rf"(?P<pii>(?:{INITIAL}[ \t{_SYMBOL_BLANK}]?)*{INITIAL}{_SYMBOL_BLANK}{TITLED_NAME})(?!\w)",
                0.85,
                "symbol_blank",
            ),
            # a family name in capitals, as judgments and forms write it: "Mr KOWALSKI", "Ms DE LUCA"
            Pattern(
                rf"{words(('Mr', 'Mrs', 'Ms', 'Mx', 'Miss'))}\.?[ \t]+(?P<pii>{CAPS_NAME})"
                r"(?!(?!['\u2019]s\b)[\w'\u2019-])",
                0.85,
                "caps",
            ),
        ),
        validate=_plausible,
    )
