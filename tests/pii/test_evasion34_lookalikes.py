"""More ways of writing an identifier past a filter: look-alike letters, defanging, other forms.

The attacks (each with its plainly written control, which must be found too):
- Cyrillic or Greek letters that look like Latin ones inside an e-mail address or a name
  ("j\\u0430ne@ex\\u0430mple.org", the homograph trick of phishing domains); a word all in one
  script is left alone, so Russian or Greek text is read as it is;
- "defanged" addresses, as security reports write them so that they do not link: "192[.]168[.]0[.]1",
  "hxxps://host[.]example[.]org/x", "jane[@]example[.]org";
- e-mail addresses whose local part is in another script ("иван@", "用户@", RFC 6531);
- IBANs typed in lower case, card numbers grouped with dots;
- the word that labels a value read as a name ("Iban: DE89 ...", "iban de89 ...").
"""

from __future__ import annotations

import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from veil.pii import PiiConfig, PiiEngine
from veil.pii.canonical import canonical

# Cyrillic and Greek letters that Unicode's confusables list as look-alikes of these ASCII letters
LOOKALIKES = {"a": "\u0430", "e": "\u0435", "o": "\u043e", "p": "\u0440", "c": "\u0441", "x": "\u0445"}
GREEK = {"o": "\u03bf", "a": "\u03b1", "p": "\u03c1", "v": "\u03bd"}


@pytest.fixture(scope="module")
def engine() -> PiiEngine:
    return PiiEngine(PiiConfig(ner=False))


def _covered(engine: PiiEngine, text: str, kind: str, value: str) -> bool:
    start = text.index(value)
    end = start + len(value)
    return any(e.type == kind and e.start <= start and e.end >= end for e in engine.detect(text))


def _spoof(value: str, table: dict[str, str], seed: int) -> str:
    """``value`` with some of its letters that have a look-alike written as the look-alike."""
    out = []
    for i, char in enumerate(value):
        spoof = table.get(char)
        out.append(spoof if spoof is not None and (seed >> (i % 20)) & 1 else char)
    return "".join(out)


emails = st.builds(
    lambda user, host, tld: f"{user}@{host}.{tld}",
    st.from_regex(r"[a-z]{3,8}(\.[a-z]{2,6})?", fullmatch=True),
    st.from_regex(r"[a-z]{3,10}", fullmatch=True),
    st.sampled_from(["com", "org", "de", "io"]),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(address=emails, seed=st.integers(0, 2**20), greek=st.booleans())
def test_look_alike_letters_inside_an_address_do_not_hide_it(
    engine: PiiEngine, address: str, seed: int, greek: bool
) -> None:
    assert _covered(engine, f"reply to {address} today", "EMAIL_ADDRESS", address)  # the control
    spoofed = _spoof(address, GREEK if greek else LOOKALIKES, seed)
    assert _covered(engine, f"reply to {spoofed} today", "EMAIL_ADDRESS", spoofed)


def test_a_word_of_one_script_is_read_as_it_is() -> None:
    for text in ["Привет, как дела? Всё хорошо, спасибо", "Καλημέρα, τι κάνεις;", "Москва 2024 и Sofia"]:
        assert canonical(text).text == text
    # a mixed word is folded, and its span maps back onto the original letters
    text = "Dear J\u043ehn Sm\u0456th, hello"
    view = canonical(text)
    assert view.text == "Dear John Smith, hello"
    start = view.text.index("John")
    assert view.span(start, start + len("John Smith")) == (5, 15)


@pytest.mark.parametrize(
    ("defanged", "kind", "value"),
    [
        ("seen from 192[.]168[.]10[.]7 at noon", "IP_ADDRESS", "192[.]168[.]10[.]7"),
        ("beacon to 10(.)0(.)0(.)12 twice", "IP_ADDRESS", "10(.)0(.)0(.)12"),
        ("payload at hxxps://files[.]example[.]org/a.bin", "URL", "hxxps://files[.]example[.]org/a.bin"),
        ("sent by jane[@]example[.]org", "EMAIL_ADDRESS", "jane[@]example[.]org"),
        ("fe80[:]:1 is the link-local peer", "IP_ADDRESS", "fe80[:]:1"),
    ],
)
def test_defanged_addresses_are_found_whole(engine: PiiEngine, defanged: str, kind: str, value: str) -> None:
    plain = defanged
    for fanged, written in (("[.]", "."), ("(.)", "."), ("[@]", "@"), ("[:]", ":"), ("hxxp", "http")):
        plain = plain.replace(fanged, written)
    plain_value = value
    for fanged, written in (("[.]", "."), ("(.)", "."), ("[@]", "@"), ("[:]", ":"), ("hxxp", "http")):
        plain_value = plain_value.replace(fanged, written)
    assert _covered(engine, plain, kind, plain_value)  # the control
    assert _covered(engine, defanged, kind, value)


def test_brackets_around_a_dot_that_defang_nothing_change_nothing() -> None:
    for text in ["x[.5] is a slice", "a regex [.] matches a dot", "(.) alone"]:
        view = canonical(text)
        assert view.span(0, len(view.text)) == (0, len(text))
    assert canonical("x[.5] is a slice").unchanged


@pytest.mark.parametrize(
    "address", ["иван.петров@пример.рф", "用户@例子.广告", "θεός@παράδειγμα.ελ", "josé.núñez@correo.es"]
)
def test_an_address_in_another_script_is_found_whole(engine: PiiEngine, address: str) -> None:
    assert _covered(engine, f"write to {address} please", "EMAIL_ADDRESS", address)


@pytest.mark.parametrize(
    "iban", ["de89 3704 0044 0532 0130 00", "gb82west12345698765432", "fr14 2004 1010 0505 0001 3m02 606"]
)
def test_an_iban_in_lower_case_is_found(engine: PiiEngine, iban: str) -> None:
    assert _covered(engine, f"my iban is {iban} thanks", "IBAN_CODE", iban)
    assert _covered(engine, f"my iban is {iban.upper()} thanks", "IBAN_CODE", iban.upper())  # control


def test_a_lower_case_word_that_is_no_iban_is_not_one(engine: PiiEngine) -> None:
    # right shape, wrong check digits
    assert not any(e.type == "IBAN_CODE" for e in engine.detect("code de88 3704 0044 0532 0130 00 here"))


@pytest.mark.parametrize("separator", [" ", "-", "."])
def test_a_card_grouped_by_dots_spaces_or_dashes(engine: PiiEngine, separator: str) -> None:
    card = separator.join(["4111", "1111", "1111", "1111"])
    assert _covered(engine, f"card {card} expires soon", "CREDIT_CARD", card)


def test_a_dotted_number_that_fails_luhn_is_no_card(engine: PiiEngine) -> None:
    assert not any(e.type == "CREDIT_CARD" for e in engine.detect("build 4111.1111.1111.1112 shipped"))


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("Iban: DE89370400440532013000", "Iban"),
        ("Herr M\u00fcller wohnt hier, Tel. 030 1234567", "Tel"),
        ("iban de89370400440532013000 ok", "iban"),
        ("Nino: AB 12 34 56 C", "Nino"),
    ],
)
def test_the_word_that_labels_a_value_is_not_a_name(engine: PiiEngine, text: str, label: str) -> None:
    found = engine.detect(text)
    assert any(e.type not in ("PERSON", "ORGANIZATION", "LOCATION") for e in found), text  # the value
    assert not any(text[e.start : e.end] == label for e in found), text


