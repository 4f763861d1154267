"""Bodies a judgment names by its own cues: an outlawed organisation and its acronym's later
mentions, an acronym's bracketed expansion, a court's native-language name in brackets, a garrison,
a firm of solicitors — and the bracketed words, acronyms and numbers around them that name none."""

from __future__ import annotations

import pytest

from veil.pii.recognizers.legal_bodies import legal_bodies


def _found(text: str) -> list[str]:
    return [text[a:b] for a, b, _ in legal_bodies(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "He was charged with membership of an illegal armed organisation, namely the HRK-Z. "
            "Two days later the HRK-Z claimed the attack.",
            ["HRK-Z", "HRK-Z"],
        ),
        ("She was accused of being a member of the Sol-Ber and of hiding arms.", ["Sol-Ber"]),
        # a letter whose lower case is two characters (Turkish dotted capital I) before the cue
        (
            "\u0130zmir: membership of the RKP-Zed, an illegal organisation, the RKP-Zed.",
            ["RKP-Zed", "RKP-Zed"],
        ),
        ("the activities of an outlawed organisation, the TVB/ML \u2013 KOR, in 1993", ["TVB/ML \u2013 KOR"]),
        (
            "Leaflets were printed by an organisation called Free Valley Youth in the town.",
            ["Free Valley Youth"],
        ),
    ],
)
def test_an_organisation_the_court_names_and_its_later_mentions(text: str, expected: list[str]) -> None:
    assert _found(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "He had joined the KPS (the Workers' Front of Zandia) in 1988.",
            ["KPS (the Workers' Front of Zandia"],
        ),
        (
            "the Mor-Yol (Mor Yolu - the Purple Way Movement) was banned",
            ["Mor-Yol (Mor Yolu - the Purple Way Movement"],
        ),
        # the acronym alone, later, is the same body
        (
            "He had joined the KPS (the Workers' Front of Zandia) in 1988 and left the KPS in 1990.",
            ["KPS (the Workers' Front of Zandia", "KPS"],
        ),
    ],
)
def test_an_acronym_and_its_bracketed_expansion_are_one_name(text: str, expected: list[str]) -> None:
    assert _found(text) == expected


def test_the_acronym_with_its_expansion_outranks_the_parts_inside_it() -> None:
    text = "the TVL (the Harrow Liberation Front) was banned"
    (whole,) = list(legal_bodies(text))
    assert text[whole[0] : whole[1]] == "TVL (the Harrow Liberation Front"
    assert whole[2] > 0.9


@pytest.mark.parametrize(
    ("text", "name"),
    [
        (
            "The Ostrava District Court (Okresn\u00ed soud) dismissed the claim.",
            "Ostrava District Court (Okresn\u00ed soud",
        ),
        (
            "The Federal Finance Court (Bundesfinanzhof) upheld that view.",
            "Federal Finance Court (Bundesfinanzhof",
        ),
        (
            "The Zadar Court of Appeal (\u017dupanijski sud) quashed it.",
            "Zadar Court of Appeal (\u017dupanijski sud",
        ),
        (
            "The Office of the Attorney-General (Riksadvokaten) replied.",
            "Office of the Attorney-General (Riksadvokaten",
        ),
        (
            "He complained to the Chief Prosecutor's Office (Prokuratura Generalna).",
            "Chief Prosecutor's Office (Prokuratura Generalna",
        ),
        # the English name stops at a lower-case word before it
        (
            "He wrote to the Varn Museum and to the Kelto District Court (Rajonu tiesa).",
            "Kelto District Court (Rajonu tiesa",
        ),
    ],
)
def test_a_body_and_its_native_name_are_one_name(text: str, name: str) -> None:
    assert _found(text) == [name]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("He was held in the guardroom of Tidworth garrison for two days.", ["Tidworth garrison"]),
        ("He served at Wellington Barracks until 1990.", ["Wellington Barracks"]),
        ("He is detained in the Kelmar F-type Prison since May.", ["Kelmar F-type Prison"]),
        ("He was moved to the Varna high-security prison.", ["Varna high-security prison"]),
        ("She was represented by Marsh Crane Solicitors, a firm in Leeds.", ["Marsh Crane Solicitors"]),
        ("It was argued by Hale, Brook and Orme Advocates in May.", ["Hale, Brook and Orme Advocates"]),
        (
            "She was represented by Hale, Brook and Orme, a firm of solicitors in Bristol.",
            ["Hale, Brook and Orme"],
        ),
    ],
)
def test_garrisons_and_law_firms(text: str, expected: list[str]) -> None:
    assert _found(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "The case was referred to the Court (Article 27) and the Court (Plenary) sat.",
        "The Government (\u201cthe Government\u201d) were represented by their Agent.",
        "He was a member of the Court and of the Commission until 1998.",
        "The applicant, a solicitor practising in Leeds, wrote to the garrison commander.",
        "The Appeal Court (see paragraph 12 above) dismissed it.",
        "He paid 200 pounds sterling (GBP) to the Court.",
        "a member of the board (the Kelso Trust) resigned",
        "He was sent to an F-type prison and later to a closed prison in the east.",
        # a legal form is the legal-entity recognizer's, which reads the whole firm
        "The claim was filed by Ashworth, Pemberton and Clarke LLP last week.",
        "The Canadian garrison of the 12th Legion and the British garrison paraded.",
    ],
)
def test_bracketed_words_and_roles_that_name_no_body(text: str) -> None:
    assert _found(text) == []
