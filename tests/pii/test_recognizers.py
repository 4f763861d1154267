"""Each recognizer family against tables of strings it must and must not report.

Rule recognizers are checked with ``rules_engine`` (no NER) so that a table says what the
rule itself does; names and places also go through the full engine.
"""

from __future__ import annotations

import pytest

from veil.pii import EntityType, PiiEngine
from veil.pii.recognizers.builtin import VALIDATORS
from veil.pii.recognizers.dates import is_numeric_date, is_specific_date

T = EntityType


def found(engine: PiiEngine, text: str, kind: str) -> list[str]:
    return [text[e.start : e.end] for e in engine.detect(text) if e.type == kind]


def check(engine: PiiEngine, text: str, kind: str, expected: str | None) -> None:
    values = found(engine, text, kind)
    if expected is None:
        assert values == [], f"{kind} must not be reported in {text!r}"
    else:
        assert expected in values, f"{kind} {expected!r} not reported in {text!r}: {values}"


# -- payment -------------------------------------------------------------------------------

CREDIT_CARD = [
    ("card 4532015112830366 exp 12/27", "4532015112830366"),
    ("Visa 4111 1111 1111 1111", "4111 1111 1111 1111"),
    ("paid with mastercard 5555-5555-5555-4444.", "5555-5555-5555-4444"),
    ("Amex: 3782 822463 10005", "3782 822463 10005"),
    ("card number 6011111111111117", "6011111111111117"),
    ("JCB 3530111333300000 on file", "3530111333300000"),
    ("new MC 2221000000000009", "2221000000000009"),
]
NOT_CREDIT_CARD = [
    "Order #4532015112830366 shipped",  # an order number, not a card, without card context
    "card 4532015112830367",  # Luhn fails
    "invoice 5555555555554444 paid",
    "tracking number 4111111111111111",
    "card 0000 0000 0000 0000",
    "serial 1234567812345678",
    "id 1234-5678-9012-3456",
]


@pytest.mark.parametrize(("text", "value"), CREDIT_CARD)
def test_credit_card_found(rules_engine: PiiEngine, text: str, value: str) -> None:
    check(rules_engine, text, T.CREDIT_CARD, value)


@pytest.mark.parametrize("text", NOT_CREDIT_CARD)
def test_credit_card_not_found(rules_engine: PiiEngine, text: str) -> None:
    check(rules_engine, text, T.CREDIT_CARD, None)


IBAN = [
    ("IBAN DE89 3704 0044 0532 0130 00", "DE89 3704 0044 0532 0130 00"),
    ("pay to GB82 WEST 1234 5698 7654 32 today", "GB82 WEST 1234 5698 7654 32"),
    ("FR1420041010050500013M02606", "FR1420041010050500013M02606"),
    ("Konto ES91 2100 0418 4502 0005 1332.", "ES91 2100 0418 4502 0005 1332"),
    ("NL91ABNA0417164300 (ABN)", "NL91ABNA0417164300"),
    ("IBAN: BE71 0961 2345 6769 SENT", "BE71 0961 2345 6769"),  # a following word is trimmed
]
NOT_IBAN = [
    "IBAN DE89 3704 0044 0532 0130 01",  # mod-97 fails
    "GB82 WEST 1234 5698 7654 33",
    "XX12 3456 7890 1234 5678",
    "DE89 3704",
    "code AB12CDEF3456GHIJ",
]


@pytest.mark.parametrize(("text", "value"), IBAN)
def test_iban_found(rules_engine: PiiEngine, text: str, value: str) -> None:
    check(rules_engine, text, T.IBAN_CODE, value)


@pytest.mark.parametrize("text", NOT_IBAN)
def test_iban_not_found(rules_engine: PiiEngine, text: str) -> None:
    check(rules_engine, text, T.IBAN_CODE, None)


# -- national ids --------------------------------------------------------------------------

US_SSN = [
    ("SSN 536-90-4399", "536-90-4399"),
    ("ssn: 772-01-2345.", "772-01-2345"),
    ("Social Security number 536 90 4399", "536 90 4399"),
    ("SSN 001010001", "001010001"),
    ("social security: 219-09-9998", "219-09-9998"),
]
NOT_US_SSN = [
    "SSN 000-12-3456",  # area 000
    "SSN 666-12-3456",  # area 666
    "SSN 900-12-3456",  # area 9xx
    "SSN 123-00-4567",  # group 00
    "SSN 123-45-0000",  # serial 0000
    "SSN 078-05-1120",  # the Woolworth wallet card
    "ref 536904399",  # no context for a bare 9-digit number
    "phone 536-90-4399",
    "part 123-45-6789-01",
]