def test_a_name_before_a_value_stays_a_name(engine: PiiEngine) -> None:
    text = "Nino Rossi: AB 12 34 56 C"
    assert any(e.type == "PERSON" and text[e.start : e.end] == "Nino Rossi" for e in engine.detect(text))


@pytest.mark.parametrize(
    "unit",
    [
        "j\u0430ne ",
        "a\u0430" * 3 + " ",
        "[.]",
        "1[.]2(.)",
        "hxxp",
        "[@]x",
        "\u0430b" * 40,
        "a%40b",
        "x&#64;",
        "%2",
    ],
)
def test_folding_takes_linear_time(unit: str) -> None:
    """CPU time of the canonical view of 80k and 320k characters of a repeated unit: 4x the text
    costs at most 8x the time (a quadratic scan would cost 16x)."""
    times = []
    for size in (80_000, 320_000):
        text = unit * (size // len(unit))
        start = time.process_time()
        canonical(text)
        times.append(time.process_time() - start)
    assert times[1] <= 8 * max(times[0], 0.005), (unit, times)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("GET /signup?email=jane.doe%40example.com&step=2", "jane.doe%40example.com"),
        ("write to jane&#64;example.com", "jane&#64;example.com"),
        ("write to jane&#x40;example&#46;com", "jane&#x40;example&#46;com"),
        ("write to jane&commat;example&period;org", "jane&commat;example&period;org"),
    ],
)
def test_an_address_with_its_at_sign_escaped_is_found_whole(engine: PiiEngine, text: str, value: str) -> None:
    assert _covered(engine, text, "EMAIL_ADDRESS", value)


def test_escapes_elsewhere_change_nothing() -> None:
    for text in ["100%40 of the load", "a %40 rise", "see &#64; alone", "x%2"]:
        view = canonical(text)
        assert view.text == text or view.span(0, len(view.text)) == (0, len(text))
    assert canonical("a %40 rise").unchanged


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("<a href='tel:+12125550147'>call</a>", "+12125550147"),
        ("TEL;TYPE=CELL:+1 212 555 0147", "+1 212 555 0147"),
        ("Phone:+44 20 7946 0958", "+44 20 7946 0958"),
    ],
)
def test_a_phone_number_glued_to_its_label_is_found(engine: PiiEngine, text: str, value: str) -> None:
    assert _covered(engine, text, "PHONE_NUMBER", value)


def test_a_time_or_a_ratio_before_digits_is_no_phone_label(engine: PiiEngine) -> None:
    for text in ["at 12:30 the count was 2125550147", "odds of 1:2125550147"]:
        assert not any(e.type == "PHONE_NUMBER" for e in engine.detect(text)), text


@pytest.mark.parametrize(
    "text",
    [
        "Bitte Frau Weber anrufen: 0109248343",
        "Rappeler le client au 0109248343 demain",
        "Llamar al 0109248343 por la tarde",
        "Graag terugbellen, bellen naar 0109248343",
    ],
)
def test_a_bare_number_after_a_verb_of_calling_in_another_language_is_a_phone(
    engine: PiiEngine, text: str
) -> None:
    """A run of digits that is only a possible phone number needs a word of calling near it; in a
    German, French, Spanish or Dutch note that word is not English."""
    assert _covered(engine, text, "PHONE_NUMBER", "0109248343")
    assert not _covered(engine, "Bestellung 0109248343 versandt", "PHONE_NUMBER", "0109248343")
