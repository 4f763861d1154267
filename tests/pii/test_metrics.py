"""Span recall, character precision and typed F1 on small hand-computed cases, plus properties."""

from __future__ import annotations

from fractions import Fraction

import pytest
from benchmarks.pii_evaluation import GoldSpan, Span, Tally, evaluate, map_presidio_type
from benchmarks.pii_evaluation.metrics import evaluate_document
from hypothesis import given
from hypothesis import strategies as st

from veil.pii.entity import Entity, EntityType

P, E, L = "PERSON", "EMAIL_ADDRESS", "LOCATION"


def one(gold: list[Span], predicted: list[Span]) -> Tally:
    return evaluate([gold], [predicted]).overall


# -- span recall -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("predicted", "found"),
    [
        ([Span(0, 10, P)], True),
        ([Span(0, 8, P)], True),  # exactly 80% covered
        ([Span(0, 7, P)], False),  # 70%
        ([Span(2, 10, P)], True),
        ([Span(0, 4, P), Span(6, 10, P)], True),  # two spans together cover 80%
        ([Span(0, 4, P), Span(7, 10, P)], False),  # 70%
        ([Span(0, 5, P), Span(3, 7, P)], False),  # overlaps count once: 7 of 10
        ([Span(0, 8, E)], True),  # any type masks it
        ([Span(0, 3, P), Span(3, 8, L)], True),  # mixed types add up
        ([Span(20, 30, P)], False),
        ([], False),
    ],
)
def test_span_recall_needs_80_percent_of_the_characters_covered(predicted: list[Span], found: bool) -> None:
    t = one([Span(0, 10, P)], predicted)
    assert t.gold == 1 and t.found == found
    assert t.span_recall == (1.0 if found else 0.0)
    assert t.leak_rate == (0.0 if found else 1.0)


def test_recall_edge_on_a_short_span() -> None:
    assert one([Span(10, 15, P)], [Span(10, 14, P)]).found == 1  # 4 of 5 = 80%
    assert one([Span(10, 15, P)], [Span(11, 14, P)]).found == 0  # 3 of 5
    assert one([Span(0, 3, P)], [Span(0, 2, P)]).found == 0  # 2 of 3 = 67%


def test_recall_over_several_gold_spans() -> None:
    gold = [Span(0, 10, P), Span(20, 30, E), Span(40, 50, L), Span(60, 70, L)]
    t = one(gold, [Span(0, 10, P), Span(20, 30, E), Span(40, 49, L)])
    assert (t.gold, t.found) == (4, 3)
    assert t.span_recall == 0.75 and t.leak_rate == 0.25


# -- character precision -----------------------------------------------------------------------


def test_char_precision_counts_predicted_characters_inside_gold() -> None:
    assert one([Span(5, 15, P)], [Span(0, 20, P)]).char_precision == 0.5
    assert one([Span(0, 10, P)], [Span(0, 10, P)]).char_precision == 1.0
    assert one([Span(0, 10, P)], [Span(10, 20, P)]).char_precision == 0.0  # adjacent, no overlap


def test_char_precision_counts_each_character_once() -> None:
    t = one([Span(0, 10, P)], [Span(0, 10, P), Span(5, 15, L)])
    assert (t.predicted_chars, t.predicted_chars_in_gold) == (15, 10)
    assert t.char_precision == pytest.approx(10 / 15)


def test_char_precision_ignores_type_and_gold_gaps() -> None:
    # two gold spans "Jane Doe, 1 Main St" with the separator between them predicted too
    t = one([Span(0, 8, P), Span(10, 19, L)], [Span(0, 19, L)])
    assert (t.predicted_chars, t.predicted_chars_in_gold) == (19, 17)


def test_predictions_on_a_document_without_gold_are_all_wrong() -> None:
    t = one([], [Span(0, 4, "DATE_TIME"), Span(10, 16, "PHONE_NUMBER")])
    assert t.char_precision == 0.0 and t.typed_precision == 0.0 and t.typed_f1 == 0.0
    assert t.span_recall is None and t.leak_rate is None and t.typed_recall is None