@pytest.mark.parametrize(("text", "value"), US_SSN)
def test_us_ssn_found(rules_engine: PiiEngine, text: str, value: str) -> None:
    check(rules_engine, text, T.US_SSN, value)


@pytest.mark.parametrize("text", NOT_US_SSN)
def test_us_ssn_not_found(rules_engine: PiiEngine, text: str) -> None:
    check(rules_engine, text, T.US_SSN, None)


UK_NINO = [
    ("NINO AB 12 34 56 C", "AB 12 34 56 C"),
    ("national insurance JG103759A", "JG103759A"),
    ("NI number: CE 12 34 56 D.", "CE 12 34 56 D"),
    ("ni no TW123456B", "TW123456B"),
    ("HMRC record ZX 99 88 77 A", "ZX 99 88 77 A"),
]
NOT_UK_NINO = [
    "NINO GB 12 34 56 C",  # GB prefix is never issued
    "NINO BG123456A",
    "NINO AB123456E",  # suffix only A-D
    "NINO DA123456A",  # D is not a valid first letter
    "NINO AO123456A",  # O is not a valid second letter
    "NINO NK123456A",
]


@pytest.mark.parametrize(("text", "value"), UK_NINO)
def test_uk_nino_found(rules_engine: PiiEngine, text: str, value: str) -> None:
    check(rules_engine, text, T.UK_NINO, value)


@pytest.mark.parametrize("text", NOT_UK_NINO)
def test_uk_nino_not_found(rules_engine: PiiEngine, text: str) -> None:
    check(rules_engine, text, T.UK_NINO, None)


UK_NHS = [
    ("NHS number 943 476 5919", "943 476 5919"),
    ("NHS: 3982597919", "3982597919"),
    ("patient nhs no 907-483-3780", "907-483-3780"),
    ("NHS No. 876 232 8603 (checked)", "876 232 8603"),
    ("hospital record, NHS 1290404798", "1290404798"),
]
NOT_UK_NHS = [
    "NHS number 943 476 5918",  # check digit fails
    "NHS 0000000000",
    "phone 943 476 5919",
    "order 3982597919",
    "value 9434765919",  # no context for 10 bare digits
]


@pytest.mark.parametrize(("text", "value"), UK_NHS)
def test_uk_nhs_found(rules_engine: PiiEngine, text: str, value: str) -> None:
    check(rules_engine, text, T.UK_NHS, value)


@pytest.mark.parametrize("text", NOT_UK_NHS)
def test_uk_nhs_not_found(rules_engine: PiiEngine, text: str) -> None:
    check(rules_engine, text, T.UK_NHS, None)


DE_ID = [
    ("Steuer-ID 28123420792", "28123420792"),
    ("IdNr: 38061920575", "38061920575"),
    ("steuerliche Identifikationsnummer 23615941711", "23615941711"),
    ("Steuer-IdNr 65 444 219 839", "65 444 219 839"),
    ("Personalausweis T220001293", "T220001293"),
]
NOT_DE_ID = [
    "Steuer-ID 28123420793",  # check digit fails
    "Steuer-ID 01234567890",  # no leading zero
    "Personalausweis T220001294",  # ICAO check digit fails
    "number 28123420792",  # no context
    "Steuer-ID 11111111111",
]


@pytest.mark.parametrize(("text", "value"), DE_ID)
def test_de_id_found(rules_engine: PiiEngine, text: str, value: str) -> None:
    check(rules_engine, text, T.DE_ID, value)


@pytest.mark.parametrize("text", NOT_DE_ID)
def test_de_id_not_found(rules_engine: PiiEngine, text: str) -> None:
    check(rules_engine, text, T.DE_ID, None)


FR_NIR = [
    ("NIR 2 95 10 99 126 111 93", "2 95 10 99 126 111 93"),
    ("sécurité sociale 177076249038891", "177076249038891"),
    ("numéro INSEE 278046140506036", "278046140506036"),
    ("carte vitale: 1 02 04 73 913 701 21", "1 02 04 73 913 701 21"),
    ("NIR 113102897094107.", "113102897094107"),
]
NOT_FR_NIR = [
    "NIR 2 95 10 99 126 111 94",  # key fails
    "NIR 177076249038892",
    "NIR 377076249038891",  # 3 is not a sex digit
    "NIR 1 85 13 99 126 111 93",  # month 13
    "SIRET 73282932000074",
]


