"""Whether a text is written in another language than English, told by its function words.

spaCy's small English model reads a Spanish or Portuguese post as English: it takes a capitalised
first word ("Estrella nunca falla", "¡ Les invitamos"), an article and its noun ("el Atlético") or
a run of lower-case words ("nas minhas redes") for a person or a place. Its NER spans in such a
text are no evidence of a name; :mod:`veil.pii.ner_spans` keeps only those that other evidence
backs (a known name, a place after a locative), and the rules, which read names by their own
cues, are untouched ("vamos Leo Messi" keeps its person where a rule finds it).

A text is *foreign* (:func:`is_foreign`) when its words include at least :data:`_LEAST` function
words of Spanish, Portuguese, French, Italian or German that English never writes
(:data:`FOREIGN_WORDS`: "el", "los", "não", "mais", "avec", "della", "und") and more of them than
English function words (:data:`_ENGLISH_WORDS`). Function words are the commonest words of any
text, so a short post in either language holds several; names of English text that carry a
foreign particle ("Cinco de Mayo", "Leonardo da Vinci", "Vasco da Gama") add one or two, never
more than the English words around them. Words that both languages write ("a", "no", "me", "come",
"sin", "son", "die") count for neither; an inverted "¡" or "¿", which only Spanish writes, counts
as a foreign word. The test reads at most the first :data:`_SAMPLE`
characters, word by word, and runs only for a text with NER spans to judge.
"""

from __future__ import annotations

import re

from veil.pii.vocabulary import known_names

__all__ = ["FOREIGN_WORDS", "foreign_word", "is_foreign", "names_in_a_foreign_text", "read_in_a_foreign_text"]


def _words(spaced: str) -> frozenset[str]:
    return frozenset(spaced.split())


#: function words of Spanish, Portuguese, French, Italian and German (articles, prepositions,
#: conjunctions, pronouns, common adverbs and auxiliaries) that are no English words
FOREIGN_WORDS = _words(
    """
    de en el los las les del al una unos unas y o que qué porque pero muy más mas también tambien ya
    hoy aquí aqui siempre nunca todo todos toda todas este esta estos estas ese esa eso es está
    esta están son fue ser estar hay tiene tengo con sin para por como cómo cuando donde dónde
    nos vos su sus mi mis tu tus lo le se te yo él ella ellos nosotros ustedes usted buen buena
    bueno gracias hola feliz mucho bien sobre entre hasta desde
    quem em um uma uns umas os as da das do dos na nas no nos num numa pelo pela pelos pelas com sem
    pra para não nao sim muito muita muitos mais também ainda já hoje aqui sempre nunca você
    voce vocês meu minha meus minhas seu sua seus suas nosso nossa ele ela eles elas é são foi
    está estão tem ter ser isso isto esse essa este esta obrigado obrigada parabéns valeu
    le la les des du au aux un une et ou où est sont était avec dans sur pour par pas mais plus
    très tres aussi encore déjà aujourd ici toujours jamais je tu il elle nous vous ils elles
    ce cette ces mon ma mes ton ta tes son sa ses leur leurs qui quoi merci bonjour c'est
    il lo la gli le della delle dello degli di dei nel nella nei con per che non sono è ha
    hanno anche ancora oggi sempre mai questo questa quello quella grazie ciao
    der die das den dem des ein eine einen einem einer und oder nicht ist sind war mit von zu
    für auf aus bei nach über ich du er sie wir ihr auch noch schon heute immer danke
    """
)

# Words both English and one of these languages write, or that English text holds for other
# reasons ("la" of "la la land", "die", "son", "come", "me", "no", "a", "as", "us", "do", "be"):
# they count for neither side.
_SHARED = _words(
    """
    a o as da do no me come son sin die den war mit bei has is on in an am by to so se te tu
    ma sa ta mi mas la le lo il ha ein os um ser para al del nos todo con per di par pour em
    sim ya na num et est encore elle ce mon ton aus er y sus yo nas com das non hay es
    """
)

# English function words: articles, pronouns, prepositions, conjunctions, auxiliaries.
_ENGLISH_WORDS = _words(
    """
    the and of to in on at for from with by about into over after before between through
    i you he she we they it me him her us them my your his our their its this that these those
    is are was were be been being am have has had do does did will would can could should
    shall may might must not no yes what who whom whose which when where why how there here
    an a if or but so than then just also very too all any some every each more most much
    many other such only own same few out up down off again once now today tonight tomorrow
    yesterday get got go going gone see saw love like great good new thanks thank please
    """
)

