"""Intersections named as a place: "the corner of Csabai kapu 39. and Mathias Pass", "the
intersection of 5th Avenue and Elm Road" — one LOCATION span from "the corner of" to the end of
the second street's name, when at least one side is a street (a street-type word of
:mod:`~veil.pii.recognizers.street_types`, or what the address grammar reads as a street).

Read by :class:`~veil.pii.recognizers.addresses.AddressFinder`, which merges an intersection
with a street found inside it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from veil.pii.recognizers.address_lines import CORNER, leading_name, strip_end
from veil.pii.recognizers.street_types import street_term

__all__ = ["intersections"]


def intersections(text: str, kind: Callable[[str], str | None]) -> Iterator[tuple[int, int, float]]:
    """(start, end, 0.85) of each intersection in ``text``; ``kind`` classifies an address part."""
    for match in CORNER.finditer(text):
        first, second = match.group("a").split(), match.group("b").split()
        sides = [first, leading_name(second)]
        if not sides[1] or len(first) > 6:
            continue
        if not any(street_term(w) is not None for side in sides for w in side) and not any(
            kind(" ".join(side)) in ("street", "street_weak") for side in sides
        ):
            continue
        tail = match.start("b") + len(" ".join(sides[1]))
        yield match.start(), strip_end(text, match.start(), tail), 0.85
