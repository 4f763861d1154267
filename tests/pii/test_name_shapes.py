"""Names by their shape (middle initials, particles, lower case with an initial) and by the
words around them (verbs and roles of people, ages, "my name is"), on names no gazetteer knows.

The given and family names below are made up for these tests (checked against every
gazetteer); the sentence frames are written here, from the failure classes of issue 14.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from veil.pii import EntityType, PiiConfig, PiiEngine
from veil.pii.data import COMMON_WORDS, FIRST_NAMES, LAST_NAMES, PLACES, load_list, load_words
from veil.pii.recognizers.name_shapes import InitialNameFinder
from veil.pii.recognizers.person_context import PersonContextFinder

T = EntityType

# Made-up names in Latin script with and without diacritics (none is in a gazetteer).
_GIVEN = ["Zorvika", "Ternald", "Aślomir", "Quennith", "Brüvalda", "Ydrisse", "Koveth", "Mirellø", "Öztara"]
_FAMILY = ["Vantrosk", "Okwelu-Brandvik", "Hauta-ujvö", "Szelvényi", "Drummagh", "Keplović", "Thornquist"]
_LOWER_KNOWN_GIVEN = ["maria", "john", "peter", "laura", "ahmed"]  # gazetteer first names, lower case


def _people(engine: PiiEngine, text: str) -> set[str]:
    return {text[e.start : e.end] for e in engine.detect(text) if e.type == T.PERSON}


def test_the_made_up_names_are_unknown_to_the_gazetteers() -> None:
    known = {w.casefold() for w in load_words(FIRST_NAMES) | load_words(LAST_NAMES) | load_words(PLACES)}
    for name in _GIVEN + _FAMILY:
        for part in name.split("-"):
            assert part.casefold() not in known, name
    assert {n.capitalize() for n in _LOWER_KNOWN_GIVEN} <= load_words(FIRST_NAMES)


@pytest.fixture(scope="module")
def shapes_only() -> PiiEngine:
    """Only the two recognizers under test: what they find on their own."""
    return PiiEngine(PiiConfig(ner=False))


_INITIAL_FRAMES = [
    "The report was signed off by {} on Friday.",
    "{} lives at the end of the road.",
    "Minutes taken by {}.",
    "Please forward the file to {} before noon.",
    "{}\nHead of Procurement",
]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    first=st.sampled_from(_GIVEN),
    initial=st.sampled_from("ABCDEFGHJKLMNOPRSTUVWZ"),
    dot=st.booleans(),
    family=st.sampled_from(_FAMILY),
    frame=st.sampled_from(_INITIAL_FRAMES),
)
def test_a_name_with_a_middle_initial_is_one_person(
    rules_engine: PiiEngine, first: str, initial: str, dot: bool, family: str, frame: str
) -> None:
    name = f"{first} {initial}{'.' if dot else ''} {family}"
    text = frame.format(name)
    assert name in _people(rules_engine, text), text


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    first=st.sampled_from(_LOWER_KNOWN_GIVEN),
    initial=st.sampled_from("abcdefghjkmnprstw"),
    dot=st.booleans(),
    family=st.sampled_from(_FAMILY),
)
def test_a_lower_case_name_with_an_initial(
    rules_engine: PiiEngine, first: str, initial: str, dot: bool, family: str
) -> None:
    name = f"{first} {initial}{'.' if dot else ''} {family.lower()}"
    text = f"follow up with {name} next week about the invoice"
    assert name in _people(rules_engine, text), text


@pytest.mark.parametrize(
    "text",
    [
        "Vitamin D Deficiency is common in winter.",
        "Plan B Options were discussed at length.",
        "See Appendix C Tables for the raw data.",
        "The Series A Funding round closed.",
        "Hepatitis B Vaccine stocks are low.",
        "We met in Washington D. C last spring.",
        "Section A Overview",
        "NASA J Reports are archived.",
        "the plan a test run was fine",
        "The metro of Washington D.C. Metro Center is closed.",
        "Box numbers: P. O. Box 12.",
        "Part A. Introduction",
    ],
)
def test_headings_with_a_letter_label_are_no_names(shapes_only: PiiEngine, text: str) -> None:
    finder = InitialNameFinder()
    assert list(finder(text)) == [], text


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Lecturer Ydrisse van der Koveth gave the talk.", "Ydrisse van der Koveth"),
        ("The grant went to Zorvika bin Drummagh in May.", "Zorvika bin Drummagh"),
        ("Maria de Keplović signed.", "Maria de Keplović"),
    ],
)
def test_names_with_particles(rules_engine: PiiEngine, text: str, name: str) -> None:
    assert name in _people(rules_engine, text)


@pytest.mark.parametrize(
    "text",
    ["We flew to Rio de Janeiro in June.", "Banco do Brasil raised rates.", "Costa del Sol hotels are full."],
)
def test_places_and_firms_with_particles_are_no_names(text: str) -> None:
    assert list(InitialNameFinder()(text)) == [], text


# -- the words around a name -----------------------------------------------------------------------

_CUED_FRAMES = [
    "{} said the shipment was late.",
    "Yesterday {} told the committee everything.",
    '"It is too early to tell," says {}.',
    "{}, 34, was born in a small town.",
    "The defendant {} denied the charge.",
    "Producer {} explained the delay to reporters.",
    "Our customer {} cannot reach the portal.",
    "People call me {}",
    "Her maiden name is {}",
    "{} began writing as a teenager.",
    "Please confirm the booking.\n- {}\n",
]


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    first=st.sampled_from(_GIVEN),
    family=st.one_of(st.none(), st.sampled_from(_FAMILY)),
    frame=st.sampled_from(_CUED_FRAMES),
)
def test_an_unknown_name_beside_a_verb_role_or_age_of_people(
    rules_engine: PiiEngine, first: str, family: str | None, frame: str
) -> None:
    name = first if family is None else f"{first} {family}"
    text = frame.format(name)
    assert name in _people(rules_engine, text), text


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    cue=st.sampled_from(["my name is", "her maiden name is", "call me", "Mr", "ms."]),
    family=st.sampled_from(_FAMILY),
)
def test_a_lower_case_name_after_a_strong_cue(rules_engine: PiiEngine, cue: str, family: str) -> None:
    name = family.lower()
    text = f"well, {cue} {name}, and that is all"
    assert name in _people(rules_engine, text), text


@pytest.mark.parametrize(
    "text",
    [
        "The Board said the results were final.",
        "Officials said the road would reopen; the officials gave no date.",
        "Google said the outage was over.",
        "Paris said yes to the bid.",
        "We\u2019ve added sleep calls to the loop.",
        "The compiler said nothing useful; it said less.",
        "HashMap said nothing.",
        "Parliament said otherwise.",
        "Engineering told customers about the outage.",
        "Human Resources said no.",
        "The Lord Chancellor decided the appeal.",
        "hi there, call me back later",
        "dear colleagues, thanks for coming",
        "my name is not important",
        "The associated type is named Item and stands in for the values.",
        "We define a struct named MyBox and a method on it.",
        "Lists like Vec and HashMap grow on the heap.",
        "Agenda:\n- Overview\n- Quarterly Budget\n",
        "Steps:\n- Install Rust",
    ],
)
def test_ordinary_words_beside_the_same_cues_are_no_names(rules_engine: PiiEngine, text: str) -> None:
    assert _people(rules_engine, text) == set(), text


def test_a_greeting_takes_only_known_lower_case_names() -> None:
    finder = PersonContextFinder()
    text = "hi maria, hi everyone, hey zorvika"
    found = {text[s:e] for s, e, _ in finder(text)}
    assert found == {"maria"}


def test_lower_case_cues_never_take_common_words() -> None:
    finder = PersonContextFinder()
    common = sorted(load_list(COMMON_WORDS))[:300]
    for word in common:
        if not word.isalpha() or not word.islower():
            continue
        text = f"my name is {word} and dear {word}"
        assert list(finder(text)) == [], word


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ('Koveth: "Who are you?"\nYdrisse:"A friend of Maria".', {"Koveth", "Ydrisse"}),
        (
            "05/11/2024, 10:14 Zorvika Vantrosk: lunch?\n05/11/2024, 10:20 Ternald Drummagh: yes",
            {"Zorvika Vantrosk", "Ternald Drummagh"},
        ),
        ("Our founders: Vantrosk, Drummagh and Thornquist.", {"Vantrosk", "Drummagh", "Thornquist"}),
        ("Vantrosk and Drummagh were the engineers on call.", {"Vantrosk", "Drummagh"}),
        ('{"customer":"Zorvika Vantrosk","email":"x@example.org"}', {"Zorvika Vantrosk"}),
        ("Bill to:\nTernald Drummagh\n12 Mill Lane", {"Ternald Drummagh"}),
    ],
)
def test_speakers_lists_and_fields_of_unknown_names(
    rules_engine: PiiEngine, text: str, names: set[str]
) -> None:
    assert names <= _people(rules_engine, text), text


def test_further_mentions_through_a_possessive_and_a_given_name(rules_engine: PiiEngine) -> None:
    text = (
        "Dispute opened by Ms Zorvika Vantrosk. Vantrosk's card was charged. CALLER: Ydrisse Vantrosk here."
    )
    found = _people(rules_engine, text)
    assert {"Zorvika Vantrosk", "Vantrosk", "Ydrisse Vantrosk"} <= found, found


def test_possessive_ends_the_name(rules_engine: PiiEngine) -> None:
    text = "We read from Zorvika K. Vantrosk's notebook."
    assert "Zorvika K. Vantrosk" in _people(rules_engine, text)


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Lord Koveth agreed with the majority.", "Koveth"),
        ("Baroness Vantrosk gave the lead judgment.", "Vantrosk"),
        ("Lord Justice Drummagh dissented.", "Justice Drummagh"),
        ("The defendant Keplović denied the charge.", "Keplović"),
    ],
)
def test_court_titles_and_roles(rules_engine: PiiEngine, text: str, name: str) -> None:
    assert name in _people(rules_engine, text), text


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    initials=st.lists(st.sampled_from("ABDEGHJKLMNPRSTW"), min_size=1, max_size=3),
    spaced=st.booleans(),
    family=st.sampled_from(_FAMILY),
    frame=st.sampled_from(
        ["Reported by {} at noon.", "{} reviewed the draft.", "cc: {}", "Thanks to {} for the data."]
    ),
)
def test_initials_before_a_family_name(
    rules_engine: PiiEngine, initials: list[str], spaced: bool, family: str, frame: str
) -> None:
    name = (" " if spaced else "").join(f"{i}." for i in initials) + " " + family
    text = frame.format(name)
    assert name in _people(rules_engine, text), text
