"""Acronyms and camel-case names of organisations are kept when their context says they are
bodies, and still dropped in technical prose (veil.pii.organization_cues, veil.pii.ner_spans).

Written from the failure class "organisation recall on real text": spaCy's ORG spans of
acronyms ("the XYZ said") and camel-case firms ("the magazine PaperKite") were dropped with the
terms and identifiers they look like. Every sentence here is invented for these tests.
"""

from __future__ import annotations

import pytest

from veil.pii.ner_spans import TextClues, may_be_a_name, names_among
from veil.pii.organization_cues import acts_as_a_body, firm_camel_shape, listed_bodies, looks_technical
from veil.pii.recognizers.software_names import kind_lists


def judged(text: str, fragment: str, label: str = "ORG", nth: int = 0) -> bool:
    start = -1
    for _ in range(nth + 1):
        start = text.index(fragment, start + 1)
    return may_be_a_name(text, start, start + len(fragment), label, TextClues(text))


@pytest.mark.parametrize(
    ("text", "acronym"),
    [
        ("The KFTU said on Monday that wages must rise.", "KFTU"),
        ("Maria Lenz of the PDRV was re-elected with a wide margin.", "PDRV"),
        ("Among the winners were the VNPA's Oskar Brandt and two newcomers.", "VNPA"),
        ("She studied at QSTU before moving north.", "QSTU"),
        ("The deal was funded by the ZARC after months of talks.", "ZARC"),
        ("The Northern Farmers Association (NFA) met in May. The NFA voted to strike.", "NFA"),
        ("Small parties such as the KLP and the VRP lost seats.", "KLP"),
    ],
)
def test_an_acronym_acting_as_a_body_is_an_organisation(text: str, acronym: str) -> None:
    assert judged(text, acronym, nth=text.count(acronym) - 1)


@pytest.mark.parametrize(
    "text",
    [
        "The KFTU is set to zero by default.",
        "Use `connect()` first; the QRPC said nothing about retries.",
        "Parameters and arguments pass through; the ZARC members are iterators.",
    ],
)
def test_an_acronym_without_a_bodys_cue_or_in_technical_text_is_no_organisation(text: str) -> None:
    acronym = next(w.strip(".,;") for w in text.split() if w.strip(".,;").isupper() and len(w) > 2)
    assert not judged(text, acronym)


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("An interview with BrightLoom founder Ada Kerr, who started it in a garage.", "BrightLoom"),
        ("The secular magazine PaperKite called the ruling historic.", "PaperKite"),
        ("Rates of adoption of services like ScholarNest and PaperKite vary by field.", "ScholarNest"),
        ("Rates of adoption of services like ScholarNest and PaperKite vary by field.", "PaperKite"),
        ("The QuillNet website lists a hundred titles.", "QuillNet"),
    ],
)
def test_a_camel_case_name_acting_as_a_body_is_an_organisation(text: str, name: str) -> None:
    assert firm_camel_shape(name)
    assert judged(text, name)


def test_a_camel_case_name_in_technical_text_stays_code() -> None:
    text = "The QuillNet website returns `None`; pass kwargs to the constructor."
    assert looks_technical(text, TextClues(text).lower_anywhere, TextClues(text).written_as_code)
    assert not judged(text, "QuillNet")
    assert not judged("Then HashTable takes over.", "HashTable")


def test_plural_people_in_camel_case_are_no_firm_shape() -> None:
    assert not firm_camel_shape("YouTubers")
    assert firm_camel_shape("JetBlue")


def test_one_sense_per_text_spreads_a_kept_name_to_its_other_mentions() -> None:
    text = "The QuillNet website went live in May. By June, QuillNet had grown."
    first = text.index("QuillNet")
    second = text.index("QuillNet", first + 1)
    spans = [(first, first + 8, "ORG"), (second, second + 8, "ORG")]
    assert names_among(text, spans) == [True, True]
    alone = "By June, QuillNet had grown."
    start = alone.index("QuillNet")
    assert names_among(alone, [(start, start + 8, "ORG")]) == [False]


@pytest.mark.parametrize(
    "name",
    [
        "Union of Coastal Fishermen",
        "Guild of Lantern Makers",
        "Centre for Quiet Studies",
        "United Harvest Workers Party",
    ],
)
def test_a_body_named_by_ordinary_words_is_an_organisation(name: str) -> None:
    assert judged(f"Yesterday the {name} issued a statement.", name)


def test_a_title_of_ordinary_words_with_lower_case_words_is_no_body() -> None:
    assert not judged("The police informed the Court of the arrest.", "Court of the arrest")


