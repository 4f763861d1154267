"""Organisations named by a head noun (courts, ministries, police forces, universities, banks)
and by a legal form of any of ~40 countries (cleanco's list): generated names, any head, any
form; negatives from technical prose, streets and abbreviations that look like forms."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from veil.pii import EntityType, PiiEngine
from veil.pii.data import FIRST_NAMES, PLACES, load_list
from veil.pii.recognizers.common import LEGAL_FORMS
from veil.pii.recognizers.legal_forms import legal_form_pattern, legal_forms
from veil.pii.vocabulary import is_ordinary_word, known_names

_SYLLABLES = ("ka", "ro", "vel", "tun", "mir", "zo", "bre", "dax", "lin", "quo", "sev", "tar", "ul", "yen")


def _is_made_up(word: str) -> bool:
    """No English word, no known name, no town of the place gazetteer ("Kazo" is one)."""
    return not is_ordinary_word(word) and word not in known_names() and word not in load_list(PLACES)


# made-up proper nouns: no English word, no known name (what a place or founder may be called)
_PROPER = (
    # three syllables or more: short made-up words are too often a real town somewhere ("Kazo")
    st.lists(st.sampled_from(_SYLLABLES), min_size=3, max_size=4)
    .map(lambda parts: "".join(parts).capitalize())
    .filter(_is_made_up)
)
_SENTENCES = (
    "The applicant complained to the {} in the spring.",
    "A letter from the {} was read out.",
    "{} replied on behalf of the State.",
    "According to the {}, the decision was final.",
)


def _orgs(engine: PiiEngine, text: str) -> list[str]:
    return [text[e.start : e.end] for e in engine.detect(text) if e.type == "ORGANIZATION"]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    place=_PROPER,
    shape=st.sampled_from(
        (
            "{p} Regional Court",
            "{p} District Court",
            "Supreme Court of {p}",
            "Ministry of Justice of {p}",
            "University of {p}",
            "{p} University",
            "{p} Bar Association",
            "{p} Police",
            "{p} City Council",
            "{p} Bank",
            "Public Prosecutor's Office of {p}",
            "{p} Institute of Technology",
            "{p} Hospital",
            "{p} Police Headquarters",
            "{p} State Security Court",
            "Ministry of the Interior of {p}",
            "{p} Crown Prosecution Service",
        )
    ),
    sentence=st.sampled_from(_SENTENCES),
)
def test_a_public_body_is_one_organisation(
    rules_engine: PiiEngine, place: str, shape: str, sentence: str
) -> None:
    body = shape.format(p=place)
    text = sentence.format(body)
    assert body in _orgs(rules_engine, text), text


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    head=st.sampled_from(("Ministry of Justice", "Supreme Court", "Metropolitan Police", "Court of Appeal")),
    sentence=st.sampled_from(_SENTENCES),
)
def test_a_strong_head_needs_no_proper_noun(rules_engine: PiiEngine, head: str, sentence: str) -> None:
    text = sentence.format(head)
    assert head in _orgs(rules_engine, text), text


@pytest.mark.parametrize(
    "text",
    [
        "The Certificate Authority signs the server's certificate.",
        "Each Memory Bank holds a row of cells.",
        "The Service Account and the Data Office are roles, not firms.",
        "They live at Maple Court, near the School Road junction.",
        "Police said nothing. Court adjourned.",
        "The Union type and the Literal type are special forms.",
        "See the Standard Library and the Language Reference.",
        "See the System Administration guide and the Labour Division notes.",
    ],
)
def test_ordinary_words_around_a_weak_head_name_no_body(rules_engine: PiiEngine, text: str) -> None:
    found = [e for e in rules_engine.detect(text) if e.recognizer == "organization_public_body"]
    assert found == [], text


# forms of other countries, as firms write them (cleanco's list, in the case firms use)
_FORMS = (
    "s.r.o.",
    "d.o.o.",
    "a.s.",
    "Oyj",
    "UAB",
    "A/S",
    "sp. z o.o.",
    "d.d.",
    "Kft.",
    "SIA",
    "ApS",
    "S.p.A.",
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    names=st.lists(_PROPER, min_size=1, max_size=2),
    form=st.sampled_from(_FORMS),
    sentence=st.sampled_from(
        ("The invoice of {} is overdue.", "She joined {} last year.", "{} sent the offer.")
    ),
)
def test_a_firm_with_a_foreign_legal_form_is_one_organisation(
    rules_engine: PiiEngine, names: list[str], form: str, sentence: str
) -> None:
    firm = f"{' '.join(names)} {form}"
    text = sentence.format(firm)
    found = _orgs(rules_engine, text)
    assert any(firm.rstrip(".") in f for f in found), (text, found)


@pytest.mark.parametrize(
    "text",
    [
        "Use a container, e.g. Python lists or NumPy e.g. arrays.",
        "FOR THIS REASON, SUCH AS IT IS, WE STOP.",
        "The CPT codes and the ENT clinic, the PSU and the DAT file.",
        "Read Section A.D of the manual and Part E.G below.",
    ],
)
def test_words_that_only_look_like_forms_make_no_firm(rules_engine: PiiEngine, text: str) -> None:
    assert not [e for e in rules_engine.detect(text) if e.recognizer == "organization_legal_form"], text


def test_russian_forms_come_before_the_name(rules_engine: PiiEngine) -> None:
    text = "OOO Belomor and ZAO Vostok signed the contract."
    assert _orgs(rules_engine, text) == ["OOO Belomor", "ZAO Vostok"]


def test_british_prisons_are_named_after_their_prefix(rules_engine: PiiEngine) -> None:
    text = "He was held at HMP Kelvoran, then moved; HMYOI Darrowmere took him in."
    assert _orgs(rules_engine, text) == ["HMP Kelvoran", "HMYOI Darrowmere"]


def test_the_form_list_joins_veils_and_cleancos() -> None:
    forms = legal_forms()
    assert {"GmbH", "Ltd", "Oyj", "OYJ", "UAB", "s.r.o"} <= forms
    assert not {"e.g", "E.G", "CIO", "ZAO"} & forms
    # each form is read whole, not cut at a shorter form it starts with ("GmbH & Co", "Inc");
    # of a dotted form, a dot may end what is read (the caller allows one after the form)
    pattern = re.compile(rf"(?:{legal_form_pattern()})(?![\w&])")
    for form in LEGAL_FORMS:
        found = pattern.match(form)
        assert found is not None and form[found.end() :] in {"", "." + form.rsplit(".", 1)[-1]}, form


_FIRST = sorted(n for n in load_list(FIRST_NAMES) if n.isalpha() and not is_ordinary_word(n))[::41]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    first=st.sampled_from(_FIRST),
    family=_PROPER,
    org=st.lists(_PROPER, min_size=1, max_size=3).map(" ".join),
    trade=st.sampled_from(("", " Analytics", " Transit", " Movers")),
    quote=st.sampled_from(("", ">", "> ", "??? ", "  ")),
    street=st.sampled_from(("{n} {p} Street", "{n} {p}vej 12", "PSC {n}, Box 12", "Unit {n}, {p} Road")),
    number=st.integers(min_value=1, max_value=99999),
    attention=st.booleans(),
)
def test_the_line_between_a_name_and_an_address_is_an_organisation(
    rules_engine: PiiEngine,
    first: str,
    family: str,
    org: str,
    trade: str,
    quote: str,
    street: str,
    number: int,
    attention: bool,
) -> None:
    firm = org + trade
    name = f"{first} {family}"
    lines = [name, firm, *([name] if attention else []), street.format(n=number, p=family), "Aarhus"]
    text = "\n".join(quote + line for line in lines)
    assert firm in _orgs(rules_engine, text), text


@pytest.mark.parametrize(
    "block",
    [
        "Jane Roe\nMaria Lopez\n12 Mill Lane\nLeeds",  # two people
        "Jane Roe\nFlat 3\n12 Mill Lane",  # a unit
        "Jane Roe\nMill Lane\n12 High Street",  # a street
        "Jane Roe\nLondon\n12 Mill Lane",  # a known place
        "Kalomir Systems\nKaka Kaka\n1 Fenta Road",  # the firm first: the line below is the addressee
    ],
)
def test_a_person_a_unit_a_street_or_a_place_line_is_no_organisation(
    rules_engine: PiiEngine, block: str
) -> None:
    found = [e for e in rules_engine.detect(block) if e.recognizer == "organization_address_block"]
    assert found == [], block


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    names=st.lists(_PROPER, min_size=1, max_size=3, unique=True),
    partnership=st.booleans(),
    kind=st.sampled_from(
        ("a design agency", "an insurer", "a small family bank", "a software company", "a charity")
    ),
    verb=st.sampled_from(("is", "was")),
)
def test_a_name_said_to_be_a_firm_is_an_organisation(
    rules_engine: PiiEngine, names: list[str], partnership: bool, kind: str, verb: str
) -> None:
    """ "Lopez, Santos and Coleman is a design agency": the predicate says what the name is."""
    firm = ", ".join(names[:-1]) + " and " + names[-1] if partnership and len(names) > 1 else " ".join(names)
    text = f"{firm} {verb} {kind} based in the north."
    assert firm in _orgs(rules_engine, text), text


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    org=st.lists(_PROPER, min_size=1, max_size=2).map(" ".join),
    cue=st.sampled_from(("spent a year at", "is the CEO of", "was a founder of", "did an internship at")),
)
def test_a_firm_after_a_job_phrase_is_an_organisation(rules_engine: PiiEngine, org: str, cue: str) -> None:
    text = f"She {cue} {org} as an assistant."
    assert org in _orgs(rules_engine, text), text


@pytest.mark.parametrize(
    "text",
    ["Maria is a nurse and Tom was a great engineer.", "Python is a language; Cargo is a build tool."],
)
def test_a_person_or_a_tool_said_to_be_something_else_is_no_firm(rules_engine: PiiEngine, text: str) -> None:
    assert not [e for e in rules_engine.detect(text) if e.recognizer == "organization_label"], text


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    role=st.sampled_from(
        ("Head of People", "CEO", "Director of Sales", "Chief Financial Officer", "VP Marketing")
    ),
    names=st.lists(_PROPER, min_size=1, max_size=2).map(" ".join),
    form=st.sampled_from(("Oy", "a.s.", "AB", "LLC", "s.r.o.", "GmbH")),
)
def test_a_role_before_a_comma_is_no_part_of_the_firm(
    rules_engine: PiiEngine, role: str, names: str, form: str
) -> None:
    """A signature's "Head of People, Horáková Oy": the firm is what follows the comma."""
    firm = f"{names} {form}"
    text = f"Best regards,\nJana Roe\n{role}, {firm}\n"
    assert firm in _orgs(rules_engine, text), text
    assert not [o for o in _orgs(rules_engine, text) if role in o], text