FOREIGN_ONLY = FOREIGN_WORDS - _SHARED - _ENGLISH_WORDS
ENGLISH_ONLY = _ENGLISH_WORDS - _SHARED

# at least this many foreign function words: one is a name's particle ("Vasco da Gama"), not a language
_LEAST = 3
# The language of a post is told by its opening: a long text is judged on its first characters only,
# so the test costs the same for a tweet and a book.
_SAMPLE = 1000
_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")


def foreign_word(word: str) -> bool:
    """A function word of another language that English never writes (any case: "Les", "les")."""
    return word.lower() in FOREIGN_ONLY


# The last text judged and the verdict: the engine's NER step and the span filters
# (TextClues.foreign) ask of the same text in turn.
_last: tuple[str, bool] = ("", False)


def is_foreign(text: str) -> bool:
    """The text's function words are mostly those of another language (see the module's text),
    judged on its first :data:`_SAMPLE` characters (once for the same text asked again)."""
    global _last
    last = _last
    if last[0] is not text:
        last = _last = (text, _judged(text))
    return last[1]


def _judged(text: str) -> bool:
    sample = text[:_SAMPLE]
    words = _WORD.findall(sample.lower())
    foreign = (
        sum(1 for word in words if word in FOREIGN_ONLY) + sample.count("\u00a1") + sample.count("\u00bf")
    )
    if foreign < _LEAST:
        return False
    return foreign > sum(1 for word in words if word in ENGLISH_ONLY)


def read_in_a_foreign_text(text: str, start: int, end: int) -> tuple[int, int] | None:
    """What is left of the English model's NER span ``text[start:end]`` in a foreign text: the
    span less the function words at its edges ("el Atlético" -> "Atlético", "de Ross Ashcroft" ->
    "Ross Ashcroft", "¡ Les" -> nothing), or None where that leaves nothing a name could be: no
    capitalised word ("nas minhas redes"), or one word that starts a sentence and that no list
    knows as a name or a place ("Parabéns gurizada ..."). Spanish, Portuguese, French and Italian
    capitalise proper nouns only (not months, days, languages or titles, as English does), so a
    capitalised word inside a sentence is still evidence of a name ("no filme Footkhana"); the
    first word of a sentence is capitalised whatever it is, and the model reading it as English is
    no evidence."""
    words = [(m.start(), m.end()) for m in _SPAN_WORD.finditer(text, start, end)]
    while words and _particle(text[words[0][0] : words[0][1]]):
        words.pop(0)
    while words and _particle(text[words[-1][0] : words[-1][1]]):
        words.pop()
    if not words or not any(text[s].isupper() for s, _ in words):
        return None
    first, last = words[0][0], words[-1][1]
    if len(words) == 1 and _SENTENCE_START.search(text, 0, first) and text[first:last] not in known_names():
        return None
    return first, last


def names_in_a_foreign_text(
    text: str, spans: list[tuple[int, int, str]], name_labels: frozenset[str]
) -> list[tuple[int, int, str]]:
    """The English model's spans ``(start, end, label)`` of a foreign text: those of
    ``name_labels`` (persons, places, organisations) cut to what may still be a name
    (:func:`read_in_a_foreign_text`) or dropped; the others (dates, numbers) as they are."""
    out: list[tuple[int, int, str]] = []
    for start, end, label in spans:
        if label not in name_labels:
            out.append((start, end, label))
            continue
        kept = read_in_a_foreign_text(text, start, end)
        if kept is not None:
            out.append((*kept, label))
    return out


def _particle(word: str) -> bool:
    """A function word of another language at a span's edge: any case if English never writes it
    ("Les", "el"); in lower case if it is also an English word or a name ("da", "del", "la")."""
    return foreign_word(word) or (word.islower() and word in FOREIGN_WORDS)


# a word of a span, with what joins it to its own parts ("Jean-Luc", "O'Neill", "Barça")
_SPAN_WORD = re.compile(r"[^\W_][\w'\u2019-]*")
# what may stand before a sentence's first word: the text's start, an end of sentence, a quote
# or a colon, then spaces, opening marks and symbols ("¡", "“", "🎶")
_SENTENCE_START = re.compile(r"(?:\A|[.!?:\n\u201c\"])[^\w]*\Z")
