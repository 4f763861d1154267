"""PartKinds reads a town's form once for both kinds of town ("town", and "named_town": a first
name first, a town only before a postcode); the kinds are those of the two readings it replaced."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from veil.pii.recognizers.address_lines import PARTICLES, REGION_PART, TITLES, TRAILING
from veil.pii.recognizers.address_parts import PartKinds
from veil.pii.recognizers.persons import COMMON_CAPITALISED
from veil.pii.recognizers.street_types import is_name_word

_KINDS = PartKinds()


def _reference_town(text: str, *, postcode: bool = False) -> bool:
    """The reading before (one call for each kind of town)."""
    if text.casefold() in _KINDS.places or _KINDS._country(text):
        return True
    words = text.replace("-", " ").split()
    if not 1 <= len(words) <= 4 or (len(text) <= 3 and text.isupper()):
        return False
    if not all(is_name_word(w) or w.lower() in PARTICLES for w in words):
        return False
    if (
        not is_name_word(words[0])
        or words[0].rstrip(".") in TITLES
        or all(w.strip(".") in COMMON_CAPITALISED or w in PARTICLES for w in words)
    ):
        return False
    return postcode or words[0] not in _KINDS.first_names


_WORDS = [
    "Florence",
    "Mika",
    "Paris",
    "Springfield",
    "Bad",
    "Ems",
    "de",
    "la",
    "van",
    "Dr.",
    "Mr",
    "The",
    "New",
    "York",
    "Zealand",
    "France",
    "VIC",
    "NI",
    "mp",
    "Sane",
    "Marg",
    "Via",
    "Nadi",
    "Street",
    "Ålesund",
    "Ελλάδα",
    "Norge",
    "Cyprus",
    "(Greek)",
    "delmas",
    "the",
    "of",
    "ABC",
    "St.",
    "Maria",
    "Jean-Pierre",
    "Saint-Denis",
    "Court",
    "Anna",
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_WORDS), min_size=1, max_size=5), st.sampled_from([" ", "-", " - "]))
def test_the_town_reading_is_the_one_it_replaced(words: list[str], joiner: str) -> None:
    part = joiner.join(words)
    for postcode in (False, True):
        assert _KINDS._town(part, postcode=postcode) == _reference_town(part, postcode=postcode)
    kind = _KINDS._kind(part)
    if kind in ("town", "region", "named_town") or kind is None:
        stripped = part.strip(TRAILING)
        if _reference_town(stripped):
            assert kind == "town" or kind is None
        elif kind is not None:
            want = "region" if REGION_PART.fullmatch(stripped) else "named_town"
            assert kind == want
            assert want == "region" or _reference_town(stripped, postcode=True)


def test_a_town_named_like_a_person_is_a_town_only_before_a_postcode() -> None:
    assert _KINDS._town("Florence", postcode=True) == _reference_town("Florence", postcode=True)
    assert _KINDS._town("Florence") == _reference_town("Florence")
