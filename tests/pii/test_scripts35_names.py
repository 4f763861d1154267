# ruff: noqa: RUF001  (the sentences are written in the scripts the recognizer reads)
"""People's names in non-Latin scripts (recognizers/script_names.py): cased scripts by shape and
list, Chinese/Japanese/Korean by family name and cue, Arabic/Hebrew/Devanagari/Persian/Thai by
cue and list. Invented sentences; negatives hold surname characters inside ordinary words."""

from __future__ import annotations

import pickle
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from veil.pii import PiiConfig, PiiEngine
from veil.pii.recognizers.script_names import ScriptNameFinder, person_script_names, script_names
from veil.pii.registry import RecognizerRegistry


def _found(text: str) -> set[str]:
    return {text[s:e] for s, e, _ in ScriptNameFinder()(text)}


@pytest.fixture(scope="module")
def engine() -> PiiEngine:
    """The default engine, which registers the recognizer (builtin.py)."""
    registry = RecognizerRegistry.default(PiiConfig(ner=False))
    assert "person_script_names" in {r.name for r in registry}
    return PiiEngine(PiiConfig(ner=False), registry=registry)


CASED = [
    ("Меня зовут Иван Петрович Сидоров", "Иван Петрович Сидоров"),
    ("Клиент Ольга Смирнова проживает в Казани.", "Ольга Смирнова"),
    ("ФИО: Кузнецов Андрей Викторович, паспорт прилагается", "Кузнецов Андрей Викторович"),
    ("Добрый день, Наталья Сергеевна!", "Наталья Сергеевна"),
    ("Заявление подал Олег Петренко из Харькова.", "Олег Петренко"),
    ("Write to Иван Волков at the office", "Иван Волков"),
    ("Ο Γιώργος Παπαδόπουλος μένει στην Πάτρα.", "Γιώργος Παπαδόπουλος"),
    ("Υπογραφή: Ελένη Νικολαΐδου", "Ελένη Νικολαΐδου"),
]
CASED_FORMS = [
    ("Позвоните Сергею Иванову завтра утром.", "Сергею Иванову"),
    ("Встреча с Ольгой Смирновой перенесена.", "Ольгой Смирновой"),
    ("Поздравляем Екатерину Андреевну с юбилеем!", "Екатерину Андреевну"),
    ("Фамилия: Иванов", "Иванов"),
    ("Имя: Сергей", "Сергей"),
    ("Прізвище: Шевченко", "Шевченко"),
    ("Ответственный: Сидоров И. П.", "Сидоров И. П."),
    ("Подпись: И.П. Сидоров", "И.П. Сидоров"),
    ("Спасибо за помощь, Наталья!", "Наталья"),
    ("Dear Мария, thanks for the files.", "Мария"),
    ("Αγαπητέ κύριε Παπαδάκη,", "Παπαδάκη"),
    ('{"фио": "Петров Пётр Петрович"}', "Петров Пётр Петрович"),
]
CJK = [
    ("我叫王小明，今年十岁。", "王小明"),
    ("请李娜女士到三号窗口。", "李娜"),
    ("感谢张伟老师的帮助", "张伟"),
    ("姓名：刘洋", "刘洋"),
    ("私の名前は田中太郎です。", "田中太郎"),
    ("山本様、お世話になっております。", "山本"),
    ("鈴木さんは会議中です。", "鈴木"),
    ("제 이름은 김민준이고 학생입니다.", "김민준"),
    ("박서준 씨에게 연락하세요.", "박서준"),
    ("담당자 이지은 님이 답변드립니다.", "이지은"),
    ("收件人：赵敏 电话：13912345678", "赵敏"),
    ("我是李明。", "李明"),
    ("氏名：山田花子", "山田花子"),
    ("성명: 김민준", "김민준"),
]
UNCASED = [
    ("اسمي محمد العتيبي", "محمد العتيبي"),
    ("حضر السيد أحمد الشمري الاجتماع", "أحمد الشمري"),
    ("שמי דוד כהן", "דוד כהן"),
    ("גב' רחל לוי התקשרה", "רחל לוי"),
    ("मेरा नाम राहुल शर्मा है", "राहुल शर्मा"),
    ("श्रीमती सुनीता वर्मा आज आएंगी", "सुनीता वर्मा"),
    ("آقای علی محمدی تماس گرفت", "علی محمدی"),
    ("نام: علی رضایی", "علی رضایی"),
    ("اسم المريض: خالد العمري", "خالد العمري"),
    ("מר יוסי לוי הגיע", "יוסי לוי"),
]


@pytest.mark.parametrize(("text", "name"), [*CASED, *CASED_FORMS, *CJK, *UNCASED])
def test_a_name_in_its_script_is_found(text: str, name: str) -> None:
    assert name in _found(text)


