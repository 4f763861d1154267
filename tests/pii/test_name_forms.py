"""Names by a form the other rules missed: a family name with an elided or hyphened particle
("d'Ettorre", "al-Sabunji"), initials then particles after a title ("Mrs M. van der Velde"), a
role or a calling before a name ("grammarian Ozrin Belmor", "the Marquis de Vantrosk"), a reading
list's "Family, Given." lines, a known name in lower case before a verb of people.

Written from the failure classes of the dev corpora's misses; the names and sentences are
invented here (given names the gazetteer knows, family names made up).
"""

from __future__ import annotations

import pytest

from veil.pii import EntityType, PiiEngine

T = EntityType


def _people(engine: PiiEngine, text: str) -> set[str]:
    return {text[e.start : e.end] for e in engine.detect(text) if e.type == T.PERSON}


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("The study was led by Maria d'Quelvandt at the institute.", "Maria d'Quelvandt"),
        ("Her uncle Ozrin al-Tavaščić ran the shop for years.", "Ozrin al-Tavaščić"),
        ("It is unclear why d'Vantrosk would have agreed to it.", "d'Vantrosk"),
        ("The applicant was represented by Mrs M. van der Quelvandt, a lawyer.", "M. van der Quelvandt"),
        ("Mr J. de la Vantrosk and Dr A. K. Belmor attended.", "J. de la Vantrosk"),
    ],
)
def test_names_with_particles(rules_engine: PiiEngine, text: str, name: str) -> None:
    assert name in _people(rules_engine, text)


@pytest.mark.parametrize(
    "text",
    [
        "We flew to Côte d'Ivoire and then visited the Musée d'Orsay.",
        "Try the hors d'oeuvres before the main course.",
        "The al-Qaeda network was named in the report.",
    ],
)
def test_places_and_words_with_particles_are_no_persons(rules_engine: PiiEngine, text: str) -> None:
    assert _people(rules_engine, text) == set()


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("He studied under the grammarian Ozrin Belmor in Rome.", "Ozrin Belmor"),
        ("The novel by the laureate Ydrisse Kovanu depicts those times.", "Ydrisse Kovanu"),
        ("It was drawn by illustrator Thorvek Quelvandt last year.", "Thorvek Quelvandt"),
        ("The Marquis de Vantrosk commissioned the portrait.", "de Vantrosk"),
    ],
)
def test_a_calling_before_a_name(rules_engine: PiiEngine, text: str, name: str) -> None:
    assert name in _people(rules_engine, text)


def test_a_reading_list_names_its_authors(rules_engine: PiiEngine) -> None:
    text = "Good ones:\n\nBelmor, Maria. The Quiet Valley\nKovanu, Thomas James. A History of Salt\n"
    assert {"Belmor, Maria", "Kovanu, Thomas James"} <= _people(rules_engine, text)


@pytest.mark.parametrize(
    "text",
    ["Atlanta, Georgia. The office opens at nine.", "Melbourne, Victoria. A fine day for it."],
)
def test_a_town_and_its_state_is_no_reading_list(rules_engine: PiiEngine, text: str) -> None:
    assert _people(rules_engine, text) == set()


@pytest.mark.parametrize(
    ("text", "name"),
    [("i think nina said it first.", "nina"), ("then cormac had given us the key.", "cormac")],
)
def test_a_known_name_in_lower_case_before_a_verb_of_people(
    rules_engine: PiiEngine, text: str, name: str
) -> None:
    assert name in _people(rules_engine, text)


@pytest.mark.parametrize(
    "text", ["the officer said that the car was red.", "then the dog died and the cat lived."]
)
def test_ordinary_words_before_a_verb_are_no_names(rules_engine: PiiEngine, text: str) -> None:
    assert _people(rules_engine, text) == set()


@pytest.mark.parametrize(
    ("text", "name"),
    [("Mr Key promoted the campaign.", "Key"), ("Mrs Ward and Dr. West agreed.", "Ward")],
)
def test_a_family_name_that_is_a_common_word_after_a_title(
    rules_engine: PiiEngine, text: str, name: str
) -> None:
    assert name in _people(rules_engine, text)


@pytest.mark.parametrize(
    "text", ["Mr. President, thank you.", "The Lord Chancellor spoke.", "Dear Sir, hello."]
)
def test_a_role_after_a_title_is_no_name(rules_engine: PiiEngine, text: str) -> None:
    assert _people(rules_engine, text) == set()


@pytest.mark.parametrize(
    ("text", "name", "not_name"),
    [
        # initials end before the next sentence's first word
        ("The applicant sued Mr Q.V. She maintained that the contract was void.", "Q.V.", "Q.V. She"),
        ("The court convicted the applicant and Ö.T. The applicant appealed.", None, "Ö.T. The"),
    ],
)
def test_initials_before_a_sentence_start(
    rules_engine: PiiEngine, text: str, name: str | None, not_name: str
) -> None:
    found = _people(rules_engine, text)
    assert not_name not in found
    if name is not None:
        assert name in found