@pytest.mark.parametrize(("text", "value"), FR_NIR)
def test_fr_nir_found(rules_engine: PiiEngine, text: str, value: str) -> None:
    check(rules_engine, text, T.FR_NIR, value)


@pytest.mark.parametrize("text", NOT_FR_NIR)
def test_fr_nir_not_found(rules_engine: PiiEngine, text: str) -> None:
    check(rules_engine, text, T.FR_NIR, None)


ES_NIF = [
    ("DNI 12345678Z", "12345678Z"),
    ("dni: 54362315K.", "54362315K"),
    ("NIE X2482300W", "X2482300W"),
    ("NIE Y1234567X", "Y1234567X"),
    ("documento 87654321-X", "87654321-X"),
    ("NIE Z7654321H", "Z7654321H"),
]
NOT_ES_NIF = [
    "DNI 12345678A",  # control letter fails
    "NIE X2482300A",
    "DNI 1234567Z",  # too short
    "ref ABC12345678Z",
    "NIE W2482300W",
]


@pytest.mark.parametrize(("text", "value"), ES_NIF)
def test_es_nif_found(rules_engine: PiiEngine, text: str, value: str) -> None:
    check(rules_engine, text, T.ES_NIF, value)


@pytest.mark.parametrize("text", NOT_ES_NIF)
def test_es_nif_not_found(rules_engine: PiiEngine, text: str) -> None:
    check(rules_engine, text, T.ES_NIF, None)


IT_FISCAL_CODE = [
    ("codice fiscale RSSMRA85T10A562S", "RSSMRA85T10A562S"),
    ("CF: MRTMTT25D09F205Z", "MRTMTT25D09F205Z"),
    ("BNCGLI90A41H501E is on file", "BNCGLI90A41H501E"),
    ("fiscal code VRDLCU77M12L219A.", "VRDLCU77M12L219A"),
    ("(CLMCST82E55F839H)", "CLMCST82E55F839H"),
]
NOT_IT_FISCAL_CODE = [
    "codice fiscale RSSMRA85T10A562A",  # check character fails
    "MRTMTT25D09F205A",
    "RSSMRA85Z10A562S",  # Z is not a month letter
    "ABCDEF12G34H567I",
    "RSSMRA85T10A562",  # too short
]


@pytest.mark.parametrize(("text", "value"), IT_FISCAL_CODE)
def test_it_fiscal_code_found(rules_engine: PiiEngine, text: str, value: str) -> None:
    check(rules_engine, text, T.IT_FISCAL_CODE, value)


@pytest.mark.parametrize("text", NOT_IT_FISCAL_CODE)
def test_it_fiscal_code_not_found(rules_engine: PiiEngine, text: str) -> None:
    check(rules_engine, text, T.IT_FISCAL_CODE, None)


# -- network -------------------------------------------------------------------------------

IP_ADDRESS = [
    ("login from 192.168.0.1", "192.168.0.1"),
    ("IP 8.8.8.8.", "8.8.8.8"),
    ("client 10.0.0.1, version 2", "10.0.0.1"),
    ("from IP 1.105.115.107 using version 3.6.0", "1.105.115.107"),
    ("host 2001:db8::8a2e:370:7334 up", "2001:db8::8a2e:370:7334"),
    ("loopback ::1", "::1"),
    ("fe80::1ff:fe23:4567:890a%", "fe80::1ff:fe23:4567:890a"),
]
NOT_IP_ADDRESS = [
    "version 10.2.3.4",
    "256.1.1.1",
    "1.2.3",
    "01.02.03.04",
    "10.2.3.4.5",
    "at 12:30:45",
    "v1.2.3.4",
    "release 4.3.2.1 notes",
]


@pytest.mark.parametrize(("text", "value"), IP_ADDRESS)
def test_ip_address_found(rules_engine: PiiEngine, text: str, value: str) -> None:
    check(rules_engine, text, T.IP_ADDRESS, value)


@pytest.mark.parametrize("text", NOT_IP_ADDRESS)
def test_ip_address_not_found(rules_engine: PiiEngine, text: str) -> None:
    check(rules_engine, text, T.IP_ADDRESS, None)


