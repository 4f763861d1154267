"""A name that a pronoun of persons right after it refers to is a person's
(veil.pii.recognizers.person_pronouns, read by person_cues), and the life events of
veil.pii.recognizers.person_verbs after a lone family name make it one (person_context).

Written from the failure class "a family name used alone, where the excerpt lacks the full name":
", who" / ", whose" / "herself" / "himself" after it, or "was re-elected", "had written" ...
Names are invented from syllables (tests/pii/invented_names.py); every sentence is invented.
"""

from __future__ import annotations

from hypothesis import given, settings

from veil.pii.recognizers.person_context import PersonContextFinder
from veil.pii.recognizers.person_cues import PersonCueFinder
from veil.pii.recognizers.person_pronouns import PRONOUN_SCORE, pronoun_names

from .invented_names import invented_names

_CUES = PersonCueFinder()
_CONTEXT = PersonContextFinder()


def _found(text: str) -> set[str]:
    return {text[s:e] for s, e, _ in pronoun_names(text)}


@settings(max_examples=25, deadline=None)
@given(invented_names(), invented_names())
def test_a_pronoun_of_persons_after_a_name_makes_it_a_person(name: str, other: str) -> None:
    for text in (
        f"{name}, who chaired the inquiry, declined to comment.",
        f"The report reached {name}, whose last book sold poorly.",
        f"Nobody expected it. {name} herself opened the door.",
        f"In 1904 {name} himself wrote to the council.",
        f"{name} {other}, who chaired the inquiry, declined to comment.",
    ):
        spans = list(pronoun_names(text))
        assert spans, text
        assert all(score == PRONOUN_SCORE for *_, score in spans)
    assert _found(f"{name} {other}, who chaired it, left.") == {f"{name} {other}"}
    text = f"Later that year {name}, who left early, wrote again."
    assert name in {text[s:e] for s, e, _ in _CUES(text)}  # the person_cue recognizer reads it


@settings(max_examples=25, deadline=None)
@given(invented_names())
def test_no_person_where_the_pronoun_may_refer_to_another_word(name: str) -> None:
    for text in (
        f"The {name}, who had crossed the river, camped there.",  # a determiner: a group or a thing
        f"She spoke to former members of {name}, who helped her leave.",  # the members, not the group
        f"Officials, who asked not to be named, confirmed the count near {name}.",  # an ordinary word
        f"Monday, who knows, may bring rain to {name}.",  # a common capitalised word
        f"{name}, which lies on the coast, is a port.",  # a thing's pronoun
        f"{name} told herself it was fine.",  # reflexive of the verb, not of the name
    ):
        assert name not in _found(text), text
    assert not _found("Catholics, who were many, met.")  # a people's or a faith's word


@settings(max_examples=25, deadline=None)
@given(invented_names())
def test_a_life_event_after_a_lone_family_name_makes_it_a_person(name: str) -> None:
    for text in (
        f"{name} was re-elected in the spring.",
        f"As early as 1931, {name} had written to the ministry.",
        f"After the vote {name} resigned.",
        f"{name} was knighted the following year.",
    ):
        assert name in {text[s:e] for s, e, _ in _CONTEXT(text)}, text


@settings(max_examples=25, deadline=None)
@given(invented_names())
def test_a_life_owned_after_a_lone_family_name_makes_it_a_person(name: str) -> None:
    for text in (
        f"The book was forgotten until after {name}'s death in 1890.",
        f"In {name}'s memoirs the war takes two chapters.",
        f"He stayed with {name}'s nephew for a year.",
    ):
        assert name in {text[s:e] for s, e, _ in _CONTEXT(text)}, text
