"""A handle's owner called by the name the handle spells, in the same post
(:mod:`veil.pii.recognizers.handle_names`).

Written from the failure class "a reply calls the person it addresses by their handle's name"
("@DeclanHarmon Declan , ..."); the handles, names and posts are invented here.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from veil.pii.entity import EntityType
from veil.pii.recognizer import Candidate
from veil.pii.recognizers.handle_names import handle_names, handle_parts, names_of_handles

from .invented_names import invented_names


def _handles(text: str) -> list[Candidate]:
    return [(m.start(), m.end(), EntityType.USERNAME, 0.55, "username") for m in re.finditer(r"@\w+", text)]


def _names(text: str) -> list[str]:
    return [text[s:e] for s, e, _ in names_of_handles(text, _handles(text))]


def test_a_handles_parts() -> None:
    assert handle_parts("@QuenbyVarnow") == ["quenby", "varnow"]
    assert handle_parts("@TV_Tarlo99") == ["tv", "tarlo"]
    assert handle_parts("@selmarkorvan") == ["selmarkorvan"]


@given(invented_names(unique=True), invented_names(unique=True))
@settings(max_examples=60, deadline=None)
def test_a_post_calling_the_handles_owner_by_name(given_name: str, family: str) -> None:
    text = f"@{given_name}{family} @newsdesk {given_name} , thanks for the quick answer !"
    assert _names(text) == [given_name]
    text = f"@tips_{given_name.lower()}{family.lower()} great stuff {given_name} !"
    assert _names(text) == [given_name]


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("@AskMrQuenby sending a big hug to you Quenby !", ["Quenby"]),
        ("@StanVarnow the dive was soft ( stan was strong )", ["stan"]),  # a known given name in lower case
        ("@varnowik_live varnowik played well", []),  # in lower case, only a known given name
        ("@SpaceRocket Space is big and so is this launch", []),  # an English word
        ("@DublinHub Dublin looks lovely today", []),  # a place
        ("@IrishVarnow Irish fans were loud", []),  # a people's word
        ("@DadVarnow Dad is home", []),  # a role
        ("Quenby said hi to everyone at the fair", []),  # no handle
    ],
)
def test_what_names_a_handles_owner(text: str, names: list[str]) -> None:
    assert _names(text) == names


def test_a_word_that_a_candidate_covers_is_left_to_it() -> None:
    text = "@QuenbyVarnow Quenby Varnow said yes"
    start = text.index("Quenby Varnow")
    covered: list[Candidate] = [*_handles(text), (start, start + 13, EntityType.PERSON, 0.85, "spacy_person")]
    assert list(names_of_handles(text, covered)) == []


def test_the_post_processor_reads_usernames_only() -> None:
    post = handle_names()
    assert post.reads == frozenset({"username"}) and post.stage == "resolved"
    assert post.entity_type == EntityType.PERSON


def _reference(text: str, candidates: list[Candidate]) -> list[tuple[int, int]]:
    """The rule as first written, a scan of every part and every candidate per word: the
    set-and-bisect version must find exactly what it finds."""
    from veil.pii.recognizers import handle_names as module

    handles = [(s, e) for s, e, _, _, name in candidates if name == "username" and text.startswith("@", s)]
    parts = {p for s, e in handles for p in handle_parts(text[s:e]) if len(p) >= 3}
    found = []
    for match in module._TEXT_WORD.finditer(text):
        word, (start, end) = match.group(), match.span()
        if not any(p.startswith(word.lower()) for p in parts):
            continue
        if any(s < end and start < e for s, e, *_ in candidates):
            continue
        if module._names_someone(word):
            found.append((start, end))
    return found


@given(st.lists(st.tuples(invented_names(), st.sampled_from(["@", "", " "]), st.integers(0, 6)), max_size=12))
@settings(max_examples=80, deadline=None)
def test_the_indexed_rule_finds_what_the_scan_finds(pieces: list[tuple[str, str, int]]) -> None:
    shapes = {"@": "@{n}Zed {n}", "": "{n}", " ": "@{n}"}  # a handle and its owner's name, a name, a handle
    text = " , ".join(shapes[mark].format(n=name) + " ok" * pad for name, mark, pad in pieces)
    handles = _handles(text)
    # overlapping and touching candidates of other kinds too, to exercise the merged coverage
    others: list[Candidate] = [
        (m.start(), m.end(), EntityType.PERSON, 0.6, "person")
        for m in re.finditer(r"ok ok|ok , [A-Z]\w+", text)
    ]
    candidates = handles + others
    got = [(s, e) for s, e, _ in names_of_handles(text, candidates)]
    assert got == _reference(text, candidates)


def test_the_indexed_rule_and_the_scan_agree_on_a_post_with_owners_named() -> None:
    text = "@QuenbyVarnow Quenby ok ok , @TarloZed Tarlo , ok , Marvik and @Selmar"
    candidates = [*_handles(text), (21, 26, EntityType.PERSON, 0.6, "person")]
    got = [(s, e) for s, e, _ in names_of_handles(text, candidates)]
    assert [text[s:e] for s, e in got] == ["Quenby", "Tarlo"]
    assert got == _reference(text, candidates)
