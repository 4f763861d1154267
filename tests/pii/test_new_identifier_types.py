"""Identifier types added for issue 14 (class 5): each valid generated value with its label is
found with its exact boundaries; a checksum-broken variant, or a weak-format value without its
label, is not; surrogates keep the format and the checksum; table columns know the types."""

from __future__ import annotations

import random
from collections.abc import Callable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from stdnum import bitcoin

from veil.pii import EntityType, PiiConfig, PiiEngine
from veil.pii.recognizers.builtin import VALIDATORS
from veil.pii.recognizers.crypto_wallets import eip55, random_wallet_like
from veil.pii.surrogates import surrogate_of

from . import identifier_values as make

T = EntityType
HYPOTHESIS = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def spans(engine: PiiEngine, text: str, kind: str) -> list[str]:
    return [text[e.start : e.end] for e in engine.detect(text) if e.type == kind]


def kinds(engine: PiiEngine, text: str, value: str) -> set[str]:
    """The types reported for spans overlapping ``value`` in ``text``."""
    start = text.index(value)
    end = start + len(value)
    return {e.type for e in engine.detect(text) if e.start < end and start < e.end}


# (type, generator, sentence with {} for the value)
CHECKSUMMED: list[tuple[str, Callable[[random.Random], str], str]] = [
    (T.KR_RRN, make.kr_rrn, "주민등록번호 (RRN): {}"),
    (T.FI_PERSONAL_ID, make.fi_hetu, "Henkilötunnus {} on tallennettu."),
    (T.SG_NRIC, make.sg_nric, "NRIC no. {} was presented at the counter."),
    (T.IN_AADHAAR, make.aadhaar, "Her Aadhaar number is {}."),
    (T.IN_PAN, make.in_pan, "PAN card: {}"),
    (T.IN_GSTIN, make.in_gstin, "GSTIN {} on the invoice header"),
    (T.IN_VOTER_ID, make.in_epic, "Voter ID (EPIC) {} issued 2019"),
    (T.US_ITIN, make.us_itin, "ITIN: {}"),
    (T.US_NPI, make.us_npi, "Prescriber NPI {} signed the order"),
    (T.BANK_ROUTING, make.aba_routing, "ABA routing number {}"),
    (T.VAT_ID, make.de_vat, "USt-IdNr. {}"),
]


@pytest.mark.parametrize(("kind", "generate", "sentence"), CHECKSUMMED, ids=[c[0] for c in CHECKSUMMED])
@given(seed=st.integers(0, 2**32 - 1))
@HYPOTHESIS
def test_checksummed_value_with_label_found_exactly(
    rules_engine: PiiEngine, kind: str, generate: Callable[[random.Random], str], sentence: str, seed: int
) -> None:
    value = generate(random.Random(seed))
    text = sentence.format(value)
    assert value in spans(rules_engine, text, kind), (kind, text)


def _break_check(value: str) -> str:
    """``value`` with its last character changed so that its check character fails."""
    last = value[-1]
    for other in "0123456789" if last.isdigit() else "ABCDEFGHJKLMNPQRSTUVWXYZ":
        if other != last:
            broken = value[:-1] + other
            if not any(v(broken) for v in VALIDATORS.values() if v is not VALIDATORS["date"]):
                return broken
    return value[:-1] + ("0" if last != "0" else "1")


@pytest.mark.parametrize(("kind", "generate", "sentence"), CHECKSUMMED, ids=[c[0] for c in CHECKSUMMED])
@given(seed=st.integers(0, 2**32 - 1))
@HYPOTHESIS
def test_checksum_broken_value_without_label_not_found(
    rules_engine: PiiEngine, kind: str, generate: Callable[[random.Random], str], sentence: str, seed: int
) -> None:
    value = generate(random.Random(seed))
    # an ITIN has no check digit: its group (digits 4-5) is what is checked
    broken = value[:4] + "89" + value[6:] if kind == T.US_ITIN else _break_check(value)
    text = f"The value {broken} appears in the log."
    assert spans(rules_engine, text, kind) == [], (kind, text)


