"""Places introduced or followed by a lower-case word of their kind ("the city of Halvar", "the
Battle of Kelmor", "Tarsk county") and the place of a news agency's dateline are places; a
phrase's first word, an ordinary word or an acronym before a kind ("the Memory region", "the AWS
region") is not, and the finder stays linear on its own triggers repeated."""

from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from veil.pii import PiiConfig, PiiEngine
from veil.pii.recognizers.place_appositions import compass_regions, epithet_places, places_by_apposition
from veil.pii.recognizers.place_kinds import places_by_kind


def _found(text: str) -> list[str]:
    return [text[a:b] for a, b in places_by_apposition(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Her wedding in the southern city of Halvar was set for June.", ["Halvar"]),
        ("He grew up in the village of Ostra Nova and left for the port of Selm.", ["Ostra Nova", "Selm"]),
        ("She retired to the monastery of Pelmor, where she died.", ["Pelmor"]),
        ("The former mayor of the district of Kelbara (Tarsk) was heard.", ["Kelbara (Tarsk)"]),
        ("The city of Tyre was rebuilt after the war.", ["Tyre"]),  # an English word, still a place
        ("The army was routed at the Battle of Kelmor and the Siege of Varnholt.", ["Kelmor", "Varnholt"]),
        (
            "The delta lies in Romania (Tarsk county), near the Dunmore district.",
            ["Tarsk county", "Dunmore district"],
        ),
        ("In Velkar province the roads were closed.", ["Velkar province"]),
        ("It rises in Ukraine (Velkar Oblast) and in Tarsk County.", ["Velkar Oblast", "Tarsk County"]),
        ("KELMORE, Oregon (AP) \u2014 Flooding closed the road on Monday.", ["KELMORE"]),
        ("Agencies wrote: TARSK (Reuters) - The minister resigned.", ["TARSK"]),
    ],
)
def test_places_beside_their_kind(text: str, expected: list[str]) -> None:
    assert sorted(_found(text)) == sorted(expected)


@pytest.mark.parametrize(
    "text",
    [
        "Deploy the bucket in the AWS region closest to your users.",
        "The Memory region holds the heap; the Data region holds constants.",
        "This district is quiet.",
        "The Tarsk District Court ruled on Monday; the Central District is closed.",
        "The city of ours is small, and the town of the future is smaller.",
        "NOTE - the options below are deprecated.",
        "The battle of wits went on all night.",
    ],
)
def test_no_place_without_a_proper_name(text: str) -> None:
    assert _found(text) == []


def test_the_engine_reports_the_place() -> None:
    engine = PiiEngine(PiiConfig(ner=False))
    text = "Her wedding in the southern city of Halvar was set for June."
    found = [(text[e.start : e.end], str(e.type)) for e in engine.detect(text)]
    assert ("Halvar", "LOCATION") in found


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("Aa of city district (AP) -\nT")), max_size=200))
def test_spans_are_inside_the_text_and_never_empty(text: str) -> None:
    for start, end in places_by_apposition(text):
        assert 0 <= start < end <= len(text)


_UNITS = ["the city of Aaa ", "Aaa Bbb Ccc Ddd ", "Tarsk district ", "\nABCD (AP) - "]


@pytest.mark.parametrize("unit", _UNITS)
def test_linear_on_its_own_triggers(unit: str) -> None:
    times = []
    for size in (6_000, 24_000):
        text = (unit * (size // len(unit) + 1))[:size]
        start = time.process_time()
        list(places_by_apposition(text))
        times.append(time.process_time() - start)
    assert times[1] <= 8 * times[0] + 0.05


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Velric of Tarsomb (c. 310 - 370) was a monk.", ["Tarsomb"]),
        ("He went to the city with his friend Tarvald of Keldara in 360.", ["Keldara"]),
        ("A petition reached the governor Adelind of Varno Tessa.", ["Varno Tessa"]),
    ],
)
def test_the_place_of_an_epithet(text: str, expected: list[str]) -> None:
    assert [text[a:b] for a, b in epithet_places(text)] == expected


@pytest.mark.parametrize(
    "text",
    [
        "Jane Tarrow of Kelby Freight spoke first.",  # a person's employer
        "She studied at the University of Kelbarn.",  # a body's head before "of"
        "The Secretary of State met the Friends of Trees.",  # English words
        "Use a HashMap of Vecs and an Option of Strings.",
        "Velric of Tarsomb Holdings filed the claim.",  # the name goes on
    ],
)
def test_no_epithet_place(text: str) -> None:
    assert list(epithet_places(text)) == []


def test_epithet_places_stay_linear() -> None:
    times = []
    for size in (6_000, 24_000):
        text = ("Xyzzy of Qwer, " * (size // 15 + 1))[:size]
        start = time.process_time()
        list(epithet_places(text))
        times.append(time.process_time() - start)
    assert times[1] <= 8 * times[0] + 0.05


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The port secured grain supplies for the West for a decade.", ["West"]),
        ("Her cousin was wounded in the South. From the Northeast, take the ferry.", ["South", "Northeast"]),
        ("The Midwest votes first.", ["Midwest"]),
    ],
)
def test_a_compass_point_names_a_region(text: str, expected: list[str]) -> None:
    assert [text[a:b] for a, b in compass_regions(text)] == expected


@pytest.mark.parametrize(
    "text",
    [
        "They sailed the North Sea to the West Bank of the river.",  # a longer name goes on
        "Turn west, then north; the south-west wind rose.",
        "The South-West of the county floods.",
    ],
)
def test_no_region_where_the_name_goes_on(text: str) -> None:
    assert list(compass_regions(text)) == []


def test_plurals_that_end_towns_names() -> None:
    text = "The gallery is in Kelbarra Springs, near Tarvold Cliffs and the Seven Hills."
    assert [text[a:b] for a, b in places_by_kind(text)] == ["Kelbarra Springs", "Tarvold Cliffs"]
