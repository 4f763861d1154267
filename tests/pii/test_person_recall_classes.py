"""Failure classes of PERSON recall on independent prose, each tested with new sentences.

* a family name repeated after the full name, which the small model reads as a place or a firm
  ("Romelu Lukaku ... Lukaku scored"): the text's own full name says it is the person, unless the
  word is also a known place;
* authors of a citation that also has the shape of a firm ("(Brandt, Salazar, & Nakamura,
  2015)"), and authors before a year without a parenthesis ("such as Teixeira and Lund 2017") in
  a text that cites people;
* the one spoken to after a reporting verb ('"Not now," said Oksana to Wendeline.');
* characters of fiction by what only a body does ("Yorick grinned", "Ysolde winced"), what only
  a person has or undergoes ("Yorick's eyes", "she kissed Halvard"), and the part an actor plays
  ("cast as Dorran Velsky");
* a name set off by commas after a role ("Co-founder of Ardmore, Radek Novotny, met");
* a person thanked or taken leave of, in any case ("thanks obama", "Bye Capwin !");
* a known name in a text with no capital at all ("wow emma is so funny");
* initials without dots before a family name ("N S Okoro");
* a judge's style, whose "Justice" judgments write as part of the name ("Lord Justice Simon Brown").

The names and sentences are invented for these tests; none comes from a corpus.
"""

from __future__ import annotations

import pytest

from veil.pii import EntityType, PiiEngine
from veil.pii.recognizers.person_citations import CitationFinder


def persons(engine: PiiEngine, text: str) -> list[str]:
    return [text[e.start : e.end] for e in engine.detect(text) if e.type == EntityType.PERSON]


def authors(text: str) -> list[str]:
    return [text[s:e] for s, e, _ in CitationFinder()(text)]


@pytest.mark.parametrize(
    ("text", "later"),
    [
        (
            "The striker Tomasz Wrzesniak opened the scoring. Ten minutes later Wrzesniak hit the post.",
            "Wrzesniak",
        ),
        ("Daniela Oyelaran moved to Lagos in 1999. By 2004 Oyelaran had founded a school.", "Oyelaran"),
        ("Mei-Ling Takahara wrote poems as a child. Takahara stopped writing in 1931.", "Takahara"),
        ("At dawn we met Olusegun Adebambo. We followed Adebambo up the ridge.", "Adebambo"),
    ],
)
def test_a_repeated_family_name_stays_the_person(pii_engine: PiiEngine, text: str, later: str) -> None:
    found = persons(pii_engine, text)
    assert found.count(later) >= 1 and len([f for f in found if later in f]) >= 2


def test_a_repeated_name_that_is_also_a_place_may_stay_a_place(pii_engine: PiiEngine) -> None:
    text = "George Keller lived in Dublin. Later he left Dublin for good."
    assert "Dublin" not in persons(pii_engine, text)


@pytest.mark.parametrize(
    ("text", "want"),
    [
        (
            "as earlier work showed (Okonjo & Whitfield, 2011; Brandt, Salazar, & Nakamura, 2015).",
            ["Okonjo", "Whitfield", "Brandt", "Salazar", "Nakamura"],
        ),
        (
            "Replications (Marchetti, 2012), such as Teixeira and Lund 2017, are rare.",
            ["Marchetti", "Teixeira", "Lund"],
        ),
        ("One study (Obuya et al., 2001) and later Harrison 2009, found the same.", ["Obuya", "Harrison"]),
    ],
)
def test_citation_authors(text: str, want: list[str]) -> None:
    assert authors(text) == want


@pytest.mark.parametrize(
    "text",
    [
        # no citation of people elsewhere: a bare year says nothing
        "such as Teixeira and Lund 2017, the others agree.",
        # an event or a product with a year, beside a citation
        "The survey (Ferreira, 2008) was run at Expo 2016, and during Euro 2016.",
        "Servers ran Windows 2000 then (Okafor, 2011).",
    ],
)
def test_no_bare_author_without_the_citations_form(text: str) -> None:
    assert not {"Teixeira", "Lund", "Expo", "Euro", "Windows"} & set(authors(text))


def test_firm_shaped_citations_are_persons(pii_engine: PiiEngine) -> None:
    text = "The effect is robust (Brandt, Salazar, & Nakamura, 2015; Ilunga & Pereira, 2019)."
    assert {"Brandt", "Salazar", "Nakamura", "Ilunga", "Pereira"} <= set(persons(pii_engine, text))


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("I'm so tired! said Ilkka to Wendeline.", {"Ilkka", "Wendeline"}),
        ('"Where is it?" asked Tuomas to Radegund.', {"Tuomas", "Radegund"}),
        ('"Not tonight," whispered Zbyszko.', {"Zbyszko"}),
    ],
)
def test_the_speaker_and_the_one_spoken_to(pii_engine: PiiEngine, text: str, want: set[str]) -> None:
    assert want <= set(persons(pii_engine, text))


@pytest.mark.parametrize(
    "text", ['"Fine," said the clerk to Officials.', "Nothing was said to Parliament today."]
)
def test_no_person_spoken_to_without_a_name(pii_engine: PiiEngine, text: str) -> None:
    assert persons(pii_engine, text) == []


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("Yorick grinned and leaned back. Ondine frowned, then glanced at the door.", {"Yorick", "Ondine"}),
        ("Halvard stared at the map while Ysolde winced.", {"Halvard", "Ysolde"}),
        ("Frisco hesitated before he answered.", {"Frisco"}),
    ],
)
def test_characters_by_what_only_a_body_does(rules_engine: PiiEngine, text: str, want: set[str]) -> None:
    assert want <= set(persons(rules_engine, text))