# Weak formats: found after their label, never bare.
LABELLED = [
    (T.PASSPORT, "Passport No.: {}", ["123456789", "C03005988", "M12345678", "J8369854", "M123A4567"]),
    (T.PASSPORT, "Reisepass {} (gültig bis 2031)", ["C01X00T47"]),
    (
        T.DRIVER_LICENSE,
        "Driver's license: {}",
        ["D1234567", "MORGA657054SM9IJ", "B072RRE2I55", "123-456-789"],
    ),
    (T.DRIVER_LICENSE, "Führerschein Nr. {}", ["B072RRE2I55"]),
    (T.BANK_ACCOUNT, "Account number {}", ["12345678", "000123456789", "40-12-76 31926819"]),
    (T.BANK_ACCOUNT, "Kontonummer: {}", ["0532013000"]),
    (T.VEHICLE_PLATE, "licence plate {} was seen", ["AB12 CDE", "B-MW 1234", "7ABC123", "AB-123-CD"]),
    (T.MEDICAL_RECORD, "MRN: {}", ["00123456", "MRN-4471233", "2023-778812"]),
    (T.MEDICAL_RECORD, "Patient ID {} admitted", ["4471233"]),
]


@pytest.mark.parametrize(
    ("kind", "sentence", "value"),
    [(k, s, v) for k, s, values in LABELLED for v in values],
)
def test_weak_format_with_label_found_exactly(
    rules_engine: PiiEngine, kind: str, sentence: str, value: str
) -> None:
    text = sentence.format(value)
    assert value in spans(rules_engine, text, kind), text


@pytest.mark.parametrize(
    ("kind", "value"),
    [(k, v) for k, _, values in LABELLED for v in values],
)
def test_weak_format_without_label_not_found(rules_engine: PiiEngine, kind: str, value: str) -> None:
    text = f"Reference {value} was noted in the ledger."
    assert spans(rules_engine, text, kind) == [], text


@pytest.mark.parametrize(
    ("kind", "text"),
    [
        (T.PASSPORT, "My passport expires on 2030-01-01."),  # a date is not the number
        (T.PASSPORT, "Passport renewal. Order 123456789 shipped."),  # the label's sentence ended
        (T.BANK_ACCOUNT, "account 0000000000"),  # one repeated digit
        (T.VEHICLE_PLATE, "plate 1234 on the wall"),  # digits only: not a plate
        (T.DRIVER_LICENSE, "license number unknown; order 12345678"),
    ],
)
def test_label_without_a_value_reports_nothing(rules_engine: PiiEngine, kind: str, text: str) -> None:
    assert spans(rules_engine, text, kind) == []


# -- crypto wallets ----------------------------------------------------------------------------


@given(
    seed=st.integers(0, 2**32 - 1),
    template=st.sampled_from(
        [
            "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2",
            "3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy",
            "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq",
            "bc1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3qccfmv3",
            "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
        ]
    ),
)
@HYPOTHESIS
def test_wallet_addresses_found_without_context(rules_engine: PiiEngine, seed: int, template: str) -> None:
    value = random_wallet_like(template, random.Random(seed))
    if not value.startswith("0x"):
        assert bitcoin.is_valid(value)  # python-stdnum agrees the generated address is valid
    text = f"Funds went to {value} yesterday."
    assert spans(rules_engine, text, T.CRYPTO_WALLET) == [value]


def test_wallet_checksums_reject_typos(rules_engine: PiiEngine) -> None:
    legacy = "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2"
    typo = legacy[:10] + ("X" if legacy[10] != "X" else "Y") + legacy[11:]
    mixed = eip55("5aaeb6053f3e94c9b9a09f33669435e7ef1beaed")
    wrong_case = mixed[:-1] + (mixed[-1].lower() if mixed[-1].isupper() else mixed[-1].upper())
    for value in (typo, wrong_case):
        assert spans(rules_engine, f"Funds went to {value} yesterday.", T.CRYPTO_WALLET) == []


