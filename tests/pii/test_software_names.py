"""Software, languages and algorithms named in technical prose are no names
(veil.pii.recognizers.software_names, veil.pii.ner_spans), and names beside such prose still are.

Written from the failure class "library and language names in docstrings read as PERSON, ORG or
LOCATION": a package, a language or an optimiser named by its context (a list after its kind, a
possessive before code, the kind of its parts after it), a docstring's verb opening a span, a
word before inline code, a known first name in a list of identifiers. Every sentence here is
invented for these tests.
"""

from __future__ import annotations

import pytest

from veil.pii.ner_spans import TextClues, may_be_a_name
from veil.pii.recognizers.software_names import (
    before_inline_code,
    kind_lists,
    named_as_software,
    opens_with_a_verb,
    owns_code,
)


def judged(text: str, fragment: str, label: str = "PERSON") -> bool:
    start = text.index(fragment)
    return may_be_a_name(text, start, start + len(fragment), label, TextClues(text))


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("Some languages like Simula and Modula are strict about nesting.", "Simula"),
        ("Some languages like Simula and Modula are strict about nesting.", "Modula"),
        ("Toy optimisers such as Florence, Nadia or Lion differ in their momentum.", "Florence"),
        ("Toy optimisers such as Florence, Nadia or Lion differ in their momentum.", "Nadia"),
        ("It ships lexers for formats including Brenda and Quill.", "Brenda"),
        ("We reuse Zephyrix's `clip_norm` value.", "Zephyrix"),
        ("This mirrors Marlowe's API, but takes fewer arguments.", "Marlowe"),
    ],
)
def test_a_word_named_as_software_by_its_context_is_no_name(text: str, word: str) -> None:
    assert word in named_as_software(kind_lists(text)) or owns_code(text, text.index(word) + len(word))
    for label in ("PERSON", "ORG", "GPE"):
        assert not judged(text, word, label)


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("The sketch uses the same interface as Quorvex models do.", "Quorvex"),
        ("Apply the Brantel LR schedulers after each epoch.", "Brantel LR"),
        ("Call the Vexlo API with a token.", "Vexlo"),
        ("Register custom Plimsoll lexers before use.", "Plimsoll"),
    ],
)
def test_a_word_before_the_kind_of_a_librarys_part_is_no_name(text: str, word: str) -> None:
    assert not judged(text, word, "ORG")


@pytest.mark.parametrize(
    "text",
    [
        "Returns FX-evaluable repr for the given placement.",
        "Loads Quorvex weights from the cache.",
        "o  Computes Brantel scores for every row.",
    ],
)
def test_a_docstrings_verb_opening_a_span_makes_no_name(text: str) -> None:
    fragment = " ".join(text.lstrip("o ").split()[:2])
    start = text.index(fragment)
    assert opens_with_a_verb(text, start, fragment.split())
    assert not judged(text, fragment)


def test_a_family_name_ending_in_s_opening_a_sentence_stays_a_name() -> None:
    text = "Evans Morgan signed the lease on Monday."
    assert not opens_with_a_verb(text, 0, ["Evans", "Morgan"])
    assert judged(text, "Evans Morgan")
    text = "Banks Quarry Holdings filed its accounts late."
    assert not opens_with_a_verb(text, 0, ["Banks", "Quarry", "Holdings"])


def test_a_word_before_inline_code_is_no_name() -> None:
    text = "Tokenise `source` with the `lexer` and return its tokens."
    assert before_inline_code(text, len("Tokenise"))
    text = "Frobnicate `source` with the `lexer` and return its tokens."
    assert not judged(text, "Frobnicate")


def test_a_known_first_name_between_identifiers_is_code() -> None:
    text = "Supported: 'plain' SGD, Adam, and AdaGrad."
    assert not judged(text, "Adam")


def test_a_known_first_name_beside_a_program_part_stays_a_name() -> None:
    text = "Adam and the Config struct were both updated by the team."
    assert judged(text, "Adam")


def test_a_span_holding_a_languages_name_is_a_term() -> None:
    text = "This needs support for WebAssembly JavaScript Promise Integration in the browser."
    assert not judged(text, "WebAssembly JavaScript Promise Integration", "ORG")
    assert judged("She joined the Python Software Foundation in May.", "Python Software Foundation", "ORG")


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Some people like Simon Marsh and Nadia Kowalczyk came by.", "Simon Marsh"),
        ("Thanks to Marta Lindqvist's review, the patch landed.", "Marta Lindqvist"),
        ("Contact Priya Raman about the invoice.", "Priya Raman"),
    ],
)
def test_names_in_ordinary_prose_stay_names(text: str, name: str) -> None:
    assert judged(text, name)


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("Compilers for older dialects such as Ada and Rexx exist.", "Ada"),
        ("Wrap the graph, then Lex `fn` with the tracer.", "Lex"),
        ("Calls go through Jasper's API first.", "Jasper"),
    ],
)
def test_the_first_name_finder_skips_a_word_named_as_software(text: str, word: str) -> None:
    # a known first name alone is a weak candidate; its context here says it is a program's name
    from veil.pii.recognizers.first_names import FirstNameFinder

    finder = FirstNameFinder()
    assert word in finder.first  # a first name the gazetteer knows, or the test tests nothing
    assert word not in {text[s:e] for s, e, _ in finder(text)}


def test_the_first_name_finder_keeps_a_name_spoken_to() -> None:
    from veil.pii.recognizers.first_names import FirstNameFinder

    text = "Thanks for checking the parser, Jasper!"
    assert "Jasper" in {text[s:e] for s, e, _ in FirstNameFinder()(text)}


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("Parameters that are not scaled will be optimized with Quorvex instead.", "Quorvex"),
        ("The loss is minimised using Tarvelin before each step.", "Tarvelin"),
        ("The first Brantel can fail to converge on sparse inputs.", "Brantel"),
        ("In our runs Marlowe converges within ten iterations.", "Marlowe"),
    ],
)
def test_a_method_named_as_a_computations_instrument_is_no_name(text: str, word: str) -> None:
    assert word in named_as_software(kind_lists(text))
    for label in ("PERSON", "ORG", "GPE"):
        assert not judged(text, word, label)


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("He trained with Quorvex at the club every morning.", "Quorvex"),  # one trains with a person
        ("The crowd converged on Tarvelin after the match.", "Tarvelin"),
    ],
)
def test_a_person_beside_a_verb_of_computing_stays_a_name(text: str, word: str) -> None:
    assert word not in named_as_software(kind_lists(text))