@pytest.mark.parametrize(
    "text",
    [
        "The Committee frowned upon late filings.",
        "Engineering hesitated over the budget.",
        "The rope snapped.",
    ],
)
def test_no_character_from_an_ordinary_word(rules_engine: PiiEngine, text: str) -> None:
    assert persons(rules_engine, text) == []


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("In 2011 he was cast as Dorran Velsky in a pilot.", "Dorran Velsky"),
        ("She starred as Ilsabet Morrow in the stage version.", "Ilsabet Morrow"),
    ],
)
def test_a_part_played(rules_engine: PiiEngine, text: str, want: str) -> None:
    assert want in persons(rules_engine, text)


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("Co-founder of Ardmore, Radek Novotny, met with investors.", "Radek Novotny"),
        ("At dawn our guide, Olusegun Adebambo, met us at the gate.", "Olusegun Adebambo"),
        ("The agency's spokesperson, Ilse Vantongeren, declined to comment.", "Ilse Vantongeren"),
    ],
)
def test_a_name_set_off_by_commas_after_a_role(rules_engine: PiiEngine, text: str, want: str) -> None:
    assert want in persons(rules_engine, text)


@pytest.mark.parametrize(
    "text",
    [
        "The author of the study, Northwestern University, was cited.",
        "Like any developer, Visual Studio Code, the editor, helps.",
        "Its director, Brussels, was chosen.",
    ],
)
def test_no_person_between_commas_for_a_place_or_a_firm(rules_engine: PiiEngine, text: str) -> None:
    assert persons(rules_engine, text) == []


@pytest.mark.parametrize(
    ("text", "want"),
    [
        (
            "Low-cost drivers\n\nN S Okoro and R T Villanueva\n\nDepartment of Physics",
            ["N S Okoro", "R T Villanueva"],
        ),
        ("The results were checked by P K Ramachandran.", ["P K Ramachandran"]),
    ],
)
def test_initials_without_dots(rules_engine: PiiEngine, text: str, want: list[str]) -> None:
    assert persons(rules_engine, text) == want


@pytest.mark.parametrize("text", ["Run the A B Testing suite.", "The U S Army Corps", "Press X Y Zoom now."])
def test_no_initials_before_an_ordinary_word(rules_engine: PiiEngine, text: str) -> None:
    assert persons(rules_engine, text) == []


@pytest.mark.parametrize(
    ("text", "want"),
    [
        (
            "The Divisional Court (Lord Justice Simon Brown and Mr Justice Mance) agreed.",
            ["Justice Simon Brown", "Justice Mance"],
        ),
        ("The appeal was heard by Mrs Justice Okonkwo-Reid in March.", ["Justice Okonkwo-Reid"]),
    ],
)
def test_a_judges_style_keeps_justice(rules_engine: PiiEngine, text: str, want: list[str]) -> None:
    assert persons(rules_engine, text) == want


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("Yorick's eyes narrowed. Later, at Ysolde's funeral, nobody spoke.", {"Yorick", "Ysolde"}),
        ("She kissed Halvard and left. In 1921 he married Ysolde Brandt.", {"Halvard", "Ysolde Brandt"}),
        ("Tamsin's grandmother kept bees.", {"Tamsin"}),
    ],
)
def test_what_only_a_person_has_or_undergoes(rules_engine: PiiEngine, text: str, want: set[str]) -> None:
    assert want <= set(persons(rules_engine, text))


@pytest.mark.parametrize(
    "text",
    [
        "The Company's face changed. Europe's face has changed and Europe's voice too.",
        "Python's birthday is in February. The Module's parents are listed.",
    ],
)
def test_no_owner_from_a_figure_of_speech(rules_engine: PiiEngine, text: str) -> None:
    assert persons(rules_engine, text) == []


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("thanks obama ! and bye tanner", {"obama", "tanner"}),
        ("Well done Oyelaran, and shout out to Ilse for the cake.", {"Oyelaran", "Ilse"}),
        ("Bye Capwin ! see you next week", {"Capwin"}),
    ],
)
def test_a_person_thanked_or_taken_leave_of(rules_engine: PiiEngine, text: str, want: set[str]) -> None:
    assert want <= set(persons(rules_engine, text))


@pytest.mark.parametrize(
    "text",
    [
        "thanks again , thanks guys , thanks man , bye everyone , goodbye world , thanks for watching",
        "Good job Python maintainers. Bye Windows XP.",
    ],
)
def test_no_person_thanked_without_a_name(rules_engine: PiiEngine, text: str) -> None:
    assert persons(rules_engine, text) == []


def test_a_contraction_starts_no_owner(rules_engine: PiiEngine) -> None:
    text = "Who are you? I'm Tamsin's daughter, and we've Yorick's letters."
    found = persons(rules_engine, text)
    assert "Tamsin" in found and not any(f.startswith(("I'm", "we've")) for f in found)


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("wow emma is so funny and i wish im ryan lol", {"emma", "ryan"}),
        ("the true gender of bertram has been under debate for years", {"bertram"}),
    ],
)
def test_known_names_in_a_text_with_no_capital(rules_engine: PiiEngine, text: str, want: set[str]) -> None:
    assert want <= set(persons(rules_engine, text))


@pytest.mark.parametrize(
    "text",
    [
        "thanks for the update , the python release fixed my ruby gems and java jars",
        "lol that was so good xd , cant wait for the next one tbh",
        "while studying english and roman history at the university",
        # a text with capitals means its lower-case words as words
        "The bill was passed and the rose garden opened. See emma.toml for the settings.",
    ],
)
def test_no_lower_case_name_from_words(rules_engine: PiiEngine, text: str) -> None:
    assert persons(rules_engine, text) == []