def test_single_case_ethereum_address_needs_context(rules_engine: PiiEngine) -> None:
    value = "0x" + "5aaeb6053f3e94c9b9a09f33669435e7ef1beaed"
    assert spans(rules_engine, f"hash {value} computed", T.CRYPTO_WALLET) == []
    assert spans(rules_engine, f"my ETH wallet: {value}", T.CRYPTO_WALLET) == [value]


def test_taproot_bech32m_address_found(rules_engine: PiiEngine) -> None:
    value = "bc1p5d7rjq7g6rdk2yhzks9smlaqtedr4dekq08ge8ztwac72sfr9rusxg3297"  # BIP 350 test vector
    assert spans(rules_engine, f"send to {value}", T.CRYPTO_WALLET) == [value]


# -- surrogates and masking ---------------------------------------------------------------------

SURROGATE_CASES = [(kind, generate) for kind, generate, _ in CHECKSUMMED]


@pytest.mark.parametrize(("kind", "generate"), SURROGATE_CASES, ids=[c[0] for c in SURROGATE_CASES])
def test_surrogate_keeps_layout_and_checksum(kind: str, generate: Callable[[random.Random], str]) -> None:
    from faker import Faker

    fake = Faker()
    validators: dict[str, str] = {
        T.KR_RRN: "kr_rrn",
        T.FI_PERSONAL_ID: "fi_personal_id",
        T.SG_NRIC: "sg_nric",
        T.IN_AADHAAR: "in_aadhaar",
        T.IN_PAN: "in_pan",
        T.IN_GSTIN: "in_gstin",
        T.IN_VOTER_ID: "in_voter_id",
        T.US_ITIN: "us_itin",
        T.US_NPI: "us_npi",
        T.BANK_ROUTING: "aba_routing",
        T.VAT_ID: "vat_id",
    }
    for seed in range(10):
        value = generate(random.Random(seed))
        fake.seed_instance(seed)
        out = surrogate_of(kind, value, random.Random(seed + 1000), fake)
        assert out != value
        assert len(out) == len(value)
        # the same layout; a check character may be a digit or a letter whatever the original's was
        assert [c.isdigit() for c in out[:-1]] == [c.isdigit() for c in value[:-1]]
        assert VALIDATORS[validators[kind]](out), (kind, value, out)


@pytest.mark.parametrize(
    "template",
    ["1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2", "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq"],
)
def test_wallet_surrogate_is_a_valid_address_of_the_same_kind(template: str) -> None:
    from faker import Faker

    out = surrogate_of(T.CRYPTO_WALLET, template, random.Random(7), Faker())
    assert out != template and out[0] == template[0] and len(out) == len(template)
    assert bitcoin.is_valid(out)


def test_new_types_mask_keeps_last_characters(rules_engine: PiiEngine) -> None:
    from veil.pii.anonymizer import Anonymizer

    text = "Passport No.: 123456789 and NRIC S1234567D"
    out = Anonymizer(None, rules_engine, default="mask").mask(text).text
    assert "123456789" not in out and "S1234567D" not in out
    assert out.endswith("7D") and "*" in out


# -- table columns ------------------------------------------------------------------------------


def test_columns_under_identifier_headers(rules_engine: PiiEngine) -> None:
    text = "id;passport_number;mrn;license_plate\n1;X1234567;4471233;AB12 CDE\n2;98765432;4471299;7ABC123\n"
    found = {(text[e.start : e.end], e.type) for e in rules_engine.detect(text)}
    assert {("X1234567", T.PASSPORT), ("98765432", T.PASSPORT)} <= found
    assert {
        ("4471233", T.MEDICAL_RECORD),
        ("AB12 CDE", T.VEHICLE_PLATE),
        ("7ABC123", T.VEHICLE_PLATE),
    } <= found
    assert not any(value in {"1", "2"} for value, _ in found)


def test_identifier_types_are_direct_identifiers_in_table_scans() -> None:
    from veil.pii.entity import IDENTIFIER_TYPES
    from veil.pii.tables.scan import DIRECT_TYPES

    new = {T.PASSPORT, T.DRIVER_LICENSE, T.BANK_ACCOUNT, T.CRYPTO_WALLET, T.VAT_ID, T.KR_RRN, T.IN_AADHAAR}
    assert new <= IDENTIFIER_TYPES <= DIRECT_TYPES


