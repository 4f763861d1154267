"""Words a text names as software or a programming language by what it says around them.

Technical prose names libraries, languages and algorithms in capitals ("Opacus", "Pascal",
"Adam") and spaCy's small model labels them PERSON, ORG or GPE; some are also first names. What
marks them is their context, not their spelling:

* a list after a kind of software or a language: "languages like Pascal and Ada", "optimisers
  such as Adam", "frameworks including Flask";
* a possessive before code or an interface: "Opacus's `max_grad_norm`", "Thinc's API";
* a method as a computation's instrument or told to converge: "optimized with Adam", "minimised
  using Nelder-Mead", "the original Adam can fail to converge";
* a verb at a sentence's start, as docstrings write them ("Returns FX-evaluable repr", "Lex
  `code` with ..."): the capitalised word is a verb, the span no name.

:class:`veil.pii.text_clues.TextClues` gathers the lists once per text (:func:`kind_lists`,
:func:`named_as_software`); :mod:`veil.pii.ner_spans` asks :func:`owns_code`,
:func:`opens_with_a_verb` and :func:`before_inline_code` of one span.
"""

from __future__ import annotations

import re
from functools import cache

from veil.pii.data import LAST_NAMES, load_list
from veil.pii.recognizers.common import wordset
from veil.pii.vocabulary import is_ordinary_word, known_names

__all__ = [
    "before_inline_code",
    "is_technical",
    "kind_lists",
    "named_as_software",
    "opens_with_a_verb",
    "owns_code",
]

# Words of programming that ordinary prose seldom writes in lower case: two of them in a text mark
# it technical (a docstring, a manual), where a capitalised word nobody knows as a place is a
# program's or a term's name ("the validation logic required by Opacus ... a namespace to hold
# registered validators").
_TECHNICAL_WORDS = wordset(
    """
    api apis namespace namespaces parameter parameters kwargs args argument arguments attribute attributes
    subclass subclasses superclass iterator iterators iterable iterables callable callables callback callbacks
    decorator decorators tensor tensors gradient gradients optimizer optimizers optimiser optimisers compiler
    compilers interpreter parser parsers lexer lexers tokenizer tokenizers runtime runtimes backend backends
    boolean booleans integer integers dtype dtypes dataframe dataframes validator validators serializer
    serializers schema schemas docstring docstrings pragma pragmas builtin builtins identifier identifiers
    regex regexes stdout stderr stdin coroutine coroutines subprocess subprocesses kernel kernels struct
    structs enum enums closure closures macro macros traceback tracebacks bytecode metadata mutex mutexes
    async constructor constructors getter setter setters instantiation instantiate instantiated subclassing
    typecheck config configs plugin plugins repo repos middleware endpoint endpoints utf unicode ascii json
    yaml toml xml csv boolean kwarg param params func funcs lambda lambdas
    """
)

# Kinds of software, languages and methods whose examples a text lists after "like", "such as",
# "including", "e.g.": "languages like Pascal", "optimisers such as Adam".
_SOFTWARE_KINDS = wordset(
    """
    languages library libraries frameworks toolkits tools packages modules optimizers optimisers algorithms
    solvers schedulers formats editors IDEs browsers databases compilers interpreters lexers parsers backends
    engines runtimes dialects
    """
)
# "like", "such as", "including", "e.g." after a word: where a list of a kind's examples starts.
_LIST_CUE = re.compile(r"[ \t](?:like|such[ \t]+as|including|e\.g\.,?|i\.e\.,?)[ \t]+")
_KIND_BEFORE = re.compile(r"(?<![\w-])([A-Za-z]+)$")
# The examples: capitalised words joined as a list, "the" allowed ("the DAB and the FTU").
_EXAMPLES = re.compile(
    r"(?:the[ \t]+)?[A-Z][\w+#&.-]*"
    r"(?:(?:,[ \t]+|,?[ \t]+(?:and|or)[ \t]+)(?:the[ \t]+)?[A-Z][\w+#&.-]*){0,12}"
)
_EXAMPLE_WORD = re.compile(r"[A-Z][\w+#&-]*")


# A method named as the instrument of a computation ("optimized with Adam", "minimised using
# Nelder-Mead", "solved via Gurobi"): no person is what a quantity is computed with. "with" only
# after verbs of computing (one trains *with* a coach, but optimises with an algorithm).
_INSTRUMENT = re.compile(
    r"(?<![\w-])(?:(?:optimi[sz]ed|minimi[sz]ed|maximi[sz]ed|solved|computed|approximated|sampled|fitted"
    r"|estimated|regulari[sz]ed|initiali[sz]ed|tokeni[sz]ed|encrypted|hashed|compressed)"
    r"[ \t]+(?:with|using|via)"
    r"|(?:trained|implemented|built|compiled|generated|rendered|parsed|encoded|decoded)[ \t]+(?:using|via))"
    r"[ \t]+(?:the[ \t]+)?([A-Z][\w+#&-]*)"
)
# A method whose behaviour is told as a computation's: "the original Adam can fail to converge",
# "Lanczos converges slowly" (people converge on a place, never alone before an adverb or a stop)
_CONVERGES = re.compile(
    r"(?<![\w'\u2019.-])([A-Z][\w+#&-]*)[ \t]+(?:(?:can|may|might|will|would|does|did)[ \t]+(?:not[ \t]+)?)?"
    r"(?:(?:fails?|failed)[ \t]+to[ \t]+converge|converges|diverges|overfits|underfits)(?![\w-])"
)


