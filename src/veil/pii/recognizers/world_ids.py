"""Personal identity numbers of nine more countries outside Europe, validated by python-stdnum.

===================  ======================================  =====================================
type                 format                                  validation (python-stdnum)
===================  ======================================  =====================================
CN_RESIDENT_ID       11010519491231002X (18 characters)      region code, birth date, ISO 7064
                                                             check character (cn.ric)
BR_CPF               390.533.447-05, 39053344705             two mod-11 check digits (br.cpf)
MX_CURP              BOXW310820HNERXN09 (18 characters)      letters, birth date, sex, state,
                                                             check digit (mx.curp)
JP_MY_NUMBER         1234 5678 9018 (12 digits)              check digit (jp.in\\_)
TR_NATIONAL_ID       17291716060 (11 digits)                 two check digits (tr.tckimlik)
ZA_ID_NUMBER         7503305044089 (13 digits)               birth date + Luhn (za.idnr)
TH_NATIONAL_ID       1-1017-00230-70-5 (13 digits)           mod-11 check digit (th.pin)
IL_ID_NUMBER         231740705 (9 digits)                    Luhn-style check digit (il.idnr)
MY_NRIC              770305-02-1234 (12 digits)              birth date + state code (my.nric)
===================  ======================================  =====================================

Text in these countries' languages was found with none of them (a Chinese resident number after
"身份证号" was left in clear). A number whose checks leave about one chance in ten that a random
run of digits passes, or one written as numbers of other kinds are written (11, 12 or 13 digits
in a row), is reported next to a word that names it, in the country's language or in English
("身份证号码", "CPF", "マイナンバー", "T.C. Kimlik No", "ID number", "เลขประจำตัวประชาชน",
"תעודת זהות", "NRIC"). Forms rare enough to stand alone: a Chinese resident number (its region
code, birth date and check character leave about one run of 18 digits in 10,000 through), a CURP
(four letters, a date, a sex letter, a state and a check digit), a CPF written with its dots and
dash, a Thai number with its dashes, and a Malaysian NRIC with its two dashes and a valid date.
"""

from __future__ import annotations

from stdnum.br import cpf
from stdnum.cn import ric
from stdnum.il import idnr as il_idnr
from stdnum.jp import in_ as jp_in
from stdnum.mx import curp
from stdnum.my import nric
from stdnum.th import pin
from stdnum.tr import tckimlik
from stdnum.za import idnr as za_idnr

from veil.pii.entity import EntityType
from veil.pii.recognizer import Pattern, Recognizer
from veil.pii.recognizers.common import NUM, NUM_END, terms
from veil.pii.recognizers.personal_numbers import LABEL_BOOST, NEEDS_LABEL, NOT_AN_ID, stdnum_valid

__all__ = [
    "br_cpf",
    "cn_resident_id",
    "il_id_number",
    "is_br_cpf",
    "is_cn_resident_id",
    "is_il_id_number",
    "is_jp_my_number",
    "is_mx_curp",
    "is_my_nric",
    "is_th_national_id",
    "is_tr_national_id",
    "is_za_id_number",
    "jp_my_number",
    "mx_curp",
    "my_nric",
    "th_national_id",
    "tr_national_id",
    "za_id_number",
]

# a letter or digit may not stand right before a code of letters and digits
_NOT_IN_CODE = r"(?<![A-Za-z0-9])"
_CODE_END = r"(?![A-Za-z0-9])"


def is_cn_resident_id(text: str) -> bool:
    return stdnum_valid(ric.is_valid, text.upper())


def is_br_cpf(text: str) -> bool:
    return stdnum_valid(cpf.is_valid, text)


def is_mx_curp(text: str) -> bool:
    return stdnum_valid(curp.is_valid, text.upper())


def is_jp_my_number(text: str) -> bool:
    return stdnum_valid(jp_in.is_valid, text)


def is_tr_national_id(text: str) -> bool:
    return stdnum_valid(tckimlik.is_valid, text)


def is_za_id_number(text: str) -> bool:
    return stdnum_valid(za_idnr.is_valid, text)


def is_th_national_id(text: str) -> bool:
    return stdnum_valid(pin.is_valid, text)


def is_il_id_number(text: str) -> bool:
    return stdnum_valid(il_idnr.is_valid, text) and len("".join(c for c in text if c.isdigit())) == 9


def is_my_nric(text: str) -> bool:
    return stdnum_valid(nric.is_valid, text)


def cn_resident_id() -> Recognizer:
    return Recognizer(
        name="cn_resident_id",
        entity_type=EntityType.CN_RESIDENT_ID,
        patterns=(Pattern(rf"{NUM}\d{{16}}[\dXx]{_CODE_END}", 0.75, "ric"),),
        validate=is_cn_resident_id,
        context=terms(
            "身份证|身份证号|身份证号码|公民身份号码|居民身份证|身分證|身分證字號|resident identity card|"
            "resident id|id card|ric|identity card number"
        ),
        negative_context=NOT_AN_ID,
        context_boost=0.25,
    )


