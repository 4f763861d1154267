"""Phone numbers in text of other scripts (veil.pii.recognizers.contact): a number in a Chinese,
Russian or Arabic text is read with that script's countries' numbering plans, and the words for
"phone" of those languages are context."""

from __future__ import annotations

import pytest

from veil.pii import PiiConfig, PiiEngine
from veil.pii.recognizers.contact import PhoneFinder, _script_regions


@pytest.fixture(scope="module")
def engine() -> PiiEngine:
    return PiiEngine(PiiConfig(ner=False))


def _phones(engine: PiiEngine, text: str) -> list[str]:
    return [text[e.start : e.end] for e in engine.detect(text) if e.type == "PHONE_NUMBER"]


@pytest.mark.parametrize(
    ("text", "phone"),
    [
        ("客户的手机号码是15912345678\uff0c请尽快联系", "15912345678"),
        ("请拨打电话 139 1234 5678 咨询", "139 1234 5678"),
        ("Контактный телефон: 8 (495) 123-45-67", "8 (495) 123-45-67"),
        ("моб. 8 903 765-43-21, звоните после обеда", "8 903 765-43-21"),
        ("للتواصل جوال 0551234567 شكرا", "0551234567"),
        ("携帯番号\uff1a080-2345-6789までご連絡ください", "080-2345-6789"),
        ("제 휴대폰은 010-2345-6789입니다", "010-2345-6789"),
        ("מספר הטלפון שלי 054-765-4321", "054-765-4321"),
        ("κινητό 694 123 4567", "694 123 4567"),
        ("มือถือ 089-123-4567 ครับ", "089-123-4567"),
    ],
)
def test_a_phone_in_another_script_is_found(engine: PiiEngine, text: str, phone: str) -> None:
    assert phone in _phones(engine, text)


@pytest.mark.parametrize(
    "text",
    [
        "Заказ № 1234567890 оплачен 12.03.2024",
        "订单号 202312345678 已发货",
        "فاتورة رقم 20231234 بتاريخ اليوم",
        "注文番号 1234567890 を確認しました",
    ],
)
def test_order_numbers_in_another_script_stay_clean(engine: PiiEngine, text: str) -> None:
    assert _phones(engine, text) == []


def test_the_regions_follow_the_script_and_english_text_is_read_as_before() -> None:
    assert _script_regions("plain English text") == ()
    assert _script_regions("東京で会いましょう")[0] == "JP"  # kana: Japanese before Chinese
    assert _script_regions("我在北京")[0] == "CN"
    finder = PhoneFinder(("US",))
    english = "call 212-555-0143 today"
    assert list(finder(english)) == list(finder._find(english))
    assert finder.regions == ("US",) and not finder._extended
    list(finder("Телефон 8 (916) 123-45-67"))
    assert set(next(iter(finder._extended))) >= {"RU"}
