"""Names of software, classes and types in technical prose are no persons; people written in the
same positions still are.

Written from the failure class "PERSON false positives on identifier-free technical prose":
spaCy's small model (and the weak cues of the rule recognizers) read the names of programs and
of their parts as people: a package's name ("Matplotlib", "Sympy"), an abbreviation without
vowels ("Rc", "Tk"), a class in camel case that starts like a name's prefix ("DataFrame"), an
acronym glued to a word ("CPython"), a word the text also writes in lower case or in the plural
("Keyword" ... "keywords"), a word before an identifier or a kind of software ("the Starlette
_Lifespan class", "Jupyter environments"), the owner of a method ("the push method defined on
Vec"). The programs, classes and sentences here are invented for these tests; none comes from a
corpus.
"""

from __future__ import annotations

import re
import sys

import pytest

from veil.pii import EntityType, PiiEngine
from veil.pii.ner_spans import TextClues, may_be_a_name
from veil.pii.recognizers.person_cues import _KINSHIP, PersonCueFinder, is_camel_case
from veil.pii.recognizers.persons import is_plausible_name
from veil.pii.vocabulary import is_ordinary_word


def judged(text: str, fragment: str, label: str = "PERSON") -> bool:
    """:func:`may_be_a_name` of the first occurrence of ``fragment`` in ``text``."""
    start = text.index(fragment)
    return may_be_a_name(text, start, start + len(fragment), label, TextClues(text))


def persons(engine: PiiEngine, text: str) -> list[str]:
    return [text[e.start : e.end] for e in engine.detect(text) if e.type == EntityType.PERSON]


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("The settings are read once and shared throughout Plotolib.", "Plotolib"),
        ("Rewrites rely on Symbopy simplification of the bounds.", "Symbopy"),
        ("Commands are declared with Buildutils and run in order.", "Buildutils"),
        ("Unlike Rc, the cell type allows one owner only.", "Rc"),
        ("Frames are children of Tk until they are placed.", "Tk"),
        ("Pass a Ptr when the buffer is shared.", "Ptr"),
    ],
)
def test_a_program_shaped_word_is_no_name(text: str, word: str) -> None:
    assert not judged(text, word)
    assert not judged(text, word, "GPE")


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("The labels are copied into FrameTable.meta before saving.", "FrameTable.meta"),
        ("Results are stored in Grid.cells and read back later.", "Grid.cells"),
        ("The rows of the Series or DataFrame are kept.", "DataFrame"),
        ("Each LaserBeam keeps its own origin.", "LaserBeam"),
    ],
)
def test_an_attribute_or_a_camel_case_class_is_no_name(text: str, word: str) -> None:
    assert not judged(text, word)


@pytest.mark.parametrize("name", ["McDonald", "LeBron", "MacArthur", "DeShawn", "DiMaggio"])
def test_a_name_prefix_before_one_capital_stays_a_name(name: str) -> None:
    assert judged(f"The report was written by {name} last week.", name)
    assert not is_camel_case(name)


