"""Phone columns (recognizers/columns.py): a cell under a phone header ("phone", "tel",
"mobile", "Telefon") is a phone number when it is 7 to 15 digits with a phone's separators,
even a national number that no country's plan is asked to read; a cell of another shape, or
digits under another header, are not. A Markdown table's identifier columns are read the same
way, its outer pipes bounding no cell and its rule line holding no value."""

from __future__ import annotations

import pytest

from veil.pii import EntityType, PiiEngine


def phones(engine: PiiEngine, text: str) -> list[str]:
    return [text[e.start : e.end] for e in engine.detect(text) if e.type == EntityType.PHONE_NUMBER]


@pytest.mark.parametrize(
    ("table", "numbers"),
    [
        ("name,email,phone\nAyanda Zulu,ayanda@post.co.za,083 555 0172", ["083 555 0172"]),
        ("id;Telefon;Ort\n7;0171 2345678;Kiel\n8;040 9876543;Bremen", ["0171 2345678", "040 9876543"]),
        ("mobile\tname\n+27 82 555 1234\tLindiwe Khumalo", ["+27 82 555 1234"]),
        ("| tel | contact_name |\n(011) 555-7788 | Pieter Botha", ["(011) 555-7788"]),
        ('"home_phone","city"\n"0301 22 33 44","Lille"', ["0301 22 33 44"]),
    ],
)
def test_a_cell_under_a_phone_header_is_a_phone(
    rules_engine: PiiEngine, table: str, numbers: list[str]
) -> None:
    found = phones(rules_engine, table)
    assert all(number in found for number in numbers), (table, found)


@pytest.mark.parametrize(
    "table",
    [
        "phone,model,year\niPhone 12,A2403,2020",
        "tel,count\n5,12345",
        "id,price,qty,phone_count\n1,19.99,3,2",
        "code,amount\n4410-2298,12",
    ],
)
def test_other_cells_are_not_phones(rules_engine: PiiEngine, table: str) -> None:
    assert phones(rules_engine, table) == [], table


def test_repeated_headers_do_not_reread_the_table(rules_engine: PiiEngine) -> None:
    # a header line repeated between rows (a pasted report) still finds every row once
    text = "name,phone\nAyanda Zulu,083 555 0172\nname,phone\nThabo Nkosi,072 555 0199"
    assert phones(rules_engine, text) == ["083 555 0172", "072 555 0199"]


@pytest.mark.parametrize(
    ("table", "values"),
    [
        (
            "| Name | Passport | Phone |\n|---|---|---|\n| Ana Lima | X1234567 | 082 555 1234 |",
            {"X1234567": EntityType.PASSPORT, "082 555 1234": EntityType.PHONE_NUMBER},
        ),
        (
            "| customer_id | city |\n| --- | --- |\n| 88120455 | Porto |",
            {"88120455": EntityType.REFERENCE_NUMBER},
        ),
        ("  | mobile |\n  |:------:|\n  | 0721 555 019 |", {"0721 555 019": EntityType.PHONE_NUMBER}),
    ],
)
def test_a_markdown_tables_identifier_columns_are_read(
    rules_engine: PiiEngine, table: str, values: dict[str, str]
) -> None:
    found = {table[e.start : e.end]: e.type for e in rules_engine.detect(table)}
    assert all(found.get(value) == kind for value, kind in values.items()), (table, found)


def test_a_markdown_tables_rule_line_and_other_columns_stay_clean(rules_engine: PiiEngine) -> None:
    table = "| Version | Phone support |\n|---|---|\n| 2.14.3 | yes |\n| 2.15.0 | no |"
    assert phones(rules_engine, table) == []
