"""Names one to a line, each ended by a comma (a court's bench, a board, a panel), are persons
when the gazetteer knows one of the first names; a column of towns, floors or firms is not.

Written from the failure class "the members of a court listed in a judgment's heading" (names of
any origin, which NER types as organisations or misses); the names are invented here.
"""

from __future__ import annotations

import pytest

from veil.pii import EntityType, PiiEngine
from veil.pii.recognizers.name_columns import column_names
from veil.pii.recognizers.person_cues import PersonCueFinder

T = EntityType
_FINDER = PersonCueFinder()


def _column(text: str) -> list[str]:
    return [text[s:e] for s, e, _ in column_names(text, _FINDER)]


_BENCH = (
    "The Chamber was composed of:\n"
    " Maria Quelvandt, President,\n"
    " Ozrin Tavaščić Belmor,\n"
    " Ydrisse Kovanu,\n"
    " Thorvek Aślomir, judges,\n"
    "and Jana Prellwick, Section Registrar,\n"
    "Having deliberated in private on 3 May 2011,"
)


def test_a_bench_of_names_one_to_a_line_is_people() -> None:
    assert _column(_BENCH) == [
        "Maria Quelvandt",
        "Ozrin Tavaščić Belmor",
        "Ydrisse Kovanu",
        "Thorvek Aślomir",
        "Jana Prellwick",
    ]


def test_the_engine_finds_the_whole_bench(pii_engine: PiiEngine) -> None:
    found = {_BENCH[e.start : e.end] for e in pii_engine.detect(_BENCH) if e.type == T.PERSON}
    assert {"Ozrin Tavaščić Belmor", "Ydrisse Kovanu", "Thorvek Aślomir"} <= found


@pytest.mark.parametrize(
    "text",
    [
        # no known first name among them: a column of made-up words proves nothing
        "Ozrin Belmor,\nYdrisse Kovanu,\nThorvek Aslomir,\n",
        # places, floors and firms one to a line
        "New York,\nSan Francisco,\nLos Angeles,\nMaria Quelvandt,\n",
        "Ground Floor,\nFirst Floor,\nUpper Deck,\n",
        # two lines are no column
        "Maria Quelvandt, President,\nJana Prellwick,\n",
    ],
)
def test_other_columns_are_no_people(text: str) -> None:
    assert _column(text) == []
