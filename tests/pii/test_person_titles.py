"""Names after a title (recognizers/person_titles.py): the styles kept in the span ("Sir",
"Dame"), hyphen-joined initials, a symbol font's blanks and military ranks after a title, and the
titles that stay outside it ("Mr", "Dr") — on invented sentences."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from veil.pii import EntityType, PiiConfig, PiiEngine
from veil.pii.recognizers.person_titles import KEPT_STYLES

_SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@pytest.fixture(scope="module")
def rules_engine() -> PiiEngine:
    return PiiEngine(PiiConfig(ner=False))


def _persons(engine: PiiEngine, text: str) -> list[str]:
    return [text[e.start : e.end] for e in engine.detect(text) if e.type == EntityType.PERSON]


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("The panel was chaired by Sir Malcolm Ferriday, who read the decision.", "Sir Malcolm Ferriday"),
        ("Evidence was heard by Dame Ottoline Pargeter in chambers.", "Dame Ottoline Pargeter"),
        ("Counsel wrote to Sir R. Andleby about the delay.", "Sir R. Andleby"),
    ],
)
def test_a_knights_or_dames_style_is_masked_with_the_name(
    rules_engine: PiiEngine, text: str, name: str
) -> None:
    assert name in _persons(rules_engine, text)


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("The chamber comprised Mr J.-P. Garnerin and Mr B. Ostrow.", "J.-P. Garnerin"),
        ("She was represented by Mrs M.-C. Delvaux, a lawyer in Liège.", "M.-C. Delvaux"),
        ("the President, Mr\uf020T.\uf020Brackley, and the Registrar", "T.\uf020Brackley"),
        ("with Ms\uf020A.\uf020K.\uf020Morvant as agent", "A.\uf020K.\uf020Morvant"),
    ],
)
def test_hyphen_joined_initials_and_symbol_blanks_stay_in_the_name(
    rules_engine: PiiEngine, text: str, name: str
) -> None:
    assert name in _persons(rules_engine, text)


@pytest.mark.parametrize(
    "text",
    [
        "Dear Sir, please find the invoice attached.",
        "Sir, the report is late; the Dame of the order will sign it.",
        "The Judge Advocate General reviewed the charge.",
        "The judge asked the parties to wait.",
        "The Judge Advocate attended; Dame and Sir are styles.",
    ],
)
def test_a_style_without_a_name_is_no_person(rules_engine: PiiEngine, text: str) -> None:
    assert _persons(rules_engine, text) == []


def test_plain_titles_stay_outside_the_span(rules_engine: PiiEngine) -> None:
    text = "Mr Harold Quiney met Dr Fenella Ashdown."
    assert _persons(rules_engine, text) == ["Harold Quiney", "Fenella Ashdown"]


_NAME = st.sampled_from(
    ("Aldous Pembry", "Yvonne Carrack", "Tobiah Wrensford", "Imelda Fosse", "Q. Harrowgate")
)


@_SETTINGS
@given(style=st.sampled_from(KEPT_STYLES), name=_NAME, lead=st.sampled_from(("", "It was ", "before ")))
def test_generated_styled_names_keep_their_style(
    rules_engine: PiiEngine, style: str, name: str, lead: str
) -> None:
    text = f"{lead}{style} {name} said so."
    assert f"{style} {name}" in _persons(rules_engine, text)


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Evidence was given by Flight Lieutenant Quorrel of the air base.", "Quorrel"),
        ("The advisers were Group Captain D. Hessing and Commodore P. Arlott.", "D. Hessing"),
        ("The advisers were Group Captain D. Hessing and Commodore P. Arlott.", "P. Arlott"),
        ("The board heard Air Vice-Marshal K. Ormesby on that point.", "K. Ormesby"),
        ("Lance Corporal Tibbett was charged the same day.", "Tibbett"),
    ],
)
def test_a_military_rank_is_a_title_outside_the_span(rules_engine: PiiEngine, text: str, name: str) -> None:
    assert name in _persons(rules_engine, text)


@pytest.mark.parametrize(
    "text",
    [
        "The Corporal Punishment Act was repealed.",
        "The Lieutenant Governor opened the session.",
        "He wrote a history of the Major League.",
    ],
)
def test_a_rank_that_is_also_a_common_word_needs_its_compound(rules_engine: PiiEngine, text: str) -> None:
    assert _persons(rules_engine, text) == []


@pytest.mark.parametrize(
    "text",
    [
        "We had dinner at the Admiral Hotel on the quay.",
        "The Commodore Brisket shop opens at nine.",
        "The Air Commodore Restaurant serves lunch.",
        "We met outside the Wing Commander pub.",
    ],
)
def test_a_rank_that_opens_a_place_or_a_business_name_is_no_title(rules_engine: PiiEngine, text: str) -> None:
    """A rank followed by words that end in a place's, a business's or a prize's noun names that
    place, not a person."""
    assert _persons(rules_engine, text) == []