def test_initials_of_two_letters_inside_a_name(rules_engine: PiiEngine) -> None:
    text = "The application was lodged by Thomas K.W. Vantrosk, an Irish citizen."
    assert "Thomas K.W. Vantrosk" in _people(rules_engine, text)


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Cold news: Wikinews interviews Ydrisse Kovanu on a new sea anemone.", "Ydrisse Kovanu"),
        ("He was injured and replaced by Thorvek Quelvandt in the 40th minute.", "Thorvek Quelvandt"),
        ("The mayor was succeeded by Ozrin Belmor in 2004.", "Ozrin Belmor"),
    ],
)
def test_a_person_as_the_object_of_a_verb_of_news(rules_engine: PiiEngine, text: str, name: str) -> None:
    assert name in _people(rules_engine, text)


def test_a_place_defeated_is_no_person(rules_engine: PiiEngine) -> None:
    assert _people(rules_engine, "Germany defeated Brazil in the semi-final.") == set()


def test_a_chain_of_names_around_a_joined_particle(rules_engine: PiiEngine) -> None:
    text = "Her father Ozrin Belmor Ahmed al-Vantrosk Kovanu Belmor was a merchant from the coast."
    assert "Ozrin Belmor Ahmed al-Vantrosk Kovanu Belmor" in _people(rules_engine, text)


def test_a_nationality_after_a_verb_of_news_is_no_person(rules_engine: PiiEngine) -> None:
    text = "Wikinews interviews Israeli mathematician and writer Ydrisse Kovanu."
    found = _people(rules_engine, text)
    assert "Israeli" not in found
    assert "Ydrisse Kovanu" in found


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("For the applicants: Mr D. Vantrosk QC and Ms Ydrisse Kovanu KC, counsel.", "D. Vantrosk QC"),
        ("For the applicants: Mr D. Vantrosk QC and Ms Ydrisse Kovanu KC, counsel.", "Ydrisse Kovanu KC"),
        ("Thomas Belmor Esq. and the firm agreed to it.", "Thomas Belmor Esq."),
    ],
)
def test_a_barristers_rank_after_a_name_is_part_of_it(rules_engine: PiiEngine, text: str, name: str) -> None:
    assert name in _people(rules_engine, text)


@pytest.mark.parametrize(
    "text",
    [
        "The Judge Advocate was appointed by the Chief Naval Judge Advocate.",
        "He was advised by the Office of the Attorney General last year.",
    ],
)
def test_an_office_after_a_title_or_a_role_is_no_name(rules_engine: PiiEngine, text: str) -> None:
    assert _people(rules_engine, text) == set()


@pytest.mark.parametrize(
    ("text", "name", "not_name"),
    [
        ("The protege of Pope Ozrin I, who died in 384, was a scholar.", "Ozrin I", None),
        ("Thanks Maria Belmor I'm here now.", None, "Maria Belmor I"),
        ("Then Elizabeth Vantrosk I never said it.", None, "Elizabeth Vantrosk I"),
    ],
)
def test_a_regnal_one_before_a_comma(
    rules_engine: PiiEngine, text: str, name: str | None, not_name: str | None
) -> None:
    found = _people(rules_engine, text)
    if name is not None:
        assert name in found
    if not_name is not None:
        assert not_name not in found


@pytest.mark.parametrize(
    "text",
    [
        "THANK YOU EVERYBODY FOR COMING",
        "Thank you SO much for the help",
        "hey OK see you at ten",
        "Signed BY THE BOARD",
        "Dear MS WHOEVER,",
    ],
)
def test_a_greeting_before_a_word_in_capitals_gives_no_one_letter_name(
    rules_engine: PiiEngine, text: str
) -> None:
    # the salutation and signature patterns took the capital that begins a word in capitals
    assert not {name for name in _people(rules_engine, text) if len(name) == 1}


@pytest.mark.parametrize(
    ("text", "name"), [("Thanks Orvella, see you.", "Orvella"), ("Hi Dremon!", "Dremon")]
)
def test_a_greeting_still_names_whom_it_greets(rules_engine: PiiEngine, text: str, name: str) -> None:
    assert name in _people(rules_engine, text)


@pytest.mark.parametrize(
    "text",
    [
        "The study found that healthy ants die sooner in the nest.",
        "In the trial, sick bees die faster than the rest.",
    ],
)
def test_two_english_words_in_lower_case_are_no_name(rules_engine: PiiEngine, text: str) -> None:
    # "Ants"/"Bees" are given names and "Die"/"Faster" family names somewhere; written in lower
    # case, two words that are both English words are the words
    assert _people(rules_engine, text) == set()


def test_a_lower_case_name_with_one_english_word_is_still_a_name(rules_engine: PiiEngine) -> None:
    assert "maria garcia" in _people(rules_engine, "my friend maria garcia called twice.")


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Lieutenant Orsolak Photo: Press Office.", "Orsolak"),
        ("Captain Verhoeven Image: Dana Pell.", "Verhoeven"),
    ],
)
def test_a_captions_label_before_a_colon_is_no_part_of_a_name(
    rules_engine: PiiEngine, text: str, name: str
) -> None:
    found = _people(rules_engine, text)
    assert name in found
    assert not any(word in person for person in found for word in ("Photo", "Image"))
