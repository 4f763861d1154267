"""Teams named by a known town and a nickname are organisations; places whose names end in a
plural, firms and bodies ending in one, and longer names the team is part of are not teams."""

from __future__ import annotations

import pytest

from veil.pii import PiiConfig, PiiEngine
from veil.pii.recognizers.sports_teams import sports_teams


def _found(text: str) -> list[str]:
    return [text[a:b] for a, b, _ in sports_teams(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The Denver Falcons lost to the Portland Otters at home.", ["Denver Falcons", "Portland Otters"]),
        ("Leeds United drew with the Denver Blue Herons.", ["Leeds United", "Denver Blue Herons"]),
        ("He was traded to the St. Louis Badgers in May.", ["St. Louis Badgers"]),
    ],
)
def test_a_town_and_a_nickname_are_a_team(text: str, expected: list[str]) -> None:
    assert _found(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "She moved to Colorado Springs, near the Florida Keys.",
        "He works for Texas Instruments and rides the London Buses.",
        "They won the Denver Falcons Trophy twice.",
        "The Berlin Awards were held in March.",
    ],
)
def test_places_firms_and_longer_names_are_not(text: str) -> None:
    assert _found(text) == []


def test_the_engine_types_them_as_organisations() -> None:
    engine = PiiEngine(PiiConfig(ner=False))
    text = "He pitched for the Denver Falcons for six years."
    found = {(text[e.start : e.end], e.type) for e in engine.detect(text)}
    assert ("Denver Falcons", "ORGANIZATION") in found


@pytest.mark.parametrize(
    "text",
    [
        "Florence Papadopoulos signed the lease.",
        "Contact Austin Karamanlis or Sydney Oyelowos.",
        "Regards,\nVictoria Andrikopoulos",
    ],
)
def test_a_town_named_given_name_before_a_family_name_in_s_is_no_team(text: str) -> None:
    """A nickname in "-s" is an English plural ("Pirates"); a family name in "-s" is a person's."""
    assert _found(text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "She signed with the Denver Falcons in June. By August the Falcons' coach had made her captain.",
            ["Denver Falcons", "Falcons"],
        ),
        (
            "Two Portland Blue Herons pitchers were traded; the Blue Herons won anyway.",
            ["Portland Blue Herons", "Blue Herons"],
        ),
        ("The Leeds United squad flew home. United lost the next match.", ["Leeds United"]),
    ],
)
def test_a_teams_nickname_alone_names_it_again(text: str, expected: list[str]) -> None:
    assert _found(text) == expected


def test_a_nickname_alone_is_no_team_without_the_full_name_or_inside_another_name() -> None:
    assert _found("The Falcons circled over the valley.") == []
    text = "He left the Denver Falcons for the Triple-A Tacoma Falcons in May."
    assert "Falcons" not in _found(text)
