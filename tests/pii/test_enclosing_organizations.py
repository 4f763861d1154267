"""An NER organisation around a place or a body the rules found wins over that part, and NER gets
to read such a part with the capitalised word beside it (veil.pii.enclosing_organizations,
veil.pii.focus). Sentences invented for the class."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from veil.pii.enclosing_organizations import NER_ORGANIZATION, SETTLED, enclose, encloses, in_a_longer_name
from veil.pii.entity import EntityType
from veil.pii.focus import NerFocus, ner_view
from veil.pii.recognizer import Candidate

LOC, ORG, PER = EntityType.LOCATION, EntityType.ORGANIZATION, EntityType.PERSON


def _span(text: str, part: str) -> tuple[int, int]:
    start = text.index(part)
    return start, start + len(part)


def _rule(text: str, part: str, kind: str, score: float = 0.8, name: str = "rule") -> Candidate:
    return (*_span(text, part), kind, score, name)


def _ner(text: str, part: str, kind: str = ORG, score: float = 0.55) -> Candidate:
    return (*_span(text, part), kind, score, NER_ORGANIZATION if kind == ORG else "spacy_person")


# -- the shape of one organisation's name around a place or a body --------------------------------


def test_a_team_or_a_campus_named_after_its_place_encloses_it() -> None:
    for text, outer, inner in (
        ("Squad Latvia rebuilt their drone overnight.", "Squad Latvia", "Latvia"),
        ("She lectured at UC Davis for a year.", "UC Davis", "Davis"),
        ("Drivers of Leeds Transit went on strike.", "Leeds Transit", "Leeds"),
    ):
        assert encloses(text, *_span(text, outer), [(*_span(text, inner), LOC)])


def test_a_known_body_with_a_modifier_or_a_service_word_is_enclosed() -> None:
    text = "A grant from the Welsh Red Cross reached Radio BBC Wales listeners."
    assert encloses(text, *_span(text, "Welsh Red Cross"), [(*_span(text, "Red Cross"), ORG)])


def test_two_names_joined_or_separated_are_not_one_organisation() -> None:
    for text, outer, inner in (
        ("They met in Lyon, France last spring.", "Lyon, France", "Lyon"),
        ("Buses stop at Main Depot and Hollis & Crane.", "Main Depot and Hollis & Crane", "Hollis & Crane"),
        ("Fares rose in Kent (Ashford) again.", "Kent (Ashford", "Kent"),
    ):
        assert not encloses(text, *_span(text, outer), [(*_span(text, inner), ORG)])


def test_a_place_beside_another_place_or_named_by_its_kind_is_no_body() -> None:
    text = "Traffic on the Dundee Inner Ring Road slowed near Cleveland Ohio."
    assert not encloses(text, *_span(text, "Dundee Inner Ring Road"), [(*_span(text, "Dundee"), LOC)])
    assert not encloses(text, *_span(text, "Cleveland Ohio"), [(*_span(text, "Cleveland"), LOC)])


def test_function_words_and_line_labels_in_capitals_are_no_part_of_the_name() -> None:
    text = "In Oslo the DEBIT PAYMENT Korvath AS was booked."
    assert not encloses(text, *_span(text, "In Oslo"), [(*_span(text, "Oslo"), LOC)])
    assert not encloses(text, *_span(text, "DEBIT PAYMENT Korvath AS"), [(*_span(text, "Korvath AS"), ORG)])


# -- the enclosing span wins ------------------------------------------------------------------------


def test_the_enclosing_organisation_takes_the_best_score_of_what_it_holds() -> None:
    text = "Squad Latvia rebuilt their drone overnight."
    rules = [_rule(text, "Latvia", LOC, 0.8)]
    (lifted,) = enclose(text, rules, [_ner(text, "Squad Latvia")])
    assert lifted[:3] == (*_span(text, "Squad Latvia"), ORG) and lifted[3] == 0.8


def test_no_lift_over_a_person_the_rules_found() -> None:
    text = "The fund was set up by Bruno Kent in 1990."
    rules = [_rule(text, "Kent", LOC, 0.7), _rule(text, "Bruno Kent", PER, 0.85)]
    (kept,) = enclose(text, rules, [_ner(text, "Bruno Kent")])
    assert kept[3] == 0.55


def test_other_ner_spans_over_a_settled_place_or_body_are_dropped() -> None:
    text = "Get there with Wikitravel Guides by bus."
    rules = [_rule(text, "Wikitravel", ORG, SETTLED)]
    assert enclose(text, rules, [_ner(text, "Wikitravel Guides", PER, 0.85)]) == []


@given(
    st.lists(st.tuples(st.integers(0, 30), st.integers(1, 12), st.sampled_from([LOC, ORG, PER])), max_size=4),
    st.lists(st.tuples(st.integers(0, 30), st.integers(1, 12), st.sampled_from([LOC, ORG, PER])), max_size=4),
)
def test_enclose_never_moves_a_span_nor_lowers_a_score(
    rule_spans: list[tuple[int, int, str]], ner_spans: list[tuple[int, int, str]]
) -> None:
    text = "Crew of Squad Latvia and the Welsh Red Cross met in Leeds Transit depots today."
    rules: list[Candidate] = [(s, s + n, k, 0.8, "rule") for s, n, k in rule_spans]
    ner: list[Candidate] = [
        (s, s + n, k, 0.55, NER_ORGANIZATION if k == ORG else "spacy_x") for s, n, k in ner_spans
    ]
    out = enclose(text, rules, ner)
    assert len(out) <= len(ner)
    by_extent = {(c[0], c[1], c[2], c[4]): c[3] for c in ner}
    for start, end, kind, score, name in out:
        assert by_extent[(start, end, kind, name)] <= score


# -- what NER reads ---------------------------------------------------------------------------------


def test_ner_reads_a_settled_place_beside_a_capitalised_word() -> None:
    text = "Yesterday Squad Latvia rebuilt their drone."
    view = ner_view(text, [_rule(text, "Latvia", LOC, 0.9)], NerFocus())
    assert view[slice(*_span(text, "Latvia"))] == "Latvia"


def test_a_settled_place_after_a_function_word_or_a_partnership_stays_blanked() -> None:
    text = "They moved to Oslo in May. In Oslo rents rose. Paid to Hollis, Crane and Webb Yesterday."
    oslo = text.index("In Oslo") + 3
    firm = _span(text, "Hollis, Crane and Webb")
    candidates: list[Candidate] = [(oslo, oslo + 4, LOC, 0.9, "rule"), (*firm, ORG, 0.9, "rule")]
    view = ner_view(text, candidates, NerFocus())
    assert view[oslo : oslo + 4].isspace()
    assert view[slice(*firm)].isspace()


def test_a_first_name_before_a_settled_place_keeps_it_blanked() -> None:
    text = "Yesterday we met Ray Oslo downtown."
    oslo = _span(text, "Oslo")
    view = ner_view(text, [(*oslo, LOC, 0.9, "rule")], NerFocus())
    assert view[slice(*oslo)].isspace()


def test_a_ner_span_across_a_blanked_place_is_kept() -> None:
    # NER saw "Ray" and the blank where the place was: its span is its own reading, not a cut
    text = "Yesterday we met Ray Oslo downtown."
    rules = [_rule(text, "Oslo", LOC, 0.9)]
    person = _ner(text, "Ray Oslo", PER, 0.85)
    assert enclose(text, rules, [person]) == [person]


def _enclose_by_pairs(text: str, rules: list[Candidate], ner: list[Candidate]) -> list[Candidate]:
    """The reference: every NER span against every rule span (what :func:`enclose` computes with
    sorted spans and running maxima)."""
    inner = [c for c in rules if c[2] in (EntityType.LOCATION, EntityType.ORGANIZATION)]
    if not inner:
        return ner
    people = [c for c in rules if c[2] == EntityType.PERSON]
    settled = [c for c in inner if c[3] >= SETTLED and in_a_longer_name(text, c[0], c[1], c[2])]
    out: list[Candidate] = []
    for candidate in ner:
        start, end, kind, score, name = candidate
        held = [c for c in inner if start <= c[0] and c[1] <= end and c[1] - c[0] < end - start]
        best = max((c[3] for c in held), default=0.0)
        if (
            name == NER_ORGANIZATION
            and best > score
            and not any(p[0] < end and start < p[1] for p in people)
            and encloses(text, start, end, [(c[0], c[1], c[2]) for c in held])
        ):
            out.append((start, end, kind, best, name))
        elif not any(c[0] < end and start < c[1] for c in settled):
            out.append(candidate)
    return out


_WORDS_OF_NAMES = ["Orvale", "Bank", "of", "Varnow", "Club", "and", "Tarlo", "Street", ",", "Team"]


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.sampled_from(_WORDS_OF_NAMES), min_size=1, max_size=14),
    st.lists(
        st.tuples(
            st.integers(0, 13),
            st.integers(1, 4),
            st.sampled_from([EntityType.LOCATION, EntityType.ORGANIZATION, EntityType.PERSON]),
            st.sampled_from([0.5, 0.85, 0.95]),
        ),
        max_size=8,
    ),
    st.lists(st.tuples(st.integers(0, 13), st.integers(1, 6), st.sampled_from([0.4, 0.85])), max_size=6),
)
def test_enclose_equals_the_pairwise_reference(
    words: list[str],
    rule_spans: list[tuple[int, int, EntityType, float]],
    ner_spans: list[tuple[int, int, float]],
) -> None:
    text = " ".join(words)
    starts = [0]
    for w in words[:-1]:
        starts.append(starts[-1] + len(w) + 1)
    ends = [s + len(w) for s, w in zip(starts, words, strict=True)]

    def span(first: int, count: int) -> tuple[int, int] | None:
        if first >= len(words):
            return None
        return starts[first], ends[min(len(words), first + count) - 1]

    rules: list[Candidate] = []
    for first, count, kind, score in rule_spans:
        if (where := span(first, count)) is not None:
            rules.append((*where, kind, score, "rule"))
    ner: list[Candidate] = []
    for first, count, score in ner_spans:
        if (where := span(first, count)) is not None:
            ner.append((*where, EntityType.ORGANIZATION, score, NER_ORGANIZATION))
    assert enclose(text, list(rules), list(ner)) == _enclose_by_pairs(text, rules, ner)
