# ruff: noqa: RUF001  (cue words and letter ranges are written in the scripts they read)
"""People's names written in non-Latin scripts, found by rules (no NER model reads them).

spaCy's English model sees "Меня зовут Иван Петрович Сидоров" or "我叫王小明" as noise, and no
offline model for these scripts ships with Veil. How each kind of script writes a name decides the
rule; the names come from ``data/script_names.txt`` (Faker's person providers, see its README):

(a) Cased scripts (Cyrillic, Greek): a run of two to four capitalised words, trimmed to its words
    that are a known first, family or middle name or have the shape of a family name or patronymic
    (-ович/-евич/-овна/-евна, -ов/-ова/-ев/-ева/-ин/-ина/-ский/-ская/-енко/-ук; Greek
    -όπουλος/-ίδης/-άκης/-ίου ...): two or three such words, one of them known or a patronymic,
    are a name ("Клиент Ольга Смирнова проживает" gives "Ольга Смирнова"). A sentence's first
    word that is no name drops off; two shaped words with nothing known stay clean.
(b) Chinese, Japanese, Korean (no spaces, no case): a family name of the language's list and one
    or two Han characters (Chinese, Japanese: up to three) or two Hangul syllables, where a cue of
    the language stands beside it (我叫, 名叫, 姓名 and a colon; 先生, 女士, 小姐, 老师; 私は/名前は ... です,
    さん, 様, 君; 제 이름은, 저는, 씨, 님, 선생님), or where the whole name is in the list and stands
    alone (a Han run of its own, a Hangul word with at most a particle after it). Surname
    characters inside ordinary words (王国, 李子, 金融) have neither.
(c) Uncased scripts with spaces (Arabic, Persian, Hebrew, Devanagari, Thai): known names after a
    name cue of the language (اسمي, السيد, السيدة; آقای, خانم; שמי, מר, גב'; मेरा नाम, श्री,
    श्रीमती; Thai นาย, นาง, คุณ written onto the name), or a known first name with a known name
    beside it. After a cue, an Arabic family name of the nisba shape (ال...ي: "العتيبي") joins
    the known first name before it.

Every pattern is linear: runs of one character class, cue alternations, bounded repeats.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from functools import cache

from veil.pii.data import load_list
from veil.pii.entity import EntityType
from veil.pii.recognizer import Recognizer

__all__ = ["ScriptNameFinder", "person_script_names", "script_names"]

SCRIPT_NAMES = "script_names.txt"

# (a) cased scripts
_CYR_UP = "А-ЯЁІЇЄҐЎЈЉЊЋЏЅЂ"
_CYR_LO = "а-яёіїєґўјљњћџѕђ"
_GRK_UP = "Α-ΩΆΈΉΊΌΎΏΪΫ"
_GRK_LO = "α-ωάέήίόύώϊϋΐΰς"
_WORD = rf"(?:[{_CYR_UP}][{_CYR_LO}]+(?:-[{_CYR_UP}][{_CYR_LO}]+)?|[{_GRK_UP}][{_GRK_LO}]+)"
_CASED_RUN = re.compile(rf"(?<![\w-]){_WORD}(?:[ \u00a0]{_WORD})*(?![\w-])")
# endings of patronymics and of family names, in the nominative and the oblique cases
# ("Андреевну", "Кузнецовой", "Петрову"); Greek nominative and genitive/vocative
_PATRONYMIC = (
    *("ович", "евич", "ьич", "овна", "евна", "ична"),
    *(
        "овича",
        "евича",
        "овичу",
        "евичу",
        "овичем",
        "евичем",
        "овны",
        "евны",
        "овну",
        "евну",
        "овной",
        "евной",
    ),
)
_SURNAME = (
    *("ов", "ова", "ев", "ева", "ёв", "ёва", "ин", "ина", "ын", "ына", "ский", "ская", "цкий", "цкая"),
    *("ову", "овым", "овой", "ове", "еву", "евым", "евой", "ину", "иным", "иной", "ского", "скому", "ским"),
    *("ской", "ський", "ська", "енко", "ук", "юк", "чук"),
    *("όπουλος", "οπούλου", "όπουλο", "ίδης", "ίδου", "ίδη", "άκης", "άκη", "άδης", "άδη", "ίου", "άτος"),
    *("ούδης", "ούδη"),
)
# words before a name in forms, letters and salutations: one listed or shaped word after them is
# a name ("Фамилия: Иванов", "Имя: Сергей", "κύριε Παπαδάκη")
_CASED_CUES = frozenset(
    (
        *("фио", "фамилия", "имя", "отчество", "прізвище", "ім'я", "ім’я", "пациент", "пациентка"),
        *("господин", "госпожа", "г-н", "г-жа", "гражданин", "гражданка", "товарищ", "пан", "пані"),
        *("уважаемый", "уважаемая", "дорогой", "дорогая", "шановний", "шановна", "автор", "от"),
        *("όνομα", "επώνυμο", "ονοματεπώνυμο", "κύριε", "κυρία", "κύριος", "κ", "κα", "αγαπητέ", "αγαπητή"),
    )
)
# a saint's word before a first name makes a place or a church of it ("Άγιος Νικόλαος")
_SAINTS = frozenset(
    ("святой", "святого", "святая", "святой", "св", "άγιος", "αγίου", "αγία", "αγίας", "άγιοι")
)
# a single first name after these is a town, a street or a namesake ("в Софии", "Проспект Мира",
# "имени Ленина", "στον Άγιο Νικόλαο")
_PLACE_WORDS = frozenset(
    (
        *("в", "во", "из", "на", "под", "город", "г", "село", "улица", "ул", "проспект", "пр", "площадь"),
        *("переулок", "пер", "бульвар", "набережная", "шоссе", "имени", "им", "вулиця", "вул"),
        *("στην", "στη", "στο", "στον", "από", "σε", "οδός", "οδ", "λεωφόρος", "πλατεία", "άγιο", "αγίου"),
    )
)
_CUE_BEFORE = re.compile(r"([^\W\d_][\w'’-]*)\.?[ \t]*[:,]?[ \t]*[\"«„]?[ \t]*$")
_INITIALS = rf"[{_CYR_UP}]\.[ \u00a0]?(?:[{_CYR_UP}]\.)?"
_CYR_WORD = rf"[{_CYR_UP}][{_CYR_LO}]+(?:-[{_CYR_UP}][{_CYR_LO}]+)?"
_INITIALS_AFTER = re.compile(rf"(?<![\w-])({_CYR_WORD})[ \u00a0]({_INITIALS})(?!\w)")
_INITIALS_BEFORE = re.compile(rf"(?<![\w-])({_INITIALS})[ \u00a0]?({_CYR_WORD})(?![\w-])")

# (b) Chinese, Japanese, Korean
_HAN = "\u4e00-\u9fff\u3400-\u4dbf"
_HAN_RUN = re.compile(rf"(?<![{_HAN}])[{_HAN}]{{2,4}}(?![{_HAN}])")
_HANGUL_WORD = re.compile(r"(?<![가-힣])[가-힣]{3,8}(?![가-힣])")
_ZH_LABELS = "姓名|联系人|聯絡人|收件人|收货人|收貨人|申请人|申請人|患者|客户|客戶"
_ZH_BEFORE = re.compile(rf"(?:我叫|名叫|(?:{_ZH_LABELS})[:：])[ \u3000]?(?=[{_HAN}])")
# "我是" ("I am") says a name only when the name ends the clause: "我是李明。", not "我是学生"
_ZH_I_AM = re.compile(rf"我是(?=[{_HAN}]{{2,3}}(?:[^{_HAN}]|$))")
_ZH_AFTER = ("先生", "女士", "小姐", "老师", "老師", "同学", "同學", "医生", "醫生", "教授")
_JA_BEFORE = re.compile(rf"(?:私の名前は|名前は|私は|わたしは|僕は|ぼくは)[ \u3000]?(?=[{_HAN}])")
_JA_LABEL = re.compile(rf"(?:氏名|名前|担当者?)[:：][ \u3000]?(?=[{_HAN}])")
_JA_END = ("です", "と申します", "といいます", "と言います", "でございます")
_JA_AFTER = ("さん", "様", "さま", "君", "くん", "ちゃん", "先生", "氏")
# what ends a Chinese given name after a cue: grammar characters that follow a name
_ZH_STOP = frozenset("是的了在和与與也很就都说說给給对對把被从從向今年")
_KO_BEFORE = ("이름은", "저는", "환자", "담당자")
_KO_TITLES = ("씨", "님", "선생님", "씨는", "씨가", "씨의", "씨를", "씨에게", "님의", "님께")
_KO_PARTICLES = frozenset(
    [
        "이",
        "가",
        "은",
        "는",
        "을",
        "를",
        "의",
        "도",
        "와",
        "과",
        "랑",
        "이랑",
        "에게",
        "한테",
        "께",
        "이고",
        "이며",
        "이다",
        "입니다",
        "이에요",
        "예요",
        "이야",
        "야",
        "씨",
        "님",
    ]
)

# (c) uncased scripts with spaces between words
_ARABIC = "\u0620-\u064a\u064b-\u065f\u0670-\u06d3\u06d5\u06fa-\u06ff\u200c"
_HEBREW = "\u05d0-\u05ea\u05b0-\u05c7"
_DEVANAGARI = "\u0900-\u0963\u0971-\u097f"
_THAI = "\u0e01-\u0e3a\u0e40-\u0e4e"
_UNCASED_WORD = re.compile(
    rf"[{_ARABIC}]+|[{_HEBREW}]+(?:['\u05f3\"\u05f4][{_HEBREW}]*)?|[{_DEVANAGARI}]+\.?|[{_THAI}]+"
)
_UNCASED_CUES = frozenset(
    (
        *("اسمي", "السيد", "السيدة", "السيّد", "الدكتور", "الدكتورة", "الأستاذ", "الأستاذة"),
        *("المريض", "المريضة", "الاسم", "اسم المريض", "اسم العميل", "آقای", "خانم", "دکتر", "نام", "نام من"),
        *("اسم من", "שם", "नाम"),
        *("שמי", "מר", "גב'", "גב׳", "גברת", 'ד"ר', "ד״ר", "הרב", 'עו"ד'),
        *("मेरा नाम", "मेरा नाम है", "श्री", "श्रीमती", "सुश्री", "कुमारी", "डॉ.", "डॉ", "मिस्टर"),
        *("คุณ", "นาย", "นาง", "นางสาว"),
    )
)
_BARE_ALIF = str.maketrans("أإآ", "ااا")
_THAI_TITLES = ("นางสาว", "นาย", "นาง", "คุณ")


@cache
def script_names() -> dict[str, frozenset[str]]:
    """The names of ``data/script_names.txt`` by kind (first, last, middle, family-zh/-ja/-ko)."""
    kinds: dict[str, set[str]] = {}
    for line in load_list(SCRIPT_NAMES):
        kind, _, name = line.partition("\t")
        kinds.setdefault(kind, set()).update(_arabic_spellings(name))
    return {kind: frozenset(names) for kind, names in kinds.items()}


def _arabic_spellings(name: str) -> set[str]:
    """``name`` and, for an Arabic-script name, its spellings with a bare alif for hamzated ones
    and tā' marbūṭa for a final hā' (and back): writers mix them ("فاطمه" / "فاطمة")."""
    spellings = {name}
    if "\u0620" <= name[-1] <= "\u06ff":
        bare = name.translate(_BARE_ALIF)
        for form in (name, bare):
            spellings |= {
                form,
                form[:-1] + "ة" if form[-1] == "ه" else form,
                form[:-1] + "ه" if form[-1] == "ة" else form,
            }
    return spellings


@cache
def _known() -> frozenset[str]:
    names = script_names()
    return names.get("first", frozenset()) | names.get("last", frozenset()) | names.get("middle", frozenset())


def _first(word: str) -> bool:
    return word in script_names().get("first", frozenset())


def _bare(word: str) -> str:
    """``word`` without accents and diaereses (Greek "Νικολαΐδου" ends like "-ίδου")."""
    return "".join(c for c in unicodedata.normalize("NFD", word) if not unicodedata.combining(c))


_BARE_SURNAME = tuple({_bare(suffix) for suffix in _SURNAME})


def _first_forms(word: str) -> Iterator[str]:
    """``word`` and the nominatives it may be a case of: Russian "Сергею", "Ольгой", "Анны",
    "Марии" (Сергей, Ольга, Анна, Мария), Greek "Νίκο", "Νίκου" (Νίκος); a "ё" also as the plain letter."""
    yield word
    if "ё" in word:
        yield word.replace("ё", "е")
    for ending in ("ом", "ем", "ой", "ей", "ою", "ею", "а", "я", "у", "ю", "е", "и", "ы"):
        if word.endswith(ending) and len(word) - len(ending) >= 3:
            stem = word[: -len(ending)]
            yield from (stem + tail for tail in ("", "а", "я", "й", "ь", "ия"))
    for ending, tails in (
        ("ου", ("ος", "ης")),
        ("ο", ("ος",)),
        ("η", ("ης",)),
        ("α", ("ας",)),
        ("ε", ("ος",)),
    ):
        if word.endswith(ending) and len(word) - len(ending) >= 3:
            yield from (word[: -len(ending)] + tail for tail in tails)


def _cased_kind(word: str) -> str:
    """'first', 'known', 'patronymic', 'shaped' or '' for a capitalised Cyrillic or Greek word."""
    forms = list(_first_forms(word))
    if any(_first(form) for form in forms):
        return "first"
    if any(form in _known() for form in forms):
        return "known"
    lower = _bare(word.lower())
    if len(word) >= 6 and lower.endswith(_PATRONYMIC):
        return "patronymic"
    if len(word) >= 5 and lower.endswith(_BARE_SURNAME):
        return "shaped"
    return ""


def _cue_before(text: str, start: int) -> str:
    """The word (lower case) right before ``start``, across a colon, comma or opening quote."""
    match = _CUE_BEFORE.search(text, max(0, start - 40), start)
    return match.group(1).lower() if match else ""


def _sentence_start(text: str, start: int) -> bool:
    before = text[max(0, start - 40) : start].rstrip(" \t\u00a0\"«„'")
    return not before or before[-1] in ".!?…\n\r"


def _cased(text: str) -> Iterator[tuple[int, int, float]]:
    for run in _CASED_RUN.finditer(text):
        words = [
            (m.start() + run.start(), m.end() + run.start(), m.group())
            for m in re.finditer(r"\S+", run.group())
        ]
        stretch: list[tuple[int, int, str]] = []
        for index, (start, end, word) in enumerate([*words, (0, 0, "")]):
            kind = _cased_kind(word) if word else ""
            if kind and not (index > 0 and words[index - 1][2].lower() in _SAINTS):
                stretch.append((start, end, kind))
                continue
            if stretch:
                yield from _cased_stretch(text, stretch)
            stretch = []
    yield from _cased_initials(text)


def _cased_stretch(text: str, stretch: list[tuple[int, int, str]]) -> Iterator[tuple[int, int, float]]:
    """A run of name-like words (2-4 with one listed or a patronymic), or one after a cue or
    (a listed first name) inside a sentence, not after a place's preposition."""
    kinds = [kind for _, _, kind in stretch]
    start, end = stretch[0][0], stretch[-1][1]
    if 2 <= len(stretch) <= 4 and any(kind in ("first", "known", "patronymic") for kind in kinds):
        yield start, end, 0.8
    elif len(stretch) == 1 and _cue_before(text, start) in _CASED_CUES:
        yield start, end, 0.75
    elif (
        len(stretch) == 1
        and kinds[0] == "first"
        and not _sentence_start(text, start)
        and _cue_before(text, start) not in _PLACE_WORDS
    ):
        yield start, end, 0.7