# -- typed F1 ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("predicted", "iou", "matched"),
    [
        (Span(0, 10, P), Fraction(1), True),
        (Span(0, 5, P), Fraction(1, 2), True),  # IoU exactly 0.5
        (Span(0, 4, P), Fraction(2, 5), False),
        (Span(0, 20, P), Fraction(1, 2), True),  # twice as long: exactly 0.5
        (Span(0, 21, P), Fraction(10, 21), False),
        (Span(5, 15, P), Fraction(1, 3), False),
        (Span(2, 12, P), Fraction(2, 3), True),
        (Span(0, 10, E), Fraction(1), False),  # right place, wrong type
    ],
)
def test_typed_match_needs_same_type_and_iou_of_half(predicted: Span, iou: Fraction, matched: bool) -> None:
    t = one([Span(0, 10, P)], [predicted])
    assert t.matched == matched
    assert t.typed_precision == t.typed_recall == t.typed_f1 == (1.0 if matched else 0.0)


def test_matching_is_one_to_one() -> None:
    # two predictions for one gold span: one match, one false positive
    t = one([Span(0, 10, P)], [Span(0, 10, P), Span(1, 10, P)])
    assert (t.matched, t.predicted, t.gold) == (1, 2, 1)
    assert t.typed_precision == 0.5 and t.typed_recall == 1.0 and t.typed_f1 == pytest.approx(2 / 3)
    # one prediction covering two adjacent gold spans at IoU 0.5 each matches only one
    t = one([Span(0, 5, L), Span(5, 10, L)], [Span(0, 10, L)])
    assert (t.matched, t.predicted, t.gold) == (1, 1, 2)
    assert t.found == 2


def test_matching_prefers_the_best_iou() -> None:
    # the long prediction overlaps both gold spans; the exact one must keep its partner
    gold = [Span(0, 10, P), Span(12, 22, P)]
    t = one(gold, [Span(0, 22, P), Span(12, 22, P)])
    assert t.matched == 1
    t = one(gold, [Span(0, 11, P), Span(12, 22, P)])
    assert t.matched == 2 and t.typed_f1 == 1.0


def test_f1_is_harmonic_mean() -> None:
    gold = [Span(0, 5, P), Span(10, 15, P), Span(20, 25, E), Span(30, 35, L)]
    predicted = [Span(0, 5, P), Span(10, 15, P), Span(20, 25, E), Span(40, 45, L), Span(50, 55, P)]
    t = one(gold, predicted)
    precision, recall = 3 / 5, 3 / 4
    assert t.typed_precision == precision and t.typed_recall == recall
    assert t.typed_f1 == pytest.approx(2 * precision * recall / (precision + recall))


# -- empty inputs --------------------------------------------------------------------------------


def test_empty_predictions() -> None:
    t = one([Span(0, 10, P), Span(20, 30, E)], [])
    assert t.span_recall == 0.0 and t.leak_rate == 1.0
    assert t.char_precision is None and t.typed_precision is None
    assert t.typed_recall == 0.0 and t.typed_f1 == 0.0


def test_nothing_at_all_is_undefined_not_perfect() -> None:
    report = evaluate([[], []], [[], []])
    assert report.documents == 2 and report.by_type == {}
    t = report.overall
    assert None is t.span_recall is t.char_precision is t.typed_precision is t.typed_recall is t.typed_f1


# -- per type and across documents ---------------------------------------------------------------


def test_per_type_breakdown() -> None:
    gold = [Span(0, 8, P), Span(20, 40, E), Span(50, 60, P)]
    predicted = [Span(0, 8, P), Span(20, 39, P), Span(45, 52, L)]
    report = evaluate([gold], [predicted])
    person, email, location = report.by_type[P], report.by_type[E], report.by_type[L]
    # PERSON: gold 0-8 found+matched, gold 50-60 2/10 covered; prediction 20-39 lies in the email
    assert (person.gold, person.found, person.predicted, person.matched) == (2, 1, 2, 1)
    assert (person.predicted_chars, person.predicted_chars_in_gold) == (8 + 19, 8 + 19)
    # EMAIL: found (19/20 masked by a PERSON prediction) but not matched by type
    assert (email.gold, email.found, email.predicted, email.matched) == (1, 1, 0, 0)
    assert email.char_precision is None and email.typed_f1 == 0.0
    # LOCATION: predicted only; 2 of its 7 characters are in the PERSON gold span 50-60
    assert (location.gold, location.predicted, location.matched) == (0, 1, 0)
    assert location.char_precision == pytest.approx(2 / 7) and location.span_recall is None
    overall = report.overall
    assert (overall.gold, overall.found, overall.predicted, overall.matched) == (3, 2, 3, 1)
    assert (overall.predicted_chars, overall.predicted_chars_in_gold) == (34, 29)


