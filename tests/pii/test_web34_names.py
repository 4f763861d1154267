"""Given names in web text: one that a finite verb follows is the subject of a clause ("Odile
talks too much"), and a family name typed in lower case after a capitalised given name is part of
the name ("Mireille moreau")."""

from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from veil.pii.entity import EntityType
from veil.pii.recognizers.first_names import FirstNameFinder
from veil.pii.recognizers.mail_senders import marked_sign_off, signed_off
from veil.pii.recognizers.name_predicates import is_finite_verb, verb_follows
from veil.pii.recognizers.name_tails import family_tail
from veil.pii.recognizers.person_address import addressed_names
from veil.pii.recognizers.person_appositions import apposed_names
from veil.pii.recognizers.person_coreference import find_other_mentions
from veil.pii.recognizers.person_lowercase import lower_case_subjects


def _names(text: str) -> list[tuple[str, float]]:
    return [(text[a:b], score) for a, b, score in FirstNameFinder()(text)]


@pytest.mark.parametrize(
    "word",
    ["talks", "tries", "watches", "promised", "stopped", "carried", "knew", "made", "should", "doesn't"],
)
def test_finite_verb_forms_are_read_by_their_form(word: str) -> None:
    assert is_finite_verb(word)


@pytest.mark.parametrize(
    "word", ["this", "always", "yes", "moreau", "siempre", "table", "and", "news", "red"]
)
def test_other_words_are_no_finite_verbs(word: str) -> None:
    assert not is_finite_verb(word)


@pytest.mark.parametrize(
    "text",
    [
        "I cannot stand how Odile talks",
        "honestly Ingrid knew the answer all along",
        "the thing is Henrik promised to bring the cake",
        "and then Mireille should have called",
    ],
)
def test_a_given_name_before_a_finite_verb_is_a_person(text: str) -> None:
    found = dict(_names(text))
    name = next(w for w in ("Odile", "Ingrid", "Henrik", "Mireille") if w in text)
    assert found.get(name, 0.0) >= 0.6


def test_a_given_name_before_no_verb_stays_weak() -> None:
    assert dict(_names("the Odile table was sold")).get("Odile", 0.0) < 0.5


def test_verb_follows_needs_one_blank_and_a_verb() -> None:
    assert verb_follows("Odile talks", 5)
    assert not verb_follows("Odile, talks", 5)
    assert not verb_follows("Odile table", 5)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I keep playing that Mireille moreau song", ("Mireille moreau", 0.7)),
        ("is that Henrik brennan on stage?", ("Henrik brennan", 0.7)),
    ],
)
def test_a_known_family_name_in_lower_case_joins_the_given_name(
    text: str, expected: tuple[str, float]
) -> None:
    names = _names(text)
    assert any(name == expected[0] and score >= expected[1] for name, score in names)


def test_an_unknown_lower_case_word_extends_only_at_the_given_names_score() -> None:
    text = "is that Ingrid vasquezo ?"
    assert family_tail(text, text.index(" vasquezo")) == (text.index(" ?"), False)


@pytest.mark.parametrize(
    "text",
    [
        "I told Ingrid yesterday",  # an English word
        "Henrik lol that was close",  # chat slang
        "Henrik went home",  # an irregular past
        "Gracias Ingrid para todo",  # two unknown words: another language
        "Ingrid madrid trip",  # a place
        "Ingrid's vasquezo",  # not right after the name
    ],
)
def test_words_after_a_given_name_that_are_no_family_name(text: str) -> None:
    end = text.index("Ingrid") + 6 if "Ingrid" in text else text.index("Henrik") + 6
    assert family_tail(text, end) is None


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet="abcdefghij sAB'\u2019-@/", max_size=40))
def test_a_family_tail_stays_inside_the_text_and_after_the_name(text: str) -> None:
    tail = family_tail(text, 0)
    if tail is not None:
        end, _ = tail
        assert 0 < end <= len(text)
        assert text[0] in " \t"


@pytest.mark.parametrize("unit", ["Odile talks ", "Ingrid moreau ", "Henrik vasquezo lol "])
def test_the_finder_stays_linear_on_repeated_triggers(unit: str) -> None:
    finder = FirstNameFinder()
    times = []
    for size in (40_000, 80_000):
        text = unit * (size // len(unit))
        start = time.process_time()
        list(finder(text))
        times.append(time.process_time() - start)
    assert times[1] < 4 * times[0] + 0.05


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Call me when you land.\n-Tobin", "Tobin"),
        ("Great job on the report. ~Zorva", "Zorva"),
        ("Is the cable plugged in? ^JS", "JS"),
        ("Which app are you using? * QR", "QR"),
        ("See you Friday. Love, -M", "M"),
        ("Missing you already!\nxoxo ingrid", "ingrid"),
        ("Thanks for the flowers. xx Odile Varnow", "Odile Varnow"),
    ],
)
def test_a_name_after_a_signature_mark_at_the_end_signs_the_message(text: str, expected: str) -> None:
    assert [text[a:b] for a, b, _ in marked_sign_off(text)] == [expected]