@pytest.mark.parametrize("word", ["DataFrame", "DeltaTable", "MacroBlock", "LaserBeam", "VanillaOption"])
def test_camel_case_after_a_name_prefix_is_code(word: str) -> None:
    assert is_camel_case(word)


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("This is a copy of the Hollowbridge _DefaultHandler class, kept for old callers.", "Hollowbridge"),
        ("Call the Quillon read_table function with a path.", "Quillon"),
        ("The lookup calls the iter method defined on Vec before sorting.", "Vec"),
        ("Use the len function of Strang to count the bytes.", "Strang"),
        ("Rendering works on Windows, Unix and Jupiter environments alike.", "Jupiter"),
        ("Old arguments break the app on Werkhaus upgrades.", "Werkhaus"),
        ("Similarly, keywords (Keyword) and operators share a colour.", "Keyword"),
        ("The lexer splits tuples early; Tuples are then merged.", "Tuples"),
    ],
)
def test_a_program_named_by_the_words_around_it_is_no_name(text: str, word: str) -> None:
    assert not judged(text, word)


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        ("The table is drawn for display in Jupiter Notebooks only.", "Jupiter Notebooks"),
        ("Register it with the Orbit Plugins before start.", "Orbit Plugins"),
    ],
)
def test_a_phrase_ending_in_a_kind_of_software_is_no_person(text: str, phrase: str) -> None:
    assert not judged(text, phrase)


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("We asked the architect Zaha Hadid about the plans.", "Zaha Hadid"),
        ("Please ask Jupiter Jones to sign the form.", "Jupiter Jones"),
        ("Dr. Vec Rahman will see you on Monday.", "Vec Rahman"),
        ("The meeting with Anna Field ran long.", "Anna Field"),
        ("Thanks to Ed Ng for the review.", "Ed Ng"),
        ("The package was signed for by Greta Lindqvist.", "Greta Lindqvist"),
    ],
)
def test_people_in_the_same_positions_stay_names(text: str, name: str) -> None:
    assert judged(text, name)


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("We asked the architect Zaha Hadid about the plans.", "Zaha Hadid"),
        ("Please ask Jupiter Jones to sign the form.", "Jupiter Jones"),
        ("Dr. Vec Rahman will see you on Monday.", "Vec Rahman"),
        ("The cheque was signed by Marta Kowalczyk and Ed Ng.", "Ed Ng"),
    ],
)
def test_the_engine_still_finds_people_in_such_positions(pii_engine: PiiEngine, text: str, name: str) -> None:
    assert any(name in found for found in persons(pii_engine, text))


@pytest.mark.parametrize(
    "text",
    [
        "Toplevel widgets are Tk and Toplevel; other widgets are frames.",
        "Compound dtypes such as List and Struct are not supported yet.",
        "Both Node and Edge were renamed; node and edge objects are kept.",
    ],
)
def test_two_terms_after_a_weak_cue_are_no_list_of_people(text: str) -> None:
    assert list(PersonCueFinder()._lists(text)) == []


@pytest.mark.parametrize(
    "text",
    [
        "Both Tamsin and Oleksandr were at the meeting.",
        "Guests are Wiremu and Ngaio this year.",
    ],
)
def test_two_people_after_a_weak_cue_stay_a_list_of_people(text: str) -> None:
    assert len(list(PersonCueFinder()._lists(text))) == 2


@pytest.mark.parametrize("value", ["CPython", "HTTPServer", "XMLReader", "Jane CPython"])
def test_an_acronym_glued_to_a_word_is_no_plausible_name(value: str) -> None:
    assert not is_plausible_name(value)


@pytest.mark.parametrize("value", ["Jane McDonald", "JOHN Smith", "DeShawn O'Neil", "Ana DJ Silva"])
def test_names_with_capitals_stay_plausible(value: str) -> None:
    assert is_plausible_name(value)


def test_a_field_of_a_program_is_no_person(pii_engine: PiiEngine) -> None:
    text = "On CPython 3.11 it returns {'name': 'CPython', 'version': '3.11'}."
    assert persons(pii_engine, text) == []


@pytest.mark.parametrize(
    "word", ["Subdomain", "superclass", "Hyperparameters", "Metaclass", "multithreading"]
)
def test_a_technical_compound_of_a_prefix_and_a_word_is_ordinary(word: str) -> None:
    assert is_ordinary_word(word)


@pytest.mark.parametrize("word", ["Subhash", "Unwin", "Cohen", "Interlandi", "Superville"])
def test_names_that_start_like_a_prefix_are_not_made_ordinary(word: str) -> None:
    assert not is_ordinary_word(word)


@pytest.mark.parametrize(
    "text",
    ["It keeps the original NAME = Marker('NAME') call.", 'Set "author": Builder("x") before the run.'],
)
def test_a_call_after_a_label_is_no_person(pii_engine: PiiEngine, text: str) -> None:
    assert persons(pii_engine, text) == []