def _cased_initials(text: str) -> Iterator[tuple[int, int, float]]:
    """A Cyrillic family name with initials after or before it ("Сидоров И. П.", "И.П. Сидоров")."""
    if "." not in text:
        return
    for pattern, group in ((_INITIALS_AFTER, 1), (_INITIALS_BEFORE, 2)):
        for match in pattern.finditer(text):
            if _cased_kind(match.group(group)) in ("known", "shaped"):
                yield match.start(), match.end(), 0.8


def _family(kind: str) -> frozenset[str]:
    return script_names().get(kind, frozenset())


def _zh_given(given: str) -> bool:
    """A given name the list knows: whole (太郎) or, for Chinese, each of one or two characters."""
    return _first(given) or (len(given) <= 2 and all(_first(c) for c in given))


def _han_alone(text: str) -> Iterator[tuple[int, int, float]]:
    """A Han run of its own that is a listed family name and a listed given name."""
    for run in _HAN_RUN.finditer(text):
        name = run.group()
        for size in (1, 2):
            family, given = name[:size], name[size:]
            if (
                given
                and (family in _family("family-zh") or family in _family("family-ja"))
                and _zh_given(given)
            ):
                yield run.start(), run.end(), 0.7
                break


def _han_after_cue(text: str, start: int, families: frozenset[str], longest: int) -> int:
    """The end of a family name and a given name of up to ``longest`` characters at ``start``."""
    for size in (2, 1):
        if text[start : start + size] in families:
            end = start + size
            while end < len(text) and end - start - size < longest:
                char = text[end]
                if not ("\u4e00" <= char <= "\u9fff") or char in _ZH_STOP or text.startswith(_ZH_AFTER, end):
                    break
                end += 1
            return end
    return start


