"""Posts in another language than English: told by their function words, and what is left there of
the English model's name spans (:mod:`veil.pii.post_language`).

Written from the failure class "spaCy's English model reads a Spanish or Portuguese post as
English" (a capitalised first word, an article and its noun, a run of lower-case words taken for
names); the sentences and names are invented here.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings

from veil.pii import EntityType, PiiEngine
from veil.pii.post_language import (
    FOREIGN_WORDS,
    foreign_word,
    is_foreign,
    names_in_a_foreign_text,
    read_in_a_foreign_text,
)

from .invented_names import invented_names


@pytest.mark.parametrize(
    "text",
    [
        "Que semana mais linda , obrigado a todos pelo carinho !",
        "Hoy es un día muy bonito para estar con los amigos y la familia .",
        "Merci pour tout , je suis très content de cette soirée avec vous !",
        "Grazie a tutti per questa bella giornata , non è ancora finita .",
        "Danke für alles , wir sind heute noch immer auf der Straße .",
        "Parabéns pelo jogo de hoje , muito bom ver essa equipe !",
    ],
)
def test_posts_in_other_languages_are_foreign(text: str) -> None:
    assert is_foreign(text)


@pytest.mark.parametrize(
    "text",
    [
        "Happy Cinco de Mayo to all of you from the whole team !",
        "We saw the Leonardo da Vinci show and then went to see Vasco da Gama's ship .",
        "la la la , the song is stuck in my head all day",
        "Meet Quenby Varnow, our new editor: she joins us on Monday.",
        "My flight to San Jose del Monte was late again, no coffee either",
        "TODO: con job at 5 EST per the ops team, NAS backup via com port",
        "",
    ],
)
def test_english_text_with_a_foreign_particle_or_two_is_not(text: str) -> None:
    assert not is_foreign(text)


def test_function_words_english_also_writes_count_for_neither() -> None:
    for word in ("a", "no", "me", "come", "son", "die", "per", "con", "est", "com", "nas", "todo"):
        assert not foreign_word(word)
    for word in ("el", "Los", "não", "avec", "della", "und", "muito"):
        assert foreign_word(word)
    assert {"da", "del", "la"} <= FOREIGN_WORDS


def _cut(text: str, fragment: str) -> str | None:
    start = text.index(fragment)
    kept = read_in_a_foreign_text(text, start, start + len(fragment))
    return None if kept is None else text[kept[0] : kept[1]]


@given(invented_names(), invented_names())
@settings(max_examples=40, deadline=None)
def test_particles_at_a_spans_edges_are_cut_off(given_name: str, family: str) -> None:
    text = f"Vamos ver o documentário de {given_name} {family} hoje , muito bom !"
    assert _cut(text, f"de {given_name} {family}") == f"{given_name} {family}"
    text = f"Nos ha tocado el {given_name} y así lo veo ."
    assert _cut(text, f"el {given_name}") == given_name  # inside a sentence: a proper noun


@given(invented_names())
@settings(max_examples=40, deadline=None)
def test_a_sentences_first_word_alone_is_no_evidence(word: str) -> None:
    text = f"{word} nunca falla , qué buen mensaje el de este año !"
    assert _cut(text, word) is None
    text = f"“ @fan : {word} gurizada do time , muito bom ver essa geração !"
    assert _cut(text, word) is None


def test_spans_without_a_capital_or_of_particles_only_are_dropped() -> None:
    text = "¡ Les invitamos a visitar la nueva página de la fundación !"
    assert _cut(text, "¡ Les") is None
    text = "Acompanhando as mensagens nas minhas redes sociais , valeu galera !"
    assert _cut(text, "nas minhas") is None


def test_a_known_name_starting_a_sentence_stays() -> None:
    text = "Maria nunca falla , qué buen mensaje el de este año !"
    assert _cut(text, "Maria") == "Maria"


@given(invented_names(), invented_names())
@settings(max_examples=10, deadline=None)
def test_no_reported_span_of_a_foreign_post_starts_or_ends_with_a_particle(
    pii_engine: PiiEngine, given_name: str, family: str
) -> None:
    text = f"Muito obrigado pelo carinho de {given_name} {family} na minha vida , valeu galera !"
    for entity in pii_engine.detect(text):
        if entity.type in (EntityType.PERSON, EntityType.LOCATION, EntityType.ORGANIZATION):
            words = text[entity.start : entity.end].split()
            assert not foreign_word(words[0]) and words[0] not in FOREIGN_WORDS
            assert not foreign_word(words[-1]) and words[-1] not in FOREIGN_WORDS


def test_only_name_spans_are_cut_dates_stay() -> None:
    text = "Parabéns pelo jogo de 12 de maio , muito bom ver o time do Tarlo Varnowik !"
    date = (text.index("12"), text.index("maio") + 4, "DATE")
    opener = (0, len("Parabéns"), "GPE")
    person = (text.index("do Tarlo"), len(text) - 2, "PERSON")
    kept = names_in_a_foreign_text(text, [date, opener, person], frozenset({"PERSON", "GPE"}))
    assert [text[s:e] for s, e, _ in kept] == ["12 de maio", "Tarlo Varnowik"]


def test_an_inverted_mark_counts_as_a_foreign_word() -> None:
    assert is_foreign("¡ Les invitamos a visitar la nueva página de la fundación !")
    assert not is_foreign("Les invited us to visit the new page of the foundation !")