def test_a_label_still_names_a_person_before_a_parenthesis_with_a_space(pii_engine: PiiEngine) -> None:
    text = "Customer: Marta Kowalczyk (new account), please call back."
    assert "Marta Kowalczyk" in persons(pii_engine, text)


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("Convert a Tensorflow tensor to an array.", "Convert a Tensorflow"),
        ("Build an Orbit graph from the rows.", "Build an Orbit"),
    ],
)
def test_a_span_with_an_article_inside_is_no_person(text: str, span: str) -> None:
    assert not judged(text, span)


def test_a_word_the_text_writes_as_a_lower_case_attribute_is_no_name() -> None:
    text = "In the expression E.slot the original Slot was made by assignment."
    assert not judged(text, "Slot")


@pytest.mark.parametrize(
    "text",
    [
        "Write to jan.quillfeather@example.org, Quillfeather said.",
        "See www.quillfeather.example for it; Quillfeather agreed.",
    ],
)
def test_a_word_of_a_mail_address_or_host_is_not_written_lower(text: str) -> None:
    assert "quillfeather" not in TextClues(text).lower_anywhere


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("She won the prize for Best Actress in 1961.", []),
        ("The jury named him Best Director twice.", []),
        ("Cheers Everyone Loves a Parade was the headline.", []),
        ("Thanks for the help.\nBest,\nAnneliese Vortmann", ["Anneliese Vortmann"]),
        ("See you soon. Cheers, Joaquina", ["Joaquina"]),
        ("Dear Ottilie, the file is attached.", ["Ottilie"]),
    ],
)
def test_best_and_cheers_sign_off_only_before_a_comma_or_a_line_break(
    rules_engine: PiiEngine, text: str, found: list[str]
) -> None:
    assert persons(rules_engine, text) == found


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Use it with Adaptive Clipping (together with Fast Gradient and Ghost Clipping).", []),
        ("The tool combines Deep Search, Quick Sort and Lazy Loading.", []),
        (
            "The panel was Ottilie Brandvik, Joaquina Ferrante and Anneliese Vortmann.",
            ["Ottilie Brandvik", "Joaquina Ferrante", "Anneliese Vortmann"],
        ),
    ],
)
def test_a_list_of_terms_made_of_ordinary_words_names_no_one(
    rules_engine: PiiEngine, text: str, found: list[str]
) -> None:
    assert persons(rules_engine, text) == found


@pytest.mark.parametrize(
    ("text", "names", "cue"),
    [
        ("Yesterday my son Tavish came home.", ["Tavish"], None),
        ("HER BEST FRIEND Ines phoned.", ["Ines"], None),
        ("The enemy son Tavish left; anthem Oru played.", [], None),
        ("A cat Named Miso sat there.", ["Miso"], "Named"),
        ("They had a dog called Pip, and the name's Orla.", ["Pip", "Orla"], "called"),
        ("Their neighbour, Quillon Marsh, waved.", ["Quillon Marsh"], None),
    ],
)
def test_kinship_and_naming_cues_open_at_a_word_start_in_any_case(
    text: str, names: list[str], cue: str | None
) -> None:
    found = list(_KINSHIP.finditer(text))
    assert [m.group("name") for m in found] == names
    # "naming" starts one letter into its cue word (the regex scans for first letters)
    cues = [text[m.start("naming") - 1 : m.end("naming")] for m in found if m.group("naming")]
    assert cues == ([] if cue is None else [cue])


def test_the_kinship_scan_starts_from_every_letter_its_words_may_start_with() -> None:
    # _KINSHIP starts with a class of first letters (for a fast scan) in front of case-blind words:
    # the class must hold every character that a case-blind first letter of its words matches
    first = re.compile(r"(?i:[mohtync])")
    needed = [chr(c) for c in range(sys.maxunicode + 1) if first.fullmatch(chr(c))]
    letters = re.compile(_KINSHIP.pattern[: _KINSHIP.pattern.index("]") + 1])
    assert len(needed) >= 14
    assert [ch for ch in needed if not letters.fullmatch(ch)] == []
