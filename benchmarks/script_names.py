"""Generate ``src/veil/pii/data/script_names.txt``: person names written in non-Latin scripts.

Read by :mod:`veil.pii.recognizers.script_names`. The names are the first, family and middle
(patronymic) names of Faker's person providers (MIT, © Daniele Faraglia and contributors) of
locales that write names in a script other than Latin: Cyrillic (ru_RU, uk_UA, bg_BG), Greek
(el_GR), Han (zh_CN, zh_TW, ja_JP), Hangul (ko_KR), Arabic (ar_SA, ar_AA, fa_IR), Hebrew
(he_IL), Devanagari (hi_IN, ne_NP) and Thai (th_TH). Each entry is split at spaces; a word is
kept when it is letters and marks of one of those scripts only (no Latin letter, no digit),
two characters or more, except Han and Hangul names, which are often one character; a word of an
entry of several words only when it is also an entry of one word ("عبد الملك" gives no "الملك").
Japanese kana readings are not read. No benchmark corpus is read; Faker is not needed at run time.

Each line is ``KIND<TAB>NAME`` with ``KIND`` ``first``, ``last``, ``middle`` (a patronymic)
or ``family-ja`` / ``family-ko`` / ``family-zh`` (family names of the three CJK locales, kept
apart because the recognizer reads each language's cues with its own family names).

Run (no network)::

    PYTHONPATH=src .venv/bin/python -m benchmarks.script_names
"""

from __future__ import annotations

import importlib
import sys
import unicodedata
from collections.abc import Iterable
from pathlib import Path

__all__ = ["LOCALES", "main", "name_words"]

# locale -> kind given to its family names ("last" for scripts with spaces between names)
LOCALES: dict[str, str] = {
    "ru_RU": "last",
    "uk_UA": "last",
    "bg_BG": "last",
    "el_GR": "last",
    "zh_CN": "family-zh",
    "zh_TW": "family-zh",
    "ja_JP": "family-ja",
    "ko_KR": "family-ko",
    "ar_SA": "last",
    "ar_AA": "last",
    "fa_IR": "last",
    "he_IL": "last",
    "hi_IN": "last",
    "ne_NP": "last",
    "th_TH": "last",
}
_ATTRS = tuple(
    f"{part}_names{sex}" for part in ("first", "last", "middle") for sex in ("", "_male", "_female")
)
_SCRIPTS = ("CYRILLIC", "GREEK", "CJK", "HANGUL", "ARABIC", "HEBREW", "DEVANAGARI", "THAI")
_OUT = Path(__file__).resolve().parents[1] / "src" / "veil" / "pii" / "data" / "script_names.txt"


def _script(char: str) -> str | None:
    """The script of a letter or mark (first word of its Unicode name), if one of ours."""
    if unicodedata.category(char)[0] not in "LM":
        return None
    name = unicodedata.name(char, "")
    return next((s for s in _SCRIPTS if name.startswith(s)), None)


def name_words(
    entries: Iterable[str], *, single: bool = False, alone: frozenset[str] = frozenset()
) -> set[str]:
    """The words of ``entries`` written wholly in one of our scripts (one character only with
    ``single``); a word of an entry of several words only when ``alone`` (the entries of one
    word) holds it too: "عبد الملك" gives neither "عبد" nor "الملك" ("the king"), which are no
    names on their own."""
    words: set[str] = set()
    for entry in entries:
        parts = unicodedata.normalize("NFC", entry).split()
        for word in parts:
            if len(parts) > 1 and word not in alone:
                continue
            scripts = {_script(c) for c in word.replace("-", "")}
            if len(scripts) != 1 or None in scripts or (len(word) < 2 and not single):
                continue
            words.add(word)
    return words


def _attr(provider: type, name: str) -> list[str]:
    value = getattr(provider, name, ())
    return [str(v) for v in value]


def main() -> None:
    lines: set[tuple[str, str]] = set()
    alone = frozenset(
        unicodedata.normalize("NFC", entry)
        for locale in LOCALES
        for attr in _ATTRS
        for entry in _attr(importlib.import_module(f"faker.providers.person.{locale}").Provider, attr)
        if " " not in entry.strip()
    )
    for locale, family_kind in LOCALES.items():
        provider = importlib.import_module(f"faker.providers.person.{locale}").Provider
        cjk = family_kind != "last"
        for attr in ("first_names", "first_names_male", "first_names_female"):
            lines |= {("first", w) for w in name_words(_attr(provider, attr), single=cjk, alone=alone)}
        for attr in ("last_names", "last_names_male", "last_names_female"):
            lines |= {(family_kind, w) for w in name_words(_attr(provider, attr), single=cjk, alone=alone)}
        for attr in ("middle_names", "middle_names_male", "middle_names_female"):
            lines |= {("middle", w) for w in name_words(_attr(provider, attr), alone=alone)}
    header = "# person names in non-Latin scripts, from Faker's person providers (MIT); see README.md\n"
    body = "".join(f"{kind}\t{word}\n" for kind, word in sorted(lines))
    _OUT.write_text(header + body, encoding="utf-8")
    sys.stdout.write(f"{len(lines)} entries -> {_OUT}\n")


if __name__ == "__main__":
    main()
