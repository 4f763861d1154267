"""Authors cited by name and year are persons: "Fitzgerald (1998)", "(Hartmann 2004; Okoye and
Lindqvist 2011)".

Written from the failure class "authors in academic and technical writing": the small model reads
a cited family name as an organisation, a law or a nationality, or misses it. Not an author: a
month or season, a place, a programming language, an ordinary word, a title after a
determiner. The names and sentences are invented for these tests; none comes from a corpus.
"""

from __future__ import annotations

import pytest

from veil.pii import EntityType, PiiEngine
from veil.pii.recognizers.person_citations import CitationFinder


def authors(text: str) -> list[str]:
    return [text[s:e] for s, e, _ in CitationFinder()(text)]


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("Quarmby (1998) proposed a second model.", ["Quarmby"]),
        ("As Tregunna et al. (2015) argue, the sample is small.", ["Tregunna"]),
        (
            "Earlier work (Ostrowska 2004; Adebayo and Lindgren 2011) found none.",
            ["Ostrowska", "Adebayo", "Lindgren"],
        ),
        ("This follows Okonjo's (2010) account (see van Reenen, 1998, p. 4).", ["Okonjo", "van Reenen"]),
        ("The method of Nakashima, Feldt and Osei (2003a) is used.", ["Nakashima", "Feldt", "Osei"]),
        ("Brown (2004) and Ashworth & Pellew (2001) disagree.", ["Brown", "Ashworth", "Pellew"]),
        ("As O'Dowd (1987) notes, it varies.", ["O'Dowd"]),
        ("It was measured twice (e.g. Nwosu-Whitfield, 2019).", ["Nwosu-Whitfield"]),
    ],
)
def test_cited_authors_are_found(text: str, want: list[str]) -> None:
    assert authors(text) == want


@pytest.mark.parametrize(
    "text",
    [
        "The games opened in Tokyo (2020) and closed (March 2004).",
        "We watched the Titanic (1997) and Jaws (1975).",
        "Windows (1995) changed desktops; Fortran (1957) came earlier.",
        "The season ended (Spring 2010) early.",
        "The museum opened in 1932 (after delays, 1931).",
        "The law (Act 1998) was amended (Section 12, 2004).",
        "Version 3.11 (2022) added exception groups; see PEP 654 (2021).",
        "Quarmby 1998 is no citation without a parenthesis.",
        "The total (Quarmby 12004) is a number, not a year.",
        "However, (2004) alone names no one.",
    ],
)
def test_no_author_where_there_is_none(text: str) -> None:
    assert authors(text) == []


@pytest.mark.parametrize(
    ("text", "want"),
    [
        # a co-author that is also a word is an author by the citation's form
        ("Reaction times fell (Dye & Vaskuri, 2010).", ["Dye", "Vaskuri"]),
        ("As Quarmby and Chin (2004) show, it holds.", ["Quarmby", "Chin"]),
        # ... but a sentence adverb before a narrative citation is not, nor a word before the name
        ("However, Quarmby (2004) disagrees.", ["Quarmby"]),
        ("As Quarmby (2004) notes, it varies.", ["Quarmby"]),
        # two family names, and a capitalised particle
        ("The forms, as Ibáñez Castaño (2011) reviews, vary.", ["Ibáñez Castaño"]),
        ("Using De Vecchis's (1984) terms, we call it so.", ["De Vecchis"]),
        # a citation of words only names no one
        ("Both (Dye & Chin, 2010) are words here.", []),
        ("Awards: All-Star (2015) and Rookie (2013).", []),
    ],
)
def test_the_citation_form_decides_ordinary_words(text: str, want: list[str]) -> None:
    assert authors(text) == want


def test_the_engine_finds_cited_authors(pii_engine: PiiEngine) -> None:
    text = "Prior estimates (Ostrowska 2004; Adebayo and Lindgren 2011) were lower."
    found = [text[e.start : e.end] for e in pii_engine.detect(text) if e.type == EntityType.PERSON]
    assert {"Ostrowska", "Adebayo", "Lindgren"} <= set(found)


# -- a text that cites people: authors whose names are English words ------------------------------


@pytest.mark.parametrize(
    ("text", "want"),
    [
        # one author a reader knows, cited the scholar's way, makes the others authors too, even
        # the first of a sentence
        (
            "As shown (Quarmby, 1998), the line breaks; Mallow (1983) noted the same.",
            ["Quarmby", "Mallow"],
        ),
        ("Prior work (Bracken, 2016; Ostrowska, 2015) disagrees.", ["Bracken", "Ostrowska"]),
        (
            "The chapter by Tusk and Furrow (2004) builds on Okonjo et al. (2010).",
            ["Tusk", "Furrow", "Okonjo"],
        ),
    ],
)
def test_authors_named_by_words_in_a_text_that_cites_people(text: str, want: list[str]) -> None:
    assert authors(text) == want


@pytest.mark.parametrize(
    ("text", "not_authors"),
    [
        ("Mallow (1983) was a wet year.", ["Mallow"]),  # no author a reader knows: the form is not enough
        ("Her films: Mallow (1983), Okonjo (2010).", ["Mallow"]),  # works and years, not the scholar's way
        ("However, Quarmby (1998) disagrees (Okonjo, 2010).", ["However"]),  # a word before a comma
    ],
)
def test_word_authors_need_a_citing_text_and_no_comma(text: str, not_authors: list[str]) -> None:
    assert not set(not_authors) & set(authors(text))


def test_a_cited_author_named_by_a_word_is_found_again(pii_engine: PiiEngine) -> None:
    text = "Mallow (1983) and others (Quarmby, 1998) differ. Mallow calls these cases links."
    found = [text[e.start : e.end] for e in pii_engine.detect(text) if e.type == EntityType.PERSON]
    assert found.count("Mallow") == 2


def test_the_last_word_of_a_titled_work_is_no_author() -> None:
    text = "She won for Seven Nights (1960) and wrote on Frame Semantics (1976) (Quarmby, 1998)."
    assert authors(text) == ["Quarmby"]
