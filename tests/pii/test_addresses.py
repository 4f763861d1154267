"""Postal addresses come out as ONE location span covering all their lines or parts.

The sentences are written for these tests; street, town and person names are generated or
picked from many countries, and the property tests build address blocks from syllables that no
gazetteer holds.
"""

from __future__ import annotations

import re
import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from veil.pii import EntityType, PiiEngine
from veil.pii.recognizers.address_lines import CORNER, CUE, SENTENCE_BREAK, may_cue
from veil.pii.recognizers.addresses import AddressFinder

T = EntityType


def locations(engine: PiiEngine, text: str) -> list[str]:
    return [text[e.start : e.end] for e in engine.detect(text) if e.type == T.LOCATION]


BLOCKS = [
    # US form: street, suite line, town + state + ZIP, country
    (
        "Deliver to:\nOlamide Balogun\n{a}",
        "7310 Juniper Crossing Blvd\nSte 400\nBoise, ID 83702\nUnited States",
    ),
    # UK form with a county line and a postcode after the town
    ("Posted to {a} yesterday.", "Flat 2, 19 Rosewood Mews, Harrogate, North Yorkshire, HG1 2PQ"),
    # Continental form: street + number, postcode + town, country in lower case
    ("Anschrift: {a}", "Lindenallee 27\n50968 Köln\ngermany"),
    # Nordic form, town on its own line and the postcode after the country
    ("My address is {a}", "Hämeenkatu 9 A 12\nTampere\nFinland 33100"),
    # military mail: PSC / Unit / ship lines with APO, FPO, DPO and AE / AA / AP
    ("Send the parcel to {a}", "PSC 8842, Box 1160\nAPO AE 09361"),
    ("Forward it to {a}", "Unit 4519 Box 77\nDPO AP 96338-2210"),
    ("Mail: {a}", "USS Halsey\nFPO AP 96677"),
    # PO boxes and region + postcode, comma-separated on one line
    ("Write to {a} for the forms.", "PO Box 2281, Townsville QLD 4810, Australia"),
    ("Return address: {a}", "Apartado 1187, 28080 Madrid, Spain"),
    # house number after the street, unit words in other languages
    ("Ship it to {a}", "Calle de Alcalá 118, Piso 3, 28009 Madrid"),
    ("Indirizzo: {a}", "Via Garibaldi 14, Interno 6, 10122 Torino TO"),
    # grouped digit postcodes, lower-case words in a street's name, particles in a town's name
    ("Adresa: {a}", "Pod lipami 14, 811 02 Nové Mesto nad Váhom, Slovensko"),
    ("Doručit na {a}", "Zelená 8\n602 00 Brno\nČesko"),
    # a number on both sides of a street's name, a unit line, a town in capitals, a country
    ("Registered office: {a}", "412 Tammela 17\nSuite 90\nLAHTI\nFinland"),
    # a Canadian address with the province before the postcode
    ("Our office: {a}", "55 Wellesley Street East\nSuite 1200\nToronto, ON M4Y 1G7\nCanada"),
]


@pytest.mark.parametrize(("frame", "address"), BLOCKS)
def test_an_address_is_one_span(pii_engine: PiiEngine, frame: str, address: str) -> None:
    text = frame.format(a=address)
    assert address in locations(pii_engine, text), (text, locations(pii_engine, text))


@pytest.mark.parametrize(("frame", "address"), BLOCKS)
def test_the_rules_alone_find_the_whole_address(rules_engine: PiiEngine, frame: str, address: str) -> None:
    text = frame.format(a=address)
    assert address in locations(rules_engine, text)


def test_the_recipient_line_before_the_street_is_not_part_of_the_place(pii_engine: PiiEngine) -> None:
    text = "Ship to:\nSiddharth Raghunathan\n402 Maple Ridge Court\nAsheville, NC 28801"
    found = {(e.type, text[e.start : e.end]) for e in pii_engine.detect(text)}
    assert (T.LOCATION, "402 Maple Ridge Court\nAsheville, NC 28801") in found
    assert (T.PERSON, "Siddharth Raghunathan") in found


def test_a_blank_line_ends_an_address(rules_engine: PiiEngine) -> None:
    text = "18 Quarry Lane\nDurham DH1 3LE\n\nKingsley\n12 jars ordered"
    assert locations(rules_engine, text) == ["18 Quarry Lane\nDurham DH1 3LE"]


@pytest.mark.parametrize(
    "text",
    [
        "We bought 3 Green Apples, 4 Ripe Pears and 2 melons.",
        "Rooms 4, 5 and 6 are free on Monday, Tuesday and Friday.",
        "Version 12, Release Notes, Page 3",
        "Scores: 12, 15, 19, 22 and 31.",
        "Box 12 contains the cables, box 13 the screws.",
        "Chapter 7, Section 2, Paragraph 4",
        "Team 5, Group B, Table 9",
        "Chapter 7\nIntroduction\nGermany",
        "Thanks\nApt B is free\nSpain",
    ],
)
def test_lists_of_numbered_things_are_not_addresses(rules_engine: PiiEngine, text: str) -> None:
    assert list(AddressFinder()(text)) == []


