# ruff: noqa: RUF001  (case endings, cue words and letter ranges are written in the scripts they read)
"""Towns named in text of non-Latin scripts.

A Russian, Greek, Chinese, Korean, Arabic, Hebrew, Hindi or Thai text names where a person lives
or was born in its own script ("проживает в Москве", "住在北京市朝阳区", "서울에 살아요",
"يسكن في الرياض", "גר בתל אביב", "मैं दिल्ली में रहता हूँ"); spaCy's English model and the place
lists (Latin script) read none of it. The names are GeoNames' own spellings of the towns of
100,000 inhabitants or more in those scripts (``data/script_places.txt``, made by
``benchmarks/script_places.py``), read the way each script is written:

* **Cyrillic and Greek** have capitals: a capitalised word (or two, or a hyphenated name) that is
  a listed town, as written or in a case form of it (Russian and Greek decline town names:
  "в Москве", "из Москвы", "в Новосибирске", "στην Αθήνα", "της Αθήνας");
* **Han** has no spaces: a listed town followed by a word for an administrative unit (市, 区, 県,
  省, 州 ...) or after a word of place (在, 住在, 来自, 位于, 到, 从; に, で, から), or a Han run that
  is the name alone;
* **Hangul** writes a particle onto the word: a word that is a listed town (or one without its
  "시", city) with nothing or a particle after it ("서울에서", "부산의");
* **Arabic, Hebrew, Devanagari, Thai** have no capitals, and town names there are often words
  too ("المدينة" is "the city"): a listed town after a preposition of place or with one written
  onto it (في, من, إلى, بـ; ב, מ, ל; में, से after it; ที่, จาก, ใน).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache

from veil.pii.data import load_list
from veil.pii.entity import EntityType
from veil.pii.recognizer import Recognizer

__all__ = ["ScriptPlaceFinder", "script_place", "script_places"]

PLACES_FILE = "script_places.txt"
_SCORE = 0.75


@cache
def script_places() -> dict[str, frozenset[str]]:
    """The listed towns by script."""
    out: dict[str, set[str]] = {}
    for line in load_list(PLACES_FILE):
        script, _, name = line.partition("\t")
        if name:
            out.setdefault(script, set()).add(name)
    hangul = out.setdefault("hangul", set())
    hangul |= {n[:-1] for n in list(hangul) if n.endswith("시") and len(n) >= 3}  # "서울시" -> "서울"
    return {script: frozenset(names) for script, names in out.items()}


# --- Cyrillic and Greek --------------------------------------------------------------------------

_CASED_WORD = re.compile(
    "(?<![\\w-])[\\u0410-\\u042f\\u0401\\u0404\\u0406\\u0407\\u040e\\u0386-\\u038f\\u0391-\\u03ab]"
    "[\\u0430-\\u045f\\u03ac-\\u03ce]+(?:-[\\u0400-\\u045f\\u0370-\\u03ff]+)*(?![\\w-])"
)
# case endings of a town's name in the text, and the endings of its listed form they stand for
_ENDINGS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("ом", ("",)),
    ("ем", ("ь", "")),
    ("ой", ("а",)),
    ("ей", ("я", "ь")),
    ("ою", ("а",)),
    ("е", ("а", "я", "", "о", "ь")),
    ("ы", ("а",)),
    ("и", ("я", "ь", "а")),
    ("у", ("а", "")),
    ("ю", ("я",)),
    ("а", ("", "о")),
    ("я", ("ь",)),
    ("ας", ("α",)),
    ("ης", ("η",)),
    ("ου", ("ο", "ος")),
)


def _cased_town(word: str, towns: frozenset[str]) -> bool:
    if word in towns:
        return True
    for ending, bases in _ENDINGS:
        if word.endswith(ending) and len(word) > len(ending) + 2:
            stem = word[: -len(ending)]
            if any(stem + base in towns for base in bases):
                return True
    return False


def _cased(text: str, towns: frozenset[str]) -> Iterator[tuple[int, int, float]]:
    words = list(_CASED_WORD.finditer(text))
    i = 0
    while i < len(words):
        word = words[i]
        if i + 1 < len(words) and text[word.end() : words[i + 1].start()] == " ":
            pair = f"{word.group()} {words[i + 1].group()}"  # "Нижний Новгород", "Санкт Петербург"
            if pair in towns:
                yield word.start(), words[i + 1].end(), _SCORE
                i += 2
                continue
        if _cased_town(word.group(), towns):
            yield word.start(), word.end(), _SCORE
        i += 1


# --- Han ----------------------------------------------------------------------------------------

_HAN_RUN = re.compile("[\\u4e00-\\u9fff]+")
_UNITS = frozenset("市区區县縣省州府都道県町村镇鎮")
_HAN_CUES: tuple[str, ...] = ("住在", "来自", "來自", "位于", "位於", "出生于", "出生於")
_HAN_CUES += ("在", "到", "从", "從", "去", "于", "於")
_JA_AFTER = ("に", "で", "から", "へ", "出身")


def _han(text: str, towns: frozenset[str]) -> Iterator[tuple[int, int, float]]:
    for run in _HAN_RUN.finditer(text):
        chars = run.group()
        i = 0
        while i < len(chars):
            hit = 0
            for size in (4, 3, 2):
                name = chars[i : i + size]
                if len(name) < size or name not in towns:
                    continue
                end = i + size
                alone = i == 0 and end == len(chars)
                unit = end < len(chars) and chars[end] in _UNITS
                cued = chars[:i].endswith(_HAN_CUES) or (i == 0 and text.endswith(_HAN_CUES, 0, run.start()))
                japanese = (end == len(chars) and text.startswith(_JA_AFTER, run.end())) or chars.startswith(
                    "出身", end
                )
                if alone or unit or cued or japanese:
                    hit = size + (1 if unit else 0)
                    break
            if hit:
                yield run.start() + i, run.start() + i + hit, _SCORE
                i += hit
            else:
                i += 1


# --- Hangul -------------------------------------------------------------------------------------

_HANGUL_WORD = re.compile("[\\uac00-\\ud7af]+")
_KO_PARTICLES = frozenset(
    ("에", "에서", "에서는", "에는", "의", "은", "는", "이", "가", "을", "를", "로", "으로", "과", "와")
)
_KO_PARTICLES |= frozenset(("까지", "부터", "시", "시에", "시에서", "출신"))


def _hangul(text: str, towns: frozenset[str]) -> Iterator[tuple[int, int, float]]:
    for word in _HANGUL_WORD.finditer(text):
        value = word.group()
        for size in range(min(len(value), 6), 1, -1):
            if value[:size] in towns and (size == len(value) or value[size:] in _KO_PARTICLES):
                yield word.start(), word.start() + size, _SCORE
                break


# --- Arabic, Hebrew, Devanagari, Thai -----------------------------------------------------------

_UNCASED_RUN = {
    "arabic": re.compile("[\\u0600-\\u06ff]+(?:[ -][\\u0600-\\u06ff]+){0,2}"),
    "hebrew": re.compile("[\\u0590-\\u05ff]+(?:[ -][\\u0590-\\u05ff]+){0,2}"),
    "devanagari": re.compile("[\\u0900-\\u097f]+(?: [\\u0900-\\u097f]+){0,2}"),
    "thai": re.compile("[\\u0e00-\\u0e7f]+"),  # (read by _thai)
}
_WORDS_BEFORE = {
    "arabic": ("في", "من", "إلى", "الى", "ب", "مدينة", "سكان", "يسكن", "أسكن", "اسكن", "ولد في"),
    "hebrew": ("ב", "מ", "ל", "גר", "גרה", "עיר", "העיר"),
    "devanagari": ("शहर",),
}
_GLUED_BEFORE = {"arabic": ("في", "ب", "و", "ل", "من"), "hebrew": ("ב", "מ", "ל", "ו", "וב", "ומ")}
_DEVANAGARI_AFTER = ("में", "से", "के", "का", "की", "को", "तक")


def _uncased(text: str, script: str, towns: frozenset[str]) -> Iterator[tuple[int, int, float]]:
    """Listed towns after a preposition of place (or with one written onto them)."""
    words = [(m.start(), m.end(), m.group()) for m in re.finditer(r"\S+", text)]
    run_chars = _UNCASED_RUN[script]
    for index, (start, _end, word) in enumerate(words):
        if run_chars.fullmatch(word) is None:
            continue
        before = words[index - 1][2] if index else ""
        for size in (3, 2, 1):
            if index + size > len(words):
                continue
            name_end = words[index + size - 1][1]
            name = text[start:name_end]
            cut = _glued(name, script, towns)
            if cut is not None:
                yield start + cut, name_end, _SCORE
                break
            if name not in towns:
                continue
            after = words[index + size][2] if index + size < len(words) else ""
            if before in _WORDS_BEFORE[script] or (script == "devanagari" and after in _DEVANAGARI_AFTER):
                yield start, name_end, _SCORE
                break


def _glued(name: str, script: str, towns: frozenset[str]) -> int | None:
    """Where a listed town starts in ``name`` after a preposition written onto it ("בתל אביב",
    "بالرياض"), or None."""
    for prefix in _GLUED_BEFORE.get(script, ()):
        if name.startswith(prefix) and name[len(prefix) :] in towns and len(name) - len(prefix) >= 3:
            return len(prefix)
    return None


_THAI_CUE = re.compile("ที่|จาก|ใน|จังหวัด|เมือง")
_LONGEST_THAI_TOWN = 24


def _thai(text: str, towns: frozenset[str]) -> Iterator[tuple[int, int, float]]:
    """Thai writes words without spaces: a listed town right after a word of place inside a run
    ("อยู่ที่เชียงใหม่"), the longest that fits."""
    for cue in _THAI_CUE.finditer(text):
        start = cue.end()
        for size in range(min(_LONGEST_THAI_TOWN, len(text) - start), 2, -1):
            if text[start : start + size] in towns:
                yield start, start + size, _SCORE
                break


_NON_ASCII_LETTER = re.compile(
    "[\\u0370-\\u06ff\\u0900-\\u097f\\u0e00-\\u0e7f\\u4e00-\\u9fff\\uac00-\\ud7af]"
)


class ScriptPlaceFinder:
    """Towns of non-Latin scripts (module docstring); nothing is read in a text without them."""

    def __call__(self, text: str) -> Iterator[tuple[int, int, float]]:
        if text.isascii() or _NON_ASCII_LETTER.search(text) is None:
            return
        towns = script_places()
        empty: frozenset[str] = frozenset()
        yield from _cased(text, towns.get("cyrillic", empty) | towns.get("greek", empty))
        yield from _han(text, towns.get("han", empty))
        yield from _hangul(text, towns.get("hangul", empty))
        for script in ("arabic", "hebrew", "devanagari"):
            if _UNCASED_RUN[script].search(text) is not None:
                yield from _uncased(text, script, towns.get(script, empty))
        if _UNCASED_RUN["thai"].search(text) is not None:
            yield from _thai(text, towns.get("thai", empty))

    def __repr__(self) -> str:
        return "ScriptPlaceFinder()"


def script_place() -> Recognizer:
    return Recognizer(name="script_place", entity_type=EntityType.LOCATION, finder=ScriptPlaceFinder())