def _han_before_title(text: str, title: int, families: frozenset[str]) -> int:
    """The start of a family name and a given name of up to two characters ending at ``title``:
    the longest whose given name the list knows ("谢张伟老师" is 张伟: 谢 is also a family name),
    else the longest."""
    cuts = [
        (title - given - size, title - given)
        for given in (2, 1, 0)
        for size in (2, 1)
        if title - given - size >= 0 and text[title - given - size : title - given] in families
    ]
    known = [start for start, given_at in cuts if given_at < title and _zh_given(text[given_at:title])]
    return (known or [start for start, _ in cuts] or [title])[0]


def _chinese_japanese(text: str) -> Iterator[tuple[int, int, float]]:
    zh, ja = _family("family-zh"), _family("family-ja")
    for cue in _ZH_BEFORE.finditer(text):
        end = _han_after_cue(text, cue.end(), zh, 2)
        if end - cue.end() >= 2:
            yield cue.end(), end, 0.8
    for cue in _ZH_I_AM.finditer(text):
        end = _han_after_cue(text, cue.end(), zh, 2)
        if end - cue.end() >= 2 and (end == len(text) or not "\u4e00" <= text[end] <= "\u9fff"):
            yield cue.end(), end, 0.75
    for cue in _JA_BEFORE.finditer(text):
        end = _han_after_cue(text, cue.end(), ja | zh, 3)
        if end > cue.end() and text.startswith(_JA_END, end):
            yield cue.end(), end, 0.8
    for cue in _JA_LABEL.finditer(text):
        end = _han_after_cue(text, cue.end(), ja | zh, 3)
        if end > cue.end() and (end == len(text) or not "\u4e00" <= text[end] <= "\u9fff"):
            yield cue.end(), end, 0.8
    for titles, families in ((_ZH_AFTER, zh), (_JA_AFTER, ja)):
        for title in titles:
            at = text.find(title)
            while at > 0:
                start = _han_before_title(text, at, families)
                if start < at:
                    yield start, at, 0.75
                at = text.find(title, at + len(title))


