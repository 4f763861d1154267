"""A union, a party, a ruling house or a newspaper named by a proper name and its kind in lower
case ("the Velmar Ouvriere union", "the Qelvar dynasty") is a body, the name alone; a name of
ordinary words ("the Labour party", "the Dinner party") or a program's prose ("the TypeScript
union type") is not read so."""

from __future__ import annotations

import time

import pytest

from veil.pii import PiiEngine
from veil.pii.recognizers.town_institutions import town_institutions


def _found(text: str) -> list[str]:
    return [text[a:b] for a, b, _ in town_institutions(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The Velmar Ouvriere union regrets the decision.", ["Velmar Ouvriere"]),
        ("After the fall of the Qelvar dynasty the north was divided.", ["Qelvar"]),
        ("The Tarskeli party won the vote, the Dornholt newspaper said.", ["Tarskeli", "Dornholt"]),
    ],
)
def test_the_name_before_its_kind(text: str, expected: list[str]) -> None:
    assert _found(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "The Labour party and the Dinner party met on Friday.",
        "Declare the TypeScript union type in `types.ts` and import it.",
        "Every party and every union is welcome.",
    ],
)
def test_no_body_of_words_or_of_programs(text: str) -> None:
    assert _found(text) == []


def test_the_engine_spreads_the_name(rules_engine: PiiEngine) -> None:
    text = "After the fall of the Qelvar dynasty, the successor of the Qelvar was a republic."
    found = [text[e.start : e.end] for e in rules_engine.detect(text)]
    assert found.count("Qelvar") == 2


@pytest.mark.parametrize("unit", ["the Kelby union, ", "the Aaa Bbb Ccc party ", "The The The "])
def test_linear_on_its_own_triggers(unit: str) -> None:
    times = []
    for size in (6_000, 24_000):
        text = (unit * (size // len(unit) + 1))[:size]
        start = time.process_time()
        list(town_institutions(text))
        times.append(time.process_time() - start)
    assert times[1] <= 8 * times[0] + 0.05
