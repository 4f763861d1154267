"""The eponym guard holds in the whole engine: spaCy's NER span over a name that modifies a head
noun of science ("the Quenbytor decomposition", "Marvik's equation") is no person or organisation
(ner_spans.names_among asks eponyms.is_eponym), while a titled person's method stays a person.
Names are invented from syllables (tests/pii/invented_names.py)."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings

from veil.pii import PiiEngine
from veil.pii.entity import EntityType

from .invented_names import invented_names, persons

_SETTINGS = settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def _names(engine: PiiEngine, text: str) -> list[str]:
    kinds = {EntityType.PERSON, EntityType.ORGANIZATION, EntityType.LOCATION}
    return [text[e.start : e.end] for e in engine.detect(text) if e.type in kinds]


@_SETTINGS
@given(invented_names())
def test_an_eponym_is_no_name_in_the_engine(pii_engine: PiiEngine, name: str) -> None:
    for text in (
        f"Computes the {name} decomposition of a positive definite matrix.",
        f"The radial part of {name}'s equation is solved first.",
        f"The {name} divergence between the two distributions is never negative.",
    ):
        assert not any(name in found for found in _names(pii_engine, text)), text


@_SETTINGS
@given(invented_names())
def test_a_titled_persons_method_stays_a_person(pii_engine: PiiEngine, name: str) -> None:
    text = f"Dr. {name}'s method was praised by the committee."
    assert any(name in found for found in persons(pii_engine, text)), text
