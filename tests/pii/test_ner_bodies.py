"""Organisations named by capitalised ordinary words are kept when their words take a body's shape,
and titles, terms, a body's parts and technical prose are not (veil.pii.ner_bodies, veil.pii.ner_spans).

Written from the failure class "NER typed an organisation ORG, Veil dropped it as ordinary words":
an institution's name that ends in its head ("... Rowing Club", "... Teachers Union",
"... Evening Times") read like a title of ordinary words, and one ordinary word that names a body
acting as one ("the Lantern reported", "Thistle's new app"). Every sentence here is invented.
"""

from __future__ import annotations

import pytest

from veil.pii.ner_bodies import INSTITUTION_HEADS, acts_as_a_named_body, names_a_body
from veil.pii.ner_spans import TextClues, may_be_a_name


def judged(text: str, fragment: str, label: str = "ORG") -> bool:
    start = text.index(fragment)
    return may_be_a_name(text, start, start + len(fragment), label, TextClues(text))


@pytest.mark.parametrize(
    ("text", "name"),
    [
        (
            "Last spring the Silver Harbour Rowing Club opened its boathouse to visitors.",
            "Silver Harbour Rowing Club",
        ),
        ("She was a shop steward with the Valley Teachers Union for a decade.", "Valley Teachers Union"),
        ("The story ran first in the Evening Lantern Times on a Sunday.", "Evening Lantern Times"),
        ("Our village hall was repaired with help from Open Water Commons.", "Open Water Commons"),
        (
            "He studied under Amos Pell at the Night Sky Journalism School in the north.",
            "Night Sky Journalism School",
        ),
        ("Cuts to the budget were announced by the Harbour Government on Friday.", "Harbour Government"),
        ("Two nurses from Northern Blood Services visited the clinic.", "Northern Blood Services"),
        ("Her uncle joined the Labour Party in 1962.", "Labour Party"),
    ],
)
def test_an_ordinary_words_body_ending_in_its_head_is_kept(text: str, name: str) -> None:
    assert judged(text, name)


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        # a rank or an ordinal opens a body's part: a chamber or a section, not a body's name
        ("The Grand Chamber delivered its ruling in the spring.", "Grand Chamber"),
        ("The file went to the Fourth Council for review.", "Fourth Council"),
        # "of" inside: a text or an officer of a body, not the body
        ("The hearing followed the Rules of Court to the letter.", "Rules of Court"),
        ("He wrote to the Delegate of the Council about the delay.", "Delegate of the Council"),
        ("The judge applied the Law on Harbour Police to the facts.", "Law on Harbour Police"),
        # two words ending in a kind of body: a common noun unless a public body
        ("They sent out a Search Party before nightfall.", "Search Party"),
        # after one word, a head that software and everyday prose write too
        ("Open the Help Center and choose a topic.", "Help Center"),
        ("The Tagged Union holds one of its variants.", "Tagged Union"),
        # no institution's head: a title of ordinary words stays dropped
        ("Her favourite album was Guilty Pleasures all summer.", "Guilty Pleasures"),
    ],
)
def test_a_part_a_rank_or_a_title_is_no_body(text: str, phrase: str) -> None:
    assert not judged(text, phrase)


def test_technical_prose_keeps_its_parts_out() -> None:
    text = "Call `start()` on the Worker Service, then the Event Union returns the handle."
    assert not judged(text, "Event Union")


def test_a_body_needs_the_org_label() -> None:
    text = "Last spring the Silver Harbour Rowing Club opened its boathouse to visitors."
    assert not judged(text, "Silver Harbour Rowing Club", label="WORK_OF_ART")


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ("Silver Harbour Rowing Club", True),
        ("Union of Quiet Readers", True),  # a head, then "of"
        ("LA Weekly", True),  # an outlet's head after an acronym
        ("Fifth Circuit", True),  # a court of appeals by its number
        ("Second Division", False),
        ("Tea Society", False),
        ("Royal Society", True),
        ("Department of Foreign Affairs, Advisers", False),  # a role listed after the name
        ("Club", False),  # one word: the head alone is no name
        ("Harbour rowing Club", False),  # a word in lower case: no name's shape
    ],
)
def test_names_a_body(words: str, expected: bool) -> None:
    assert names_a_body(words.split()) is expected


def test_institution_heads_hold_public_bodies_and_legal_forms() -> None:
    assert {"Council", "Club", "Commons", "Ltd", "GmbH"} <= INSTITUTION_HEADS
    assert "Group" not in INSTITUTION_HEADS  # "Working Group", "Focus Group": common nouns


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("Yesterday the Lantern reported a second leak at the plant.", "Lantern"),
        ("Owners of a phone from Thistle's new range can claim a refund.", "Thistle"),
        ("Mara Quill resigned as Harvest leader after the vote.", "Harvest"),
    ],
)
def test_an_ordinary_word_acting_as_a_body_is_kept(text: str, word: str) -> None:
    assert judged(text, word)


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("Lantern reported a second leak at the plant.", "Lantern"),  # a sentence's first word
        ("The leak was reported to the Court yesterday.", "Court"),  # a body's head alone
        ("He has written for Kettle since the spring.", "Kettle"),  # no body's act or possession
        ("The lantern went out. Later the Lantern reported a leak.", "Lantern"),  # a word the text writes
    ],
)
def test_an_ordinary_word_without_a_bodys_context_stays_out(text: str, word: str) -> None:
    assert not judged(text, word)


def test_a_bodys_word_in_technical_prose_stays_out() -> None:
    text = "Call `render()` first; the Canvas's buffer is then ready."
    assert not judged(text, "Canvas")


def test_acts_as_a_named_body() -> None:
    text = "Yesterday the Lantern reported a leak, the Court said."
    lantern = text.index("Lantern")
    court = text.index("Court")
    assert acts_as_a_named_body("Lantern", text, lantern, lantern + len("Lantern"))
    assert not acts_as_a_named_body("Court", text, court, court + len("Court"))
    assert not acts_as_a_named_body("lantern", text, lantern, lantern + len("Lantern"))


@pytest.mark.parametrize(
    "words",
    ["SUPER Shop SUPER Service", "BEST Pizza Place Club", "Quill Family Fun Center AMAZING Club"],
)
def test_an_ordinary_word_in_capitals_among_title_case_words_is_emphasis_not_a_body(words: str) -> None:
    assert not names_a_body(words.split())


@pytest.mark.parametrize(
    "words", ["KRVD Rowing Club", "ABC News", "Quill Valley Hockey Club", "Quillton BID Council"]
)
def test_an_acronym_beside_title_case_words_still_names_a_body(words: str) -> None:
    assert names_a_body(words.split())
