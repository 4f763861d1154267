# ruff: noqa: RUF001  (the probes are written in the scripts they test)
"""Towns named in text of non-Latin scripts (veil.pii.recognizers.script_places)."""

from __future__ import annotations

import time

import pytest

from veil.pii import PiiConfig, PiiEngine
from veil.pii.recognizers.script_places import ScriptPlaceFinder, script_places


@pytest.fixture(scope="module")
def engine() -> PiiEngine:
    return PiiEngine(PiiConfig(ner=False))


def _places(engine: PiiEngine, text: str) -> list[str]:
    return [text[e.start : e.end] for e in engine.detect(text) if e.type == "LOCATION"]


@pytest.mark.parametrize(
    ("text", "town"),
    [
        ("Пациентка проживает в Екатеринбурге с 2015 года.", "Екатеринбурге"),
        ("Переехал из Самары в Нижний Новгород.", "Нижний Новгород"),
        ("Η κυρία γεννήθηκε στην Πάτρα.", "Πάτρα"),
        ("收件地址：广州市天河区", "广州市"),
        ("他来自成都，现在在深圳工作", "成都"),
        ("名古屋に住んでいます", "名古屋"),
        ("대구에서 태어났어요", "대구"),
        ("ولد في الإسكندرية عام 1980", "الإسكندرية"),
        ("היא גרה בירושלים", "ירושלים"),
        ("वह पटना में रहती है", "पटना"),
        ("เขาย้ายมาจากขอนแก่น", "ขอนแก่น"),
    ],
)
def test_a_town_in_another_script_is_a_location(engine: PiiEngine, text: str, town: str) -> None:
    assert town in _places(engine, text)


@pytest.mark.parametrize(
    "text",
    [
        "Мы обсудили план работы на следующую неделю.",
        "Η συνάντηση ολοκληρώθηκε χωρίς προβλήματα.",
        "今天天气很好，我们去公园散步。",
        "今日はいい天気ですね。",
        "오늘 회의는 오후에 있어요.",
        "المدينة جميلة في الربيع",  # "the city": a town's name too, but no preposition of place
        "the plain English text stays as it was: Moscow, Beijing",
    ],
)
def test_text_without_a_town_stays_clean(text: str) -> None:
    assert list(ScriptPlaceFinder()(text)) == []


def test_the_list_holds_each_script() -> None:
    towns = script_places()
    assert {"cyrillic", "greek", "han", "hangul", "arabic", "hebrew", "devanagari", "thai"} <= set(towns)
    assert "Москва" in towns["cyrillic"] and "서울" in towns["hangul"]  # "서울시" read without its "시"


@pytest.mark.parametrize("unit", ["в Москве и ", "住在北京市", "서울에서 ", "في الرياض ", "ที่เชียงใหม่"])
def test_a_long_run_of_towns_stays_linear(unit: str) -> None:
    finder = ScriptPlaceFinder()

    def cpu(n: int) -> float:
        text = (unit * (n // len(unit) + 1))[:n]
        started = time.process_time()
        list(finder(text))
        return time.process_time() - started

    cpu(1000)
    small, large = cpu(40_000), cpu(80_000)
    assert large < 4 * small + 0.2
