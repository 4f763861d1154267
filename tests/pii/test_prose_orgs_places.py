"""Organisations and places in prose that names no one (issue 14, fourth pass).

Classes: an institution named by a bare head noun after an article ("the Court", "the
Government", "the Ministry's reply") is no organisation; a capitalised phrase ending in the noun
of a made thing ("Oracle Database", "Graph Exchange XML Format") is a product, not a firm;
"work for" after a negation or a thing as subject says what software runs on ("it doesn't
work for Jython"); a word of programming beside a name that spaCy calls a place ("the
Postgresql dialect") makes it no place; towns named by ordinary words ("Bath", "Reading",
"Mobile") are places with a place of living or travel before them or a region after them, and
stay words without. Sentences are composed from tables of shapes and made-up names.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from veil.pii import EntityType, PiiEngine
from veil.pii.vocabulary import is_ordinary_word, known_names

_SYLLABLES = ("ka", "ro", "vel", "tun", "mir", "zo", "bre", "dax", "lin", "quo", "sev", "tar", "ul")
_PROPER = (
    st.lists(st.sampled_from(_SYLLABLES), min_size=3, max_size=4)
    .map(lambda parts: "".join(parts).capitalize())
    .filter(lambda w: not is_ordinary_word(w) and w not in known_names())
)


def _typed(engine: PiiEngine, text: str, kind: EntityType) -> list[str]:
    return [text[e.start : e.end] for e in engine.detect(text) if e.type == kind]


# -- institutions named by a bare head noun -----------------------------------------------------

_BARE_HEADS = ("Government", "Court", "Commission", "Ministry", "Council", "Chamber", "Registry", "Agency")
_BARE_SHAPES = (
    "The {h} noted that the applicant had not replied.",
    "In the {h}'s view, the complaint was out of time.",
    "The applicant's lawyer wrote to the {h} twice.",
    "THE {H}, UNANIMOUSLY, declares the application admissible.",
    "The police informed the {h} of the arrest.",
)


@pytest.mark.parametrize("head", _BARE_HEADS)
@pytest.mark.parametrize("shape", _BARE_SHAPES)
def test_a_bare_institution_noun_is_no_organisation(pii_engine: PiiEngine, head: str, shape: str) -> None:
    text = shape.format(h=head, H=head.upper())
    assert _typed(pii_engine, text, EntityType.ORGANIZATION) == [], text


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    place=_PROPER,
    shape=st.sampled_from(("Supreme Court of {p}", "{p} Regional Court", "Ministry of Justice of {p}")),
)
def test_an_institution_with_a_proper_name_stays_one(rules_engine: PiiEngine, place: str, shape: str) -> None:
    body = shape.format(p=place)
    text = f"The applicant appealed to the {body} on the same day."
    assert body in _typed(rules_engine, text, EntityType.ORGANIZATION), text


# -- products, protocols and formats ----------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "For use within Oracle Database, two options are available.",
        "The Hypertext Transfer Protocol is stateless.",
        "Graph Exchange XML Format is a language for describing networks.",
        "Write the schema in the Kotlin Data Notation before you compile.",
        "The Acme Query Language lets you filter rows.",
        "There have been many Unicode-related issues; use POSIX paths and ASCII names.",
    ],
)
def test_a_phrase_ending_in_a_made_thing_is_no_organisation(pii_engine: PiiEngine, text: str) -> None:
    assert _typed(pii_engine, text, EntityType.ORGANIZATION) == [], text


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    name=_PROPER,
    subject=st.sampled_from(
        ("It probably doesn't", "This does not", "This build will never", "The patch also")
    ),
)
def test_software_that_works_for_something_names_no_employer(
    rules_engine: PiiEngine, name: str, subject: str
) -> None:
    text = f"{subject} work for {name} or the older releases."
    found = [e for e in rules_engine.detect(text) if e.recognizer == "organization_label"]
    assert found == [], text


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    firm=st.lists(_PROPER, min_size=2, max_size=2).map(" ".join),
    subject=st.sampled_from(("She works", "I used to work", "He worked", "My sister is working")),
)
def test_a_person_who_works_for_a_firm_names_it(rules_engine: PiiEngine, firm: str, subject: str) -> None:
    text = f"{subject} for {firm} in the city."
    assert firm in _typed(rules_engine, text, EntityType.ORGANIZATION), text


# -- software that spaCy reads as a place -------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "The issue is that currently the Postgresql dialect has problems with this.",
        "This is the building block of command line interfaces in Click.",
        "This is a copy of the Starlette _DefaultLifespan class kept for compatibility.",
        "Register the hook in the Quart backend before the first request.",
    ],
)
def test_software_beside_a_word_of_programming_is_no_place(pii_engine: PiiEngine, text: str) -> None:
    assert _typed(pii_engine, text, EntityType.LOCATION) == [], text


# -- towns named by ordinary words --------------------------------------------------------------------

_WORD_TOWNS = ("Bath", "Reading", "Mobile", "Nice", "Split", "Derby", "Cork")


@pytest.mark.parametrize("town", _WORD_TOWNS)
@pytest.mark.parametrize(
    "shape",
    [
        "She grew up in {t} and later left.",
        "We moved to {t} when I was six.",
        "He was born in {t}, the youngest of three.",
        "The family relocated from {t} last spring.",
    ],
)
def test_a_town_named_by_a_word_is_a_place_after_a_cue(
    rules_engine: PiiEngine, town: str, shape: str
) -> None:
    text = shape.format(t=town)
    assert town in _typed(rules_engine, text, EntityType.LOCATION), text


@pytest.mark.parametrize(
    ("text", "town"),
    [("The store in Mobile, Alabama closed.", "Mobile"), ("A letter from Bath, England arrived.", "Bath")],
)
def test_a_town_named_by_a_word_is_a_place_before_its_region(
    rules_engine: PiiEngine, text: str, town: str
) -> None:
    assert town in _typed(rules_engine, text, EntityType.LOCATION), text


@pytest.mark.parametrize(
    "text",
    [
        "Reading the manual is the first step.",
        "Bath towels and Mobile phones are on sale.",
        "Split the string at commas, then Sale prices apply.",
        "Orange and Phoenix are both components of the Independence release.",
        "A Deal was struck; Derby day is crowded.",
    ],
)
def test_a_word_that_is_also_a_town_stays_a_word(rules_engine: PiiEngine, text: str) -> None:
    assert _typed(rules_engine, text, EntityType.LOCATION) == [], text


@pytest.mark.parametrize(
    ("text", "town"),
    [
        ("She was born in San Ignacio and later left.", "San Ignacio"),
        ("We moved to St Helens with our two dogs.", "St Helens"),
    ],
)
def test_a_town_holding_a_given_name_stays_a_place(pii_engine: PiiEngine, text: str, town: str) -> None:
    found = [(text[e.start : e.end], e.type) for e in pii_engine.detect(text)]
    assert (town, EntityType.LOCATION) in found, found
    assert not [v for v, t in found if t in (EntityType.PERSON, EntityType.ORGANIZATION)], found


# -- the titles of texts named after a body ---------------------------------------------------------


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    place=_PROPER,
    title=st.sampled_from(
        (
            "the {p} Prison Rules",
            "the {p} Police Act",
            "the Law on Public Prosecution",
            "the {p} University Regulations",
            "the Ministry of Justice Decree",
            "the Act on Police",
        )
    ),
)
def test_the_title_of_a_text_is_no_organisation(pii_engine: PiiEngine, place: str, title: str) -> None:
    text = f"The court applied {title.format(p=place)} to the facts."
    assert _typed(pii_engine, text, EntityType.ORGANIZATION) == [], text


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(place=_PROPER)
def test_a_body_before_a_lower_case_word_or_a_title_after_it_stays_a_body(
    rules_engine: PiiEngine, place: str
) -> None:
    text = f"The {place} Police refused, and the {place} Prison staff applied the Rules."
    found = _typed(rules_engine, text, EntityType.ORGANIZATION)
    assert f"{place} Police" in found and f"{place} Prison" in found, text


# -- names from code and from mathematics ----------------------------------------------------------

_CODE_PARTS = ("Frame", "Warning", "Manager", "Handler", "Wrapper", "Buffer", "Config", "Exception")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    head=_PROPER,
    part=st.sampled_from(_CODE_PARTS),
    plural=st.booleans(),
    shape=st.sampled_from(
        (
            "Filter the rows of the {c} before you write it.",
            "The {c} opens an instance of the process.",
            "Unlike the built-in {c}, this one is raised twice.",
        )
    ),
)
def test_a_class_name_from_code_is_no_organisation(
    pii_engine: PiiEngine, head: str, part: str, plural: bool, shape: str
) -> None:
    text = shape.format(c=f"{head}{part}{'s' if plural else ''}")
    assert _typed(pii_engine, text, EntityType.ORGANIZATION) == [], text


@pytest.mark.parametrize(
    "head", ["Principle", "Theorem", "Equation", "Transform", "Distribution", "Conjecture"]
)
def test_a_named_result_of_mathematics_is_no_organisation(pii_engine: PiiEngine, head: str) -> None:
    text = f"The proof follows from the Kalomir Substitution {head} stated above."
    assert _typed(pii_engine, text, EntityType.ORGANIZATION) == [], text


@pytest.mark.parametrize(
    "text",
    [
        "The Elastic-Net (combination of L1 and L2) regularization is only supported by the 'saga' solver.",
        "Mixing (Kalomir and Tunvel) values is not supported by the default backend.",
    ],
)
def test_a_clause_is_no_place(pii_engine: PiiEngine, text: str) -> None:
    assert _typed(pii_engine, text, EntityType.LOCATION) == [], text