def test_registry_with_new_recognizers_pickles_for_worker_processes() -> None:
    import pickle

    from veil.pii.registry import RecognizerRegistry

    registry = pickle.loads(pickle.dumps(RecognizerRegistry.default()))
    engine = PiiEngine(PiiConfig(ner=False), registry=registry)
    text = "Passport No.: 123456789"
    assert [(text[e.start : e.end], e.type) for e in engine.detect(text)] == [("123456789", T.PASSPORT)]


@pytest.mark.parametrize(
    ("text", "values"),
    [
        ("Passports: AB1234567 and XY9876543", ["AB1234567", "XY9876543"]),
        ("plates AB12 CDE, LN14-HGT or BD62XYZ seen", ["AB12 CDE", "LN14-HGT", "BD62XYZ"]),
        ("passport AB1234567 and his bag 12345678", ["AB1234567"]),  # not a list of passports
    ],
)
def test_a_label_may_name_a_list(rules_engine: PiiEngine, text: str, values: list[str]) -> None:
    found = [text[e.start : e.end] for e in rules_engine.detect(text)]
    assert found == values


@pytest.mark.parametrize(
    ("text", "kind", "value"),
    [
        ("AGENT: His passport number?\nCALLER: X1234567.\nAGENT: Thanks.", T.PASSPORT, "X1234567"),
        ("Q: Medical record no.?\nA: 736899", T.MEDICAL_RECORD, "736899"),
    ],
)
def test_a_question_naming_the_value_is_its_label(
    rules_engine: PiiEngine, text: str, kind: str, value: str
) -> None:
    assert spans(rules_engine, text, kind) == [value]


@pytest.mark.parametrize(
    "text",
    [
        '"GET /account/profile HTTP/1.1" 200 49114',  # a label inside a path is no label
        "Account locked - ticket 0601911 opened",  # the number belongs to the ticket
    ],
)
def test_label_in_a_path_or_before_another_noun_reports_nothing(rules_engine: PiiEngine, text: str) -> None:
    assert spans(rules_engine, text, T.BANK_ACCOUNT) == []


def test_checksum_columns_take_their_header_as_context(rules_engine: PiiEngine) -> None:
    rng = random.Random(5)
    routing = [make.aba_routing(rng) for _ in range(2)]
    text = f"name;account;routing\nAna Lim;12345678;{routing[0]}\nBo Chan;87654321;{routing[1]}\n"
    assert spans(rules_engine, text, T.BANK_ROUTING) == routing
    broken = routing[0][:-1] + str((int(routing[0][-1]) + 1) % 10)
    assert spans(rules_engine, f"name;routing\nAna Lim;{broken}\n", T.BANK_ROUTING) == []


def test_korean_rrn_without_check_digit_needs_its_label(rules_engine: PiiEngine) -> None:
    """Numbers issued since October 2020 have random last digits: a real birth date and place
    code with the label is enough; without the label it is not reported."""
    from stdnum.kr import rrn

    rng = random.Random(3)
    value = make.kr_rrn(rng)
    unchecked = value[:-1] + next(
        d for d in "0123456789" if not rrn.is_valid(value[:-1].replace("-", "") + d)
    )
    assert spans(rules_engine, f"Korean RRN: {unchecked}", T.KR_RRN) == [unchecked]
    assert spans(rules_engine, f"Seen {unchecked} today", T.KR_RRN) == []
    assert spans(rules_engine, "Korean RRN: 961321-1234567", T.KR_RRN) == []  # month 13


def test_finnish_temporary_identity_codes_are_found(rules_engine: PiiEngine) -> None:
    number = int("010594" + "903")
    value = f"010594Y903{'0123456789ABCDEFHJKLMNPRSTUVWXY'[number % 31]}"
    assert spans(rules_engine, f"henkilötunnus {value}", T.FI_PERSONAL_ID) == [value]
