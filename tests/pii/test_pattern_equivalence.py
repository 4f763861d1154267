"""Patterns written for ``re``'s fast scan (first letter first, look-behinds after it, forms grouped
by first letter) find the same spans as the plain patterns they replace, kept here as references."""

from __future__ import annotations

import re
import sys

from hypothesis import given, settings
from hypothesis import strategies as st

from veil.pii.recognizers import email_names, name_shapes, person_context, person_devices, place_names
from veil.pii.recognizers import legal_forms as lf
from veil.pii.recognizers import organizations as orgs
from veil.pii.recognizers.body_heads import HEADS
from veil.pii.recognizers.common import LEGAL_FORMS, NAME_TAIL, UPPER, terms, words
from veil.pii.recognizers.legal_forms import NOT_A_PROGRAM_PART


def _spans(regex: re.Pattern[str], text: str) -> list[tuple[tuple[int, int], tuple[int, int] | None]]:
    return [(m.span(), m.span("pii") if "pii" in regex.groupindex else None) for m in regex.finditer(text)]


def _flat_legal_forms() -> str:
    """The forms as one alternation, longest first: what the grouped pattern must equal."""
    own = [re.escape(form) for form in LEGAL_FORMS]
    extra = [variant for term in lf._cleanco_terms() for variant in lf._variants(term)]
    return "|".join(sorted(dict.fromkeys(own + extra), key=lambda f: (-len(f), f)))


def test_no_character_matches_two_first_letters_of_legal_forms() -> None:
    # the grouping is exact only if no character is matched, in any case, by two groups' letters
    letters = sorted(lf.legal_form_letters())
    every_char = "".join(chr(c) for c in range(sys.maxunicode + 1) if not 0xD800 <= c <= 0xDFFF)
    seen: dict[str, str] = {}
    for letter in letters:
        for m in re.finditer(f"(?i:{re.escape(letter)})", every_char):
            assert seen.setdefault(m.group(), letter) == letter, (m.group(), letter)


_FORM_BITS = [
    " GmbH",
    " gmbh",
    " GMBH",
    " Oy",
    " Oyj",
    " AS",
    " as",
    " s.r.o.",
    " S.R.O.",
    " UAB",
    " uab",
    " Sp. z o.o.",
    " Ltd.",
    " Ltd",
    " & Co",
    " ApS",
    " aps",
    " S.A.",
    " SA",
    " Ltda",
    " - ME",
    " BV",
    " KGaA",
    " kgaa",
    " Kft",
    " a/s",
    " A/S",
    " plc",
    " LLC",
    " Inc",
    ", ",
    " and ",
    " e ",
    " y ",
    "Acme",
    "Korvath",
    "Talleres Figueras",
    "van",
    " de ",
    "\u017f",
    "\u212a",
    "\u0130",
    "\u0131",
    "\n",
    ".",
    " ",
]
_TEXTS = st.lists(st.sampled_from(_FORM_BITS), min_size=1, max_size=10).map("".join)


@settings(max_examples=400, deadline=None)
@given(_TEXTS)
def test_grouped_legal_forms_match_like_one_alternation(text: str) -> None:
    flat = re.compile(rf"(?:{_flat_legal_forms()})(?![\w&])")
    grouped = re.compile(rf"(?:{lf.legal_form_pattern()})(?![\w&])")
    for start in range(len(text)):
        a, b = flat.match(text, start), grouped.match(text, start)
        assert (a and a.span()) == (b and b.span())


_WORK_BITS = [
    "not ",
    "never ",
    "it ",
    "It ",
    "this ",
    "which ",
    "only ",
    "n't ",
    "n\u2019t ",
    "He ",
    "she ",
    "working for ",
    "works for ",
    "WORKED FOR ",
    "Work for ",
    "wORk For ",
    "worked\tfor ",
    "Acme Corp",
    " and ",
    "Siemens AG",
    "x",
    "\t",
    "-",
    "notwork for ",
]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_WORK_BITS), min_size=1, max_size=10).map("".join))
def test_work_for_checks_its_look_behinds_after_the_first_letter(text: str) -> None:
    not_a_worker = "".join(f"(?<!{b})" for b in orgs._NOT_A_WORKER[1:])
    reference = not_a_worker + words(terms("work for|works for|worked for|working for"), any_case=True)
    pattern = next(p.regex for p in orgs.organization_labels().patterns if p.name == "work_for")
    tail = pattern[pattern.index("[ \\t]+(?P<pii>") :]
    assert _spans(re.compile(reference + tail), text) == _spans(re.compile(pattern), text)


