"""The Anonymizer: operators by type, overlaps resolved, text outside entities untouched."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from veil.errors import ConfigError
from veil.pii.anonymizer import Anonymizer, Unmasker, resolve_overlaps
from veil.pii.entity import Entity
from veil.workspace import Workspace

if TYPE_CHECKING:
    from veil.pii.engine import PiiEngine

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
OPERATORS = ["redact", "replace", "mask", "hash", "pseudonym", "surrogate", "encrypt"]


@pytest.fixture(scope="module")
def mws(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workspace]:
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("VEIL_ACTOR", "test-actor")
        ws = Workspace.init(tmp_path_factory.mktemp("anon") / "ws")
    try:
        yield ws
    finally:
        ws.close()


# -- overlaps --------------------------------------------------------------------------------------
def test_overlaps_resolve_by_score_then_length_then_start() -> None:
    a = Entity(0, 10, "PERSON", 0.6)
    b = Entity(5, 8, "LOCATION", 0.9)  # higher score wins
    assert resolve_overlaps([a, b]) == [b]
    c = Entity(0, 4, "PERSON", 0.8)
    d = Entity(2, 9, "ORGANIZATION", 0.8)  # same score: longer wins
    assert resolve_overlaps([c, d]) == [d]
    e = Entity(0, 4, "PERSON", 0.8)
    f = Entity(2, 6, "LOCATION", 0.8)  # same score and length: earlier wins
    assert resolve_overlaps([f, e]) == [e]
    g = Entity(0, 4, "LOCATION", 0.8)  # same span: type name decides
    assert resolve_overlaps([e, g]) == resolve_overlaps([g, e]) == [g]
    assert resolve_overlaps([Entity(0, 3, "PERSON", 1.0), Entity(3, 5, "PERSON", 1.0)]) == [
        Entity(0, 3, "PERSON", 1.0),
        Entity(3, 5, "PERSON", 1.0),
    ]  # touching is not overlapping
    assert resolve_overlaps([Entity(0, 30, "PERSON", 1.0)], length=10) == []


spans = st.lists(
    st.builds(
        lambda s, n, t, sc: Entity(s, s + n, t, sc),
        st.integers(0, 40),
        st.integers(1, 12),
        st.sampled_from(["PERSON", "EMAIL_ADDRESS", "PHONE_NUMBER", "CREDIT_CARD", "DATE_TIME"]),
        st.sampled_from([0.5, 0.7, 0.9, 1.0]),
    ),
    max_size=8,
)


@SETTINGS
@given(spans, st.randoms())
def test_overlap_resolution_ignores_input_order(entities: list[Entity], rnd: object) -> None:
    shuffled = list(entities)
    rnd.shuffle(shuffled)  # type: ignore[attr-defined]
    kept = resolve_overlaps(entities)
    assert kept == resolve_overlaps(shuffled)
    assert all(x.end <= y.start for x, y in itertools.pairwise(kept))


# -- masking ---------------------------------------------------------------------------------------
@SETTINGS
@given(st.text(max_size=50), spans, st.sampled_from(OPERATORS))
def test_masking_never_changes_text_outside_entities(
    mws: Workspace, text: str, entities: list[Entity], operator: str
) -> None:
    result = Anonymizer(mws, default=operator).mask(text, entities)
    kept = resolve_overlaps(entities, len(text))
    assert [(i.start, i.end, i.type) for i in result.items] == [(e.start, e.end, e.type) for e in kept]
    pos = out = 0
    for item in result.items:
        assert result.text[out : out + item.start - pos] == text[pos : item.start]  # the gap is copied
        assert item.out_start == out + item.start - pos
        out, pos = item.out_end, item.end
    assert result.text[out:] == text[pos:]
    assert all(i.operator == operator for i in result.items)


def test_operators_are_chosen_per_type_with_an_override(ws: Workspace) -> None:
    text = "Jane Roe, 4111 1111 1111 1111"
    ents = [Entity(0, 8, "PERSON", 0.9), Entity(10, 29, "CREDIT_CARD", 1.0)]
    anon = Anonymizer(ws, default="replace", per_type={"CREDIT_CARD": "mask"})
    result = anon.mask(text, ents)
    assert result.text == "<PERSON>, **** **** **** 1111"
    assert [(i.type, i.operator) for i in result.items] == [("PERSON", "replace"), ("CREDIT_CARD", "mask")]
    assert result.text[result.items[1].out_start : result.items[1].out_end] == "**** **** **** 1111"
    assert anon.mask(text, ents, operator="redact").text == ", "
    assert "Jane" not in repr(result)


def test_masking_without_an_engine_needs_entities() -> None:
    anon = Anonymizer(None)
    assert anon.mask("nothing here", []).text == "nothing here"
    with pytest.raises(ConfigError, match="no PII engine"):
        anon.mask("Jane Roe")
    with pytest.raises(ConfigError, match="expected 2"):
        anon.mask_batch(["a", "b"], [[]])


# -- with the real engine --------------------------------------------------------------------------
def test_engine_detections_are_masked_and_unmasked(ws: Workspace, pii_engine: PiiEngine) -> None:
    texts = [
        "Please email maria.gonzalez@example.com or call 212-555-0187 today.",
        "Card 4111 1111 1111 1111 was charged; SSN 536-22-8841 on file.",
        "Nothing personal in this sentence.",
        "Please email maria.gonzalez@example.com or call 212-555-0187 today.",
    ]
    anon = Anonymizer(ws, pii_engine, default="encrypt", per_type={"EMAIL_ADDRESS": "pseudonym"})
    results = anon.mask_batch(texts)
    assert results[2].text == texts[2] and not results[2].items
    assert results[0].text == results[3].text  # deterministic for equal texts
    joined = "\n".join(r.text for r in results)
    for secret in ("maria.gonzalez@example.com", "212-555-0187", "4111 1111 1111 1111", "536-22-8841"):
        assert secret not in joined
    assert re.search(r"<EMAIL_ADDRESS_\d+>", results[0].text)
    types = {i.type for r in results for i in r.items}
    assert {"EMAIL_ADDRESS", "PHONE_NUMBER", "CREDIT_CARD", "US_SSN"} <= types
    assert [r.text for r in Unmasker(ws).unmask_batch([r.text for r in results])] == texts
    assert anon.mask(texts[1]).text == results[1].text  # one text or a batch: the same