@pytest.mark.parametrize("form", ["EURL", "SA", "GmbH", "Ltd", "AG"])
def test_a_legal_form_glued_to_a_number_ends_no_firm(rules_engine: PiiEngine, form: str) -> None:
    # "X and EURL-1111" inside a list of codes: the form is part of the code "EURL-1111"
    for code in (f"{form}-4471", f"{form}/T1", f"{form}.2"):
        text = f"The files (nos. 2210/B7 and {code}) were joined on appeal."
        orgs = [text[e.start : e.end] for e in rules_engine.detect(text) if e.type == "ORGANIZATION"]
        assert orgs == [], orgs
    firm = f"The supplier, Okonkwo Textiles {form}-owned since 2001, closed."
    assert any(form in text_ for text_ in (firm[e.start : e.end] for e in rules_engine.detect(firm))), firm


def test_ensembles_and_clubs_named_after_a_proper_noun_are_bodies() -> None:
    from veil.pii.recognizers.body_heads import is_public_body

    for name in ("Lviv Philharmonic", "Westbury Choir", "AV Club", "Harwick Ensemble"):
        assert is_public_body(name), name
    for phrase in ("Book Club", "Glee Club", "Chamber Choir", "Jazz Ensemble"):
        assert not is_public_body(phrase), phrase


@pytest.mark.parametrize("opener", ["Then", "When", "If", "So", "Now", "Once", "While", "Here", "It", "We"])
@pytest.mark.parametrize("form", ["Co", "Ltd", "AG", "Inc"])
def test_a_sentence_opening_word_before_a_legal_form_is_no_firm(
    rules_engine: PiiEngine, opener: str, form: str
) -> None:
    text = f"The queue was long. {opener} {form} is empty and the loop ends."
    assert not any(e.type == EntityType.ORGANIZATION for e in rules_engine.detect(text))


def test_a_firm_name_before_a_legal_form_is_still_found(rules_engine: PiiEngine) -> None:
    text = "The queue was long. The order went to Velbrand Co last week."
    found = [text[e.start : e.end] for e in rules_engine.detect(text) if e.type == EntityType.ORGANIZATION]
    assert found == ["Velbrand Co"]