_BODY_BITS = [
    "The ",
    "A ",
    "An ",
    "In ",
    "No ",
    "Supreme ",
    "Court",
    "Courts ",
    "European ",
    "Human ",
    "Rights",
    " of ",
    " for ",
    "the ",
    "Law on ",
    "Act on ",
    "Ministry",
    "University ",
    "Bank",
    "FBI ",
    "O'Neil ",
    "Jean-Luc ",
    "Warsaw's ",
    "\u00c9cole ",
    " Road",
    " Act",
    " Street",
    "-",
    "'",
    "x",
    "\n",
    ", ",
]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_BODY_BITS), min_size=1, max_size=10).map("".join))
def test_public_bodies_match_as_with_leading_look_behinds(text: str) -> None:
    statute = "".join(f"(?<!{b})" for b in orgs._NOT_A_STATUTE)
    leading = "(?!(?:" + "|".join(orgs._LEADING) + r")\b)"
    heads = words(tuple(HEADS))
    tail = (
        rf"(?:[ \t]+(?:of|for)[ \t]+(?:the[ \t]+)?{orgs._BODY_WORD}"
        rf"(?:[ \t]+(?:(?:and|of|for|&)[ \t]+)?{orgs._BODY_WORD}){{0,3}})"
    )
    after = orgs._STREETS_AFTER
    reference = {
        "head_noun": rf"(?<![\w'\u2019-]){statute}{leading}(?=[{UPPER}])"
        rf"(?:{orgs._BODY_WORD}[ \t]+){{0,4}}{heads}(?![\w'\u2019-]){tail}?{after}{NOT_A_PROGRAM_PART}",
        "head_of": rf"(?<![\w'\u2019-]){statute}{heads}{tail}{after}",
    }
    for pattern in orgs.public_body().patterns:
        assert _spans(re.compile(reference[pattern.name]), text) == _spans(re.compile(pattern.regex), text)


_NAME_BITS = [
    "John",
    "Mary",
    "Smith",
    "Hauta-aho",
    "O'Neil",
    "\u00c9va",
    "J",
    "A.",
    "K.",
    "Kh.",
    "Zh.",
    "Yu.",
    "Ts.",
    "J.R.R.",
    "Kh",
    "van",
    "de",
    "bin",
    "von der",
    "x",
    "'s",
    " ",
    " ",
    "\t",
    ".",
    "-",
    "'",
    "@",
    "/",
    "\n",
]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_NAME_BITS), min_size=2, max_size=9).map("".join))
def test_name_shapes_match_as_with_a_leading_look_behind(text: str) -> None:
    cap, tail, upper = name_shapes._CAP, r"(?!(?!['\u2019]s\b)[\w'\u2019@/-]|\.\w)", UPPER
    before = r"(?<![\w'\u2019.@/-])"
    particles = name_shapes._PARTICLES.pattern
    references = {
        name_shapes._CAPITALISED: rf"{before}(?P<given>{cap}(?:[ \t]{cap})?)[ \t]"
        rf"(?P<initial>(?:[{upper}]\.){{0,2}}[{upper}])"
        rf"(?:\.[ \t]?|[ \t])(?P<family>{cap}){tail}",
        name_shapes._INITIALS_FIRST: rf"{before}(?P<initials>(?:{name_shapes._INITIAL}[ \t]?){{1,3}})[ \t]?"
        rf"(?P<family>{cap}){tail}",
        name_shapes._PARTICLES: rf"{before}(?P<given>{cap})"
        + particles[particles.index(r"[ \t](?P<particles>") :],
    }
    for scanned, reference in references.items():
        assert [m.regs for m in re.compile(reference).finditer(text)] == [
            m.regs for m in scanned.finditer(text)
        ]


_DEVICE_BITS = ["Mayte", "John", "sara", "s", "'s", "\u2019s", "-", "laptop", "LAPTOP", "iPhone", "pc"]
_DEVICE_BITS += ["macbook", " ", "x", "\n"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_DEVICE_BITS), min_size=1, max_size=8).map("".join))
def test_a_device_name_holds_the_dash_the_finder_looks_for_first(text: str) -> None:
    # the finder skips a text without "-<device>": only exact if every match holds one
    if person_devices.DeviceNameFinder._pattern.search(text):
        assert person_devices.DeviceNameFinder._dash_device.search(text)