def test_tallies_add_up_across_documents() -> None:
    docs = [
        ([Span(0, 10, P)], [Span(0, 10, P)]),
        ([Span(0, 5, E)], []),
        ([], [Span(3, 9, L)]),
    ]
    report = evaluate([g for g, _ in docs], [p for _, p in docs])
    assert report.documents == 3
    assert report.overall == Tally(
        gold=2,
        found=1,
        predicted=2,
        matched=1,
        predicted_chars=16,
        predicted_chars_in_gold=10,
        exact=1,
        gold_chars=15,
        gold_chars_covered=10,
        spurious=1,
    )
    assert report.by_type[E] == Tally(gold=1, gold_chars=5)
    assert (report.pii_free_documents, report.pii_free_predicted, report.fp_per_100_docs) == (1, 1, 100.0)
    summed = Tally()
    for g, p in docs:
        summed = summed + evaluate_document(g, p).overall
    assert summed == report.overall
    by_type = report.as_dict()["by_type"]
    assert isinstance(by_type, dict) and list(by_type) == sorted([P, E, L])


def test_identical_predictions_count_once() -> None:
    t = one([Span(0, 10, P)], [Span(0, 10, P), Span(0, 10, P)])
    assert (t.predicted, t.matched, t.typed_f1) == (1, 1, 1.0)


def test_accepts_entities_and_gold_spans() -> None:
    gold = [GoldSpan(0, 10, EntityType.PERSON)]
    predicted = [Entity(0, 10, "PERSON", 0.9, "spacy")]
    assert evaluate([gold], [predicted]).overall.typed_f1 == 1.0


def test_rejects_bad_input() -> None:
    with pytest.raises(ValueError, match="start < end"):
        evaluate([[Span(5, 5, P)]], [[]])
    with pytest.raises(ValueError):
        evaluate([[], []], [[]])


def test_presidio_names_map_to_veil_types() -> None:
    assert map_presidio_type("ES_NIE") == EntityType.ES_NIF
    assert map_presidio_type("DE_TAX_ID") == EntityType.DE_ID
    assert map_presidio_type("NRP") is None
    assert map_presidio_type("US_DRIVER_LICENSE") == EntityType.DRIVER_LICENSE
    assert map_presidio_type("FI_PERSONAL_IDENTITY_CODE") == EntityType.FI_PERSONAL_ID
    assert map_presidio_type("AU_ABN") == "AU_ABN"  # no Veil type: kept, counts against precision
    for name in EntityType:
        if name not in (EntityType.DE_ID, EntityType.FR_NIR):
            assert map_presidio_type(name) == name


# -- exact boundaries, character recall, spurious predictions, false positives per 100 docs -------


def test_exact_boundary_needs_same_type_and_same_offsets() -> None:
    gold = [Span(0, 10, P), Span(20, 30, L), Span(40, 45, E)]
    predicted = [Span(0, 10, P), Span(20, 29, L), Span(40, 45, P)]  # exact; one short; wrong type
    t = one(gold, predicted)
    assert t.exact == 1 and t.exact_rate == pytest.approx(1 / 3)
    by_type = evaluate([gold], [predicted]).by_type
    assert (by_type[P].exact, by_type[L].exact, by_type[E].exact) == (1, 0, 0)


def test_character_recall_counts_pieces_of_an_address() -> None:
    # a three-line address as one gold span of 40 characters, found as two pieces (12 + 10)
    gold = [Span(5, 45, L)]
    predicted = [Span(5, 17, L), Span(30, 40, "ORGANIZATION")]
    t = evaluate([gold], [predicted]).by_type[L]
    assert (t.gold_chars, t.gold_chars_covered) == (40, 22)
    assert t.char_recall == pytest.approx(22 / 40)
    assert t.found == 0 and t.exact == 0  # 55% covered: leaked as a span