def test_the_cues_read_whole_words() -> None:
    text = "The KFTU saidso"
    assert not acts_as_a_body(text, 4, 8)
    assert listed_bodies(kind_lists("airlines including SkyRoute and the BluePort")) == frozenset(
        {"SkyRoute", "BluePort"}
    )


def test_an_unknown_place_in_technical_prose_is_no_place() -> None:
    text = "Holds the validation logic required by Zorvex. Also a namespace for registered validators."
    assert not judged(text, "Zorvex", "GPE")
    text = "The server in Zorvex keeps a namespace of registered validators."
    assert judged(text, "Zorvex", "GPE")


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("The story first ran on KTV News before the weekend.", "KTV News"),
        ("A critic at the NY Weekly praised the show.", "NY Weekly"),
    ],
)
def test_a_news_outlet_with_an_acronym_is_an_organisation(text: str, name: str) -> None:
    assert judged(text, name)


def test_a_title_ending_in_an_outlets_word_of_ordinary_words_stays_a_title() -> None:
    assert not judged("She read Garden Weekly on the train.", "Garden Weekly")


def test_an_officer_of_an_acronym_is_an_organisation() -> None:
    assert judged("The secretary general of the KBCE, Ada Morin, spoke first.", "KBCE")


def test_a_list_of_bodies_and_roles_is_not_one_body() -> None:
    text = "Mr K. Lind, Office of Public Works, Advisers; for the applicant Ms T. Roe."
    assert not judged(text, "Office of Public Works, Advisers")


def test_a_body_of_ordinary_words_does_not_spread_to_the_role_listed_after_it() -> None:
    text = "Mr K. Lind, Office of Public Works, Advisers; for the applicant Ms T. Roe."
    body = text.index("Office of Public Works")
    role = text.index("Advisers")
    spans = [(body, body + len("Office of Public Works"), "ORG"), (role, role + len("Advisers"), "ORG")]
    assert names_among(text, spans) == [True, False]


# -- a body's place or possession: "at KRU", "KRU's new wing" (acronyms only) ----------------------


@pytest.mark.parametrize(
    ("text", "acronym"),
    [
        ("The soil samples were sorted at KRU before the survey ended.", "KRU"),
        ("Most of the murals shown at BVTI this spring came from private homes.", "BVTI"),
        ("Visitors crowded into KRU's sculpture garden on the first warm day.", "KRU"),
        ("Last year BVTI's rowing club won nothing at all.", "BVTI"),
    ],
)
def test_an_acronym_at_a_site_or_owning_a_thing_is_a_body(text: str, acronym: str) -> None:
    assert judged(text, acronym)


@pytest.mark.parametrize(
    ("text", "acronym"),
    [
        # in technical prose the same cues name terms: "at RMS level", "the CPU's cache"
        ("Call `fit()` first; the error is measured at RMS and logged.", "RMS"),
        ("Call `fit()` first; the CPU's cache is flushed on every run.", "CPU"),
        # neither a site nor a possession: the acronym qualifies a noun
        ("The report compares KRU scores across the districts.", "KRU"),
    ],
)
def test_an_acronym_at_a_site_in_technical_prose_or_as_a_modifier_is_no_body(text: str, acronym: str) -> None:
    assert not judged(text, acronym)


def test_a_proper_word_also_written_in_lower_case_acting_as_a_body_is_a_body() -> None:
    # the lower-case "velorith" makes the word look ordinary; "Velorith officials" says it is a body
    text = "An ex-member wrote about the velorith teachings. Velorith officials denied everything."
    assert judged(text, "Velorith")
    technical = "Run `velorith init` first. Velorith officials are a list of `Member` objects."
    assert not judged(technical, "Velorith")


def test_an_ordinary_word_acting_as_a_body_alone_stays_a_word() -> None:
    text = "The harvest fair was loud. Later Harvest officials closed the gates."
    assert not judged(text, "Harvest")


def test_membership_a_kind_after_a_comma_or_a_name_spelt_out_make_an_acronym_a_body() -> None:
    for text, word in (
        ("She was convicted of membership of the KDRP in 1994.", "KDRP"),
        ("He belonged to an armed organisation, namely the TLVF, for years.", "TLVF"),
        ("Posters of the UFM (the United Farmers' Movement) covered the wall.", "UFM"),
        ("Leaflets of the ZRA (the Zentral Rural Alliance) were seized.", "ZRA"),
    ):
        start = text.index(word)
        assert acts_as_a_body(text, start, start + len(word)), text


def test_a_term_spelt_out_in_parentheses_is_no_body() -> None:
    for text, word in (
        ("Set the TTL (the Time To Live) of each packet.", "TTL"),
        ("Read the FAQ (Frequently Asked Questions) first.", "FAQ"),
    ):
        start = text.index(word)
        assert not acts_as_a_body(text, start, start + len(word)), text