MAC_ADDRESS = [
    ("MAC 00:1A:2B:3C:4D:5E", "00:1A:2B:3C:4D:5E"),
    ("hw 00-1a-2b-3c-4d-5e.", "00-1a-2b-3c-4d-5e"),
    ("device 001a.2b3c.4d5e", "001a.2b3c.4d5e"),
    ("from 9A-16-15-DB-EB-C9 via eth0", "9A-16-15-DB-EB-C9"),
    ("bssid 26:22:42:a7:ae:32", "26:22:42:a7:ae:32"),
]
NOT_MAC_ADDRESS = [
    "00:00:00:00:00:00",
    "00:1A:2B:3C:4D",
    "00:1A:2B:3C:4D:5E:6F",
    "00:1A-2B:3C-4D:5E",
    "at 12:30:45",
]


@pytest.mark.parametrize(("text", "value"), MAC_ADDRESS)
def test_mac_address_found(rules_engine: PiiEngine, text: str, value: str) -> None:
    check(rules_engine, text, T.MAC_ADDRESS, value)


@pytest.mark.parametrize("text", NOT_MAC_ADDRESS)
def test_mac_address_not_found(rules_engine: PiiEngine, text: str) -> None:
    check(rules_engine, text, T.MAC_ADDRESS, None)


URL = [
    ("see https://example.com/a?b=1.", "https://example.com/a?b=1"),
    ("www.veil.dev, or", "www.veil.dev"),
    ("profile at example.co.uk/users/42", "example.co.uk/users/42"),
    ("HTTP://X.ORG", "HTTP://X.ORG"),
    ("(ftp://files.example.org/x)", "ftp://files.example.org/x"),
]
NOT_URL = ["at home.It was late", "config.py", "e.g. this", "report.pdf", "j.smith@example.org"]


@pytest.mark.parametrize(("text", "value"), URL)
def test_url_found(rules_engine: PiiEngine, text: str, value: str) -> None:
    check(rules_engine, text, T.URL, value)


@pytest.mark.parametrize("text", NOT_URL)
def test_url_not_found(rules_engine: PiiEngine, text: str) -> None:
    check(rules_engine, text, T.URL, None)


# -- contact -------------------------------------------------------------------------------

EMAIL = [
    ("mail jane@example.org", "jane@example.org"),
    ("<john.smith+tag@mail.example.co.uk>", "john.smith+tag@mail.example.co.uk"),
    ("contact: a_b-c@x-y.io.", "a_b-c@x-y.io"),
    ("Email: O.Neil@Example.COM", "O.Neil@Example.COM"),
    ("isis@bol.com.br", "isis@bol.com.br"),
]
NOT_EMAIL = ["jane@localhost", "@example.org", "jane..doe@example.org", "a@b", "user@.example.org"]


@pytest.mark.parametrize(("text", "value"), EMAIL)
def test_email_found(rules_engine: PiiEngine, text: str, value: str) -> None:
    check(rules_engine, text, T.EMAIL_ADDRESS, value)


@pytest.mark.parametrize("text", NOT_EMAIL)
def test_email_not_found(rules_engine: PiiEngine, text: str) -> None:
    check(rules_engine, text, T.EMAIL_ADDRESS, None)


PHONE = [
    ("Call +44 20 7946 0958 today", "+44 20 7946 0958"),
    ("tel: 020 7946 0958", "020 7946 0958"),
    ("call (212) 555-1234", "(212) 555-1234"),
    ("+1 650-253-0000", "+1 650-253-0000"),
    ("Telefon +49 30 901820", "+49 30 901820"),
    ("mobile +33 6 12 34 56 78.", "+33 6 12 34 56 78"),
    ("reach me on +49 (0) 2384 625181", "+49 (0) 2384 625181"),
    ("call 0049 30 901820", "0049 30 901820"),
]
NOT_PHONE = [
    "Total $1,234.56",
    "amount 1234567.89",
    "Order #4532015112830366",
    "at 10:30",
    "on 03/12/1985",
    "on 1985-03-12",
    "server 192.168.100.200",
    "ISBN 978-3-16-148410-0",
    "SSN 536-90-4399",
]


@pytest.mark.parametrize(("text", "value"), PHONE)
def test_phone_found(rules_engine: PiiEngine, text: str, value: str) -> None:
    check(rules_engine, text, T.PHONE_NUMBER, value)


