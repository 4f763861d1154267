"""The players of a team sheet: "Riverton XI: Abara; Kessel, Moyo, Ide, Varga; Lund ...".

Football and cricket posts list a side's starting eleven after the team's name and "XI", the
players by family name, split by commas and semicolons (the formation's lines). The small model
types a few of them and drops the rest as words or leaves them untyped ("Hart", "Turner",
"Agger"); in a team sheet every item is a player. The list ends at the line's end, a link, a
hashtag, a bracket, or "Subs"/"Bench"; an item is one to three capitalised words, and a sheet
counts only with four items or more, most of them no ordinary English word ("Part XI: Scope,
Terms, Notes, Forms" is a table of contents).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from veil.pii.entity import EntityType
from veil.pii.recognizer import Recognizer
from veil.pii.vocabulary import is_ordinary_word

__all__ = ["lineup_players", "person_lineup"]

_WORD = r"[A-Z\u00c0-\u00de][\w'\u2019\u00c0-\u024f-]*"
_ITEM = rf"{_WORD}(?:[ \t]{_WORD}){{0,2}}"
_SHEET = re.compile(rf"(?<![\w-])XI[ \t]*:[ \t]*(?P<items>{_ITEM}(?:[ \t]*[,;][ \t]*{_ITEM})+)")
_ITEM_RE = re.compile(_ITEM)
# words that end a sheet's starting players: the substitutes follow
_ENDS = frozenset({"Subs", "Bench", "Substitutes", "Sub", "Reserves"})
_MIN_ITEMS = 4


def lineup_players(text: str) -> Iterator[tuple[int, int, float]]:
    """Each player of a team sheet after "XI:" (see the module's docstring)."""
    if "XI" not in text:
        return
    for sheet in _SHEET.finditer(text):
        items = list(_ITEM_RE.finditer(text, sheet.start("items"), sheet.end("items")))
        players = []
        for item in items:
            if item.group().split()[0] in _ENDS:
                break
            players.append(item)
        words = sum(is_ordinary_word(p.group()) for p in players)
        if len(players) >= _MIN_ITEMS and 2 * words < len(players):
            for item in players:
                yield item.start(), item.end(), 0.8


def person_lineup() -> Recognizer:
    """:func:`lineup_players` as a PERSON recognizer."""
    return Recognizer(name="person_lineup", entity_type=EntityType.PERSON, finder=lineup_players)