@pytest.mark.parametrize(
    "text",
    [
        "The case was sent to the Second Chamber of the Tribunal. On 9 March 1997 the Chamber met.",
        "In 1985 the Court gave its ruling, and in 1986 the Avenue was renamed.",
        "She was born in Ravensholt, Kentucky. In March 12, 1990 she moved.",
        "They drove on through Oakvale, Norway. Then 14 days of rain.",
        "They settled in Pine Harbor, Maine. On June 3, 2004 the mill closed.",
    ],
)
def test_a_sentence_end_or_a_year_before_a_noun_of_prose_makes_no_address(text: str) -> None:
    """A comma piece that runs over a sentence's end, into a sentence opening with a date or a
    number, is no address part; nor is a year followed by "the" and a street-type noun."""
    spans = [text[s:e] for s, e, _ in AddressFinder()(text)]
    assert all(". " not in span for span in spans), spans
    assert all(not re.match(r"\d{4} the ", span) for span in spans), spans


def test_an_address_line_ending_in_an_abbreviation_still_joins() -> None:
    text = "Send it to 40 Larch Ave. Suite 5, Springfield, IL 62704 by Friday."
    found = [text[s:e] for s, e, _ in AddressFinder()(text)]
    assert found == ["40 Larch Ave. Suite 5, Springfield, IL 62704"]


# -- generated address blocks ------------------------------------------------------------------

_SYLLABLES = ["ka", "lo", "mi", "ren", "tor", "vas", "quel", "bri", "dun", "sel", "ob", "yar", "fen", "tis"]
_name = st.lists(st.sampled_from(_SYLLABLES), min_size=2, max_size=3).map(lambda s: "".join(s).capitalize())
_street_type = st.sampled_from(
    ["Street", "Road", "Avenue", "Lane", "Drive", "Court", "Way", "Boulevard", "Terrace"]
)
_unit = st.sampled_from(["Suite", "Apt.", "Unit", "Floor", "Flat"]).flatmap(
    lambda word: st.integers(1, 999).map(lambda n: f"{word} {n}")
)
_us_line = st.tuples(
    _name, st.sampled_from(["CA", "TX", "NY", "WA", "IL", "GA"]), st.integers(10000, 99999)
).map(lambda t: f"{t[0]}, {t[1]} {t[2]}")
_eu_line = st.tuples(st.integers(10000, 99999), _name).map(lambda t: f"{t[0]} {t[1]}")
_country = st.sampled_from(["USA", "France", "united kingdom", "Portugal", "Kenya", "Japan", "Chile"])


@st.composite
def _address(draw: st.DrawFn) -> list[str]:
    lines = [f"{draw(st.integers(1, 9999))} {draw(_name)} {draw(_street_type)}"]
    if draw(st.booleans()):
        lines.append(draw(_unit))
    lines.append(draw(st.one_of(_us_line, _eu_line)))
    if draw(st.booleans()):
        lines.append(draw(_country))
    return lines


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    lines=_address(),
    separator=st.sampled_from(["\n", ", "]),
    lead=st.sampled_from(["", "Ship to ", "Address: "]),
)
def test_generated_address_blocks_are_one_span(
    rules_engine: PiiEngine, lines: list[str], separator: str, lead: str
) -> None:
    address = separator.join(lines)
    text = f"{lead}{address}\n\nThank you."
    assert address in locations(rules_engine, text)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lines=_address())
def test_generated_address_blocks_are_one_span_with_ner(pii_engine: PiiEngine, lines: list[str]) -> None:
    address = "\n".join(lines)
    text = f"Please send the documents to\n{address}\nbefore Friday."
    assert address in locations(pii_engine, text)


# -- the street-line question asked of every ending of a part ----------------------------------

_STREET_LINE_KINDS = {"street", "street_weak", "unit", "pobox", "military"}
_TOKENS = st.one_of(
    st.integers(1, 99999).map(str),
    st.sampled_from(["12B", "4/2", "7,", "3rd", "#5", "9."]),
    _name,
    _street_type,
    st.sampled_from(["rue", "de", "la", "Via", "ul.", "út", "Hauptstraße", "Storgatan", "kapu", "Marg"]),
    st.sampled_from(["Suite", "Apt.", "Unit", "PSC", "Box", "PO", "USS", "FPO", "AE", "APO"]),
    st.sampled_from(["France", "united kingdom", "Cyprus (Greek)", "CA", "NSW", "SW1A", "1AA", "Lyon"]),
    st.sampled_from(["Ship", "to", "Address:", "the", "parcel", "went", "yesterday", "and", "Dr.", "Mr"]),
)
_LINE_FINDER, _FULL_FINDER = AddressFinder(), AddressFinder()