@pytest.mark.parametrize("text", NOT_PHONE)
def test_phone_not_found(rules_engine: PiiEngine, text: str) -> None:
    check(rules_engine, text, T.PHONE_NUMBER, None)


# -- dates ---------------------------------------------------------------------------------

DATES = [
    ("born 12 March 1985", "12 March 1985"),
    ("DOB 03/12/1985", "03/12/1985"),
    ("on 1985-03-12", "1985-03-12"),
    ("March 12th, 1985 was", "March 12th, 1985"),
    ("dated 12.03.1985", "12.03.1985"),
    ("at 1985-03-12T10:30:00Z", "1985-03-12T10:30:00Z"),
    ("the 12th of March, 1985", "12th of March, 1985"),
    ("le 1er mars 1985", "1er mars 1985"),
    ("am 12. März 1985", "12. März 1985"),
    ("DOB: 19850312", "19850312"),
    ("[24/Oct/2024:04:50:40 +0000] GET", "24/Oct/2024:04:50:40 +0000"),
    ("Oct  5 02:07:32 gw01 dhcpd", "Oct  5 02:07:32"),
    ("Tuesday, 12 March 1985 at 10:30 am", "12 March 1985 at 10:30 am"),
]
NOT_DATES = [
    "see you at 10:30",  # a clock time alone is not reported (see dates.py)
    "on 31/02/1985",  # not a calendar date either way round
    "13/13/2020",
    "Total $1,234.56",
    "version 1.2.3",
    "ratio 3/4/5",
    "may 5 things",  # lower-case "may" is a verb
]


@pytest.mark.parametrize(("text", "value"), DATES)
def test_date_found(rules_engine: PiiEngine, text: str, value: str) -> None:
    check(rules_engine, text, T.DATE_TIME, value)


@pytest.mark.parametrize("text", NOT_DATES)
def test_date_not_found(rules_engine: PiiEngine, text: str) -> None:
    check(rules_engine, text, T.DATE_TIME, None)


@pytest.mark.parametrize(
    ("value", "specific"),
    [
        ("12 March 1985", True),
        ("1985", True),
        ("May 2020", True),
        ("03/12/1985", True),
        ("today", False),
        ("daily", False),
        ("3 weeks", False),
        ("45 years old", False),
        ("the 1980s", False),
        ("Monday", False),
        ("130/85", False),
        ("next year", False),
    ],
)
def test_spacy_dates_are_filtered(value: str, specific: bool) -> None:
    assert is_specific_date(value) is specific


def test_numeric_dates_accept_either_day_month_order() -> None:
    assert is_numeric_date("03/12/1985") and is_numeric_date("12/03/1985") and is_numeric_date("12/31/1985")
    assert not is_numeric_date("31/31/1985")


def test_spacy_dates_do_not_report_durations(pii_engine: PiiEngine) -> None:
    for text in ("I will see you tomorrow.", "Take it daily for 3 weeks.", "She is 45 years old."):
        assert found(pii_engine, text, T.DATE_TIME) == [], text


# -- places, people, organisations ---------------------------------------------------------

LOCATION_RULES = [
    ("lives at 221B Baker Street, London", "221B Baker Street, London"),
    ("1600 Pennsylvania Ave NW, Suite 200", "1600 Pennsylvania Ave NW, Suite 200"),
    ("Hauptstraße 5, 10115 Berlin", "Hauptstraße 5, 10115 Berlin"),  # one span: the address block
    ("12, rue de la Paix, 75002 Paris", "12, rue de la Paix, 75002 Paris"),
    ("Via Nadi, 43 Piano 2, 37142 Nasuti", "Via Nadi, 43 Piano 2, 37142 Nasuti"),
    ("Address: Rua da Luz, 83, 02611619 Rezende das Flores", "Rua da Luz, 83"),
    (
        "shipped to 15852 Erin Common Apt. 835, Dianaview, PW 76059",
        "15852 Erin Common Apt. 835, Dianaview, PW 76059",
    ),
    ("Laraweg 50, 7581FC Lellens", "Laraweg 50, 7581FC Lellens"),
    ("to H.No. 01, Sane Marg, Firozabad 069467.", "H.No. 01, Sane Marg, Firozabad 069467"),
    ("Billing: 7 Trevor Orchard, Port Elliotfurt DG1 1GQ", "7 Trevor Orchard, Port Elliotfurt DG1 1GQ"),
    ("postcode SW1A 1AA", "SW1A 1AA"),
    ("P.O. Box 123", "P.O. Box 123"),
    ("she moved to Manchester last year", "Manchester"),
]
NOT_LOCATION_RULES = [
    "Reading a book in the garden",
    "We have 3 Key Points to discuss",
    "Order ID 12345 shipped",
    "In 2020, 10000 People signed up",
    "Spring 2024 collection",
]