def test_character_recall_counts_overlapping_predictions_once() -> None:
    t = one([Span(0, 10, P)], [Span(0, 6, P), Span(3, 8, L), Span(50, 60, P)])
    assert (t.gold_chars, t.gold_chars_covered) == (10, 8)


def test_spurious_predictions_touch_no_gold_character() -> None:
    gold = [Span(10, 20, P)]
    predicted = [Span(0, 10, L), Span(19, 25, E), Span(30, 31, P)]  # adjacent, overlapping, apart
    report = evaluate([gold], [predicted])
    assert report.overall.spurious == 2
    assert (report.by_type[L].spurious, report.by_type[E].spurious, report.by_type[P].spurious) == (1, 0, 1)


def test_false_positives_per_100_pii_free_documents() -> None:
    gold: list[list[Span]] = [[], [], [], [Span(0, 4, P)]]
    predicted = [[Span(0, 3, L), Span(5, 9, P)], [], [Span(1, 2, E)], [Span(10, 20, L)]]
    report = evaluate(gold, predicted)
    # three documents without gold carry three predictions; the fourth document does not count
    assert (report.pii_free_documents, report.pii_free_predicted) == (3, 3)
    assert report.fp_per_100_docs == pytest.approx(100.0)
    assert evaluate([[Span(0, 4, P)]], [[]]).fp_per_100_docs is None  # no PII-free document: undefined
    assert evaluate([[]], [[]]).fp_per_100_docs == 0.0
    as_dict = report.as_dict()
    assert as_dict["fp_per_100_docs"] == pytest.approx(100.0) and as_dict["pii_free_documents"] == 3


# -- properties ----------------------------------------------------------------------------------

_types = st.sampled_from([P, E, L])


@st.composite
def spans(draw: st.DrawFn, max_size: int = 6) -> list[Span]:
    out = []
    for _ in range(draw(st.integers(0, max_size))):
        start = draw(st.integers(0, 60))
        out.append(Span(start, start + draw(st.integers(1, 15)), draw(_types)))
    return out


@st.composite
def disjoint_spans(draw: st.DrawFn) -> list[Span]:
    cuts = sorted(draw(st.sets(st.integers(0, 80), max_size=10)))
    pairs = list(zip(cuts[::2], cuts[1::2], strict=False))
    return [Span(a, b, draw(_types)) for a, b in pairs if a < b]


@given(disjoint_spans(), spans())
def test_matches_a_character_set_reference(gold: list[Span], predicted: list[Span]) -> None:
    t = one(gold, predicted)
    masked = {i for p in predicted for i in range(p.start, p.end)}
    in_gold = {i for g in gold for i in range(g.start, g.end)}
    found = sum(5 * len(masked & set(range(g.start, g.end))) >= 4 * (g.end - g.start) for g in gold)
    assert t.found == found
    assert (t.predicted_chars, t.predicted_chars_in_gold) == (len(masked), len(masked & in_gold))
    for value in (t.span_recall, t.char_precision, t.typed_precision, t.typed_recall, t.typed_f1):
        assert value is None or 0.0 <= value <= 1.0
    assert t.matched <= min(t.gold, len(set(predicted)))
    assert (t.gold_chars, t.gold_chars_covered) == (len(in_gold), len(in_gold & masked))
    touching = {p for p in set(predicted) if not in_gold & set(range(p.start, p.end))}
    assert t.spurious == len(touching)
    exact = {(p.start, p.end, p.type) for p in predicted}
    assert t.exact == sum((g.start, g.end, g.type) in exact for g in set(gold)) <= t.found


@given(disjoint_spans())
def test_predicting_the_gold_is_perfect(gold: list[Span]) -> None:
    t = one(gold, gold)
    if gold:
        assert t.span_recall == t.char_precision == t.typed_f1 == t.exact_rate == t.char_recall == 1.0
    assert t.spurious == 0
    assert t.found == t.matched == t.gold == t.predicted == len(gold)


@given(disjoint_spans(), spans(), spans())
def test_more_predictions_never_leak_more(gold: list[Span], predicted: list[Span], extra: list[Span]) -> None:
    assert one(gold, predicted + extra).found >= one(gold, predicted).found