@pytest.mark.parametrize(
    ("text", "name"), [CASED[0], CASED[1], CJK[0], CJK[4], CJK[7], UNCASED[0], UNCASED[2]]
)
def test_the_engine_reports_it_as_a_person(engine: PiiEngine, text: str, name: str) -> None:
    persons = {text[e.start : e.end] for e in engine.detect(text) if e.type == "PERSON"}
    assert name in persons


def test_a_name_beside_an_address_is_found_with_it(engine: PiiEngine) -> None:
    text = "Contact Иван Петров at ivan.p@example.ru"
    found = {(e.type, text[e.start : e.end]) for e in engine.detect(text)}
    assert ("PERSON", "Иван Петров") in found
    assert ("EMAIL_ADDRESS", "ivan.p@example.ru") in found


NEGATIVES = [
    "Сегодня хорошая погода, и мы поехали за город.",
    "Новый Год встретили в Москве. Это было давно.",
    "Город Ростов-на-Дону стоит на большой реке.",
    "Россия и Украина подписали торговое соглашение.",
    "Красная Площадь была закрыта весь день.",
    "Η Αθήνα είναι η πρωτεύουσα της Ελλάδας.",
    "Καλημέρα σας, τι κάνετε σήμερα;",
    "这个王国很大。",
    "我喜欢吃李子。",
    "我很高兴见到你。",
    "金融市场今天上涨。",
    "田の中に家があります。",
    "王国",
    "私は学生です。",
    "今日は天気がいいです。",
    "이것은 정보입니다.",
    "저는 학생입니다.",
    "كان الجو جميلا اليوم في المدينة.",
    "היום יום יפה בתל אביב",
    "आज मौसम अच्छा है",
    "วันนี้อากาศดีมาก",
    "The committee met in Geneva on Monday.",
    "Мы провели неделю в Софии и Варне.",
    "Вера в будущее помогает жить.",
    "Проспект Мира закрыт на ремонт.",
    "Дом культуры имени Ленина",
    "Διακοπές στον Άγιο Νικόλαο.",
    "Собор Святой Софии в Киеве.",
    "Улица Пушкина, дом 5.",
    "北京大学的学生",
    "我是学生。",
    "金曜日に会いましょう",
    "김치찌개를 먹었다.",
    "جامعة الملك سعود",
    "בית המשפט העליון",
]


@pytest.mark.parametrize("text", NEGATIVES)
def test_text_without_a_name_stays_clean(text: str) -> None:
    assert _found(text) == set()


def test_a_cue_word_is_no_part_of_the_name() -> None:
    assert _found("श्री अमित कुमार") == {"अमित कुमार"}


def test_two_shaped_words_with_nothing_known_stay_clean() -> None:
    assert _found("Сказочная Страна") == set()


def test_the_list_holds_each_kind() -> None:
    names = script_names()
    assert {"first", "last", "middle", "family-zh", "family-ja", "family-ko"} <= names.keys()
    assert all(not name.isascii() for kind in names.values() for name in kind)


def test_the_recognizer_pickles_and_skips_ascii() -> None:
    recognizer = pickle.loads(pickle.dumps(person_script_names()))
    assert recognizer.entity_type == "PERSON"
    assert recognizer.finder is not None
    assert list(recognizer.finder("Plain English text, Mr Smith.")) == []


@settings(max_examples=40, deadline=None)
@given(
    first=st.sampled_from(["Иван", "Ольга", "Сергей", "Мария"]),
    family=st.sampled_from(["Сидоров", "Смирнова", "Кузнецов", "Петренко"]),
    before=st.sampled_from(["", "Клиент ", "Заявитель: ", "Сообщил "]),
    after=st.sampled_from(["", " пришёл.", ", тел. 123", " и другие"]),
)
def test_a_known_first_name_with_a_family_name_anywhere(
    first: str, family: str, before: str, after: str
) -> None:
    text = f"{before}{first} {family}{after}"
    assert f"{first} {family}" in _found(text)


@pytest.mark.parametrize(
    "unit",
    [
        "Иван Петрович ",
        "我叫王小明",
        "王王王老师",
        "私の名前は田中太郎様です",
        "김민준김",
        "اسمي محمد ",
        "मेरा नाम राहुल ",
    ],
)
def test_time_is_linear_in_a_repeated_trigger(unit: str) -> None:
    finder = ScriptNameFinder()
    times = []
    for size in (40_000, 80_000):
        text = unit * (size // len(unit))
        best = float("inf")
        for _ in range(3):
            started = time.process_time()
            for _ in finder(text):
                pass
            best = min(best, time.process_time() - started)
        times.append(best)
    assert times[1] < 4 * times[0] + 0.05