def _korean(text: str) -> Iterator[tuple[int, int, float]]:
    families = _family("family-ko")
    for word in _HANGUL_WORD.finditer(text):
        name, rest = word.group()[:3], word.group()[3:]
        if name[0] not in families or (
            rest and rest not in _KO_PARTICLES and not rest.startswith(_KO_TITLES)
        ):
            continue
        before = text[max(0, word.start() - 8) : word.start()].split()
        after = text[word.end() : word.end() + 5].split()
        cue = (
            (bool(before) and before[-1] in _KO_BEFORE)
            or rest.startswith(_KO_TITLES)
            or (bool(after) and after[0].startswith(_KO_TITLES))
        )
        if cue or _first(name[1:]):
            yield word.start(), word.start() + 3, 0.8 if cue else 0.7


def _nisba(word: str) -> bool:
    """A family name of the nisba shape: Arabic article, stem and final yā' ("العتيبي"), Persian
    stem and final yē ("رضایی", "محمدی")."""
    return (len(word) >= 5 and word.startswith("ال") and word.endswith("ي")) or (
        len(word) >= 4 and word.endswith("ی")
    )


def _uncased(text: str) -> Iterator[tuple[int, int, float]]:
    words = list(_UNCASED_WORD.finditer(text))
    index = 0
    while index < len(words):
        word = words[index].group()
        prev = [w.group() for w in words[max(0, index - 2) : index]]
        joined = (
            index > 0
            and text[words[index - 1].end() : words[index].start()].strip(" \t:") == ""
            and prev[-1] in _UNCASED_CUES
        ) or (
            len(prev) == 2
            and text[words[index - 2].end() : words[index].start()].replace(prev[-1], "").strip(" \t:") == ""
            and " ".join(prev) in _UNCASED_CUES
        )
        start_offset = 0
        thai = next((t for t in _THAI_TITLES if word.startswith(t) and word[len(t) :] in _known()), "")
        if thai:
            joined, start_offset, word = True, len(thai), word[len(thai) :]
        lead_unknown = (
            joined
            and word not in _known()
            and index + 1 < len(words)
            and text[words[index].end() : words[index + 1].start()] == " "
            and words[index + 1].group() in _known()
        )
        if word in _UNCASED_CUES or (
            not lead_unknown and (word not in _known() or (not joined and not _first(word)))
        ):
            index += 1
            continue
        end = index + 1
        while end < len(words) and end - index < 3 and text[words[end - 1].end() : words[end].start()] == " ":
            following = words[end].group()
            if following in _known() or (joined and end == index + 1 and _nisba(following)):
                end += 1
                continue
            break
        if joined or end - index >= 2:
            yield words[index].start() + start_offset, words[end - 1].end(), 0.8 if joined else 0.65
        index = end


# a letter of any script read here: Greek, Cyrillic, Hebrew, Arabic/Persian, Devanagari, Thai,
# kana, Han, Hangul
_ANY_SCRIPT = re.compile(
    "[\u0370-\u04ff\u0590-\u06ff\u0900-\u097f\u0e00-\u0e7f\u3040-\u30ff\u4e00-\u9fff\uac00-\ud7af]"
)


class ScriptNameFinder:
    """Finder of the names of non-Latin scripts (module docstring); a class, so it pickles."""

    def __call__(self, text: str) -> Iterator[tuple[int, int, float]]:
        if text.isascii() or _ANY_SCRIPT.search(text) is None:
            return  # (an English text with curly quotes or an accent has none of these letters)
        yield from _cased(text)
        yield from _han_alone(text)
        yield from _chinese_japanese(text)
        yield from _korean(text)
        yield from _uncased(text)

    def __repr__(self) -> str:
        return "ScriptNameFinder()"


def person_script_names() -> Recognizer:
    return Recognizer(name="person_script_names", entity_type=EntityType.PERSON, finder=ScriptNameFinder())
