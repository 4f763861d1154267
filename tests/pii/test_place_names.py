"""The gazetteer reads a place's whole name: a compass point or a part before a known place
("North Yorkshire", "Upper Kelso" written as "Upper" + a town), countries of several words, and
former states and regions that today's lists leave out ("the Soviet Union", "Crimea")."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from veil.pii.recognizers.place_names import FORMER_AND_REGIONAL_PLACES, PlaceFinder, gazetteer_places


def _found(text: str) -> list[str]:
    return [text[a:b] for a, b, _ in PlaceFinder()(text)]


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("The ferry leaves for South Korea on Friday.", "South Korea"),
        ("Our cousins farm in North Yorkshire.", "North Yorkshire"),
        ("Traffic in Greater Manchester was light.", "Greater Manchester"),
        ("He grew up in East Berlin before the wall fell.", "East Berlin"),
        ("The delegation flew to the United Arab Emirates.", "United Arab Emirates"),
    ],
)
def test_the_whole_name_of_a_place_is_read(text: str, place: str) -> None:
    assert place in _found(text)


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("Grain was shipped from the Soviet Union.", "Soviet Union"),
        ("Letters from Crimea took a month.", "Crimea"),
        ("The legions marched into Gaul.", "Gaul"),
    ],
)
def test_former_states_and_regions_are_places(text: str, place: str) -> None:
    assert place in _found(text)
    assert place in gazetteer_places() and place in FORMER_AND_REGIONAL_PLACES


def test_a_compass_word_without_a_known_place_is_no_place() -> None:
    assert _found("Head North until the road ends, then West.") == []
    assert _found("The Central Processing Unit was replaced.") == []


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("Her parents moved from Asia when she was four.", "Asia"),
        ("The choir toured Europe twice that decade.", "Europe"),
        ("Coffee prices rose across East Africa last year.", "East Africa"),
        ("He spent a winter in Antarctica.", "Antarctica"),
        ("Flights to South America were cancelled.", "South America"),
    ],
)
def test_continents_and_their_regions_are_places(text: str, place: str) -> None:
    assert place in _found(text)
    assert place in FORMER_AND_REGIONAL_PLACES


class _Everything:
    """A set that holds every word: the first-word test of ``_after_preposition`` passes all."""

    def __contains__(self, item: object) -> bool:
        return True


_PLACE_PIECES = [
    "from ",
    "in ",
    "to ",
    "of ",
    "near ",
    "visiting ",
    "across ",
    "the ",
    "new zealand",
    "switzerland",
    "NEW YORK",
    "HARSTAD",
    "san francisco",
    "ESPOO",
    "saint-denis",
    "la paz",
    "uk",
    "usa",
    "usa-based",
    "straße",
    "STRASSE",
    "ß",
    "-",
    " ",
    "\t",
    ", ",
    ". ",
    "house",
    "Paris",
    "x",
    "de la ",
    "UK",
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_PLACE_PIECES), max_size=24))
def test_after_preposition_first_word_test_drops_nothing(pieces: list[str]) -> None:
    text = "".join(pieces)
    fast = PlaceFinder()
    slow = PlaceFinder()
    slow.__dict__["_heads"] = (_Everything(), _Everything())  # (a cached_property, set by hand)
    assert list(fast._after_preposition(text)) == list(slow._after_preposition(text))


_CUE_PIECES = [
    "near ",
    "NEAR ",
    "Near ",
    "nEaR ",
    "our ",
    "their ",
    "its ",
    "his ",
    "Ebeltoft",
    "Karlovac",
    " ",
    "office",
    "offices",
    "site",
    "branch",
    "Site",
    "OFFICE",
    "headquarters",
    "\u0130",
    "\u017f",
    "x",
    ".",
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_CUE_PIECES), max_size=16))
def test_a_cued_place_holds_the_words_its_pre_test_reads(pieces: list[str]) -> None:
    from veil.pii.recognizers import place_names
    from veil.pii.recognizers.word_leads import folded

    text = "".join(pieces)
    view = folded(text)
    if place_names._NEAR.search(text):
        assert view is None or "near" in view
    if place_names._OUR_SITE.search(text):
        assert any(word in text for word in place_names._SITES)
    if view is not None and "near" not in view and not any(w in text for w in place_names._SITES):
        assert list(PlaceFinder()._cued(text)) == []


def test_a_cued_place_is_still_read() -> None:
    found = list(PlaceFinder()._cued("The crash happened near Ebeltoft and in our Karlovac office."))
    assert len(found) == 2


@pytest.mark.parametrize("text", ["Write to uk.com today.", "Mail it to japan.net or visit peru.org."])
def test_a_place_word_that_is_a_hosts_label_is_no_place(text: str) -> None:
    assert _found(text) == []


def test_a_lower_case_country_after_a_preposition_before_a_full_stop_is_still_read() -> None:
    assert "switzerland" in _found("i'm from switzerland. see you")
