"""Organisations known by name the world over are found wherever they stand, as whole words and
in their own case; words and terms that share their letters are not."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from veil.pii import PiiConfig, PiiEngine
from veil.pii.recognizers.known_organizations import (
    KNOWN_ORGANIZATIONS,
    known_organizations,
    plain_text_organizations,
)


def _found(text: str) -> list[str]:
    return [text[a:b] for a, b, _ in known_organizations(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Ministers from NATO met before the UNESCO vote.", ["NATO", "UNESCO"]),
        ("The match was shown on the BBC after FIFA ruled on it.", ["BBC", "FIFA"]),
        ("Her post went viral on Twitter, then on YouTube.", ["Twitter", "YouTube"]),
        ("Volunteers of the Red Cross and the World Bank's staff helped.", ["Red Cross", "World Bank"]),
        ("A spokesman said the Home Office and the Kremlin had both replied.", ["Home Office", "Kremlin"]),
        ("Officials at the State Department briefed the Knesset.", ["State Department", "Knesset"]),
    ],
)
def test_known_names_are_found(text: str, expected: list[str]) -> None:
    assert _found(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "The nato and bbc tags are lower case here.",
        "NATOS and FIFAS are no names; neither is pre-NASA or NASA-like.",
        "A CNN layer, the CIA triad and PBS buffer are terms.",
        "The MIT License and IEEE 754 floats name no employer.",
        "She set up a home office; the state department of her county is small.",
    ],
)
def test_words_and_terms_are_not(text: str) -> None:
    assert _found(text) == []


def test_the_engine_types_them_as_organisations() -> None:
    engine = PiiEngine(PiiConfig(ner=False))
    text = "He left NASA in the spring and joined Reuters."
    found = {(text[e.start : e.end], e.type) for e in engine.detect(text)}
    assert {("NASA", "ORGANIZATION"), ("Reuters", "ORGANIZATION")} <= found


@settings(max_examples=100, deadline=None)
@given(name=st.sampled_from(KNOWN_ORGANIZATIONS), before=st.sampled_from(["", "the ", "x"]))
def test_each_name_is_found_only_as_a_whole_word(name: str, before: str) -> None:
    text = f"{before}{name} said so."
    if before != "x":
        assert _found(text) == [name]
    else:  # nothing from the glued word; a known name among its later words may stand alone
        assert all(a > text.index(" ") for a, _, _ in known_organizations(text))


@pytest.mark.parametrize("text", ["Case 1111/NCAA was filed.", "See NASA.gov or x@BBC today.", "NATO/x"])
def test_not_inside_codes_paths_or_addresses(text: str) -> None:
    assert _found(text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The Senate rejected the bill that Parliament had passed.", ["Senate", "Parliament"]),
        ("A motion in the House of Lords followed the vote in Congress.", ["House of Lords", "Congress"]),
        (
            "Tories and Liberal Democrats sat apart; Republicans cheered.",
            ["Tories", "Liberal Democrats", "Republicans"],
        ),
        ("The GOP candidate met officials of the EU, the UN and the NHS.", ["GOP", "EU", "UN", "NHS"]),
    ],
)
def test_legislatures_parties_and_public_bodies_named_bare_are_found(text: str, expected: list[str]) -> None:
    assert _found(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "The senate of the club and a parliament of owls met.",
        "Senators, congressional aides and Democratic voters waited.",
        "A democrat and a republican talked of the eu-wide rules and UN/LOCODE.",
    ],
)
def test_lower_case_kinds_members_and_adjectives_are_not(text: str) -> None:
    assert _found(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "The European Commission of Human Rights declared the complaint admissible.",
        "A report of the European Commission on Migration was cited.",
    ],
)
def test_a_known_name_heading_a_longer_bodys_name_is_not_cut_out_of_it(text: str) -> None:
    assert _found(text) == []


def test_the_known_name_alone_is_still_found() -> None:
    assert _found("The European Commission said it would reply.") == ["European Commission"]


@pytest.mark.parametrize(
    "text",
    [
        "Money goes straight to your PayPal account every week.",
        "I posted it on my Facebook page and her Twitter feed.",
        "Check his Gmail inbox and our Google account today.",
    ],
)
def test_someones_account_on_a_service_is_no_mention_of_the_firm(text: str) -> None:
    assert _found(text) == []
    assert [text[a:b] for a, b, _ in plain_text_organizations(text)] == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("PayPal froze the account of the seller.", ["PayPal"]),
        ("Watch it on our YouTube channel tonight.", ["YouTube"]),
        ("Your PayPal fees rose.", ["PayPal"]),
    ],
)
def test_the_firm_itself_is_still_found(text: str, expected: list[str]) -> None:
    assert _found(text) == expected
