"""Identity numbers of nine countries outside Europe (veil.pii.recognizers.world_ids), and numbers
written against Chinese, Japanese or Korean text (veil.pii.canonical, veil.pii.context)."""

from __future__ import annotations

import random

import pytest
from faker import Faker
from hypothesis import given
from hypothesis import strategies as st

from veil.pii import PiiConfig, PiiEngine
from veil.pii.canonical import canonical
from veil.pii.context import compile_terms
from veil.pii.entity import EntityType
from veil.pii.recognizers import world_ids
from veil.pii.surrogates import GENERATORS


@pytest.fixture(scope="module")
def engine() -> PiiEngine:
    return PiiEngine(PiiConfig(ner=False))


def _found(engine: PiiEngine, text: str) -> list[tuple[str, str]]:
    return [(str(e.type), text[e.start : e.end]) for e in engine.detect(text)]


@pytest.mark.parametrize(
    ("text", "etype", "value"),
    [
        ("申请人身份证号11010519491231002X\uff0c请核对", EntityType.CN_RESIDENT_ID, "11010519491231002X"),
        ("resident id 11010519491231002x on file", EntityType.CN_RESIDENT_ID, "11010519491231002x"),
        ("Titular: CPF 390.533.447-05", EntityType.BR_CPF, "390.533.447-05"),
        ("informe o seu CPF 39053344705 no cadastro", EntityType.BR_CPF, "39053344705"),
        ("Su CURP es BOXW310820HNERXN09.", EntityType.MX_CURP, "BOXW310820HNERXN09"),
        ("マイナンバー\uff1a1234 5678 9018", EntityType.JP_MY_NUMBER, "1234 5678 9018"),
        ("T.C. Kimlik No: 17291716060", EntityType.TR_NATIONAL_ID, "17291716060"),
        ("Applicant ID number 7503305044089", EntityType.ZA_ID_NUMBER, "7503305044089"),
        ("เลขประจำตัวประชาชน 1101700230708", EntityType.TH_NATIONAL_ID, "1101700230708"),
        ("Thai ID card 1-1017-00230-70-8 attached", EntityType.TH_NATIONAL_ID, "1-1017-00230-70-8"),
        ("מספר תעודת זהות 231740705", EntityType.IL_ID_NUMBER, "231740705"),
        ("MyKad / NRIC: 770305-02-1234", EntityType.MY_NRIC, "770305-02-1234"),
    ],
)
def test_each_countrys_number_is_found_with_its_type(
    engine: PiiEngine, text: str, etype: EntityType, value: str
) -> None:
    assert (str(etype), value) in _found(engine, text)


@pytest.mark.parametrize(
    "text",
    [
        "order 39053344705 shipped, invoice 7503305044089",  # the digits of a CPF and a ZA number
        "1101700230708 rows were read in 17291716060 ns",  # a Thai and a Turkish number's digits
        "build 231740705 of the tool",
        "11010519491231002Y is no resident number (its check character fails)",
        "BOXW310820HNERXN08 fails the CURP check digit",
    ],
)
def test_numbers_without_their_label_or_check_are_left(engine: PiiEngine, text: str) -> None:
    world = {
        str(t)
        for t in (
            EntityType.CN_RESIDENT_ID,
            EntityType.BR_CPF,
            EntityType.MX_CURP,
            EntityType.JP_MY_NUMBER,
            EntityType.TR_NATIONAL_ID,
            EntityType.ZA_ID_NUMBER,
            EntityType.TH_NATIONAL_ID,
            EntityType.IL_ID_NUMBER,
            EntityType.MY_NRIC,
        )
    }
    assert [f for f in _found(engine, text) if f[0] in world] == []


def test_surrogates_keep_the_layout_and_pass_the_check() -> None:
    cases = {
        EntityType.BR_CPF: ("390.533.447-05", world_ids.is_br_cpf),
        EntityType.JP_MY_NUMBER: ("123456789018", world_ids.is_jp_my_number),
        EntityType.TR_NATIONAL_ID: ("17291716060", world_ids.is_tr_national_id),
        EntityType.IL_ID_NUMBER: ("231740705", world_ids.is_il_id_number),
    }
    fake = Faker()
    for etype, (value, valid) in cases.items():
        out = GENERATORS[str(etype)](value, random.Random(7), fake)
        assert out != value and len(out) == len(value), (etype, out)
        assert valid(out), (etype, out)
    # every new type has a surrogate of the value's length
    for etype, value in [
        (EntityType.CN_RESIDENT_ID, "11010519491231002X"),
        (EntityType.MX_CURP, "BOXW310820HNERXN09"),
    ]:
        out = GENERATORS[str(etype)](value, random.Random(3), fake)
        assert out != value and len(out) == len(value)


def test_numbers_against_chinese_japanese_and_korean_text_are_read_apart(engine: PiiEngine) -> None:
    text = "我的电话是13812345678\uff0c邮箱是wang.lei@example.cn\uff0cIP是192.168.10.7"
    found = _found(engine, text)
    assert ("EMAIL_ADDRESS", "wang.lei@example.cn") in found  # not "邮箱是wang.lei@..."
    assert ("IP_ADDRESS", "192.168.10.7") in found
    assert ("PHONE_NUMBER", "090-1234-5678") in _found(engine, "電話番号は090-1234-5678です")
    assert ("PHONE_NUMBER", "010-1234-5678") in _found(engine, "전화번호는010-1234-5678입니다")


def test_the_spaced_view_maps_back_to_the_original() -> None:
    text = "邮箱是wang@example.cn。"
    view = canonical(text)
    assert "是 wang@example.cn " in view.text
    start = view.text.index("wang")
    end = start + len("wang@example.cn")
    a, b = view.span(start, end)
    assert text[a:b] == "wang@example.cn"
    assert canonical("纯中文没有数字").unchanged


@given(st.text(alphabet=st.sampled_from("电话是1a@.中文 x9"), max_size=40))
def test_spans_of_the_spaced_view_stay_inside_the_text(text: str) -> None:
    view = canonical(text)
    for start in range(len(view.text)):
        for end in range(start + 1, min(len(view.text), start + 6) + 1):
            a, b = view.span(start, end)
            assert 0 <= a < b <= len(text)


def test_context_terms_of_spaceless_scripts_match_inside_a_run() -> None:
    pattern = compile_terms(["phone", "电话", "電話番号"])
    assert pattern is not None
    assert pattern.search("我的电话是") and pattern.search("電話番号は")
    assert pattern.search("my phone") and not pattern.search("smartphones")
