"""A given name alone, as people write it online: spoken to ("Brandon, you should ..."), or after
a greeting, thanks, praise, a wish or a mourning word ("shoutout to Derek", "rip Gordon", "happy
birthday Natalie"); and a name before the pronoun "I" is no first half of a longer name ("so
mean to Emily I can't believe it").

Written from the failure class "first names alone in comments and chat"; the sentences are
invented here.
"""

from __future__ import annotations

import pytest

from veil.pii import EntityType, PiiConfig, PiiEngine
from veil.pii.recognizers.first_names import FirstNameFinder
from veil.pii.recognizers.person_address import is_addressed

T = EntityType


def _people(engine: PiiEngine, text: str) -> set[str]:
    return {text[e.start : e.end] for e in engine.detect(text) if e.type == T.PERSON}


@pytest.fixture(scope="module")
def rules() -> PiiEngine:
    return PiiEngine(PiiConfig(ner=False))


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Melissa, you nailed that cover", "Melissa"),
        ("Brandon you should upload more often", "Brandon"),
        ("loved it. Priscilla your voice is unreal", "Priscilla"),
        ("thank you Rachel for the tips", "Rachel"),
        ("rip Gordon, absolute legend", "Gordon"),
        ("happy birthday Natalie!! have the best day", "Natalie"),
        ("shoutout to Derek for the edit", "Derek"),
        ("great video Megan! learned a lot", "Megan"),
        ("props to Vanessa for filming this", "Vanessa"),
        ("Good luck Martina, you got this", "Martina"),
        ("he was so mean to Emily I cant believe it", "Emily"),
    ],
)
def test_a_first_name_spoken_to_or_greeted_is_a_person(rules: PiiEngine, text: str, name: str) -> None:
    assert name in _people(rules, text)


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("Kelsey you should dye it again", "Kelsey"),
        ("Kelsey, you should dye it again", "Kelsey"),
        ("ok. Kelsey pls dye it again", "Kelsey"),
        ("hey, Kelsey", "Kelsey"),
        ("rip Kelsey", "Kelsey"),
        ("Happy Birthday Kelsey", "Kelsey"),
        ("my girl Kelsey did it", "Kelsey"),
    ],
)
def test_is_addressed(text: str, word: str) -> None:
    start = text.index(word)
    assert is_addressed(text, start, start + len(word))


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("We met Kelsey at the station", "Kelsey"),  # no cue: the finder's weak score stands
        ("the ship Kelsey you saw", "Kelsey"),  # not at a sentence's start
        ("grip Kelsey", "Kelsey"),  # "rip" inside another word
    ],
)
def test_no_cue_no_address(text: str, word: str) -> None:
    start = text.index(word)
    assert not is_addressed(text, start, start + len(word))


def test_the_weak_score_stays_without_a_cue() -> None:
    finder = FirstNameFinder()
    assert list(finder("We met Kelsey at the station")) == [(7, 13, 0.45)]
    assert list(finder("shoutout to Kelsey for it")) == [(12, 18, 0.7)]


@pytest.mark.parametrize(
    "text",
    [
        "May you all have a lovely week",  # a month or a wish, not a name
        "Tuesday you said it would rain",
        "Grace you are given is not earned",  # a word that is also a given name needs more
    ],
)
def test_a_word_that_is_no_plain_given_name_is_not_addressed(rules: PiiEngine, text: str) -> None:
    first = text.split()[0]
    assert first not in _people(rules, text)


@pytest.mark.parametrize(
    "text",
    [
        "Hi, I'm new here and need help",
        "Thanks, you're the best",
        "Happy Birthday America",
        "goodnight Asia, see you tomorrow",
        "rip Twitter, it was fun",
        "hey guys whats up",
        "my boy tho is crazy",
        "shoutout to everyone who came",
    ],
)
def test_a_cue_before_no_name_finds_no_person(rules: PiiEngine, text: str) -> None:
    assert _people(rules, text) == set()


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("my boy Zorvath did that again", "Zorvath"),
        ("great stream Quillon! see you tomorrow", "Quillon"),
        ("Jaiveer, you are so talented", "Jaiveer"),
        ("happy birthday lauren have a great one", "lauren"),
    ],
)
def test_a_name_no_gazetteer_knows_after_a_cue(rules: PiiEngine, text: str, name: str) -> None:
    assert name in _people(rules, text)


def test_the_word_spoken_to_ends_right_before_you() -> None:
    # "you" two lines down does not make the end of the salutation's line a vocative
    text = "Dear Dr. Zorvath,\n\nI would be grateful if you could call"
    assert list(FirstNameFinder()(text)) == []
    assert list(FirstNameFinder()("Zorvath, you could call")) == [(0, 7, 0.5)]


def _addressed(text: str) -> list[str]:
    from veil.pii.recognizers.person_address import addressed_names

    known = FirstNameFinder()._known_lower
    return [text[s:e] for s, e, _ in addressed_names(text, known)]


@pytest.mark.parametrize(
    "text",
    [
        "Yo you up?",  # the cue itself opens the sentence
        "Srsly you guys need to stop",  # chat slang before "you"
        "hey Mods you around?",  # a forum's role
        "thanks Mom for the lift",  # a relative
        "Periodt you right about that",
    ],
)
def test_a_cue_slang_a_role_or_a_relative_is_no_one_addressed(text: str) -> None:
    assert _addressed(text) == []


@pytest.mark.parametrize(
    ("text", "name"), [("Zorvyn, you are so kind", "Zorvyn"), ("great video Quillon!", "Quillon")]
)
def test_an_unknown_name_spoken_to_is_still_addressed(text: str, name: str) -> None:
    assert _addressed(text) == [name]


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("The cabin was spotless and warm. Thanks again Quenby. PS. the view is great", "Quenby"),
        ("See the photos below. Thank you so much Tarlo!", "Tarlo"),
        ("ok will call tomorrow. talk to you later Brannoc", "Brannoc"),
        ("Posted by natalie at 10:14 PM", "natalie"),
    ],
)
def test_a_sign_off_or_a_byline_names_the_writer(rules: PiiEngine, text: str, name: str) -> None:
    assert name in _people(rules, text)


@pytest.mark.parametrize(
    "text",
    [
        "Thanks again Python for the clear error message.",  # an English word after the thanks
        "Posted by admin at 10:14 PM",  # a role, no name
        "Written by hand in 1890, the letter survives.",
    ],
)
def test_a_sign_off_before_a_word_names_no_one(rules: PiiEngine, text: str) -> None:
    assert _people(rules, text) == set()