@pytest.mark.parametrize(("text", "value"), LOCATION_RULES)
def test_location_rules_found(rules_engine: PiiEngine, text: str, value: str) -> None:
    check(rules_engine, text, T.LOCATION, value)


@pytest.mark.parametrize("text", NOT_LOCATION_RULES)
def test_location_rules_not_found(rules_engine: PiiEngine, text: str) -> None:
    check(rules_engine, text, T.LOCATION, None)


PERSON_RULES = [
    ("Seen by Dr. Jane Smith today", "Jane Smith"),
    ("Patient: Maria Garcia, DOB 1982", "Maria Garcia"),
    ("Name: Jover, Paca    DOB: 1982-02-13", "Jover, Paca"),
    ("Dear Emily Clarke,", "Emily Clarke"),
    ("Signed, Robert Brown", "Robert Brown"),
    ("I spoke with Michael Johnson yesterday", "Michael Johnson"),
    ("Smith, John attended", "Smith, John"),
    ("[15:10] Isis: hi, it's me", "Isis"),
    ("Best regards,\nSofia\n", "Sofia"),
    ("Approved by Elize van 't Houteveen on 09-08-2018", "Elize van 't Houteveen"),
    ("results phoned to the ward by Megha.", "Megha"),
    # particles and given names of several words
    ("Employee Thom van den Broek requests leave", "Thom van den Broek"),
    ("Third party: Emilly da Luz, insured", "Emilly da Luz"),
    ("Thank you, served by Luiz Otávio", "Luiz Otávio"),
    ("Rx\nvan de Ven, Merel\nNoutweg 5", "van de Ven, Merel"),
    ("Fit note received for FARIAS Ana Beatriz (NI number", "FARIAS Ana Beatriz"),
    # a first name alone, where its form says it is a name
    ("are you coming to Piero's party?", "Piero"),
    ("Subject: Fwd: tenancy\n\nMyrthe, see below - can you add her?", "Myrthe"),
    ("Sorry about that, Teresa! A courier will collect it.", "Teresa"),
    ("8 items. Agent Françoise offered a reship.", "Françoise"),
    ("<Taylor> Martin Flynn does", "Taylor"),
    ("DHCPACK on 10.0.0.7 to 1e:f7:72:df:af:47 (Matthew-laptop) via eth0", "Matthew"),
]
NOT_PERSON_RULES = [
    "Dear Sir or Madam,",
    "Hi Team, the build is green",
    "May the force be with you",
    "Grace period ends soon",
    "Summer Sale starts Monday",
    "Address: Viale Milena, 4",
    "Grace's period ends soon",  # an ambiguous first name needs more than a possessive
    "DHCPACK to 1e:f7:72:df:af:47 (build-laptop) via eth0",
    "Customer: Carlier SARL",  # a legal form: a firm, not a person
]


@pytest.mark.parametrize(("text", "value"), PERSON_RULES)
def test_person_rules_found(rules_engine: PiiEngine, text: str, value: str) -> None:
    check(rules_engine, text, T.PERSON, value)


@pytest.mark.parametrize("text", NOT_PERSON_RULES)
def test_person_rules_not_found(rules_engine: PiiEngine, text: str) -> None:
    check(rules_engine, text, T.PERSON, None)


