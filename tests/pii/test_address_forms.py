# ruff: noqa: RUF001  (addresses in Greek and Cyrillic script)
"""Addresses written the way the world writes them come out as ONE location span.

Failure class (issue 14, class 3): streets in non-Latin scripts, lower-case and all-capital
addresses, foreign street types and word orders, a second number before the house number,
unit / town / region / country lines and postcodes joined across line breaks and commas,
quoted e-mail lines, intersections. The property tests compose addresses from syllables in
three scripts (no gazetteer holds them), street-type words of many languages, house numbers,
units, postcodes of several shapes and countries, in 1-4 lines and in any letter case; the
negative tests are prose, code and dates with numbers next to words.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from veil.pii import EntityType, PiiEngine
from veil.pii.recognizers.addresses import AddressFinder
from veil.pii.recognizers.street_types import is_name_word, street_term

_LATIN = [
    "ka",
    "lo",
    "mi",
    "ren",
    "tor",
    "vas",
    "quel",
    "bri",
    "dun",
    "sel",
    "ob",
    "yar",
    "fen",
    "tis",
    "ző",
    "já",
]
_GREEK = ["κα", "λο", "μι", "ρεν", "τορ", "βας", "δυν", "σελ", "φεν", "τις", "νά", "πό"]
_CYRILLIC = ["ка", "ло", "ми", "рен", "тор", "вас", "дун", "сел", "фен", "тис", "на", "по"]


def _word(syllables: list[str]) -> st.SearchStrategy[str]:
    return st.lists(st.sampled_from(syllables), min_size=2, max_size=4).map(lambda s: "".join(s).capitalize())


_script = st.sampled_from([_LATIN, _GREEK, _CYRILLIC])
_house = st.integers(1, 9999).map(str) | st.tuples(st.integers(1, 999), st.sampled_from("ABc")).map(
    lambda t: f"{t[0]}{t[1]}"
)


@st.composite
def _street(draw: st.DrawFn) -> str:
    """One street line: name and street type in the order its language uses, a house number."""
    syllables = draw(_script)
    name = draw(_word(syllables))
    number = draw(_house)
    if syllables is _GREEK:
        prefix = draw(st.sampled_from(["Λεωφόρος", "Οδός", "Λ."]))
        return f"{prefix} {name} {number}"
    if syllables is _CYRILLIC:
        prefix = draw(st.sampled_from(["улица", "ул.", "проспект"]))
        return draw(st.sampled_from([f"{prefix} {name} {number}", f"{prefix} {name}, {number}"]))
    form = draw(st.integers(0, 3))
    if form == 0:  # number, name, type after: English, Hungarian
        kind = draw(
            st.sampled_from(["Street", "Road", "Avenue", "Lane", "Drive", "utca", "út", "kapu", "tér"])
        )
        if kind in ("utca", "út", "kapu", "tér"):
            return f"{name} {kind} {number}."
        return f"{number} {name} {kind}"
    if form == 1:  # type before the name: Romance, Slavic
        kind = draw(st.sampled_from(["Rue", "Via", "Calle", "Rua", "Avenida", "ul.", "Piazza", "Carrer"]))
        return f"{kind} {name} {number}"
    if form == 2:  # one word ending in the type: Nordic, German, Finnish, Icelandic, Dutch
        ending = draw(
            st.sampled_from(["gatan", "vej", "straße", "katu", "vegur", "stræti", "weg", "gade", "straat"])
        )
        return f"{name}{ending} {number}"
    # a second number first (a postcode or box number written before the street)
    kind = draw(st.sampled_from(["Street", "Road", "Avenue"]))
    return f"{draw(st.integers(100, 99999))} {number} {name} {kind}"


_unit = st.tuples(
    st.sampled_from(["Suite", "Apt.", "Unit", "Flat", "Floor", "Apt"]), st.integers(1, 999)
).map(lambda t: f"{t[0]} {t[1]}")
_postcode = st.one_of(
    st.integers(10000, 99999).map(str),
    st.tuples(st.integers(100, 999), st.integers(10, 99)).map(lambda t: f"{t[0]} {t[1]}"),
    st.tuples(st.integers(10, 99), st.integers(100, 999)).map(lambda t: f"{t[0]}-{t[1]}"),
)
_country = st.sampled_from(
    ["Cyprus", "Norway", "Hungary", "Greece", "Iceland", "Poland", "Finland", "Canada"]
)


@st.composite
def _address(draw: st.DrawFn) -> list[str]:
    """1-4 lines: street, a unit, a town with its postcode (either order) or a town line then
    a country (with or without a postcode)."""
    lines = [draw(_street())]
    if draw(st.booleans()):
        lines.append(draw(_unit))
    town = draw(_word(draw(_script)))
    code = draw(_postcode)
    form = draw(st.integers(0, 3))
    if form == 0:
        lines.append(f"{code} {town}")
    elif form == 1:
        lines.append(f"{town} {code}")
    elif form == 2:
        lines += [town, f"{draw(_country)} {code}"]
    else:
        lines.append(f"{code} {town}")
        lines.append(draw(_country))
    return lines[:4]


def _cased(text: str, case: str) -> str:
    return text.upper() if case == "upper" else text.lower() if case == "lower" else text


def locations(engine: PiiEngine, text: str) -> list[str]:
    return [text[e.start : e.end] for e in engine.detect(text) if e.type == EntityType.LOCATION]


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    lines=_address(),
    separator=st.sampled_from(["\n", ", ", "\n    ", "\n> "]),
    lead=st.sampled_from(["", "Address: ", "Please send it to ", "Ship to:\n"]),
    case=st.sampled_from(["as written", "as written", "upper", "lower"]),
)
def test_composed_addresses_are_one_span(
    rules_engine: PiiEngine, lines: list[str], separator: str, lead: str, case: str
) -> None:
    address = _cased(separator.join(lines), case)
    text = f"{lead}{address}\n\nThank you."
    assert address in locations(rules_engine, text), (text, locations(rules_engine, text))


@settings(max_examples=150, deadline=None)
@given(street=_street(), case=st.sampled_from(["as written", "upper", "lower"]))
def test_a_street_line_with_its_number_is_found_alone(street: str, case: str) -> None:
    street = _cased(street, case)
    text = f"The parcel went to {street} yesterday, she said."
    spans = [text[s:e] for s, e, _ in AddressFinder()(text)]
    assert any(street.rstrip(".") in span for span in spans), (text, spans)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lines=_address())
def test_composed_addresses_with_ner(pii_engine: PiiEngine, lines: list[str]) -> None:
    address = "\n".join(lines)
    text = f"Dear team,\nplease update my address to\n{address}\nThanks."
    assert address in locations(pii_engine, text)


@pytest.mark.parametrize(
    ("text", "address"),
    [
        (
            "We meet at the corner of Kalomi utca 12. and Fenta Road",
            "the corner of Kalomi utca 12. and Fenta Road",
        ),
        (
            "Turn left at the intersection of 5th Avenue and Brisel Street",
            "the intersection of 5th Avenue and Brisel Street",
        ),
        ("Tosh lives at 172 Dunselka 75, Vastorka", "172 Dunselka 75, Vastorka"),
        ("my address: 12 rue de la gare, 69003 lyon", "12 rue de la gare, 69003 lyon"),
        ("send it to uscgc renvas\nfpo ae 44941 please", "uscgc renvas\nfpo ae 44941"),
        ("Deliver to Ulica bratov Kalomir 12, 4410 Tisen", "Ulica bratov Kalomir 12, 4410 Tisen"),
        (
            "Posted from 14 Fenkalo Road\n5821 eKalomi\nSouth Africa",
            "14 Fenkalo Road\n5821 eKalomi\nSouth Africa",
        ),
        ("Adresse: Brikavej 7\n8450 Hammel\nDANMARK", "Brikavej 7\n8450 Hammel\nDANMARK"),
        ("Διεύθυνση: Οδός Κατορ 9\n114 55 Αθήνα\nΕλλάδα", "Οδός Κατορ 9\n114 55 Αθήνα\nΕλλάδα"),
        ("Адрес: улица Ренова 15\n630099 Новосибирск\nРоссия", "улица Ренова 15\n630099 Новосибирск\nРоссия"),
    ],
)
def test_written_forms(rules_engine: PiiEngine, text: str, address: str) -> None:
    assert address in locations(rules_engine, text), locations(rules_engine, text)


@pytest.mark.parametrize(
    "text",
    [
        "See chapter 12 road map for the plan.",
        "This is listing 4 street view of the data.",
        "We closed 3 main roads and 2 side streets during 1971.",
        "In 2019 Python 3 replaced it; the 2 way street analogy holds.",
        'let x = 5;\nlet y = 10;\nprintln!("{}", x + y);',
        "fn main() {\n    let v = vec![1, 2, 3];\n}\n",
        "On 12 March 2024 at 10:30 the meeting moved to Room 4.",
        "Article 50 of the Treaty on European Union was invoked in 2017.",
        "During 1971, the band toured 14 cities and sold 20000 records.",
        "Version 2.1.3 adds 12 new features, see section 4 for details.",
        "The bus station is busy; 3 buses leave at 5 and 6.",
        "Dear Dr. Geert Dippel, thank you for the 3 reports.",
        "Write the 5 tests, then run 12 of them in the string 4 loop.",
        "The deref 3 result is in listing 15-3 of chapter 15.",
    ],
)
def test_prose_code_and_dates_are_not_addresses(text: str) -> None:
    assert list(AddressFinder()(text)) == []


@pytest.mark.parametrize(
    ("word", "kind"),
    [
        ("Street", "suffix"),
        ("st.", "suffix"),
        ("utca", "suffix"),
        ("u.", "suffix"),
        ("u", None),
        ("ul.", "prefix"),
        ("Λεωφόρος", "prefix"),
        ("улица", "prefix"),
        ("Magasinsgatan", "ending"),
        ("Þórunnarstræti", "ending"),
        ("During", None),
        ("offspring", None),
        ("Brigade", None),
    ],
)
def test_street_types(word: str, kind: str | None) -> None:
    assert street_term(word) == kind


@pytest.mark.parametrize(
    ("word", "expected"), [("ΠΑΦΟΣ", True), ("Åsa", True), ("O'Neil", True), ("lyon", False), ("12", False)]
)
def test_name_words_in_any_script(word: str, expected: bool) -> None:
    assert is_name_word(word) is expected


@pytest.mark.parametrize(
    ("text", "address"),
    [
        ("Przemek Renvas\n\nKALOMIRA\nUnited Kingdom", "KALOMIRA\nUnited Kingdom"),
        ("> Tisa Fen\n> BRISELKA\n> norway", "BRISELKA\n> norway"),
    ],
)
def test_a_town_in_capitals_above_a_country_line(text: str, address: str) -> None:
    assert [text[s:e] for s, e, _ in AddressFinder()(text)] == [address]


@pytest.mark.parametrize(
    "text", ["Thanks\nSpain", "Chapter 7\nIntroduction\nGermany", "Meet in\nParis\nFrance soon"]
)
def test_lines_that_only_end_with_a_country_are_not_addresses(text: str) -> None:
    assert list(AddressFinder()(text)) == []


# Street-type words that are also nouns of English prose, lower case as prose writes them.
_PROSE_STREET_WORDS = ["place", "court", "way", "square", "drive", "walk", "row", "close", "route", "park"]


@settings(max_examples=120, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    word=st.sampled_from(_PROSE_STREET_WORDS),
    number=st.integers(1, 99),
    function=st.sampled_from(["on", "in", "at", "to", "for", "by", "from", "with"]),
    determiner=st.sampled_from(["this", "that", "our", "their", "every", "The", "A", "His"]),
    weekday=st.sampled_from(["Monday", "Thursday", "Sunday"]),
    month=st.sampled_from(["March", "October", "June"]),
)
def test_a_street_word_in_prose_is_no_street(
    word: str, number: int, function: str, determiner: str, weekday: str, month: str
) -> None:
    """A lower-case street-type word followed by a preposition, or after a determiner, is a noun
    of the sentence ("the hearing took place on Thursday, 9 March", "at this place 5 people")."""
    for text in (
        f"The hearing took {word} {function} {weekday}, {number} {month}.",
        f"It happened {function} {determiner.lower()} {word} {number} times.",
        f"{determiner} {word} {number} was closed.",
    ):
        assert list(AddressFinder()(text)) == [], text


@pytest.mark.parametrize(
    ("text", "address"),
    [
        ("They live at 4 Place Vendome, Paris.", "4 Place Vendome"),
        ("elle habite place de la Concorde 4 depuis hier", "place de la Concorde 4"),
        ("He lives at The Grove 4, Leeds.", "The Grove 4, Leeds"),
        ("ship to 1 Market Place, Kendal LA9 4TN", "1 Market Place, Kendal LA9 4TN"),
    ],
)
def test_street_words_that_are_nouns_still_make_streets(
    rules_engine: PiiEngine, text: str, address: str
) -> None:
    found = [text[e.start : e.end] for e in rules_engine.detect(text) if e.type == EntityType.LOCATION]
    assert address in found


# Parts of bodies and texts that end in a street-type word ("Court", "Square", "Hall", "Row").
_BODY_PARTS = ["Rules", "Fourth Section", "Grand Chamber", "Registry", "President", "Bench", "Judges"]
_BODY_STREET_WORDS = ["Court", "Square", "Hall", "Row", "Gardens", "Close"]


@settings(max_examples=120, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    part=st.sampled_from(_BODY_PARTS),
    street_word=st.sampled_from(_BODY_STREET_WORDS),
    article=st.sampled_from(["", "the "]),
    noun=st.sampled_from(["Rule", "Article", "paragraph", "Section", "point"]),
    number=st.integers(1, 999),
    aside=st.sampled_from(["", " (Rule {n} § 1)", " (see paragraph {n} above)"]),
)
def test_a_count_or_a_part_of_a_body_is_no_street(
    part: str, street_word: str, article: str, noun: str, number: int, aside: str
) -> None:
    """ "<number> of ...", "<part> of (the) <street word>" and a bracketed aside name a rule, a
    paragraph or a part of a body, not an address ("Rule 39 of the Rules of Court", "the Fourth
    Section of the Court (Rule 52 § 1)")."""
    suffix = aside.format(n=number)
    for text in (
        f"The President applied {noun} {number} of {article}{part} of {article}{street_word}.",
        f"It was examined by the {part} of {article}{street_word}{suffix}.",
        f"Under {noun} {number} of the {part}, the {part} of {article}{street_word} decided.",
    ):
        assert list(AddressFinder()(text)) == [], text


@pytest.mark.parametrize(
    ("text", "address"),
    [
        ("Write to 12 Isle of Man Road, Leeds LS1 4DY.", "12 Isle of Man Road, Leeds LS1 4DY"),
        ("77 Bay of Plenty Road\nTauranga 3110", "77 Bay of Plenty Road\nTauranga 3110"),
        ("Send it to 4 Court of Honour Street, Leeds.", "4 Court of Honour Street, Leeds"),
        ("The office is at 1211 Avenue of the Americas, New York, NY 10036.", None),
    ],
)
def test_streets_with_of_in_their_names_stay_streets(
    rules_engine: PiiEngine, text: str, address: str | None
) -> None:
    found = [text[e.start : e.end] for e in rules_engine.detect(text) if e.type == EntityType.LOCATION]
    expected = address or text[text.index("1211") : text.index("10036") + 5]
    assert expected in found, found
