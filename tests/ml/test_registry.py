"""The model registry: erasure marks models stale, retraining drops the erased subjects."""

from __future__ import annotations

import json

import pytest
from tests.support.adult import load_adult

from veil.dp.budget import BudgetLedger
from veil.errors import NotFoundError
from veil.ml.registry import ModelRegistry
from veil.ml.settings import TrainSettings
from veil.ml.trainer import Trainer
from veil.rights.erasure import erase_subject
from veil.workspace import Workspace

from .conftest import ROWS


def _train(ws: Workspace, name: str, *, private: bool = True) -> None:
    settings = TrainSettings(
        dataset="adult",
        purpose="research",
        target="income",
        features=("age", "education", "sex", "hours_per_week"),
        epsilon=2.0 if private else None,
        delta=1e-5 if private else 0.0,
        epochs=1,
    )
    Trainer(ws).train(settings, name, seed=0)


def _training_subject_id(ws: Workspace, name: str) -> tuple[str, str]:
    """A person_id (and its pseudonym) that the model was trained on."""
    trained = set(ModelRegistry(ws).subjects(name))
    for pid in load_adult(ROWS).column("person_id").to_pylist():
        pseudonym = ws.pseudonymize(str(pid))
        if pseudonym in trained:
            return str(pid), pseudonym
    raise AssertionError("no training subject found")


def test_erasure_marks_models_stale_and_retrain_drops_the_subject(adult_ws: Workspace) -> None:
    _train(adult_ws, "dp-model")
    _train(adult_ws, "plain-model", private=False)
    registry = ModelRegistry(adult_ws)
    pid, pseudonym = _training_subject_id(adult_ws, "dp-model")
    in_plain = pseudonym in registry.subjects("plain-model")

    erase_subject(adult_ws, pid)

    card = registry.card("dp-model")
    assert card.stale and card.erased_subjects == 1 and card.stale_since
    assert "STALE" in (registry.path("dp-model") / "card.md").read_text()
    assert registry.card("plain-model").stale is in_plain
    charges = len(BudgetLedger(adult_ws).history("adult"))

    results = Trainer(adult_ws).retrain_stale(seed=1)

    assert {r.card.name for r in results} == {"dp-model"} | ({"plain-model"} if in_plain else set())
    card = registry.card("dp-model")
    assert not card.stale and card.version == 2 and card.erased_subjects == 0
    assert pseudonym not in registry.subjects("dp-model")
    assert card.epsilon == 2.0 and card.features == ["age", "education", "sex", "hours_per_week"]
    # A DP retrain is charged again; a non-private one is not.
    assert len(BudgetLedger(adult_ws).history("adult")) == charges + 1
    assert Trainer(adult_ws).retrain_stale() == []


def test_mark_stale_is_idempotent_and_ignores_other_subjects(adult_ws: Workspace) -> None:
    _train(adult_ws, "m")
    registry = ModelRegistry(adult_ws)
    some = registry.subjects("m")[:2]
    assert registry.mark_stale(["0" * 32]) == []
    assert not registry.card("m").stale
    assert registry.mark_stale(some) == ["m"]
    assert registry.mark_stale(some[:1]) == ["m"]
    assert registry.card("m").erased_subjects == 2
    data = json.loads((registry.path("m") / "subjects.json").read_text())
    assert sorted(data["erased"]) == sorted(some)


def test_erasure_without_models_or_ml_registry(ws: Workspace) -> None:
    assert ModelRegistry(ws).mark_stale(["a" * 32]) == []
    assert ModelRegistry(ws).cards() == []
    with pytest.raises(NotFoundError, match="veil models list"):
        ModelRegistry(ws).card("missing")


def test_delete_removes_a_model_at_once_and_audits_it(adult_ws: Workspace) -> None:
    _train(adult_ws, "m")
    _train(adult_ws, "other")
    registry = ModelRegistry(adult_ws)
    trained = registry.subjects("m")
    card, seq = registry.delete("m")
    assert card.name == "m" and registry.names() == ["other"]
    assert not registry.path("m").exists()
    assert not [p for p in registry.root.iterdir() if p.name.startswith(".")]  # nothing left behind
    entry = adult_ws.audit.entries(action="ml.model.delete")[-1]
    assert (
        entry.seq == seq and entry.details["model"] == "m" and entry.details["train_subjects"] == len(trained)
    )
    # The training subjects' usage receipts show the deletion.
    assert any(e.action == "ml.model.delete" for e in adult_ws.audit.for_subject(trained[0]))
    with pytest.raises(NotFoundError, match="no model 'm'"):
        registry.delete("m")


def test_a_delete_whose_audit_entry_fails_keeps_the_model(
    adult_ws: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    _train(adult_ws, "m")
    registry = ModelRegistry(adult_ws)

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(adult_ws.audit, "append", broken)
    with pytest.raises(RuntimeError):
        registry.delete("m")
    assert registry.names() == ["m"] and registry.load("m")[0] is not None


def test_what_a_killed_delete_left_is_swept_by_the_next_erasure(adult_ws: Workspace) -> None:
    """kill -9 between the rename and the removal leaves a hidden directory with weights and
    pseudonyms: it is no model (never listed) and the next erasure (or delete) removes it."""
    _train(adult_ws, "m")
    registry = ModelRegistry(adult_ws)
    left = registry.root / ".deleting-m-0badc0de"
    registry.path("m").rename(left)  # what delete() does first
    assert registry.names() == [] and (left / "subjects.json").is_file()
    registry.mark_stale(["0" * 32])  # an erasure of anyone
    assert not left.exists()


def test_trained_on_names_the_models_and_says_they_keep_the_subject(adult_ws: Workspace) -> None:
    _train(adult_ws, "m")
    registry = ModelRegistry(adult_ws)
    pid, pseudonym = _training_subject_id(adult_ws, "m")
    held = (registry.held_out("m") or [])[0]
    [before] = registry.trained_on(pseudonym)
    assert before["model"] == "m" and not before["stale"] and not before["subject_erased_since_training"]
    assert registry.trained_on(held) == []  # held out: the model never trained on them
    erase_subject(adult_ws, pid)
    [after] = registry.trained_on(pseudonym)
    assert after["stale"] and after["subject_erased_since_training"]
    assert "veil models delete m" in after["statement"] and "retrain" in after["statement"]
    card_md = (registry.path("m") / "card.md").read_text()
    assert "still hold what they learnt from them" in card_md and "veil models delete m" in card_md
    # Erasing a held-out subject removes them from the held-out list (the model is not stale for it).
    registry.mark_stale([held])
    assert held not in (registry.held_out("m") or [])


def test_the_subject_export_names_the_models_that_keep_them(adult_ws: Workspace) -> None:
    from veil.rights.access import export_subject

    _train(adult_ws, "m")
    pid, _ = _training_subject_id(adult_ws, "m")
    [held] = export_subject(adult_ws, pid).models
    assert held["model"] == "m" and not held["stale"]
    erase_subject(adult_ws, pid)
    export = export_subject(adult_ws, pid)
    assert export.status == "erased"
    [kept] = export.models  # the erasure cannot reach into the weights: the export says so
    assert (
        kept["stale"]
        and kept["subject_erased_since_training"]
        and "veil models delete m" in kept["statement"]
    )
    ModelRegistry(adult_ws).delete("m")
    assert export_subject(adult_ws, pid).models == []
