"""Every player of a team sheet after "XI:" is a person; a short list or a list with no sheet is not."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from veil.pii import PiiEngine
from veil.pii.entity import EntityType
from veil.pii.recognizers.person_lineups import lineup_players


def _found(text: str) -> list[str]:
    return [text[a:b] for a, b, _ in lineup_players(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Riverton XI: Abara; Kessel, Moyo, Ide, Varga; Lund, Orrin Pask, Tell",
            ["Abara", "Kessel", "Moyo", "Ide", "Varga", "Lund", "Orrin Pask", "Tell"],
        ),
        (
            "Harbour XI : Dunne , Okafor , Reyes , Baptiste http://example.test",
            ["Dunne", "Okafor", "Reyes", "Baptiste"],
        ),
        ("Town XI: Abara, Kessel, Moyo, Ide, Subs: Lund, Tell", ["Abara", "Kessel", "Moyo", "Ide"]),
    ],
)
def test_players_are_found(text: str, expected: list[str]) -> None:
    assert _found(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Town XI: Abara, Kessel, Moyo",  # three items: no sheet
        "Chapter XI: Rules, Scope, Terms, Notes, Forms",
        "Colours: Red, Green, Blue, White, Black",
        "Louis XI ruled France",
    ],
)
def test_no_sheet(text: str) -> None:
    assert _found(text) == []


@given(st.lists(st.sampled_from(["Abara", "Kessel", "Moyo", "Ide", "Orrin Pask"]), min_size=4, max_size=11))
def test_every_item_is_a_player(players: list[str]) -> None:
    assert _found("Side XI: " + ", ".join(players)) == players


def test_engine_reads_the_sheet(pii_engine: PiiEngine) -> None:
    text = "Harbour XI : Dunne , Okafor , Reyes , Baptiste , Hale , Turner"
    people = {text[e.start : e.end] for e in pii_engine.detect(text) if e.type == EntityType.PERSON}
    assert {"Dunne", "Okafor", "Reyes", "Baptiste", "Hale", "Turner"} <= people
