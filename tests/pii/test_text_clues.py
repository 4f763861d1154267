"""The text clues' patterns open with a character class (a C skip to it) and test the word start
after it: they must find what the first patterns, which opened with the look-behind, found.

The first patterns are written out here as the reference; hypothesis draws texts of the words,
letters (the case-blind "\u0130", "\u0131", "\u017f" among them), digits and punctuation the
patterns read, and every pattern must find the same (``findall``, and ``CODE_WORD.match`` at
every position, as ``program_code`` asks it).
"""

from __future__ import annotations

import re
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from veil.pii import text_clues
from veil.pii.ner_spans import names_among
from veil.pii.program_code import in_code
from veil.pii.recognizers.common import wordset
from veil.pii.text_clues import TextClues

_KINDS = text_clues._SOFTWARE_KINDS
_REFERENCE: dict[str, re.Pattern[str]] = {
    "_LOWER_WORD": re.compile(
        r"(?<![\w'\u2019-])(?i:a|an|the|this|that|these|those|each|every|any|some|its|our|your|their|no)"
        r"[ \t]+"
        r"([^\W\d_A-Z\u00c0-\u00de]+)(?![\w'\u2019-])"
    ),
    "CODE_WORD": re.compile(
        r"(?<![\w'\u2019-])([A-Z][A-Za-z0-9]*)(?=::|<(?:[A-Z&'\[(]|[a-z]\w*[,>])|\()"
        r"|(?:::|&)([A-Z][A-Za-z0-9]*)"
    ),
    "_PROGRAM_PART": re.compile(
        r"(?<![\w'\u2019-])([A-Z][A-Za-z0-9]*)(?:,?[ \t]+(?:and|or)[ \t]+([A-Z][A-Za-z0-9]*))?[ \t]+"
        r"(?:structs?|types?|traits?|enums?|class(?:es)?|interfaces?|methods?|variants?|modules?|crates?|macros?|instances?|objects?|fields?|attributes?|keywords?"
        r"|namespaces?|constructors?|values?|generics?|implementations?|annotations?|decorators?|exceptions?"
        r"|widgets?|standard|letters?|characters?|alphabet|script|encodings?|codecs?|protocols?|specification"
        r"|syntax|format" + _KINDS + r")(?![\w'\u2019-])"
    ),
    "_BEFORE_IDENTIFIER": re.compile(
        r"(?<![\w'\u2019-])([A-Z][A-Za-z0-9]*)[ \t]+(?=_+[A-Za-z]|[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b"
        r"|[a-z]+[A-Z]|[A-Za-z]\w*\.[a-z_])"
    ),
    "_PART_OWNER": re.compile(
        r"(?<![\w'\u2019-])(?:methods?|functions?|attributes?|fields?|properties|property|operators?|traits?)"
        r"(?:[ \t]+(?:defined|implemented|declared|provided|available))?"
        r"[ \t]+(?:on|for|of)[ \t]+(?:the[ \t]+)?"
        r"([A-Z][A-Za-z0-9]*)(?![\w'\u2019-])"
    ),
    "_CAMEL_WORD": re.compile(r"(?<![\w'\u2019-])[A-Z][a-z0-9]+(?:[A-Z][a-z0-9]+)+(?![\w'\u2019-])"),
    "_AFTER_ARTICLE": re.compile(
        r"(?<![\w'\u2019-])(?:[Aa]|[Aa]n)[ \t]+([A-Z][\w'\u2019-]*)(?![\w'\u2019-])"
    ),
}

# pieces of text the patterns read: determiners in odd cases, capitalised and camel-case words,
# kinds of program parts, identifiers, and the characters around a word's start
_PIECES = sorted(
    wordset(
        """
        a an An AN the The THE tHe this That these THOSE each Every any ANY some SOME its ITS our Our
        your YOUR their no No NO aN anY eaCh Vec Rc Config Post MutexGuard StreamExt Jupyter Keras String
        Box Some A B Xy
        struct type traits class enum method modules value standard letters models API SDKs method functions
        defined on for of the and or read_csv _Default ctx.obj ioErr option string cat \u00e9lan zoo x y
        :: < > ( & , . ' - _ @ / 7 i32
        """
    )
    # case-blind "i" and "s" in other letters
    | {"th\u0130s", "\u0131ts", "\u0130TS", "\u017fome", "\u017fOME", "\u2019"}
)
_GLUE = st.sampled_from([" ", " ", " ", "", "\t", "\n", "  ", ", "])


@st.composite
def _texts(draw: st.DrawFn) -> str:
    pieces = draw(st.lists(st.sampled_from(_PIECES), min_size=1, max_size=14))
    return "".join(piece + draw(_GLUE) for piece in pieces)


@pytest.mark.parametrize("name", sorted(_REFERENCE))
def test_the_reference_is_the_first_pattern_less_its_opening(name: str) -> None:
    # the check below is against the first patterns, not a copy of the new ones
    assert getattr(text_clues, name).pattern != _REFERENCE[name].pattern


@settings(max_examples=400, deadline=None)
@given(_texts())
def test_every_clue_pattern_finds_what_the_first_one_found(text: str) -> None:
    for name, reference in _REFERENCE.items():
        assert getattr(text_clues, name).findall(text) == reference.findall(text), name


@settings(max_examples=200, deadline=None)
@given(_texts())
def test_a_code_word_matches_where_the_first_pattern_matched(text: str) -> None:
    for at in range(len(text) + 1):
        new, old = text_clues.CODE_WORD.match(text, at), _REFERENCE["CODE_WORD"].match(text, at)
        assert (new and new.span()) == (old and old.span())


@pytest.mark.parametrize(
    ("text", "lower", "articled"),
    [
        ("Use the option and a Draft of an Rc.", {"option"}, {"Draft", "Rc"}),
        ("THE string, \u017fome value, \u0130TS field; xthe cat", {"string", "value", "field"}, set()),
        # an article before a capital of another script is not read ([A-Z]): "Élan" stays out
        ("Theory of a\tPost-Office and an  Élan", set(), {"Post-Office"}),
    ],
)
def test_invented_sentences(text: str, lower: set[str], articled: set[str]) -> None:
    clues = TextClues(text)
    assert clues.written_lower == lower
    assert clues.after_article == articled


def test_program_parts_and_code_words() -> None:
    clues = TextClues("the Config struct, the len function of Quenby, MutexGuard and Rc<T> in Box::new(x)")
    assert {"Config", "Quenby", "Mutex", "Guard"} <= clues.program_parts
    assert {"Rc", "Box"} <= clues.written_as_code


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="ab `\n.:<C", max_size=60), st.data())
def test_code_marks_found_once_agree_with_a_count(text: str, data: st.DataObject) -> None:
    clues = TextClues(text)
    for start in range(len(text)):
        end = data.draw(st.integers(start, len(text)))
        assert in_code(text, start, end, clues) == in_code(text, start, end)


def test_inline_code_is_found_by_bisection_on_one_long_line() -> None:
    def seconds(n: int) -> float:
        text = ("Formica fusca lived `Rc` here. " * (n // 31 + 1))[:n]
        spans = [(m.start(), m.end(), "PERSON") for m in re.finditer(r"[A-Z][a-z]+", text)]
        started = time.process_time()
        names_among(text, spans)
        return time.process_time() - started

    seconds(1_000)
    small, large = seconds(40_000), seconds(160_000)
    # four times the text, four times the work: counting backticks from the line's start for every
    # span (and judging the language once per span) was quadratic, 16 times
    assert large < 8 * small + 0.3, (small, large)
