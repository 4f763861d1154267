"""A court or commission above the states, of human rights or of justice, names no one: the
judgment it sits in (or a text about one) names it in every case. Neither the rules
(veil.pii.recognizers.body_heads.is_public_body) nor NER (veil.pii.focus.ner_view) report it,
while a national or a town's court, ministry or commission stays a body. Written from the class
"the forum of every judgment reported as an organisation"; the persons, towns and national bodies
here are invented for these tests."""

from __future__ import annotations

import pytest

from veil.pii import PiiEngine
from veil.pii.entity import EntityType
from veil.pii.focus import NerFocus, ner_view
from veil.pii.recognizers.body_heads import is_public_body, is_supranational_forum, supranational_forums

_FORUMS = (
    "European Court of Human Rights",
    "European Commission of Human Rights",
    "Inter-American Commission on Human Rights",
    "Inter-American Court of Human Rights",
    "African Court on Human and Peoples\u2019 Rights",
    "International Court of Justice",
    "European Court of Justice",
)


@pytest.mark.parametrize("name", _FORUMS)
def test_a_supranational_forum_is_no_identifying_body(name: str) -> None:
    assert is_supranational_forum(name)
    assert not is_public_body(name)


@pytest.mark.parametrize(
    "name",
    ["Commission of Human Rights", "Court of Justice", "Inter-American Commission", "the European Court"],
)
def test_the_tail_a_head_first_reading_cuts_out_of_a_forums_name_is_none_either(name: str) -> None:
    assert not is_public_body(name)


@pytest.mark.parametrize(
    "name",
    [
        "Varnholt Commission on Human Rights",
        "Varnholt Commission",
        "National Commission of Human Rights",
        "Equality and Human Rights Commission",
        "Ministry of Justice",
        "High Court of Justice",
        "Torvik Regional Court",
        "Court of Cassation",
    ],
)
def test_a_national_or_local_body_stays_a_body(name: str) -> None:
    assert not is_supranational_forum(name)
    assert is_public_body(name)


def test_the_forums_of_a_text_are_found_whole() -> None:
    text = (
        "Mr Tarlo Venmir lodged his application with the European Commission of Human Rights in 1994; "
        "Malvoria and the Inter-American Court of Human Rights were cited, as was the Ministry of Justice."
    )
    found = [text[a:b] for a, b in supranational_forums(text)]
    assert found == ["European Commission of Human Rights", "Inter-American Court of Human Rights"]


def test_ner_does_not_read_a_forums_name() -> None:
    text = "Mr Tarlo Venmir lodged his application with the European Court of Human Rights in 1994."
    view = ner_view(text, [], NerFocus())
    assert len(view) == len(text)
    assert "Human Rights" not in view
    assert "Tarlo Venmir" in view


def test_a_text_without_a_forum_has_none() -> None:
    assert supranational_forums("The Torvik Regional Court heard the case of Mr Tarlo Venmir.") == []


@pytest.mark.parametrize(
    ("text", "person", "body"),
    [
        (
            "Mr Tarlo Venmir lodged a petition with the Inter-American Commission on Human Rights in 1994.",
            "Tarlo Venmir",
            None,
        ),
        (
            "Ms Rella Kostvic applied to the European Court of Human Rights after the Torvik Regional Court "
            "ruled against her.",
            "Rella Kostvic",
            "Torvik Regional Court",
        ),
    ],
)
def test_the_engine_reports_the_person_and_the_local_court_not_the_forum(
    pii_engine: PiiEngine, text: str, person: str, body: str | None
) -> None:
    found = {(e.type, text[e.start : e.end]) for e in pii_engine.detect(text)}
    bodies = {value for kind, value in found if kind == EntityType.ORGANIZATION}
    assert (EntityType.PERSON, person) in found
    assert bodies == ({body} if body else set())