ORGANIZATION_RULES = [
    ("works at Acme Widgets Ltd in town", "Acme Widgets Ltd"),
    ("Tate and Sons", "Tate and Sons"),
    ("a contract for Carsten e.V. here", "Carsten e.V."),
    ("applying to Prado y Avilés S.A.", "Prado y Avilés S.A."),
    ("Bradley, Shelton and Brown", "Bradley, Shelton and Brown"),
    # family firms, national legal forms, particles, "&", foundations
    ("Employer: Boulanger et Fils\nStart date: 2018", "Boulanger et Fils"),
    ("the client (Trobbiani, Comolli e Santorio e figli) wants it", "Trobbiani, Comolli e Santorio e figli"),
    ("Medical receipt from Olmedo y asociados S.L. attached", "Olmedo y asociados S.L."),
    ("CARD PAYMENT Promociones Valls S.C.P  -334,16 €", "Promociones Valls S.C.P"),
    ("The patient works for van Brenen NV and can be reached", "van Brenen NV"),
    ("insured with Rackham & van der Linden, phone", "Rackham & van der Linden"),
    ("Prescriber: Jake Bosch, Stichting Draaisma", "Stichting Draaisma"),
    # a label or phrase that names a firm
    ("Employer: Delta Lloyd\nStart date: 2018", "Delta Lloyd"),
    ("Ordering customer: Albuquerque Fonseca - ME\nBeneficiary: Paulo", "Albuquerque Fonseca - ME"),
    ("Ordering customer: Johnson, Jennings and Richardson\n", "Johnson, Jennings and Richardson"),
]
NOT_ORGANIZATION_RULES = [
    "The Company will pay",
    "SSN 536-90-4399",
    "Our Group is large",
    "Terms & Conditions apply",
    "See Health & Safety rules",
    "She works for Jane Smith at home",  # a person, not a firm
    "Employer: Self-employed",
]


@pytest.mark.parametrize(("text", "value"), ORGANIZATION_RULES)
def test_organization_rules_found(rules_engine: PiiEngine, text: str, value: str) -> None:
    check(rules_engine, text, T.ORGANIZATION, value)


@pytest.mark.parametrize("text", NOT_ORGANIZATION_RULES)
def test_organization_rules_not_found(rules_engine: PiiEngine, text: str) -> None:
    check(rules_engine, text, T.ORGANIZATION, None)


NER_CASES = [
    ("Yesterday Barack Obama met Angela Merkel in Berlin.", T.PERSON, "Barack Obama"),
    ("Yesterday Barack Obama met Angela Merkel in Berlin.", T.LOCATION, "Berlin"),
    ("She has worked for Microsoft since 2019.", T.ORGANIZATION, "Microsoft"),
    ("The flight from Tokyo landed late.", T.LOCATION, "Tokyo"),
    ("Jennifer Lopez called about the invoice.", T.PERSON, "Jennifer Lopez"),
]


@pytest.mark.parametrize(("text", "kind", "value"), NER_CASES)
def test_ner_entities(pii_engine: PiiEngine, text: str, kind: str, value: str) -> None:
    check(pii_engine, text, kind, value)


def test_ner_does_not_report_form_labels(pii_engine: PiiEngine) -> None:
    text = "SSN: 536-90-4399\nDOB: 03/12/1985\nIBAN: DE89 3704 0044 0532 0130 00"
    kinds = {e.type for e in pii_engine.detect(text)}
    assert kinds == {T.US_SSN, T.DATE_TIME, T.IBAN_CODE}


def test_named_validators_are_the_checksums() -> None:
    assert VALIDATORS["luhn"]("4532015112830366") and not VALIDATORS["luhn"]("4532015112830367")
    assert VALIDATORS["iban"]("DE89370400440532013000")
    assert VALIDATORS["uk_nhs"]("9434765919") and not VALIDATORS["uk_nhs"]("9434765918")
    assert VALIDATORS["fr_nir"]("295109912611193") and VALIDATORS["es_nif"]("X2482300W")


# -- address tails and header-named table columns ------------------------------------------------


def _found(engine: PiiEngine, text: str) -> set[tuple[str, str]]:
    return {(e.type, text[e.start : e.end]) for e in engine.detect(text)}


@pytest.mark.parametrize(
    ("text", "tail"),
    [
        ("Please send it to Kobeltallee 4, 74830.", "74830"),
        ("We collect it from Via Roma 12 in Calitri tomorrow.", "Calitri"),
        ("Accident at 37, boulevard Alexandre, Hernandez-les-Bains\nNo injuries.", "Hernandez-les-Bains"),
        ("Address: Fayepad 03, 9843 WC.", "9843 WC"),
        ("He lives at 0610 Christine Manors Suite 670, 24773.", "24773"),
    ],
)
def test_town_or_postcode_after_a_street_address(rules_engine: PiiEngine, text: str, tail: str) -> None:
    # the tail alone, or the end of one span for the whole address (address_block)
    found = _found(rules_engine, text)
    assert any(kind == EntityType.LOCATION and value.endswith(tail) for kind, value in found)


