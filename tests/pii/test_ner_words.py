"""NER spans that no name is by how the text writes them (:mod:`veil.pii.ner_words`): a chat word,
a stray bracket or an ellipsis, a verb and its article, a modifier of a noun of people.

Written from the failure classes "chat words and stretched words typed ORG/PERSON", "spans that
run over punctuation", "sentence-initial verb phrases typed ORG" and "a people's or a place's
word before 'women'/'dude' typed ORG"; every sentence is invented here.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from veil.pii.data import FIRST_NAMES, LAST_NAMES, load_list
from veil.pii.ner_spans import may_be_a_name
from veil.pii.ner_words import is_broken_span, is_chat_span, opens_a_clause, qualifies_people
from veil.pii.recognizers.chat_words import is_chat_word, is_stretched


def _judge(text: str, fragment: str, label: str) -> bool:
    start = text.index(fragment)
    return may_be_a_name(text, start, start + len(fragment), label)


@pytest.mark.parametrize("word", ["Brilll", "Yesss", "Sooo", "nooo", "Gooood", "Wowww"])
def test_a_stretched_word_is_a_chat_word(word: str) -> None:
    assert is_stretched(word)
    assert is_chat_word(word)


@pytest.mark.parametrize(
    "word", ["Aaaqil", "iDubbbz", "AAAAB", "Hannah", "Bubba", "Otto", "Anna", "Brill", "Muppets"]
)
def test_names_and_handles_are_not_stretched(word: str) -> None:
    assert not is_stretched(word)


def test_no_known_name_is_stretched() -> None:
    names = load_list(FIRST_NAMES) | load_list(LAST_NAMES)
    assert not [n for n in names if is_stretched(n)]


@pytest.mark.parametrize(
    ("text", "fragment", "label"),
    [
        ("We lost the match again. Duh. Next week then.", "Duh", "ORG"),
        ("I read the whole thread last night. Sooooo. What now?", "Sooooo", "ORG"),
        ("Great effort from the whole squad out there! Brilll. See you Sunday.", "Brilll", "PERSON"),
    ],
)
def test_a_chat_word_is_no_name_whatever_its_label(text: str, fragment: str, label: str) -> None:
    assert is_chat_span(fragment)
    assert not _judge(text, fragment, label)


def test_a_known_name_is_no_chat_span() -> None:
    assert not is_chat_span("Maria")
    assert not is_chat_span("Brilll Cafe")


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("Find the memo (KPI draft).pdf)(Open it before Monday.", "KPI draft).pdf)(Open"),
        ("We build portals, shops, browser MMORPG ... etc", "MMORPG ... etc"),
        ("Our menu has Soups \u2026 Salads for lunch.", "Soups \u2026 Salads"),
    ],
)
def test_a_span_over_a_stray_bracket_or_an_ellipsis_is_no_name(text: str, fragment: str) -> None:
    assert is_broken_span(fragment)
    assert not _judge(text, fragment, "ORG")


@pytest.mark.parametrize("fragment", ["Acme Holdings (UK", "Dr. Smith", "Jones & Co.", "A.B.C. Ltd"])
def test_names_with_brackets_or_dots_are_not_broken(fragment: str) -> None:
    assert not is_broken_span(fragment)


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("Put the GoPro on the roof of the van.", "Put the GoPro"),
        ("Grab a Kindle before the trip.", "Grab a Kindle"),
        ("Watch the Knicks tonight with us.", "Watch the Knicks"),
    ],
)
def test_a_verb_and_its_article_open_no_name(text: str, fragment: str) -> None:
    assert opens_a_clause(fragment.split())
    assert not _judge(text, fragment, "ORG")


@pytest.mark.parametrize(
    "fragment", ["Alfred the Great", "Winnie the Pooh", "Bank of America", "Catherine the Great"]
)
def test_a_name_with_an_article_inside_is_no_clause(fragment: str) -> None:
    assert not opens_a_clause(fragment.split())


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("Two of the Zarqi women sang at the wedding.", "Zarqi"),
        ("Then this Kaloran dude walks in with a parrot.", "Kaloran"),
        ("Several Vellish villagers left before winter.", "Vellish"),
    ],
)
def test_a_word_before_a_noun_of_people_is_no_organisation(text: str, fragment: str) -> None:
    start = text.index(fragment)
    assert qualifies_people(text, start + len(fragment))
    assert not _judge(text, fragment, "ORG")


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("Zentrix employees walked out on Friday.", "Zentrix"),
        ("The merger with Zentrix closed in May.", "Zentrix"),
        ("Zentrix said its women's team would tour.", "Zentrix"),
    ],
)
def test_an_organisation_before_other_words_is_kept(text: str, fragment: str) -> None:
    start = text.index(fragment)
    assert not qualifies_people(text, start + len(fragment))


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(sorted(load_list(FIRST_NAMES))[:4000]))
def test_a_first_name_before_a_verb_phrase_stays_possible(name: str) -> None:
    # a name that opens a span is no ordinary word, so "<Name> the Great" opens no clause
    assert not opens_a_clause([name, "the", "Great"])


def test_a_made_up_word_that_opens_with_a_run_is_no_chat_span() -> None:
    assert not is_chat_span("Aaaex")
    assert is_chat_span("Hahaha")


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("We waited for an hour, and Nobody said a word after that.", "Nobody"),
        ("We kept the receipts, the bags, the boxes, Enough said. Then we left.", "Enough"),
    ],
)
def test_a_pronoun_or_quantifier_that_says_something_is_no_body(text: str, fragment: str) -> None:
    assert not _judge(text, fragment, "ORG")


@pytest.mark.parametrize(
    "text", ["Factor the matrix first. It returns L and U in one array.", "Solve for Q before the loop."]
)
def test_a_single_letter_is_no_organisation(text: str) -> None:
    letter = "U" if " U " in text else "Q"
    assert not _judge(text, letter, "ORG")


def test_a_single_letter_acting_as_a_body_stays_one() -> None:
    assert _judge("Last week the platform owner X said it would charge for access.", "X", "ORG")


@pytest.mark.parametrize(
    ("text", "fragment", "label"),
    [
        ("Floods again in #Vellmark Deepest sympathy to all the families", "Vellmark Deepest", "PERSON"),
        ("#QRT Charity Swimathon starts at noon , come along", "QRT Charity Swimathon", "ORG"),
    ],
)
def test_a_hashtag_run_on_into_the_post_is_no_name(text: str, fragment: str, label: str) -> None:
    assert not _judge(text, fragment, label)


def test_a_name_after_a_hashtag_elsewhere_stays_possible() -> None:
    assert _judge("#tbt with Marta Kowalczyk at the lake", "Marta Kowalczyk", "PERSON")


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("A day pass costs 5 Dravmas, a week 7,5 Dravmas.", "Dravmas"),
        ("We ordered 3 Calzonis and a salad.", "Calzonis"),
    ],
)
def test_a_word_counted_by_a_number_is_no_person(text: str, fragment: str) -> None:
    assert not _judge(text, fragment, "PERSON")


def test_a_known_name_after_a_number_stays_possible() -> None:
    assert _judge("Room 12 Maria will see you now.", "Maria", "PERSON")
