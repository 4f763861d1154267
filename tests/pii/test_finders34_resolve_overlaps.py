"""``resolve_overlaps`` returns a lone entity (a table cell's) without ranking or sorting: the
same list as the general rule (rank by score, length, start; keep what does not overlap; sort)
for any entities, checked against that rule written out here (hypothesis)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from veil.pii.anonymizer import resolve_overlaps
from veil.pii.entity import Entity


def _general(entities: list[Entity], length: int | None) -> list[Entity]:
    fits = [e for e in entities if length is None or e.end <= length]
    ranked = sorted(fits, key=lambda e: (-e.score, -(e.end - e.start), e.start, e.type, e.recognizer))
    kept: list[Entity] = []
    for e in ranked:
        if all(e.end <= k.start or e.start >= k.end for k in kept):
            kept.append(e)
    return sorted(kept)


_ENTITY = st.builds(
    lambda start, size, kind, score: Entity(start, start + size, kind, score, "rule"),
    st.integers(0, 30),
    st.integers(1, 12),
    st.sampled_from(["PERSON", "EMAIL_ADDRESS", "PHONE_NUMBER"]),
    st.sampled_from([0.4, 0.75, 1.0]),
)


@given(st.lists(_ENTITY, max_size=6), st.one_of(st.none(), st.integers(0, 45)))
def test_same_entities_as_the_general_rule(entities: list[Entity], length: int | None) -> None:
    assert resolve_overlaps(entities, length) == _general(entities, length)


def test_a_lone_entity_is_kept_unless_past_the_end() -> None:
    cell = Entity(0, 11, "PERSON", 1.0, "column")
    assert resolve_overlaps([cell], 11) == [cell]
    assert resolve_overlaps([cell], 10) == []
    assert resolve_overlaps([], None) == []
