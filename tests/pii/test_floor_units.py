"""Danish floor-and-side lines ("2. tv.", "st. th.", "3. sal") are unit parts of an address, so
the postcode and town after them stay in the block (:data:`veil.pii.recognizers.address_lines.UNIT`).
Addresses invented for the tests."""

from __future__ import annotations

import pytest

from veil.pii import EntityType, PiiEngine
from veil.pii.recognizers.address_lines import shape_kind


@pytest.fixture(scope="module")
def engine() -> PiiEngine:
    return PiiEngine()


@pytest.mark.parametrize("unit", ["2. tv.", "st. th.", "3. sal", "1.mf", "kl. tv", "4. th. tv."])
def test_floor_and_side_are_units(unit: str) -> None:
    assert shape_kind(unit) == "unit"


@pytest.mark.parametrize(
    "text",
    [
        "Bor på Skovvejen 19, 2. tv., 4000 Roskilde",
        "Adresse: Åboulevarden 8, st. th., 8000 Aarhus C",
        "Levering: Kirkestræde 3, 1. mf, 5000 Odense",
    ],
)
def test_the_block_runs_past_the_floor_to_the_town(engine: PiiEngine, text: str) -> None:
    spans = [text[e.start : e.end] for e in engine.detect(text) if e.type == EntityType.LOCATION]
    town = text.rsplit(", ", 1)[1]
    assert any(town in span and "," in span for span in spans), spans


@pytest.mark.parametrize("text", ["step 2. then 3. th", "Version 2. series", "see 3. table"])
def test_numbered_prose_is_no_unit(text: str) -> None:
    assert shape_kind(text) is None