def kind_lists(text: str) -> tuple[tuple[str, frozenset[str]], ...]:
    """Each list of examples after a kind in ``text``: (the kind's word, the capitalised words
    listed): "languages like Pascal and Ada" gives ("languages", {"Pascal", "Ada"}). Found from
    the cues ("like", "such as" ...) alone: one fast scan of the text, then a look at each cue.
    A method named as a computation's instrument or told to converge ("optimized with Adam",
    "Adam can fail to converge") is listed as an algorithm: ("algorithms", {"Adam"})."""
    found = []
    for cue in _LIST_CUE.finditer(text):
        kind = _KIND_BEFORE.search(text, max(0, cue.start() - 24), cue.start())
        examples = _EXAMPLES.match(text, cue.end())
        if kind is not None and examples is not None:
            found.append((kind.group(1), frozenset(_EXAMPLE_WORD.findall(examples.group()))))
    if "ed " in text or "using" in text or " via " in text or "verge" in text or "fits" in text:
        methods = {m.group(1) for m in _INSTRUMENT.finditer(text)}
        methods.update(m.group(1) for m in _CONVERGES.finditer(text))
        if methods:
            found.append(("algorithms", frozenset(methods)))
    return tuple(found)


def named_as_software(lists: tuple[tuple[str, frozenset[str]], ...]) -> frozenset[str]:
    """The words listed as examples of a kind of software, language or algorithm (``lists`` from
    :func:`kind_lists`)."""
    return frozenset(w for kind, words in lists if kind in _SOFTWARE_KINDS for w in words)


# A possessive before inline code or an interface: "Opacus's `max_grad_norm`", "Thinc's API".
_POSSESSIVE_OF_CODE = re.compile(
    r"(?:'s|\u2019s|')[ \t]+(?:own[ \t]+)?(?:`|APIs?\b|SDKs?\b|CLI\b|source[ \t]+code\b)"
    r"|[ \t]+(?:APIs?|SDKs?|CLI)\b"
)


def owns_code(text: str, end: int) -> bool:
    """The word ending at ``end`` owns inline code or an interface: "Opacus's `max_grad_norm`",
    "Thinc's API", "the Vexlo API" (its name qualifies a program's interface)."""
    return _POSSESSIVE_OF_CODE.match(text, end) is not None


# Where a sentence or a list item starts: the text's start, after a full stop, a colon, a line
# break or a bullet ("o  ", "- ", "* ").
_SENTENCE_END = re.compile(r"(?:^|[.!?:;\n]|(?:^|\n)[ \t]*(?:[-*\u2022o]|\d+[.)]))[ \t\"'(]*$")


@cache
def _family_names() -> frozenset[str]:
    return load_list(LAST_NAMES)


def opens_with_a_verb(text: str, start: int, words: list[str]) -> bool:
    """The span starts a sentence with a verb in the third person, as a docstring's summary does
    ("Returns FX-evaluable repr", "Creates Foo objects"): its first word is an ordinary word, an
    "-s" or "-es" form of another ordinary word, and no known first or family name ("Sears",
    "Banks", "Evans" are)."""
    first = words[0]
    if len(words) < 2 or not first.endswith("s") or first in known_names() or first in _family_names():
        return False  # "Sears Holdings", "Banks Mining": a family name, no verb
    stem = first[:-2] if first.endswith("es") and not is_ordinary_word(first[:-1]) else first[:-1]
    if not (is_ordinary_word(first) and is_ordinary_word(stem)):
        return False
    return _SENTENCE_END.search(text, max(0, start - 12), start) is not None


# Inline code right after a word: "Lex `code` with the lexer" (a verb or a qualifier of code).
_INLINE_CODE_AFTER = re.compile(r"[ \t]+`[^`\n]+`")


def before_inline_code(text: str, end: int) -> bool:
    """Inline code in backticks follows the span on the same line: "Lex `code`", "Wrap `model`"."""
    return _INLINE_CODE_AFTER.match(text, end) is not None


def is_technical(lower_words: frozenset[str]) -> bool:
    """Two or more words of programming (:data:`_TECHNICAL_WORDS`) among the words a text writes
    in lower case: a technical text."""
    return len(_TECHNICAL_WORDS & lower_words) >= 2
