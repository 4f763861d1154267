"""Ingest classifies columns with the PII engine: identifiers under innocuous names get sealed."""

from __future__ import annotations

from pathlib import Path

from faker import Faker

from veil.pii import PiiConfig, PiiEngine
from veil.pii.tables.scan import PiiColumnClassifier
from veil.vault.ingest import Ingestor
from veil.workspace import Workspace


def test_pii_classifier_seals_names_under_an_innocuous_column(ws: Workspace, tmp_path: Path) -> None:
    fake = Faker("en_US")
    fake.seed_instance(3)
    src = tmp_path / "accounts.csv"
    rows = [f"A{i},{fake.first_name()} {fake.last_name()},{fake.random_int(1, 9)}" for i in range(120)]
    src.write_text("account,owner,tier\n" + "\n".join(rows) + "\n")

    by_rules = Ingestor(ws).run(src, "by_rules", "account")
    assert {c["name"]: c["category"] for c in by_rules.columns}["owner"] == "other"  # names alone miss it

    classifier = PiiColumnClassifier(PiiEngine(PiiConfig(ner=False)))
    result = Ingestor(ws, classifier=classifier).run(src, "by_pii", "account")
    cats = {c["name"]: (c["category"], c["dtype"]) for c in result.columns}
    assert cats["owner"] == ("direct_identifier", "sealed")
    assert cats["tier"][0] == "other"
