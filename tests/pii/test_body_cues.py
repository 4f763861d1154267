"""The cue phrases that name a body are one list read by both layers: the NER filter's
(veil.pii.organization_cues.acts_as_a_body) and the judgment finder's
(veil.pii.recognizers.legal_bodies). Every cue in veil.pii.recognizers.body_cues must work in
both, so a cue added there cannot reach one layer only. Written from the class "an acronym named
as a body by who belongs to it, by an apposition, or by its spelt-out name"; every sentence and
acronym here is invented for these tests."""

from __future__ import annotations

import re

import pytest

from veil.pii.organization_cues import acts_as_a_body
from veil.pii.recognizers.body_cues import MEMBERSHIP, NAMING, POLITICAL_HEADS, alternation, political_heads
from veil.pii.recognizers.legal_bodies import legal_bodies


def _found(text: str) -> list[str]:
    return [text[a:b] for a, b, _ in legal_bodies(text)]


def _acts(text: str, acronym: str) -> bool:
    start = text.index(acronym)
    return acts_as_a_body(text, start, start + len(acronym))


# one word of each membership cue, as a judgment writes it
_MEMBER_WORDS = ("member", "members", "membership", "leaders", "activities", "militants", "sympathisers")


def test_every_membership_word_is_one_of_the_shared_cues() -> None:
    pattern = re.compile(alternation(MEMBERSHIP))
    assert all(pattern.fullmatch(word) for word in _MEMBER_WORDS)


@pytest.mark.parametrize("word", _MEMBER_WORDS)
def test_both_layers_read_a_membership_cue(word: str) -> None:
    text = f"The prosecutor cited the {word} of the TVRK-Zan in the indictment."
    assert _found(text) == ["TVRK-Zan"]
    assert _acts(text, "TVRK-Zan")


_NAMING_PHRASES = ("namely", "i.e.", "that is", "known as", "called", "named")


def test_every_naming_phrase_is_one_of_the_shared_cues() -> None:
    pattern = re.compile(alternation(NAMING))
    assert all(pattern.fullmatch(phrase) for phrase in _NAMING_PHRASES)


@pytest.mark.parametrize("phrase", _NAMING_PHRASES)
def test_both_layers_read_a_naming_apposition(phrase: str) -> None:
    text = f"He was charged with aiding an illegal armed organisation, {phrase} the ORKV-B, in 1996."
    assert _found(text) == ["ORKV-B"]
    assert _acts(text, "ORKV-B")


@pytest.mark.parametrize("head", sorted(POLITICAL_HEADS))
def test_both_layers_read_a_spelt_out_political_name(head: str) -> None:
    text = f"Leaflets of the VKRT (the Marrow Valley Popular {head}) were seized."
    assert _acts(text, "VKRT")
    assert _found(text) == [f"VKRT (the Marrow Valley Popular {head}"]


def test_the_heads_pattern_takes_the_longest_head() -> None:
    # "Brigades" before "Brigade", "Forces" before "Force": the whole word is the head
    match = re.match(political_heads(), "Brigades of the north")
    assert match is not None and match.group() == "Brigades"


@pytest.mark.parametrize(
    "text",
    [
        "The prosecutor cited the work of the TVRK-Zan in the indictment.",
        "He was charged with aiding an illegal armed organisation in 1996, the year the ORKV-B began.",
        "Leaflets of the VKRT (the Marrow Valley Popular Festival) were seized.",
    ],
)
def test_without_a_cue_neither_layer_names_the_acronym(text: str) -> None:
    acronym = next(w.strip(".,()") for w in text.split() if sum(c.isupper() for c in w) >= 3)
    assert acronym not in _found(text)
    assert not _acts(text, acronym)
