"""Places named by their kind ("the Tarrow River", "Fort Kessel", "Lake Orvanne") are places, also
when the NER reads their proper noun as a person's name; phrases of ordinary words ("the Data
Lake", "a Memory Bridge") and names that go on past the kind ("Ada Temple Vance", "Fort Kessel
Heritage Park") are not read as such."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from veil.pii import PiiConfig, PiiEngine
from veil.pii.recognizers.place_kinds import KIND_AFTER, KIND_BEFORE, places_by_kind


def _found(text: str) -> list[str]:
    return [text[a:b] for a, b in places_by_kind(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The ferry crosses the Tarrow River twice a day.", ["Tarrow River"]),
        ("They camped by Lake Orvanne and walked to Fort Kessel.", ["Lake Orvanne", "Fort Kessel"]),
        ("We toured Dunmarrow Castle and the Velkaris Mosque.", ["Dunmarrow Castle", "Velkaris Mosque"]),
        ("The Isle of Brannock faces the Quelmar Peninsula.", ["Quelmar Peninsula", "Isle of Brannock"]),
        # roads named like places: "Turnpike", "Expressway", "Trail"
        (
            "Take the Velmora Turnpike north, then the Orsk Expressway.",
            ["Velmora Turnpike", "Orsk Expressway"],
        ),
        ("The Kessaly Trail follows the old railway.", ["Kessaly Trail"]),
    ],
)
def test_places_named_by_their_kind(text: str, expected: list[str]) -> None:
    assert sorted(_found(text)) == sorted(expected)


@pytest.mark.parametrize(
    "text",
    [
        "Store the rows in the Data Lake first.",
        "A Memory Bridge joins the two halves.",
        "The River flows north. In Lake country it rains.",
        "The essay by Ada Temple Vance was reprinted.",
        "The Tarrow Bay Herons won the final.",
        "The Velkaris Bridge Authority met on Monday.",
        "He was questioned at the Tarsova Police Station overnight.",
        "Follow the Audit Trail in the admin pages.",  # ordinary words only
    ],
)
def test_ordinary_phrases_and_longer_names_are_not(text: str) -> None:
    assert _found(text) == []


def test_the_engine_types_them_as_locations() -> None:
    engine = PiiEngine(PiiConfig(ner=False))
    text = "She lived near the Tarrow River, south of Fort Kessel."
    found = {(text[e.start : e.end], e.type) for e in engine.detect(text)}
    assert ("Tarrow River", "LOCATION") in found and ("Fort Kessel", "LOCATION") in found


_NAME = st.from_regex(r"[A-Z][a-z]{3,8}", fullmatch=True)


@settings(max_examples=150, deadline=None)
@given(name=_NAME, kind=st.sampled_from(KIND_AFTER), first=st.sampled_from(KIND_BEFORE))
def test_every_span_holds_its_kind_and_a_name(name: str, kind: str, first: str) -> None:
    text = f"We saw the {name} {kind}, then {first} {name}."
    for start, end in places_by_kind(text):
        span = text[start:end]
        assert name in span and (span.endswith(kind) or span.startswith(first))


@pytest.mark.parametrize("text", ["Zabatw trait", "Quux struct", "Norrel types", "Vask module"])
def test_a_program_part_named_by_its_kind_is_no_place(text: str) -> None:
    from veil.pii.recognizers.locations import is_plausible_place

    assert not is_plausible_place(text)
    assert is_plausible_place(text.split()[0] + " Valley")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Visit Fort Kessel Heritage Park at dawn.", ["Fort Kessel Heritage Park"]),
        ("The quartet played Vornholm Hall twice.", ["Vornholm Hall"]),
        ("Change trains at Tamsuvek Station, then walk.", ["Tamsuvek Station"]),
        ("We stayed at the Al-Qarni Hotel near the old port.", ["Al-Qarni Hotel"]),
        ("The Ostrava Tram Museum opens at nine.", ["Ostrava Tram Museum"]),
        ("Guides lead tours of the Kelvora Museum of Modern Art daily.", ["Kelvora Museum of Modern Art"]),
        ("Dawson Memorial Hall Station is closed this week.", ["Dawson Memorial Hall Station"]),
    ],
)
def test_buildings_and_grounds_are_named_by_their_kind(text: str, expected: list[str]) -> None:
    assert _found(text) == expected


def test_a_possessive_names_the_owner_a_place_of_its_own() -> None:
    assert _found("Pilgrims crowded Riyadh's Grand Mosque at dawn.") == ["Grand Mosque", "Riyadh"]
    assert _found("They toured Lisbon\u2019s Velkaris Museum.") == ["Velkaris Museum", "Lisbon"]
    # an owner that is no known place does not make ordinary words a name
    assert _found("Snowtrail's Data Lake holds the rows.") == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Envoys of the Kingdom of Norway arrived in spring.", ["Kingdom of Norway"]),
        ("The plan covered the City of Lisbon, the port and the coast.", ["City of Lisbon"]),
        ("Stamps of the Grand Duchy of Luxembourg were reprinted.", ["Grand Duchy of Luxembourg"]),
    ],
)
def test_a_realm_or_town_named_by_its_kind_before_a_known_place_is_one_place(
    text: str, expected: list[str]
) -> None:
    assert _found(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Paris, the City of Light, and the Kingdom of Heaven are phrases.",
        "The Province of Velmarra is no place any gazetteer knows.",
        "He worked for the City of Lisbon Water Board.",
    ],
)
def test_a_kind_before_no_known_place_or_a_longer_name_is_not_read_so(text: str) -> None:
    assert not any(name.startswith(("City of", "Kingdom of", "Province of")) for name in _found(text))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The schooner crossed the Atlantic in nineteen days.", ["Atlantic"]),
        ("Trade routes ran throughout the Mediterranean, east to west.", ["Mediterranean"]),
        ("Two of the expeditions set out to cross the Antarctic.", ["Antarctic"]),
        ("The envoy of the People's Republic of China and the Atlantic Ocean route.", []),
        ("A Pacific breeze; we met at the Pacific Standard bar.", []),
    ],
)
def test_seas_named_bare_after_the_are_places_not_parts_of_longer_names(
    text: str, expected: list[str]
) -> None:
    assert [name for name in _found(text) if "Ocean" not in name] == expected
