"""Whole postal addresses: a small grammar that joins the lines (or comma-separated parts) of
an address into ONE LOCATION span.

An address is a run of *parts*, one a line (after any "> " or bullet) or separated by commas
or semicolons, each classified on its own (:mod:`~veil.pii.recognizers.address_parts`): a street
line, unit, PO box, military line, postcode with or without its town or region, country (any
case and many languages, "Cyprus (Greek)"), town, region code, or a short unknown line.

Street lines in any script and language order: :mod:`~veil.pii.recognizers.street_types`;
lower-case words make a street only beside a street-type word ("36 rue de pologne", not
"12 road map").

A block is a maximal run of classified parts, on consecutive lines or comma-separated (a blank
line ends it), that holds a *strong* part (street, PO box, military line, postcode); a town
joins after a street or before a postcode; an unknown short line or a region code joins only
between a street and a postcode or country; nothing but a country follows a postcode-with-town.
The first part may carry a lead-in ("Ship to 88 Harbour View Terrace"), the last trailing words
("France. We left"). Reported: blocks of two parts or more (0.95), a lone military line, one
street line with a street-only type word and its number, also inside a sentence ("Magasinsgatan
7", 0.85), a street without a type word after an address cue ("lives at 172 Maneeži 75", 0.85),
intersections ("the corner of Csabai kapu 39. and Mathias Pass", 0.85), and a town in
capitals above a country line ("ALFRICK\nUnited Kingdom", 0.85).

Hand-written: no library offers a multilingual, line-joining address grammar at regex speed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from itertools import islice

from veil.pii.entity import EntityType
from veil.pii.recognizer import Recognizer
from veil.pii.recognizers.address_lines import (
    BEFORE_CODE,
    CUE,
    DIGIT,
    HOUSE,
    LOWER_STARTS,
    LOWER_STREET_STARTS,
    MILITARY_ALONE,
    MOST_PARTS,
    REACH,
    SENTENCE_END,
    STREET_KINDS,
    STRONG_KINDS,
    TOKEN,
    TOWN_KINDS,
    TRAILING,
    WORD_KINDS,
    is_filler,
    joins_after_blank,
    joins_left,
    joins_right,
    last_tokens,
    may_cue,
    split_parts,
    strip_end,
    with_number_before,
)
from veil.pii.recognizers.address_parts import PartKinds
from veil.pii.recognizers.house_numbers import counts_something, is_numbering_word
from veil.pii.recognizers.intersections import intersections
from veil.pii.recognizers.persons import COMMON_CAPITALISED
from veil.pii.recognizers.place_fields import place_fields
from veil.pii.recognizers.place_lines import towns_above_countries
from veil.pii.recognizers.street_types import (
    has_street_only_word,
    is_name_word,
    street_term,
)

__all__ = ["ADDRESS_BLOCK", "AddressFinder", "address_block"]

ADDRESS_BLOCK = "address_block"


class AddressFinder(PartKinds):
    """Address blocks in a text (see the module's docstring); the kind of each part is
    :class:`~veil.pii.recognizers.address_parts.PartKinds`'s."""

    def __repr__(self) -> str:
        return "AddressFinder()"

    # -- blocks --------------------------------------------------------------------------------

    def __call__(self, text: str) -> Iterator[tuple[int, int, float]]:
        try:
            found = list(intersections(text, self.kind)) if "of" in text else []
            if "\n" in text:
                found.extend(towns_above_countries(text, self._country, self._town, self.places))
            if ":" in text:
                found.extend(place_fields(text))  # "City: Ernakulam", "PIN: 682016"
            if DIGIT.search(text):  # (a block holds a part with a digit)
                found.extend(self._blocks(text))
        finally:
            self._kinds.clear()
        # one span per address: an intersection and a street found inside it are merged
        found.sort()
        merged: list[tuple[int, int, float]] = []
        for start, end, score in found:
            start = with_number_before(text, start)
            if merged and start < merged[-1][1]:
                last = merged[-1]
                merged[-1] = (last[0], max(last[1], end), max(last[2], score))
            else:
                merged.append((start, end, score))
        yield from merged

    def _blocks(self, text: str) -> Iterator[tuple[int, int, float]]:
        parts = split_parts(text)
        # every block holds a part with a digit (a number, a postcode): only parts within a few
        # places of one are classified (prose with many commas and no numbers costs little)
        near = [False] * len(parts)
        digits = [DIGIT.search(text, s, e) is not None for s, e, _ in parts]
        for j, digit in enumerate(digits):
            if digit:
                for k in range(max(0, j - REACH), min(len(parts), j + REACH + 1)):
                    near[k] = True
        kinds = [self.kind(text[s:e]) if near[j] else None for j, (s, e, _) in enumerate(parts)]
        # a part that is not an address part may end with a street ("Ship to 88 Harbour View
        # Terrace", "Address: Fayepad 03", "send it to USNS Comfort\nFPO AP 96522"): where it starts
        leads: list[tuple[int, str] | None] = [
            self._tail_part(text, part)
            if kind is None and (digits[j] or (j + 1 < len(parts) and digits[j + 1]))
            else None
            for j, (part, kind) in enumerate(zip(parts, kinds, strict=True))
        ]
        for j, (s, e, _) in enumerate(parts):
            if kinds[j] is None and near[j]:
                if is_filler(text, s, e):
                    kinds[j] = "filler"  # a town in odd letters, "delmas": joins before a postcode/country
                elif (
                    digits[j]
                    and j > 0
                    and kinds[j - 1] in TOWN_KINDS
                    and self._head_part(text, parts[j], ["filler"]) is not None
                ):
                    kinds[j] = "closing"  # "Australia 38837. Please call": ends the block before it
        for j, part in enumerate(parts):
            if kinds[j] is None and digits[j]:
                yield from self._inner_streets(text, part)
        i = 0
        while i < len(parts):
            block = self._block(text, parts, kinds, leads, i)
            if block is None:
                i += 1
                continue
            start, end, strong, seen, hi = block
            if strong and (len(seen) >= 2 or MILITARY_ALONE.fullmatch(text, start, end)):
                yield start, end, 0.95
            elif (
                seen == ["street"]
                and DIGIT.search(text, start, end)
                and has_street_only_word(text[start:end])
            ):
                yield start, end, 0.85  # one street line with its number: "Magasinsgatan 7"
            elif "street_weak" in seen[:1] and CUE.search(text, max(0, start - 40), start):
                yield start, end, 0.85  # "lives at 172 Maneeži 75, Saareküla"
            i = hi + 1

    def _inner_streets(self, text: str, part: tuple[int, int, bool]) -> Iterator[tuple[int, int, float]]:
        """A street line inside a sentence, ending at its number or at the street-type word after
        it ("The parcel went to Λεωφόρος Συγγρού 119 yesterday", "lives on Hafnarstraeti 5 street")."""
        start, end, _ = part
        tokens = list(TOKEN.finditer(text, start, end))
        numbers = [
            k
            for k, m in enumerate(tokens[:-1])
            if text[m.start()].isdigit()
            and HOUSE.fullmatch(m.group())
            and not counts_something(
                None, tokens[k + 1].group(), tokens[k + 2].group() if k + 2 < len(tokens) else None
            )
            and not _numbered_before(text, m.start())
        ]
        numbers = numbers[:5]
        if not numbers or not (
            any(street_term(m.group()) is not None for m in tokens)
            or (
                may_cue(text, max(0, start - 40), end)
                and CUE.search(text, max(0, start - 40), end) is not None
            )
        ):
            return  # neither a street-type word nor an address cue: no street in this sentence
        for k in numbers:
            stops = [tokens[k].end()]
            if street_term(tokens[k + 1].group()) in WORD_KINDS:
                stops.insert(0, tokens[k + 1].end())
            # house number first: the street ends at its type word ("went to 1 Kaka Street today")
            after = next(
                (m for m in tokens[k + 2 : k + 7] if street_term(m.group()) in ("suffix", "both")), None
            )
            if after is not None:
                stops.insert(0, after.end())
            for stop in stops:
                stop = strip_end(text, start, stop)
                if not _may_report(text, start, stop):
                    continue  # (a sentence with a year and "Court" in it: no street to look for)
                lead = self._tail_part(text, (start, stop, False))
                if (
                    after is not None
                    and stop > tokens[k].end()
                    and lead is not None
                    and lead[0] > tokens[k + 1].start()
                ):
                    # the street read back from the type word starts words after the number: the
                    # number counts something else ("3 months later I walk down")
                    continue
                if lead is not None and lead[1] == "street" and has_street_only_word(text[lead[0] : stop]):
                    yield lead[0], stop, 0.85
                    break
                if (
                    lead is not None
                    and lead[1] == "street_weak"
                    and CUE.search(text, max(0, lead[0] - 40), lead[0])
                ):
                    yield lead[0], stop, 0.85
                    break

    def _block(
        self,
        text: str,
        parts: list[tuple[int, int, bool]],
        kinds: list[str | None],
        leads: list[tuple[int, str] | None],
        i: int,
    ) -> tuple[int, int, bool, list[str | None], int] | None:
        """(start, end, holds a strong part, the kinds of its parts, last part) of the block grown
        from part ``i``, or None when no block starts there."""
        lead = leads[i]
        if kinds[i] not in STRONG_KINDS and kinds[i] != "street_weak" and lead is None:
            return None
        lo = hi = i
        if lead is None:
            while lo > 0 and i - lo + 1 < MOST_PARTS and not parts[lo - 1][2] and joins_left(kinds, lo - 1):
                lo -= 1
            if lo > 0 and not parts[lo - 1][2] and kinds[lo - 1] is None:
                lead = leads[lo - 1] or self._tail_part(text, parts[lo - 1])  # "Mail: USS Halsey"
                if lead is not None:
                    lo -= 1
            # a town first only before a postcode without a town of its own ("Lakewood\nCO 80226")
            while lead is None and kinds[lo] in ("town", "named_town") and kinds[lo + 1] != "postcode_bare":
                lo += 1
        while (
            hi + 1 < len(parts)
            and hi + 1 - lo < MOST_PARTS
            and (not parts[hi][2] or joins_after_blank(text, parts, kinds, lo, hi + 1))
            and joins_right(kinds, lo, hi + 1)
        ):
            hi += 1
        start = parts[lo][0] if lead is None else lead[0]
        end = parts[hi][1]
        count = hi - lo + 1
        seen = [kinds[lo] if lead is None else lead[1], *kinds[lo + 1 : hi + 1]]
        # trailing words after the last part ("France. We left", "CO 80226 and ...")
        if hi + 1 < len(parts) and not parts[hi][2] and kinds[hi] != "country":
            numbered = DIGIT.search(text, start, parts[hi][1]) is not None
            found = self._head_part(text, parts[hi + 1], seen, numbered=numbered)
            if found is not None:
                end, count = found, count + 1
                seen.append("tail")
        end = strip_end(text, start, end)
        # strong: a strong part, or a street, more address parts and a country ("971 Kesk 53\n
        # Suite 343\nPärnu\nEstonia")
        strong = any(k in STRONG_KINDS for k in seen) or (
            count >= 3 and "country" in seen and "unit" in seen and any(k in STREET_KINDS for k in seen)
        )
        return start, end, strong, seen, hi

    def _tail_part(self, text: str, part: tuple[int, int, bool]) -> tuple[int, str] | None:
        """Start of a street, unit, PO box or military part at the end of ``part`` (after a
        lead-in such as "Ship to" or "Address:")."""
        start, end, _ = part
        found = None
        tokens = last_tokens(text, start, end, 12)  # a street line has at most twelve words
        for n, m in enumerate(tokens):
            word = m.group()
            if (
                word.endswith(":")
                or (word[0].isdigit() and _numbered_before(text, m.start()))
                or (
                    with_number_before(text, m.start()) < m.start()
                    and counts_something(None, word, tokens[n + 1].group() if n + 1 < len(tokens) else None)
                )
            ):
                continue  # ("Chapter 11 Bankruptcy Court": the chapter's number; "3 Bed Terrace": a count)
            lower = not (word[0].isupper() or word[0].isdigit() or word[0] == "#")
            # a lower-case street names itself in one or two words before its type and number
            # ("hegyalja út 98."): tried only from the word two places before a number
            if (
                lower
                and street_term(word) not in LOWER_STREET_STARTS
                and word.casefold() not in LOWER_STARTS
                and not (
                    n + 2 < len(tokens)
                    and street_term(tokens[n + 1].group()) in WORD_KINDS
                    and HOUSE.fullmatch(tokens[n + 2].group())
                )
            ):
                continue
            kind = self.kind(text[m.start() : end], line=True)
            if kind in ("street", "unit", "pobox", "military"):
                # an earlier weak street reaching to the same end covers more ("68954 Geddingmoor
                # 24 Apt. 835")
                between = text[found[0] : m.start()].split() if found is not None else []
                if found is not None and all(
                    w[0].isdigit() or (is_name_word(w) and w not in COMMON_CAPITALISED) for w in between
                ):
                    return found[0], kind
                return m.start(), kind
            if kind == "street_weak" and found is None and word not in COMMON_CAPITALISED and not lower:
                found = m.start(), kind
        return found

    def _head_part(
        self, text: str, part: tuple[int, int, bool], kinds: list[str | None], *, numbered: bool = True
    ) -> int | None:
        """End of a postcode, country or known place at the start of ``part`` (before trailing words)."""
        start, end, _ = part
        stop = SENTENCE_END.search(text, start, end)
        if stop is not None:
            end = stop.start()
        ends = [m.end() for m in islice(TOKEN.finditer(text, start, end), 5)]
        for at in reversed(ends):
            value = text[start:at].strip(TRAILING)
            kind = self.kind(value)
            if (
                kind in ("postcode", "postcode_bare", "country", "military")
                or (kind in ("code", "code_tail") and kinds[-1] in BEFORE_CODE)
                or (kind == "house" and kinds == ["street"] and not numbered)  # "улица Кака, 1 yesterday"
                or (kind == "town" and "postcode" not in kinds and value.casefold() in self.places)
            ):
                return start + len(text[start:at].rstrip(TRAILING))
        return None


_WORD_BEFORE = re.compile(r"(\S{1,20})[ \t]+$")


def _numbered_before(text: str, at: int) -> bool:
    """Whether the word before ``at`` (on its line) numbers a part or a series ("Chapter",
    "Step", "Top"): the number at ``at`` is then that word's, not a house's."""
    word = _WORD_BEFORE.search(text, max(0, at - 24), at)
    return word is not None and is_numbering_word(word.group(1))


def _may_report(text: str, start: int, stop: int) -> bool:
    """Whether a street that ``AddressFinder._tail_part`` finds in ``text[start:stop]`` could be
    reported by ``_inner_streets``: it starts at one of the last twelve words (the words that
    ``_tail_part`` tries) and is reported only with a street-only word among its words or an
    address cue just before it. A cheap test before the costly one, with the same verdict: most
    sentences with a number and a street-type word ("the Court", "the Park") have neither."""
    words = last_tokens(text, start, stop, 12)
    if not words:
        return False
    first = words[0].start()
    if has_street_only_word(text[first:stop]):
        return True
    return may_cue(text, max(0, first - 40), stop) and any(
        CUE.search(text, max(0, m.start() - 40), m.start()) is not None for m in words
    )


def address_block() -> Recognizer:
    return Recognizer(
        name=ADDRESS_BLOCK,
        entity_type=EntityType.LOCATION,
        finder=AddressFinder(),
        context=("address", "ship to", "mail to", "deliver to", "lives at", "billing", "shipping"),
        context_boost=0.05,
    )