def br_cpf() -> Recognizer:
    return Recognizer(
        name="br_cpf",
        entity_type=EntityType.BR_CPF,
        patterns=(
            Pattern(rf"{NUM}\d{{2}}\.\d{{3}}\.\d{{3}}-\d{{2}}{NUM_END}", 0.8, "dotted"),
            Pattern(rf"{NUM}\d{{10}}{NUM_END}", NEEDS_LABEL, "plain"),
        ),
        validate=is_br_cpf,
        context=terms("cpf|cadastro de pessoas físicas|cadastro de pessoa física|cpf/mf|nº do cpf"),
        negative_context=NOT_AN_ID,
        context_boost=LABEL_BOOST,
    )


def mx_curp() -> Recognizer:
    return Recognizer(
        name="mx_curp",
        entity_type=EntityType.MX_CURP,
        patterns=(
            Pattern(
                rf"{_NOT_IN_CODE}[A-Za-z]{{4}}\d{{6}}[HMXhmx][A-Za-z]{{5}}[0-9A-Za-z]\d{_CODE_END}",
                0.85,
                "curp",
            ),
        ),
        validate=is_mx_curp,
        context=terms("curp|clave única de registro de población|clave unica de registro de poblacion"),
        context_boost=0.15,
    )


def jp_my_number() -> Recognizer:
    return Recognizer(
        name="jp_my_number",
        entity_type=EntityType.JP_MY_NUMBER,
        patterns=(
            Pattern(rf"{NUM}\d{{11}}{NUM_END}", NEEDS_LABEL, "plain"),
            Pattern(rf"{NUM}\d{{3}}[ -]\d{{4}}[ -]\d{{4}}{NUM_END}", NEEDS_LABEL, "grouped"),
        ),
        validate=is_jp_my_number,
        context=terms(
            "マイナンバー|個人番号|個人番号カード|my number|mynumber|individual number|kojin bango"
        ),
        negative_context=NOT_AN_ID,
        context_boost=LABEL_BOOST,
    )


def tr_national_id() -> Recognizer:
    return Recognizer(
        name="tr_national_id",
        entity_type=EntityType.TR_NATIONAL_ID,
        patterns=(Pattern(rf"{NUM}\d{{10}}{NUM_END}", NEEDS_LABEL, "tckn"),),
        validate=is_tr_national_id,
        context=terms(
            "tc kimlik|t.c. kimlik|t.c. kimlik no|tc kimlik no|tckn|tc no|t.c. no|kimlik no|"
            "kimlik numaras\u0131|"
            "kimlik numarasi|turkish id|turkish identity number"
        ),
        negative_context=NOT_AN_ID,
        context_boost=LABEL_BOOST,
    )


def za_id_number() -> Recognizer:
    return Recognizer(
        name="za_id_number",
        entity_type=EntityType.ZA_ID_NUMBER,
        patterns=(
            Pattern(rf"{NUM}\d{{12}}{NUM_END}", NEEDS_LABEL, "plain"),
            Pattern(rf"{NUM}\d{{5}} \d{{4}} \d{{3}}{NUM_END}", NEEDS_LABEL, "grouped"),
        ),
        validate=is_za_id_number,
        context=terms(
            "id number|id no|identity number|sa id|rsa id|south african id|id-nommer|identiteitsnommer|"
            "identity document"
        ),
        negative_context=NOT_AN_ID,
        context_boost=LABEL_BOOST,
    )


def th_national_id() -> Recognizer:
    return Recognizer(
        name="th_national_id",
        entity_type=EntityType.TH_NATIONAL_ID,
        patterns=(
            Pattern(rf"{NUM}-\d{{4}}-\d{{5}}-\d{{2}}-\d{NUM_END}", 0.8, "dashed"),
            Pattern(rf"{NUM}\d{{12}}{NUM_END}", NEEDS_LABEL, "plain"),
        ),
        validate=is_th_national_id,
        context=terms(
            "เลขประจำตัวประชาชน|เลขบัตรประชาชน|บัตรประชาชน|thai id|thai national id|national id|"
            "citizen id|personal identification number"
        ),
        negative_context=NOT_AN_ID,
        context_boost=LABEL_BOOST,
    )


def il_id_number() -> Recognizer:
    return Recognizer(
        name="il_id_number",
        entity_type=EntityType.IL_ID_NUMBER,
        patterns=(Pattern(rf"{NUM}\d{{8}}{NUM_END}", NEEDS_LABEL, "teudat_zehut"),),
        validate=is_il_id_number,
        context=terms('תעודת זהות|ת.ז.|ת"ז|מספר זהות|teudat zehut|israeli id|israeli identity number'),
        negative_context=NOT_AN_ID,
        context_boost=LABEL_BOOST,
    )


def my_nric() -> Recognizer:
    return Recognizer(
        name="my_nric",
        entity_type=EntityType.MY_NRIC,
        patterns=(
            Pattern(rf"{NUM}\d{{5}}-\d{{2}}-\d{{4}}{NUM_END}", 0.75, "dashed"),
            Pattern(rf"{NUM}\d{{11}}{NUM_END}", NEEDS_LABEL, "plain"),
        ),
        validate=is_my_nric,
        context=terms("nric|mykad|ic no|ic number|no. k/p|no. kp|kad pengenalan|nombor kad pengenalan"),
        negative_context=NOT_AN_ID,
        context_boost=LABEL_BOOST,
    )