@settings(max_examples=300, deadline=None)
@given(words=st.lists(_TOKENS, min_size=1, max_size=9), trailing=st.sampled_from(["", ".", ")", "!"]))
def test_street_line_kinds_of_every_ending_are_the_full_kinds(words: list[str], trailing: str) -> None:
    # ``kind(part, line=True)`` skips the tests that cannot make a street line (postcode, town,
    # country): a street line's kind must come out as the full classification says, and no other
    # part may pass for one
    part = " ".join(words) + trailing
    for at in range(len(words)):
        ending = " ".join(words[at:]) + trailing
        full = _FULL_FINDER.kind(ending)
        line = _LINE_FINDER.kind(ending, line=True)
        if full in _STREET_LINE_KINDS:
            assert line == full, (part, ending)
        else:
            assert line not in _STREET_LINE_KINDS, (part, ending)


@pytest.mark.parametrize(
    ("text", "place"),
    [
        # the keyword in any case (the scan starts from a class of first letters, see CORNER)
        (
            "We met at the İntersection of 5th Avenue and Elm Road.",
            "the İntersection of 5th Avenue and Elm Road",
        ),
        (
            "Meet me at the Junction\tof Baker Street & Oak Lane, then",
            "the Junction\tof Baker Street & Oak Lane",
        ),
        ("Turn at the CROSSING of Harbour Road and Mill Lane.", "the CROSSING of Harbour Road and Mill Lane"),
        ("It is the cOrNeR of Brisel Street and 3rd Avenue", "the cOrNeR of Brisel Street and 3rd Avenue"),
    ],
)
def test_intersections_in_any_case(text: str, place: str) -> None:
    assert [text[s:e] for s, e, _ in AddressFinder()(text)] == [place]


def test_the_intersection_scan_starts_from_every_letter_its_words_may_start_with() -> None:
    # CORNER starts with a class of first letters (for a fast scan) in front of case-blind words:
    # the class must hold every character that a case-blind "t", "c", "i" or "j" matches
    first = re.compile(r"(?i:[cijt])")
    needed = [chr(c) for c in range(sys.maxunicode + 1) if first.fullmatch(chr(c))]
    letters = re.compile(CORNER.pattern[: CORNER.pattern.index("]") + 1])
    assert len(needed) >= 8
    assert [ch for ch in needed if not letters.fullmatch(ch)] == []


# -- cheap pre-tests give the verdicts of the regexes they stand before ---------------------------

_CUE_PIECES = st.sampled_from(
    [
        "Lives at",
        "RESIDING in",
        "moved to",
        "Address is",
        "shipped it to",
        "drops me off at",
        "meet us at",
        "Relocated to",
        "forwarding to",
        "the Court",
        " ",
        "\t",
        ":",
        "44",
        "Mail",
        "\u017fend to",
        "\u212aeep",
        "stay",
        "addresses -",
        "living",
        "on",
        "picks you up at",
        "ZZ",
        ".",
    ]
)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_CUE_PIECES, min_size=1, max_size=8).map(" ".join), st.data())
def test_where_no_cue_word_is_no_cue_can_match(text: str, data: st.DataObject) -> None:
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    for pos in range(start, end + 1):
        if CUE.search(text, pos, end) is not None:
            assert may_cue(text, start, end), (text, start, end)


_BREAK_PIECES = st.sampled_from(
    [
        "Idaho",
        "the mill",
        "ran",
        "St",
        "On",
        "In",
        "The",
        "I",
        "It's",
        "Then",
        ".",
        "!",
        "?",
        " ",
        "\t",
        "ab",
        "Apt",
        "4",
        "Larch Ave",
        "closed",
        "Their",
        "As",
        "Inner",
    ]
)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_BREAK_PIECES, min_size=1, max_size=10).map("".join))
def test_the_sentence_break_regex_reads_as_its_look_behind_first_form(text: str) -> None:
    # SENTENCE_BREAK opens with its stop (for a fast scan) and looks back at the three letters
    # before it: the same matches as the plain form that opens with the look-behind
    plain = re.compile(SENTENCE_BREAK.pattern.replace(r"[.!?](?<=[a-z]{3}[.!?])", r"(?<=[a-z]{3})[.!?]", 1))
    assert plain.pattern != SENTENCE_BREAK.pattern
    assert [m.span() for m in plain.finditer(text)] == [m.span() for m in SENTENCE_BREAK.finditer(text)]


@settings(max_examples=400, deadline=None)
@given(st.from_regex(CUE, fullmatch=False, alphabet=st.characters(min_codepoint=32, max_codepoint=126)))
def test_the_cue_pretest_follows_the_cue_regex_itself(text: str) -> None:
    """Text drawn from CUE's own grammar (whatever words it gains later) always passes the cheap
    pre-test: a cue word missing from the pre-test's list fails here, not silently in prose."""
    if CUE.search(text):
        assert may_cue(text, 0, len(text)), text
