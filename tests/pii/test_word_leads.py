"""word_leads: a pattern tried only where one of its words starts finds what finditer finds."""

from __future__ import annotations

import random
import re
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from veil.pii.recognizers.common import words
from veil.pii.recognizers.word_leads import (
    WORDS,
    LeadGroup,
    WordLead,
    WordTable,
    folded,
    led,
    literal_prefix,
    prefixes,
)


def test_the_lower_case_view_keeps_places_and_word_starts() -> None:
    # every character that re matches case-insensitively to an ASCII letter is that letter in the
    # view, and no character that is not a word character becomes an ASCII word character there
    for code in range(sys.maxunicode + 1):
        char = chr(code)
        view = folded(f"x{char}y")
        if view is None:
            continue
        assert len(view) == 3
        if re.fullmatch(r"[a-z0-9_]", view[1]) and not re.fullmatch(r"\w", char):
            pytest.fail(f"U+{code:04X} becomes a word character")
    for letter in "abcdefghijklmnopqrstuvwxyz":
        pattern = re.compile(f"(?i:{letter})")
        for code in range(sys.maxunicode + 1):
            char = chr(code)
            if pattern.fullmatch(char):
                view = folded(f"x{char}y")
                assert view is not None and view[1] == letter, f"U+{code:04X} for {letter}"


def test_literal_prefix_stops_before_an_optional_character() -> None:
    assert literal_prefix("co-?founder") == "co"
    assert literal_prefix("neighbou?r") == "neighbo"
    assert literal_prefix(r"mr\.?") == "mr"
    assert literal_prefix(r"thank[ \t]+you") == "thank"
    assert literal_prefix("Führerschein") == "f"
    with pytest.raises(ValueError):
        prefixes([r"\s*no"])


_WORDS = ["guide", "mr", "co-?founder", "neighbou?r", "dear", r"thank[ \t]+you", "hi"]
_PATTERNS = {
    re.compile(words(_WORDS[:4], any_case=True) + r"[ \t]+(?P<name>[A-Z][a-z]+)"): _WORDS[:4],
    re.compile(words(_WORDS[3:], any_case=True) + r",?[ \t]+(?P<name>[a-z]+)"): _WORDS[3:],
}
_GROUP = LeadGroup(_PATTERNS)


@pytest.mark.parametrize(
    "text",
    [
        "Our guide Olusegun met the co-founder Radek and the COFOUNDER Ilse; thank you Maren.",
        "Dear nina, hi tomas -- MR Petrov and Neighbor Hale said hi to the neighbour Oskar.",
        "the guidebook, Cofounders Weekly, ahi there: a sub-guide Jens; \u0130NDEED D\u0131ar Kai",
        "\u017fee dear \u0130lse, mr Li, mr, mr Ng",
        "",
    ],
)
def test_a_group_finds_what_finditer_finds(text: str) -> None:
    for regex in _PATTERNS:
        assert [m.span() for m in _GROUP.finditer(regex, text)] == [m.span() for m in regex.finditer(text)]


def test_random_texts_of_cue_words_and_names() -> None:
    rng = random.Random(7)
    cues = ["guide", "Guide", "GUIDE", "co-founder", "Cofounder", "neighbor", "Dear", "thank you", "hi", "Hi"]
    cues += ["mr", "Mr.", "\u0131", "\u017f", "\u0130", "x", "-", "\n", ", "]
    filler = [
        "the river",
        "and then",
        "Olusegun",
        "nina",
        "a long sentence about nothing at all",
        "Tom",
        "ok",
    ]
    led_texts = 0
    for _ in range(400):
        text = " ".join(
            rng.choice(cues if rng.random() < 0.15 else filler) for _ in range(rng.randint(0, 150))
        )
        led_texts += WORDS.places(WORDS.register(["guide"]), text) is not None
        for regex in _PATTERNS:
            assert [m.span() for m in _GROUP.finditer(regex, text)] == [
                m.span() for m in regex.finditer(text)
            ]
    assert led_texts > 200  # most texts were read at their places, not scanned


def test_led_without_places_scans() -> None:
    regex = re.compile("ab")
    assert [m.start() for m in led(regex, "abxab", None)] == [0, 3]
    assert [m.start() for m in led(regex, "abxab", [3])] == [3]


def test_a_lead_needs_lower_case_prefixes() -> None:
    with pytest.raises(ValueError):
        WordLead(["Mr"])


def test_a_table_numbers_each_group_once_and_finds_each_groups_places() -> None:
    table = WordTable()
    first, second = table.register(["guide", "co"]), table.register(["dear"])
    assert table.register(["co", "guide"]) == first and second != first
    text = (
        "Our guide Cofounder met a dear friend, then coffee with the guides. " + "Nothing else happened. " * 5
    ) * 3
    assert table.places(first, text) == [m.start() for m in re.finditer(r"(?i)(?<!\w)(?:guide|co)", text)]
    assert table.places(second, text) == [m.start() for m in re.finditer(r"(?<!\w)dear", text)]
    with pytest.raises(ValueError):
        table.register(["a"])


@settings(max_examples=300, deadline=None)
@given(
    prefixes=st.lists(st.text(alphabet="abc", min_size=1, max_size=4), min_size=1, max_size=12),
    text=st.text(alphabet="abc .-", max_size=60),
)
def test_a_lead_of_prefixes_that_start_one_another_finds_every_word_start(
    prefixes: list[str], text: str
) -> None:
    """Prefixes that begin other prefixes ("ab", "abc", "a"): the lead keeps only the shortest
    and still finds every word start where any of them begins."""
    want = [
        i
        for i in range(len(text))
        if (i == 0 or not (text[i - 1].isalnum() or text[i - 1] == "_"))
        and any(text.startswith(p, i) for p in prefixes)
    ]
    assert WordLead(prefixes).scan(text) == want


# a prefix: a letter first (as every alternative's literal start), then letters or a full stop
_PREFIXES = st.builds(
    lambda a, b: a + b, st.sampled_from("abé"), st.text(alphabet="abé.", min_size=1, max_size=3)
)


@settings(max_examples=300, deadline=None)
@given(
    groups=st.lists(
        st.lists(_PREFIXES, min_size=1, max_size=5),
        min_size=1,
        max_size=5,
    ),
    text=st.text(alphabet="abé. -_9\n", max_size=60),
)
def test_a_table_finds_each_groups_word_starts_among_nested_prefixes(
    groups: list[list[str]], text: str
) -> None:
    """Groups whose prefixes begin one another ("ab", "abé", "ab.a") and share prefixes: each
    group's places are the word starts where one of its own prefixes begins."""
    table = WordTable()
    padded = text + " " * 24 * (len(text) + 1)  # (not dense: the places are given, not a scan's None)
    numbers = [table.register(group) for group in groups[:1]]
    table.places(numbers[0], padded)
    # groups registered after the text was read (as finders do at a process's first text)
    numbers += [table.register(group) for group in groups[1:]]
    for number, group in zip(numbers, groups, strict=True):
        want = [
            i
            for i in range(len(text))
            if (i == 0 or not re.fullmatch(r"[a-z0-9_]", text[i - 1]))
            and any(text.startswith(p, i) for p in group)
        ]
        assert table.places(number, padded) == want
