"""How the engine settles its candidates: NER spans that confirm a rule's span, address blocks that
absorb their parts, and the resolution of overlaps (:mod:`veil.pii.engine`, step 3)."""

from __future__ import annotations

import bisect

from veil.pii.entity import EntityType
from veil.pii.recognizer import Candidate
from veil.pii.recognizers.addresses import ADDRESS_BLOCK

__all__ = ["absorb_blocks", "corroborate", "greedy"]


def corroborate(rules: list[Candidate], ner: list[Candidate]) -> list[Candidate]:
    """Rule and NER candidates together; a NER span inside a longer rule span of the same type
    ("Timothy" in "Butler, Timothy") does not compete with it: it confirms it, lifting the rule
    span's score to its own (the rule knows the extent, NER the type). Of several spans that
    hold it, the first in ``rules`` order (then NER order) does."""
    if not ner:
        return rules
    out = list(rules)
    # Per type, (start, place in ``out``) sorted by start, and the type's longest span: a span
    # holding [start, end) starts no earlier than ``start - longest``, so only those starts are
    # looked at, not every candidate of the type (a scan of all of them was quadratic in a text
    # of thousands of names: 6 s for 10,000 names one to a line).
    starts: dict[str, list[tuple[int, int]]] = {}
    longest: dict[str, int] = {}
    for i, (r_start, r_end, r_kind, _, _) in enumerate(out):
        starts.setdefault(r_kind, []).append((r_start, i))
        longest[r_kind] = max(longest.get(r_kind, 0), r_end - r_start)
    for by_start in starts.values():
        by_start.sort()
    for candidate in ner:
        start, end, kind, score, _ = candidate
        by_start = starts.setdefault(kind, [])
        low = bisect.bisect_left(by_start, (start - longest.get(kind, 0), -1))
        high = bisect.bisect_right(by_start, (start, len(out)))
        holder = -1
        for k in range(low, high):
            i = by_start[k][1]
            r_end = out[i][1]
            if end <= r_end and r_end - by_start[k][0] > end - start and (holder < 0 or i < holder):
                holder = i
        if holder >= 0:
            r_start, r_end, r_kind, r_score, r_name = out[holder]
            if score > r_score:
                out[holder] = (r_start, r_end, r_kind, score, r_name)
        else:
            bisect.insort(by_start, (start, len(out)))
            longest[kind] = max(longest.get(kind, 0), end - start)
            out.append(candidate)
    return out


def absorb_blocks(candidates: list[Candidate]) -> list[Candidate]:
    """An address block (:mod:`veil.pii.recognizers.addresses`) absorbs the places found inside
    it or overlapping it (a street, a town with its postcode): one span for the whole address,
    their union, scored as the best of its parts."""
    blocks: list[tuple[int, int, float]] = [(c[0], c[1], c[3]) for c in candidates if c[4] == ADDRESS_BLOCK]
    if not blocks:
        return candidates
    out: list[Candidate] = []
    for candidate in candidates:
        start, end, kind, score, name = candidate
        if name == ADDRESS_BLOCK:
            continue
        if kind == EntityType.LOCATION:
            at = next((i for i, b in enumerate(blocks) if b[0] < end and start < b[1]), None)
            if at is not None:
                b_start, b_end, b_score = blocks[at]
                blocks[at] = (min(b_start, start), max(b_end, end), max(b_score, score))
                continue
        out.append(candidate)
    out.extend((start, end, EntityType.LOCATION, score, ADDRESS_BLOCK) for start, end, score in blocks)
    return out


def greedy(candidates: list[Candidate]) -> list[Candidate]:
    """Best first (score, length, start, type, recognizer); drop whatever overlaps a better one."""
    ranked = sorted(candidates, key=lambda c: (-round(c[3], 6), c[0] - c[1], c[0], c[2], c[4]))
    starts: list[int] = []
    ends: list[int] = []
    kept: list[Candidate] = []
    for candidate in ranked:
        start, end = candidate[0], candidate[1]
        i = bisect.bisect_right(starts, start)
        if (i > 0 and ends[i - 1] > start) or (i < len(starts) and starts[i] < end):
            continue  # overlaps something better
        starts.insert(i, start)
        ends.insert(i, end)
        kept.append(candidate)
    kept.sort()
    return kept
