"""Anonymisation operators: each one's output, keys, consistency, reversibility and formats."""

from __future__ import annotations

import base64
import hashlib
import random
import re
import sqlite3
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from veil.errors import ConfigError, ConflictError
from veil.pii.anonymizer import Anonymizer, Unmasker
from veil.pii.entity import Entity
from veil.pii.operators import (
    EncryptOperator,
    HashOperator,
    MaskOperator,
    OperatorContext,
    OperatorRegistry,
    RedactOperator,
    ReplaceOperator,
    SurrogateOperator,
    default_registry,
    token_kind,
)
from veil.pii.surrogates import DATE_FORMATS, date_style, luhn_valid, render_date
from veil.workspace import Workspace

KEY = bytes(range(32))
SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.fixture(scope="module")
def mws(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workspace]:
    """One workspace for the property tests of this module (hypothesis reuses it)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("VEIL_ACTOR", "test-actor")
        ws = Workspace.init(tmp_path_factory.mktemp("ops") / "ws")
    try:
        yield ws
    finally:
        ws.close()


def one(ws: Workspace | None, op: str, value: str, entity_type: str) -> str:
    return Anonymizer(ws, default=op).operator(op).apply(value, entity_type)


# -- the registry ----------------------------------------------------------------------------------
def test_default_registry_lists_the_seven_operators() -> None:
    assert default_registry().names() == (
        "redact",
        "replace",
        "mask",
        "hash",
        "pseudonym",
        "surrogate",
        "encrypt",
    )


def test_registry_refuses_duplicates_and_bad_names_and_unknown_operators() -> None:
    registry = OperatorRegistry()
    registry.register("redact", RedactOperator.from_context)
    with pytest.raises(ConflictError, match="already registered"):
        registry.register("redact", ReplaceOperator.from_context)
    with pytest.raises(ConfigError, match="lower-case"):
        registry.register("Bad Name", RedactOperator.from_context)
    with pytest.raises(ConfigError, match="unknown operator 'nope'; use one of redact"):
        registry.check("nope")
    with pytest.raises(ConfigError, match="unknown operator"):
        Anonymizer(None, default="nope")
    with pytest.raises(ConfigError, match="unknown operator"):
        Anonymizer(None, per_type={"PERSON": "nope"})


def test_a_user_operator_is_registered_explicitly() -> None:
    class Upper(ReplaceOperator):
        name = "upper"

        def apply(self, value: str, entity_type: str) -> str:
            return value.upper()

    registry = default_registry()
    registry.register("upper", lambda ctx: Upper())
    anon = Anonymizer(None, default="upper", registry=registry)
    assert anon.mask("hi bob!", [Entity(3, 6, "PERSON", 0.9)]).text == "hi BOB!"
    assert "upper" not in default_registry()  # no registration leaks between registries


def test_keyed_operators_need_a_workspace() -> None:
    with pytest.raises(ConfigError, match="need a workspace"):
        Anonymizer(None, default="hash").mask("x", [Entity(0, 1, "PERSON", 1.0)])


def test_token_kind_is_upper_case_and_token_safe() -> None:
    assert token_kind("PERSON") == "PERSON"
    assert token_kind("email address") == "EMAIL_ADDRESS"
    assert token_kind("<>") == "ENTITY"


# -- the key-free operators ---------------------------------------------------------------------
def test_redact_removes_and_replace_names_the_type() -> None:
    assert RedactOperator().apply("Jane Roe", "PERSON") == ""
    assert ReplaceOperator().apply("Jane Roe", "PERSON") == "<PERSON>"
    assert ReplaceOperator().apply("x", "email address") == "<EMAIL_ADDRESS>"


@pytest.mark.parametrize(
    ("value", "entity_type", "expected"),
    [
        ("4111 1111 1111 1111", "CREDIT_CARD", "**** **** **** 1111"),
        ("+1-555-123-4567", "PHONE_NUMBER", "+*-***-***-4567"),
        ("123-45-6789", "US_SSN", "***-**-6789"),
        ("GB82WEST12345698765432", "IBAN_CODE", "******************5432"),
        ("Jane Roe", "PERSON", "**** ***"),
        ("jane@example.org", "EMAIL_ADDRESS", "****@*******.***"),
        ("123456", "UK_NHS", "***456"),  # never more than half of a short id
    ],
)
def test_mask_keeps_separators_and_the_last_four_of_ids(value: str, entity_type: str, expected: str) -> None:
    assert MaskOperator().apply(value, entity_type) == expected


def test_mask_char_and_count_are_configurable() -> None:
    assert MaskOperator("#", 2).apply("4111 1111 1111 1111", "CREDIT_CARD") == "#### #### #### ##11"
    assert MaskOperator("#", 0).apply("4111", "CREDIT_CARD") == "####"
    with pytest.raises(ConfigError, match="mask character"):
        MaskOperator("ab")
    with pytest.raises(ConfigError, match="mask character"):
        MaskOperator("x")


# -- hash -----------------------------------------------------------------------------------------
def test_hash_is_a_short_keyed_hmac_never_a_plain_hash() -> None:
    h = HashOperator(KEY)
    out = h.apply("jane@example.org", "EMAIL_ADDRESS")
    assert re.fullmatch(r"[0-9a-f]{16}", out)
    assert out == h.apply("jane@example.org", "EMAIL_ADDRESS")
    assert out != HashOperator(bytes(32)).apply("jane@example.org", "EMAIL_ADDRESS")
    assert out not in hashlib.sha256(b"jane@example.org").hexdigest()
    assert len(HashOperator(KEY, chars=32).apply("x", "PERSON")) == 32
    with pytest.raises(ConfigError):
        HashOperator(KEY, chars=4)


def test_hash_uses_the_workspace_secret(ws: Workspace, tmp_path: Path) -> None:
    a = one(ws, "hash", "Jane Roe", "PERSON")
    assert a == HashOperator(ws.keystore.secret("pii.hash")).apply("Jane Roe", "PERSON")
    other = Workspace.init(tmp_path / "other")
    try:
        assert one(other, "hash", "Jane Roe", "PERSON") != a
    finally:
        other.close()


# -- pseudonym ----------------------------------------------------------------------------------
def test_pseudonyms_number_values_per_type(ws: Workspace) -> None:
    anon = Anonymizer(ws, default="pseudonym")
    text = "Ann met Bob; Ann mailed ann@x.org."
    ents = [
        Entity(0, 3, "PERSON", 0.9),
        Entity(8, 11, "PERSON", 0.9),
        Entity(13, 16, "PERSON", 0.9),
        Entity(24, 33, "EMAIL_ADDRESS", 1.0),
    ]
    assert anon.mask(text, ents).text == "<PERSON_1> met <PERSON_2>; <PERSON_1> mailed <EMAIL_ADDRESS_1>."
    assert anon.mask("Bob", [Entity(0, 3, "PERSON", 0.9)]).text == "<PERSON_2>"
    assert anon.mask("Cy", [Entity(0, 2, "PERSON", 0.9)]).text == "<PERSON_3>"


def test_pseudonyms_are_consistent_across_runs_and_stored_sealed(ws: Workspace) -> None:
    value = "Zebulon Quartermaine"
    first = one(ws, "pseudonym", value, "PERSON")
    again = Workspace.open(ws.root)
    try:
        assert one(again, "pseudonym", value, "PERSON") == first
        assert Unmasker(again).unmask(f"hello {first}").text == f"hello {value}"
    finally:
        again.close()
    ws.engine.dispose()
    raw = (ws.root / "veil.db").read_bytes() + b"".join(
        p.read_bytes() for p in ws.root.glob("veil.db-*") if p.is_file()
    )
    assert value.encode() not in raw
    with sqlite3.connect(ws.root / "veil.db") as db:
        (count,) = db.execute("SELECT count(*) FROM pii_tokens WHERE namespace = 'pseudonym'").fetchone()
    assert count == 1


def test_forgotten_values_never_unmask_and_their_numbers_are_not_reused(ws: Workspace) -> None:
    anon = Anonymizer(ws, default="pseudonym")
    assert [anon.operator("pseudonym").apply(v, "PERSON") for v in ("Ann", "Bob")] == [
        "<PERSON_1>",
        "<PERSON_2>",
    ]
    store = OperatorContext(ws).tokens
    assert store.forget(["pseudonym", "surrogate"], [("PERSON", "Bob"), ("PERSON", "Nobody")]) == 1
    result = Unmasker(ws).unmask("<PERSON_1> <PERSON_2>")
    assert result.text == "Ann <PERSON_2>" and result.unresolved == 1
    fresh = Anonymizer(ws, default="pseudonym").operator("pseudonym")
    assert fresh.apply("Bob", "PERSON") == "<PERSON_3>" and fresh.apply("Cy", "PERSON") == "<PERSON_4>"


def test_concurrent_runs_agree_on_one_pseudonym_per_value(ws: Workspace) -> None:
    values = [f"person {i}" for i in range(40)]

    def run(seed: int) -> dict[str, str]:
        order = random.Random(seed).sample(values, len(values))
        with Workspace.open(ws.root) as mine:
            op = Anonymizer(mine, default="pseudonym").operator("pseudonym")
            return {v: op.apply_batch([(v, "PERSON")])[0] for v in order}

    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(run, range(4)))
    assert all(r == results[0] for r in results)
    assert sorted(results[0].values(), key=lambda t: int(t[8:-1])) == [f"<PERSON_{i}>" for i in range(1, 41)]


def test_a_moved_sealed_value_fails_authentication(ws: Workspace) -> None:
    one(ws, "pseudonym", "Alice", "PERSON")
    one(ws, "pseudonym", "Bob", "PERSON")
    with ws.engine.begin() as conn:
        rows: dict[str, bytes] = dict(
            conn.exec_driver_sql("SELECT token, sealed_value FROM pii_tokens").all()
        )
        conn.exec_driver_sql(
            "UPDATE pii_tokens SET sealed_value = ? WHERE token = '<PERSON_1>'", (rows["<PERSON_2>"],)
        )
    from veil.errors import CryptoError

    with pytest.raises(CryptoError, match="failed authentication"):
        Unmasker(ws).unmask("<PERSON_1>")


# -- encrypt ------------------------------------------------------------------------------------
def test_encrypt_is_deterministic_typed_and_reversible(ws: Workspace) -> None:
    enc = Anonymizer(ws, default="encrypt").operator("encrypt")
    token = enc.apply("Jane Roe", "PERSON")
    m = re.fullmatch(r"\[ENC:PERSON:([A-Za-z0-9_-]+)\]", token)
    assert m and "Jane" not in token
    assert enc.apply("Jane Roe", "PERSON") == token
    assert enc.apply("Jane Roe", "LOCATION") != token.replace("PERSON", "LOCATION")
    assert Unmasker(ws).unmask(f"<{token}>").text == "<Jane Roe>"
    relabelled = token.replace("PERSON", "LOCATION")  # the type is authenticated
    assert Unmasker(ws).unmask(relabelled).unresolved == 1
    blob = bytearray(base64.urlsafe_b64decode(m.group(1) + "=" * (-len(m.group(1)) % 4)))
    blob[-1] ^= 1
    tampered = f"[ENC:PERSON:{base64.urlsafe_b64encode(bytes(blob)).rstrip(b'=').decode()}]"
    result = Unmasker(ws).unmask(tampered)
    assert result.text == tampered and result.unresolved == 1


def test_tokens_of_another_workspace_are_left_alone(ws: Workspace, tmp_path: Path) -> None:
    other = Workspace.init(tmp_path / "other")
    try:
        text = (
            Anonymizer(other, default="encrypt", per_type={"EMAIL_ADDRESS": "pseudonym"})
            .mask("Jane jane@x.org", [Entity(0, 4, "PERSON", 1.0), Entity(5, 15, "EMAIL_ADDRESS", 1.0)])
            .text
        )
    finally:
        other.close()
    result = Unmasker(ws).unmask(text)
    assert result.text == text and result.unresolved == 2 and not result.restored


def test_encrypt_key_must_be_256_bits() -> None:
    with pytest.raises(ConfigError):
        EncryptOperator(b"short")


# -- surrogate ----------------------------------------------------------------------------------
def test_surrogates_are_realistic_and_consistent(ws: Workspace) -> None:
    anon = Anonymizer(ws, default="surrogate")
    sur = anon.operator("surrogate")
    name = sur.apply("Jane Roe", "PERSON")
    assert name != "Jane Roe" and len(name.split()) == 2 and name.replace(" ", "").isalpha()
    assert sur.apply("Jane Roe", "PERSON") == name
    email = sur.apply("jane.roe@example.org", "EMAIL_ADDRESS")
    assert re.fullmatch(r"[a-z0-9._%+-]+@example\.(com|org|net)", email)
    assert sur.apply("JANE", "PERSON").isupper()
    assert sur.apply("192.168.1.20", "IP_ADDRESS").count(".") == 3
    assert ":" in sur.apply("2001:db8::1", "IP_ADDRESS")
    assert re.fullmatch(r"[0-9A-F]{2}(-[0-9A-F]{2}){5}", sur.apply("AA-BB-CC-DD-EE-FF", "MAC_ADDRESS"))
    assert re.fullmatch(r"[A-Z]\d[a-z]{2}-\d", sur.apply("X9yz-1", "CUSTOM_ID"))  # layout kept
    assert sur.apply("sometime last week", "DATE_TIME") == "<DATE_TIME>"
    again = Workspace.open(ws.root)
    try:
        assert (
            Anonymizer(again, default="surrogate").operator("surrogate").apply("Jane Roe", "PERSON") == name
        )
    finally:
        again.close()


def test_surrogates_never_collide(ws: Workspace) -> None:
    sur = Anonymizer(ws, default="surrogate").operator("surrogate")
    values = [f"{i:02d}:{j:02d}" for i in range(24) for j in range(0, 60, 5)]  # 288 times of day
    fakes = sur.apply_batch([(v, "DATE_TIME") for v in values])
    assert len(set(fakes)) == len(values)
    assert all(re.fullmatch(r"\d\d:\d\d", f) for f in fakes)
    assert all(f != v for f, v in zip(fakes, values, strict=True))


def test_iban_surrogate_has_valid_check_digits() -> None:
    fake = SurrogateOperator(KEY).apply("GB82 WEST 1234 5698 7654 32", "IBAN_CODE")
    compact = fake.replace(" ", "")
    assert fake[:2] == "GB" and len(fake) == len("GB82 WEST 1234 5698 7654 32")
    numeric = "".join(str(int(c, 36)) for c in compact[4:] + compact[:4])
    assert int(numeric) % 97 == 1


# -- properties ---------------------------------------------------------------------------------
def _luhn_complete(body: str) -> str:
    return next(body + d for d in "0123456789" if luhn_valid(body + d))


cards = st.builds(
    lambda first, rest, sep, group: (first, rest, sep, group),
    st.sampled_from("3456"),
    st.text("0123456789", min_size=11, max_size=17),
    st.sampled_from(["", " ", "-"]),
    st.sampled_from([4, 5]),
)


@SETTINGS
@given(cards)
def test_card_surrogates_are_luhn_valid_with_the_same_layout(card: tuple[str, str, str, int]) -> None:
    first, rest, sep, group = card
    digits = _luhn_complete(first + rest)
    value = sep.join(digits[i : i + group] for i in range(0, len(digits), group))
    fake = SurrogateOperator(KEY).apply(value, "CREDIT_CARD")
    assert fake != value
    assert len(fake) == len(value)
    assert [c.isdigit() for c in fake] == [c.isdigit() for c in value]
    assert [c for c in fake if not c.isdigit()] == [c for c in value if not c.isdigit()]
    assert luhn_valid("".join(c for c in fake if c.isdigit()))


phones = st.one_of(
    st.from_regex(r"\+1-[2-9]\d\d-[2-9]\d\d-\d{4}", fullmatch=True),
    st.from_regex(r"\([2-9]\d\d\) [2-9]\d\d-\d{4}", fullmatch=True),
    st.from_regex(r"\+44 20 \d{4} \d{4}", fullmatch=True),
    st.from_regex(r"0\d{3} \d{6}", fullmatch=True),
    st.from_regex(r"[2-9]\d\d\.\d{3}\.\d{4}", fullmatch=True),
)


@SETTINGS
@given(phones)
def test_phone_surrogates_keep_the_digit_layout(value: str) -> None:
    fake = SurrogateOperator(KEY).apply(value, "PHONE_NUMBER")
    assert fake != value
    assert re.sub(r"\d", "9", fake) == re.sub(r"\d", "9", value)
    if value.startswith("+"):
        code = re.match(r"\+\d+", value)
        assert code and fake.startswith(code.group(0))  # country code kept
    if value.startswith("0"):
        assert fake.startswith("0")  # trunk prefix kept


@SETTINGS
@given(
    st.datetimes(min_value=datetime(1920, 1, 1), max_value=datetime(2060, 12, 31)),
    st.sampled_from(DATE_FORMATS),
    st.booleans(),
    st.booleans(),
)
def test_date_surrogates_keep_the_format(moment: datetime, fmt: str, pad_date: bool, pad_time: bool) -> None:
    style = fmt if pad_date else fmt.replace("%d", "%-d").replace("%m", "%-m")
    style = style if pad_time else style.replace("%H", "%-H").replace("%I", "%-I")
    value = render_date(moment, style)
    found = date_style(value)
    assert found is not None
    fake = SurrogateOperator(KEY).apply(value, "DATE_TIME")
    assert fake != value
    # same format: the surrogate parses with the style that renders the original, and renders back
    parsed = datetime.strptime(fake, found.replace("%-", "%"))
    assert render_date(parsed, found) == fake


@SETTINGS
@given(st.dates(min_value=date(1930, 1, 1), max_value=date(2030, 1, 1)))
def test_iso_date_surrogates_stay_iso_dates(day: date) -> None:
    fake = SurrogateOperator(KEY).apply(day.isoformat(), "DATE_TIME")
    assert date.fromisoformat(fake) != day


@SETTINGS
@given(st.emails())
def test_email_surrogates_have_a_valid_shape(value: str) -> None:
    fake = SurrogateOperator(KEY).apply(value, "EMAIL_ADDRESS")
    assert re.fullmatch(r"[a-z0-9._%+-]+@[a-z0-9-]+(\.[a-z0-9-]+)+", fake)
    assert fake != value.lower()


@SETTINGS
@given(st.lists(st.text(min_size=1, max_size=12), min_size=1, max_size=6))
def test_pseudonyms_are_consistent_across_calls_and_runs(mws: Workspace, values: list[str]) -> None:
    first = [one(mws, "pseudonym", v, "PERSON") for v in values]
    assert all(re.fullmatch(r"<PERSON_[1-9]\d*>", t) for t in first)
    assert len(set(first)) == len(set(values))  # one token per value, one value per token
    again = Workspace.open(mws.root)
    try:
        anon = Anonymizer(again, default="pseudonym")
        assert [anon.operator("pseudonym").apply(v, "PERSON") for v in values] == first
    finally:
        again.close()


segment = st.text(st.characters(codec="utf-8", exclude_characters="\x00"), max_size=8)


@SETTINGS
@given(
    st.lists(
        st.tuples(segment, st.text(min_size=1, max_size=10), st.sampled_from(["PERSON", "EMAIL_ADDRESS"]))
    ),
    segment,
    st.sampled_from(["encrypt", "pseudonym"]),
)
def test_encrypt_and_pseudonym_round_trip_through_unmask(
    mws: Workspace, parts: list[tuple[str, str, str]], tail: str, operator: str
) -> None:
    text, entities = "", []
    for before, value, kind in parts:
        text += before
        entities.append(Entity(len(text), len(text) + len(value), kind, 0.9))
        text += value
    text += tail
    masked = Anonymizer(mws, default=operator).mask(text, entities)
    assert len(masked.items) == len(entities)
    restored = Unmasker(mws).unmask(masked.text)
    assert restored.text == text
    assert sum(restored.restored.values()) == len(entities)


@pytest.mark.postgres
def test_token_store_on_postgresql(pg_ws: Workspace) -> None:
    anon = Anonymizer(pg_ws, default="pseudonym", per_type={"DATE_TIME": "surrogate"})
    text = "Ann and Bob met Ann on 2024-03-05."
    ents = [
        Entity(0, 3, "PERSON", 0.9),
        Entity(8, 11, "PERSON", 0.9),
        Entity(16, 19, "PERSON", 0.9),
        Entity(23, 33, "DATE_TIME", 0.9),
    ]
    masked = anon.mask(text, ents).text
    assert masked.startswith("<PERSON_1> and <PERSON_2> met <PERSON_1> on ")
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}\.", masked.rsplit(" ", 1)[1])
    again = Workspace.open(pg_ws.root)
    try:
        assert (
            Anonymizer(again, default="pseudonym", per_type={"DATE_TIME": "surrogate"}).mask(text, ents).text
            == masked
        )
        assert Unmasker(again).unmask("<PERSON_2>!").text == "Bob!"
        assert OperatorContext(again).tokens.forget(["pseudonym"], [("PERSON", "Bob")]) == 1
        assert Unmasker(again).unmask("<PERSON_2>!").unresolved == 1
    finally:
        again.close()


def _erased_values_round_trip(ws: Workspace) -> None:
    from veil.pii.mapping import MAPPING_KEY_NAME, ErasedValues

    erased = ErasedValues(ws.engine, ws.keystore.secret(MAPPING_KEY_NAME))
    assert erased.erased(["jane.roe@example.com"]) == set()  # no table yet: nothing erased
    macs = erased.macs(["Jane.Roe@Example.com", "  Jane   Roe ", ""])
    assert len(macs) == 2  # the empty value is no identity
    assert erased.record(macs) == 2 and erased.record(macs) == 0  # idempotent
    found = erased.erased(["JANE.ROE@EXAMPLE.COM", "jane roe", "Jane\u00a0Roe", "John Doe"])
    assert found == {"JANE.ROE@EXAMPLE.COM", "jane roe", "Jane\u00a0Roe"}  # case, spaces, NFKC
    # keyed: another workspace's key gives other hashes (nobody can test guesses without the key)
    other = ErasedValues(ws.engine, bytes(32))
    assert other.erased(["jane roe"]) == set()
    assert erased.erased(["John Doe"], pending=erased.macs(["john doe"])) == {"John Doe"}


def test_erased_values_are_keyed_normalised_and_idempotent(mws: Workspace) -> None:
    _erased_values_round_trip(mws)


@pytest.mark.postgres
def test_erased_values_on_postgresql(pg_ws: Workspace) -> None:
    _erased_values_round_trip(pg_ws)
