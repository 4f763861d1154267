"""Place lines without a street: a town printed in capitals (or a known place) on the line
above a country — "ALFRICK\\nUnited Kingdom", the end of an address whose street line is
missing or was cut off. One LOCATION span over both lines (0.85).

Read by :class:`~veil.pii.recognizers.addresses.AddressFinder`, which passes its own country
and town tests (countries in any case and many languages; capitalised or all-capital words in
any script that are not common words).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from itertools import pairwise

from veil.pii.recognizers.address_lines import LINE, QUOTE_MARKS

__all__ = ["towns_above_countries"]


def towns_above_countries(
    text: str,
    is_country: Callable[[str], bool],
    is_town: Callable[[str], bool],
    places: frozenset[str],
) -> Iterator[tuple[int, int, float]]:
    """(start, end, 0.85) of each town line directly above a country line; ``places`` holds
    known place names, case-folded."""
    lines = [m for m in LINE.finditer(text) if m.group().strip(QUOTE_MARKS)]
    for above, below in pairwise(lines):
        if below.start() != above.end() + 1:
            continue  # a blank line between them
        town = above.group().strip(QUOTE_MARKS)
        country = below.group().strip(QUOTE_MARKS + ".")
        if len(town) > 40 or not is_country(country):
            continue
        capitals = town.isupper() and sum(c.isalpha() for c in town) >= 4 and is_town(town)
        if capitals or town.casefold() in places:
            start = above.start() + above.group().index(town)
            yield start, below.start() + below.group().index(country) + len(country), 0.85
