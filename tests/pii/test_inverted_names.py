"""Names written family name first in registers and records (veil.pii.recognizers.inverted_names)."""

from __future__ import annotations

import time

import pytest

from veil.pii import PiiEngine
from veil.pii.recognizers.inverted_names import inverted


def _people(engine: PiiEngine, text: str) -> list[str]:
    return [text[e.start : e.end] for e in engine.detect(text) if e.type == "PERSON"]


@pytest.mark.parametrize(
    ("text", "name"),
    [
        (
            "Night shift roster\nOkonkwo-Bell, Adaeze - badge 4471\nFerreira, Tiago - badge 4472",
            "Okonkwo-Bell, Adaeze",
        ),
        (
            "Night shift roster\nOkonkwo-Bell, Adaeze - badge 4471\nFerreira, Tiago - badge 4472",
            "Ferreira, Tiago",
        ),
        ("Attendance\n1. Virtanen, Juha: 4 days\n2. Halonen, Riikka: 2 days", "Halonen, Riikka"),
        ("Employee: Kowalczyk, Tomasz (night shift)", "Kowalczyk, Tomasz"),
        ("Staff | Nakamura-Jones, Toshiro | Sales", "Nakamura-Jones, Toshiro"),
    ],
)
def test_a_family_name_first_record_is_one_person(pii_engine: PiiEngine, text: str, name: str) -> None:
    assert name in _people(pii_engine, text)


@pytest.mark.parametrize(
    "text",
    [
        "Trip plan\nParis, France - 3 nights\nRome, Italy - 2 nights",
        "Checklist\nSafety, Quality - reviewed\nBudget, Scope - approved",
        "The authors thank Smith, Jones and Brown for comments.",
        "Results\nTable, Figure - see appendix",
    ],
)
def test_places_words_and_lists_are_not_made_names(pii_engine: PiiEngine, text: str) -> None:
    joined = [p for p in _people(pii_engine, text) if "," in p]
    assert joined == []


def test_a_long_register_stays_linear() -> None:
    def cpu(n: int) -> float:
        unit = "Salmela, Terhi - x\n"
        text = (unit * (n // len(unit) + 1))[:n]
        people = [(m, m + 7, 0.8) for m in range(0, n - 20, len(unit))]
        started = time.process_time()
        list(inverted(text, people, frozenset()))
        return time.process_time() - started

    cpu(2000)
    small, large = cpu(80_000), cpu(160_000)
    assert large < 4 * small + 0.2
