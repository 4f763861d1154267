"""The venue and voice-assistant guards hold in the whole engine, whichever finder read the name.

person_context, the first-name finder, the name gazetteer and spaCy's NER each read a titled name
or a spoken-to name on their own; the guards (venue_names.is_titled_venue,
person_devices.is_assistant_address) are asked by each of them, so no one finder lets the span
through. Names and venues are invented.
"""

from __future__ import annotations

import pytest

from veil.pii.config import PiiConfig
from veil.pii.engine import PiiEngine

from .invented_names import persons


@pytest.fixture(scope="module")
def engine() -> PiiEngine:
    return PiiEngine(PiiConfig()).load()


@pytest.mark.parametrize(
    "text",
    [
        "We booked a table at the Colonel Brandwick House for Saturday.",
        "The Admiral Pellow Trophy went to the visiting crew.",
        "hey Siri, set a timer for twenty minutes",
        "Alexa, play the radio in the kitchen",
        "I asked Alexa to turn off the lights.",
    ],
)
def test_a_venue_after_a_title_or_an_assistant_spoken_to_is_no_person(engine: PiiEngine, text: str) -> None:
    assert persons(engine, text) == []


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Alexa Varnow said she would join the call.", "Alexa Varnow"),
        ("Commander Torvik Lodge said the ship was ready.", "Torvik Lodge"),
    ],
)
def test_a_person_with_the_same_words_stays_a_person(engine: PiiEngine, text: str, name: str) -> None:
    assert any(name in found for found in persons(engine, text))
