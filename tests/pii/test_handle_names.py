"""A handle's owner called by the name the handle spells, in the same post
(:mod:`veil.pii.recognizers.handle_names`).

Written from the failure class "a reply calls the person it addresses by their handle's name"
("@DeclanHarmon Declan , ..."); the handles, names and posts are invented here.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings

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