@pytest.mark.parametrize(
    ("text", "not_a_place"),
    [
        ("I live at 5 Main Street, Thanks for asking.", "Thanks"),
        ("Meet me at 12 Baker Street in March please.", "March"),
        ("Version 4, 74830 downloads so far.", "74830"),  # no street before it
    ],
)
def test_no_address_tail_without_a_street_or_for_common_words(
    rules_engine: PiiEngine, text: str, not_a_place: str
) -> None:
    assert all(value != not_a_place for _, value in _found(rules_engine, text))


def test_cells_under_naming_headers_are_typed(rules_engine: PiiEngine) -> None:
    text = (
        "employee;dob;gross;city;employer\n"
        "Young, Gail;1962-03-29;850.98;Alextown;Quill Partners\n"
        "PILLAI Hema;1996-03-08;6503.70;Moraes da Mata;Brenk\n"
    )
    found = _found(rules_engine, text)
    assert {
        (EntityType.PERSON, "Young, Gail"),
        (EntityType.PERSON, "PILLAI Hema"),
        (EntityType.LOCATION, "Alextown"),
        (EntityType.LOCATION, "Moraes da Mata"),
        (EntityType.ORGANIZATION, "Quill Partners"),
        (EntityType.ORGANIZATION, "Brenk"),
    } <= found


@pytest.mark.parametrize(
    "text",
    [
        "id,name,city\n1,Thanks,2020\n2,n/a,Unknown4\n",  # cells that are not names
        "product,price,status\nWidget,3.50,Shipped\n",  # no naming header
        "The city is lovely; the town, less so.\nWrightport is far.",  # prose, not a table
        "name,city\nAlice Smith,Leeds,extra\n",  # rows that do not fit the header
    ],
)
def test_no_column_entities_without_a_naming_header_or_cell(rules_engine: PiiEngine, text: str) -> None:
    assert not any(e.recognizer.startswith("column_") for e in rules_engine.detect(text))


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("RECORD | NHS No. 7529154125 | PILLAI Hema\n2021-04-21 | Influenza", "PILLAI Hema"),
        ("Patient identified as COSTA Théodore, born 1983", "COSTA Théodore"),
        ("<Meik> who has the key?\n<Edmund> not me", "Edmund"),
    ],
)
def test_capitalised_surname_before_first_name_and_chat_handles(
    rules_engine: PiiEngine, text: str, name: str
) -> None:
    assert (EntityType.PERSON, name) in _found(rules_engine, text)


@pytest.mark.parametrize(
    ("text", "not_a_name"),
    [
        ("WARN Anna: disk almost full", "WARN Anna"),
        ("DEAR Tom, thanks for the update", "DEAR Tom"),
        ("see the <Button> component", "Button"),
    ],
)
def test_labels_are_not_surnames_and_tags_are_not_handles(
    rules_engine: PiiEngine, text: str, not_a_name: str
) -> None:
    assert all(value != not_a_name for _, value in _found(rules_engine, text))


@pytest.mark.parametrize(
    ("text", "org"),
    [
        ("She works at Orlen.", "Orlen"),
        ("Employer: Siemens.", "Siemens"),
        ("Employer: Dupont S.A.", "Dupont S.A."),
    ],
)
def test_an_organisation_span_keeps_initials_but_not_the_full_stop(text: str, org: str) -> None:
    from veil.pii import PiiConfig, PiiEngine

    found = [text[e.start : e.end] for e in PiiEngine(PiiConfig(ner=False)).detect(text)]
    assert org in found


@pytest.mark.parametrize(
    "code",
    ["923166/E2N7Z8.CP/WS3WZ0", "X7/SW1A1AA.B2", "REF/K1A0B1/22", "CL/884213/zip"],
)
def test_a_postcode_shape_inside_a_longer_code_is_no_place(rules_engine: PiiEngine, code: str) -> None:
    # pieces of a reference joined by "/" or "." may look like a postcode ("E2N7Z8", "SW1A1AA"):
    # the code is one value, never a place
    for text in (f"Code {code} here.", f"The files (nos. 1111/00 and {code}) were joined."):
        places = [text[e.start : e.end] for e in rules_engine.detect(text) if e.type == T.LOCATION]
        assert places == [], places
