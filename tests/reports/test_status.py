"""A report goes outdated the moment a material fact changes, and only then (scripted change set)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from veil.breach.register import BreachRegister
from veil.consent.ledger import ConsentLedger
from veil.consent.purpose import PurposeRegistry
from veil.demo.hospital import write_csv
from veil.dp.query import DpQuery
from veil.errors import InputError, InvalidTransitionError
from veil.ml.registry import ModelRegistry
from veil.ml.settings import TrainSettings
from veil.ml.trainer import Trainer
from veil.reports.declarations import PurposeDeclarations
from veil.reports.dpia import assess_dpia
from veil.reports.facts import gather_facts
from veil.reports.processing import records_of_processing
from veil.reports.store import ReportStore
from veil.vault.category import ColumnCategory
from veil.vault.classification import override_category
from veil.vault.extract import Releaser
from veil.vault.ingest import Ingestor
from veil.workspace import Workspace


def _generate(ws: Workspace) -> None:
    facts = gather_facts(ws)
    store = ReportStore(ws)
    store.record("processing", "*", facts, records_of_processing(facts, "w").to_dict())
    store.record("dpia", "research", facts, assess_dpia(facts, "research").to_dict())


def _outdated(ws: Workspace) -> dict[tuple[str, str], list[str]]:
    return {(r.kind, r.scope): r.changed for r in ReportStore(ws).status() if r.outdated}


def _train(ws: Workspace) -> None:
    settings = TrainSettings(
        dataset="patients",
        purpose="research",
        target="sex",
        features=("length_of_stay",),
        epsilon=None,
        delta=0.0,
        epochs=1,
    )
    Trainer(ws).train(settings, "stay-model", seed=0)


MATERIAL: list[tuple[str, Callable[[Workspace], object], set[tuple[str, str]]]] = [
    (
        "new purpose",
        lambda ws: PurposeRegistry(ws).add("billing", "contract", 365),
        {("processing", "*")},
    ),
    (
        "column category",
        lambda ws: override_category(ws, "patients", "length_of_stay", ColumnCategory.SENSITIVE),
        {("processing", "*"), ("dpia", "research")},
    ),
    (
        "recipient",
        lambda ws: PurposeDeclarations(ws).declare("research", {"recipients": ["Lab A"]}),
        {("processing", "*"), ("dpia", "research")},
    ),
    (
        "retention",
        lambda ws: PurposeRegistry(ws).set_retention("research", 30),
        {("processing", "*"), ("dpia", "research")},
    ),
    ("model", _train, {("processing", "*"), ("dpia", "research")}),
    (
        "retention of another purpose",
        lambda ws: PurposeRegistry(ws).set_retention("care", 10),
        {("processing", "*")},
    ),
]


@pytest.mark.parametrize(("label", "change", "expected"), MATERIAL, ids=[m[0] for m in MATERIAL])
def test_every_material_change_flags_the_reports_it_concerns(
    clinic: Workspace, label: str, change: Callable[[Workspace], object], expected: set[tuple[str, str]]
) -> None:
    _generate(clinic)
    assert _outdated(clinic) == {}
    change(clinic)
    flagged = _outdated(clinic)
    assert set(flagged) == expected, label
    assert all(flagged.values())  # each names what changed
    _generate(clinic)  # a fresh report is up to date again
    assert _outdated(clinic) == {}


def test_nothing_else_flags_a_report(clinic: Workspace, tmp_path: Path) -> None:
    _generate(clinic)
    Ingestor(clinic).run(write_csv(tmp_path / "more.csv", 80, seed=11), "patients", "patient_id")
    ConsentLedger(clinic).record("P0000030", "research", "grant")
    ConsentLedger(clinic).record("P0000001", "research", "withdraw")
    Releaser(clinic).release("patients", "research", tmp_path / "r.parquet", columns=["zip"])
    DpQuery(clinic).run("SELECT COUNT(*) FROM patients", "patients", "research", epsilon=0.5, delta=0.0)
    BreachRegister(clinic).open("lost laptop", ["dataset:patients"])
    assert _outdated(clinic) == {}
    assert ModelRegistry(clinic).cards() == []


def test_the_dpo_validates_or_refuses_a_dpia_once(clinic: Workspace) -> None:
    _generate(clinic)
    store = ReportStore(clinic)
    dpia = next(r for r in store.latest() if r.kind == "dpia")
    processing = next(r for r in store.latest() if r.kind == "processing")
    with pytest.raises(InputError):
        store.decide(dpia.id, "validated", "  ")
    with pytest.raises(InvalidTransitionError):
        store.decide(processing.id, "validated", "fine")
    done = store.decide(dpia.id, "validated", "Residual risks acceptable with the action plan.")
    assert done.status == "validated" and done.opinion
    with pytest.raises(InvalidTransitionError):
        store.decide(dpia.id, "refused", "changed my mind")