def test_device_names_are_found_after_the_dash_check() -> None:
    found = list(person_devices.DeviceNameFinder()("ping Mayte-laptop and sara-macbook-pro, then x-ray"))
    assert [(s, e) for s, e, _ in found] == [(5, 10), (22, 26)]


_TOWN_BITS = [*sorted(place_names._WORD_TOWNS), "bath", "-", "'", "\u2019", " ", ", ", "NY", "Ohio", "\n"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_TOWN_BITS), min_size=1, max_size=8).map("".join))
def test_word_towns_match_as_with_a_leading_look_behind(text: str) -> None:
    pattern = place_names._WORD_TOWN.pattern
    reference = re.compile(
        rf"(?<![\w'\u2019-])(?P<town>{words(tuple(place_names._WORD_TOWNS))})"
        + pattern[pattern.index(r"(?![\w'\u2019-])") :]
    )
    scanned = place_names._WORD_TOWN
    assert [m.regs for m in reference.finditer(text)] == [m.regs for m in scanned.finditer(text)]


_FIRM_TOKENS = st.sampled_from(
    ["Korvath", "Lopez", "A" * 40, "A" * 41, "Ab'c", "X&Y", "Jean-Luc", "\u00c9va", "ab", "Q"]
)
_FIRM_JOINS = st.sampled_from(
    [", ", " ", "\t", " and ", " & ", " of ", ",", "  ", "", " Ltd", " GmbH", " - ME"]
)
_FIRM_TEXTS = st.lists(st.tuples(_FIRM_TOKENS, _FIRM_JOINS).map("".join), min_size=1, max_size=7).map("".join)


@settings(max_examples=300, deadline=None)
@given(_FIRM_TEXTS, st.sampled_from(["", " is a small agency", " was an airline", " is a bank."]))
def test_possessive_firm_tokens_match_as_backtracking_ones(firm: str, predicate: str) -> None:
    # a token of a firm's name is followed by a comma or a blank, which it cannot hold: reading
    # it possessively loses no match
    patterns = [*orgs.legal_entity().patterns, *orgs.organization_labels().patterns]
    for pattern in patterns:
        if "{0,40}+" in pattern.regex:
            reference = re.compile(pattern.regex.replace("{0,40}+", "{0,40}"))
            text = firm + predicate
            assert [m.regs for m in reference.finditer(text)] == [
                m.regs for m in re.finditer(pattern.regex, text)
            ]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from(["Jane", "Smith", "O'Neil", "jsmith@x.org", "@", ".", "-", " ", "\u00c9", "AB"]),
        max_size=8,
    )
)
def test_email_name_words_match_as_with_a_leading_look_behind(bits: list[str]) -> None:
    text = "".join(bits)
    reference = re.compile(rf"(?<![\w'\u2019@.-])[{UPPER}]{NAME_TAIL}(?![\w'\u2019@-])")
    assert [m.span() for m in reference.finditer(text)] == [
        m.span() for m in email_names._CAPITALISED.finditer(text)
    ]


_CONTEXT_BITS = [
    "Trivo",
    "Hauta-aho",
    "Mashuu",
    "Samurakami",
    "van",
    "de",
    "der",
    "Ilse",
    "O'Neil",
    "McDonald",
]
_CONTEXT_BITS += [
    "said",
    "lives",
    "was born",
    "wrote",
    "says",
    "34",
    "(34)",
    ",",
    ", aged",
    " years old",
    "x",
]
_CONTEXT_BITS += [" ", " ", "\t", ".", "-", "'", "\u2019", "@", "/", "\n", "É", "Łukasz", "aa"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_CONTEXT_BITS), min_size=2, max_size=10).map("".join))
def test_person_context_names_match_as_with_a_leading_look_behind(text: str) -> None:
    # _AFTER and _AGE scan a whole text for a name first: their name starts with its capital
    scanned_name = person_context._NAME_SCAN
    for scanned in (person_context._AFTER, person_context._AGE):
        reference = re.compile(scanned.pattern.replace(scanned_name, person_context._NAME, 1))
        assert reference.pattern != scanned.pattern
        assert [m.regs for m in reference.finditer(text)] == [m.regs for m in scanned.finditer(text)]