@pytest.mark.parametrize(
    "text",
    [
        "Packages we use:\n- Kubernetes",  # a list's item, a blank after the dash
        "Packages we use:\n* Zorva",
        "Install it with pip. -Thanks",  # an English word
        "We ship everywhere. - UK",  # a place
        "Call me when you land. -Tobin is late",  # not the text's end
        "The score was 3-Tobin",  # no sentence end or line start before the mark
    ],
)
def test_no_signature_without_a_mark_at_the_end(text: str) -> None:
    assert list(marked_sign_off(text)) == []


def test_the_signature_scan_stays_linear() -> None:
    times = []
    for size in (100_000, 200_000):
        text = ". -Tobin\n~" * (size // 10)
        start = time.process_time()
        list(marked_sign_off(text))
        times.append(time.process_time() - start)
    assert times[1] < 4 * times[0] + 0.05


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Zorva - the owner, knows every regular by name.", ["Zorva"]),
        ("We loved our stay. Tobin, our lovely host, was so helpful.", ["Tobin"]),
        ("Ask for Quenby (my stylist) next time.", ["Quenby"]),
        ("Holly - the owner, bakes everything herself.", ["Holly"]),  # a given name that is a word
        ("Odile Varnow, my cousin who lives there, sent it.", ["Odile Varnow"]),
    ],
)
def test_a_name_that_an_apposition_calls_a_person(text: str, expected: list[str]) -> None:
    assert [text[a:b] for a, b, _ in apposed_names(text)] == expected


@pytest.mark.parametrize(
    "text",
    [
        "Acme, the applicant company, appealed.",  # the role word qualifies a noun
        "Paris, the capital, is lovely.",  # no role
        "Service - the manager was rude.",  # an English word
        "London, our host city, was cold.",  # a place
    ],
)
def test_no_person_without_a_role_apposition(text: str) -> None:
    assert list(apposed_names(text)) == []


@pytest.mark.parametrize("unit", ["Zorva, the owner ", "Aa, the ", "Aa Bb - our "])
def test_the_apposition_scan_stays_linear(unit: str) -> None:
    times = []
    for size in (100_000, 200_000):
        text = unit * (size // len(unit))
        start = time.process_time()
        list(apposed_names(text))
        times.append(time.process_time() - start)
    assert times[1] < 4 * times[0] + 0.05


def _subjects(text: str) -> list[str]:
    finder = FirstNameFinder()
    return [text[a:b] for a, b, _ in lower_case_subjects(text, finder._known_lower)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Did you see how ingrid gave away the Last slice", ["ingrid"]),
        ("LOL and then odile should pay for it", ["odile"]),
        ("We waited. henrik promised to come", ["henrik"]),
    ],
)
def test_a_lower_case_given_name_before_a_finite_verb_in_any_text(text: str, expected: list[str]) -> None:
    assert _subjects(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "The ants died in the Heat",  # a plural of a word
        "In Python the marks observed were fine",
        "We saw the ingrid returns on Monday",  # a determiner before it
        "Call `odile` returns None",  # code
        "Did you see how ingrid. gave",  # no verb right after
    ],
)
def test_no_lower_case_subject_without_a_name_and_a_verb(text: str) -> None:
    assert _subjects(text) == []


def test_the_lower_case_subject_scan_stays_linear() -> None:
    finder = FirstNameFinder()
    times = []
    for size in (100_000, 200_000):
        text = "the ingrid gave " * (size // 16)
        start = time.process_time()
        list(lower_case_subjects(text, finder._known_lower))
        times.append(time.process_time() - start)
    assert times[1] < 4 * times[0] + 0.05


def _people(text: str, found: list[str]) -> list[str]:
    spans = [(text.index(name), text.index(name) + len(name), 0.85) for name in found]
    resolved = [(a, b, EntityType.PERSON, p, "spacy_person") for a, b, p in spans]
    return [text[a:b] for a, b, _ in find_other_mentions(text, resolved)]


def test_a_lower_case_given_name_before_a_found_family_name_joins_it() -> None:
    assert "odile Varnow" in _people("I wanna sing like odile Varnow one day", ["Varnow"])


@pytest.mark.parametrize(
    "text", ["I wanna sing with Varnow one day", "lol Varnow is back", "the Varnow record"]
)
def test_no_lower_case_given_name_before_the_found_name(text: str) -> None:
    assert all(" " not in mention for mention in _people(text, ["Varnow"]))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The parcel came today. Talk to you later QT", ["QT"]),
        ("see you later LOL", []),  # chat
        ("Talk to you later UK", []),  # a place
        ("talk to you later OK", []),  # a word
    ],
)
def test_initials_after_a_parting_sign_the_message(text: str, expected: list[str]) -> None:
    assert [text[a:b] for a, b, _ in signed_off(text)] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Happy birthday QV ! have a great one", ["QV"]),
        ("RIP JT you legend", ["JT"]),
        ("miss you ALL so much", []),  # a word
        ("love you LOL", []),  # chat
        ("happy birthday USA", []),  # a place
        ("thanks QV for the show", []),  # a thanks: said to firms too
    ],
)
def test_initials_after_a_cue_said_to_people_only(text: str, expected: list[str]) -> None:
    found = [text[a:b] for a, b, _ in addressed_names(text, lambda word: False)]
    assert [w for w in found if w.isupper()] == expected
