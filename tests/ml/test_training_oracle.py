"""DP training answers the same on neighbouring datasets: no refusal, message or charge depends on the data.

The attack this closes: before, ``veil train`` checked the data before charging — too few
lawful subjects with a target value, a target without exactly two values, a ``--positive``
that no lawful subject holds — and refused such requests for free. Adding one subject with
a rare target value (or a rare category) then turned a charged, successful run into a free
refusal, or the reverse: a free, exact answer to "does anyone have value X". And the model's
inputs were the categories seen in the data, so a rare value showed in the card.

Each test below builds two workspaces whose datasets differ in ONE subject (added with a
rare target value, a rare category, missing values, or the one subject of the other class)
and runs a battery of DP training requests on both: the outcome (error class, code and
message, or success), what the card says about the model's inputs and limitations, and the
budget charged must be identical. The number of lawful subjects is the one exception, by
design: it is treated as public (docs/threat-model.md), so only requests whose outcome
flips at a count threshold (fewer than 10 subjects, too few to split) may differ — and the
last test shows that those depend on that count alone, never on a value.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from veil.consent.purpose import PurposeRegistry
from veil.dp.budget import BudgetLedger
from veil.dp.policy import PolicyStore
from veil.errors import VeilError
from veil.ml.registry import ModelRegistry
from veil.ml.settings import TrainSettings
from veil.ml.trainer import Trainer
from veil.vault.ingest import Ingestor
from veil.workspace import Workspace

Row = tuple[str, str, str, str, str]  # pid, age, city, flag, label ("" is missing)
KEYS: dict[str, tuple[Any, ...]] = {"city": ("A", "B"), "label": ("no", "yes")}
BOUNDS = {"age": (18.0, 70.0)}
BASE = TrainSettings(
    dataset="d",
    purpose="research",
    target="label",
    features=("age", "city", "flag"),
    epsilon=1.0,
    delta=1e-5,
    epochs=2,
    positive="yes",
)


def _base(n: int, *, labelled: Callable[[int], str]) -> list[Row]:
    return [
        (f"p{i:03d}", str(20 + i % 45), " A " if i % 7 == 0 else "AB"[i % 2], ("true", "false")[i % 3 == 0],
         labelled(i))
        for i in range(n)
    ]  # fmt: skip


def _mostly_yes(i: int) -> str:
    return "" if i % 8 == 3 else ("yes" if i % 3 else "no")


#: neighbouring pairs: (rows of D, the one subject D' adds)
PAIRS: dict[str, tuple[list[Row], Row]] = {
    # a subject whose target value, city and age no one else has, and no flag
    "rare-values": (_base(40, labelled=_mostly_yes), ("zz-rare", "99", "Zanzibar", "", "maybe")),
    # a subject with no target and no city at all
    "missing-values": (_base(40, labelled=_mostly_yes), ("zz-missing", "", "", "", "")),
    # D has ONE labelled subject (a single class); D' adds the only subject of the other class
    "one-class": (
        _base(40, labelled=lambda i: "yes" if i == 5 else ""), ("zz-other", "30", "B", "true", "no")
    ),
}  # fmt: skip


def _workspace(root: Path, rows: list[Row], *, budget: float = 1000.0) -> Workspace:
    src = root.with_suffix(".csv")
    src.write_text("pid,age,city,flag,label\n" + "".join(",".join(r) + "\n" for r in rows))
    ws = Workspace.init(root)
    Ingestor(ws).run(src, "d", "pid")
    PurposeRegistry(ws).add("research", "legitimate_interests", 365)
    PolicyStore(ws).update("d", bounds=BOUNDS, keys=KEYS)
    BudgetLedger(ws).set("d", budget, 1e-3)
    return ws


def _neighbours(tmp_path: Path, rows: list[Row], extra: Row) -> tuple[Workspace, Workspace]:
    return _workspace(tmp_path / "d", rows), _workspace(tmp_path / "d-plus-one", [*rows, extra])


Outcome = tuple[Any, ...]


def _outcome(ws: Workspace, run: Callable[[Trainer], Any]) -> tuple[Outcome, list[tuple[Any, ...]]]:
    """What an analyst sees: the error (class, code, message) or the card's data-free parts; and
    what was charged."""
    ledger = BudgetLedger(ws)
    before = len(ledger.history("d"))
    try:
        result = run(Trainer(ws))
        card = result.card
        seen: Outcome = (
            "ok",
            tuple(card.labels),
            tuple(card.features),
            tuple(card.encoded_features),
            tuple(card.limitations),
            tuple(sorted(card.excluded_columns.items())),
            (card.private, card.epsilon, card.delta, card.epochs, card.shards),
            tuple((card.fairness or {}).get("groups", ())),
        )
    except VeilError as exc:
        seen = (type(exc).__name__, exc.code, exc.message)
    charges = [(h["kind"], h["epsilon"], h["delta"]) for h in ledger.history("d")[before:]]
    return seen, charges


def _train(name: str, **kw: Any) -> Callable[[Trainer], Any]:
    return lambda trainer: trainer.train(replace(BASE, **kw), name, seed=0)


#: requests that must fare alike on both datasets (with keys for city and label declared)
BATTERY: dict[str, Callable[[Trainer], Any]] = {
    "valid": _train("valid"),
    "default-positive": _train("default-positive", positive=None),
    "mlp": _train("mlp", model="mlp"),
    "all-allowed-features": _train("all", features=None),
    "positive-only-the-rare-subject-holds": _train("rare-positive", positive="maybe"),
    "positive-with-spaces": _train("spaces", positive=" yes "),
    "sisa-shards": _train("sisa", shards=4),
    "fairness-by-declared-city": _train("fair-city", fair_sensitive="city"),
    "fairness-by-boolean-flag": _train("fair-flag", fair_sensitive="flag"),
    "fairness-by-undeclared-age": _train("fair-age", fair_sensitive="age"),
    "holdout-leaving-nobody-to-train": _train("holdout", test_fraction=0.99),
    "epsilon-below-the-accountant": _train("tiny-eps", epsilon=0.05),
    "over-budget": _train("greedy", epsilon=5000.0),
    "name-taken": _train("valid"),
    "retrain": lambda trainer: trainer.retrain("valid", seed=1),
    "retrain-sisa": lambda trainer: trainer.retrain("sisa", seed=1),
}
#: requests after the keys of the target, then of a feature, are dropped from the policy
UNDECLARED: dict[str, tuple[str, Callable[[Trainer], Any]]] = {
    "undeclared-city": ("city", _train("no-city-keys")),
    "undeclared-target": ("label", _train("no-label-keys", positive=None)),
    "undeclared-target-with-positive": ("label", _train("no-label-keys-2", positive="maybe")),
    "retrain-without-target-keys": ("label", lambda trainer: trainer.retrain("valid", seed=2)),
}


@pytest.mark.parametrize("pair", sorted(PAIRS))
def test_dp_training_fares_alike_on_neighbouring_datasets(tmp_path: Path, pair: str) -> None:
    rows, extra = PAIRS[pair]
    d, d_plus = _neighbours(tmp_path, rows, extra)
    try:
        seen: dict[str, Outcome] = {}
        for case, run in BATTERY.items():
            a, b = _outcome(d, run), _outcome(d_plus, run)
            assert a == b, f"{pair}: {case!r} differs between neighbouring datasets"
            seen[case] = a[0]
        for case, (column, run) in UNDECLARED.items():
            for ws in (d, d_plus):
                PolicyStore(ws).update("d", drop_keys=[column])
            a, b = _outcome(d, run), _outcome(d_plus, run)
            assert a == b, f"{pair}: {case!r} differs between neighbouring datasets"
            assert a[1] == [], f"{case!r} was charged"
            seen[case] = a[0]
            for ws in (d, d_plus):
                PolicyStore(ws).update("d", keys=KEYS)
        assert ModelRegistry(d).names() == ModelRegistry(d_plus).names()
    finally:
        d.close()
        d_plus.close()

    # What the battery established, the same for every pair:
    for case in ("valid", "default-positive", "mlp", "all-allowed-features", "positive-with-spaces",
                 "sisa-shards", "fairness-by-declared-city", "fairness-by-boolean-flag", "retrain",
                 "retrain-sisa"):  # fmt: skip
        assert seen[case][0] == "ok", f"{pair}: {case!r} failed: {seen[case]}"
    assert seen["valid"][3] == ("age", "city=A", "city=B", "city=(other)", "flag=False", "flag=True")
    assert seen["default-positive"][1] == ("no", "yes")
    assert seen["fairness-by-declared-city"][7] == ("(missing)", "(other)", "A", "B")
    refused = {
        "positive-only-the-rare-subject-holds": "--positive 'maybe' is not one of the target's declared",
        "fairness-by-undeclared-age": "fairness reweighing under DP needs the groups of 'age' declared",
        "holdout-leaving-nobody-to-train": "too few lawful subjects to split",
        "epsilon-below-the-accountant": "below what Opacus' RDP accountant can certify",
        "over-budget": "nothing was run or charged",
        "name-taken": "--replace",
        "undeclared-city": "categorical feature 'city' needs declared keys for DP training",
        "undeclared-target": "DP training needs the two values of target 'label' declared",
        "undeclared-target-with-positive": "veil dataset set d --keys label=NEGATIVE,POSITIVE",
        "retrain-without-target-keys": "DP training needs the two values of target 'label' declared",
    }
    for case, text in refused.items():
        assert seen[case][0] != "ok" and text in seen[case][2], f"{pair}: {case!r}: {seen[case]}"


def test_what_the_model_and_card_reveal_is_planned_not_read(tmp_path: Path) -> None:
    """A DP model's inputs and card come from the policy and the public count: a subject with a
    rare city or target value leaves no trace in them, and counts of the data stay out."""
    rows, extra = PAIRS["rare-values"]
    d, d_plus = _neighbours(tmp_path, rows, extra)
    try:
        cards = [Trainer(ws).train(BASE, "m", seed=0).card for ws in (d, d_plus)]
        for card in cards:
            assert not any("Zanzibar" in c or "maybe" in c for c in card.encoded_features)
            assert card.rows_dropped is None
            # the planned split of the lawful subjects (40 + 0 or 1), whatever their labels
            assert card.train_subjects + card.test_subjects in (40, 41)
        _, encoding = ModelRegistry(d_plus).load("m")
        rare = {"age": 99, "city": "Zanzibar", "flag": None, "label": "maybe"}
        assert encoding.encode([rare]).tolist() == [[1.0, 0.0, 0.0, 1.0, 0.0, 0.0]]  # clamped; (other)
        assert encoding.labelled([rare]).tolist() == [False]  # an undeclared label trains nothing
        spaced = {"age": 30, "city": " A ", "flag": True, "label": " yes"}
        assert encoding.encode([spaced])[0, 1] == 1.0 and encoding.labels_of([spaced]).tolist() == [1.0]
        held = ModelRegistry(d_plus).held_out("m") or []
        trained = ModelRegistry(d_plus).subjects("m")
        assert len(held) + len(trained) <= 41  # subjects without a label are split but never trained
    finally:
        d.close()
        d_plus.close()


def test_a_dp_run_with_no_labelled_subject_trains_on_noise_and_says_so(tmp_path: Path) -> None:
    """What only the data could break does not fail a DP run after its charge: with no labelled
    subject at all, training still runs its planned steps (each adds noise only)."""
    ws = _workspace(tmp_path / "d", _base(30, labelled=lambda i: ""))
    try:
        result = Trainer(ws).train(replace(BASE, shards=1), "m", seed=0)
        card = result.card
        assert card.accuracy is None and card.majority_baseline is None
        assert card.steps == card.epochs * 1 and card.epsilon_spent is not None and card.epsilon_spent <= 1.0
        assert ModelRegistry(ws).subjects("m") == []
        assert (
            "n/a (no held-out subject has a label)" in (ModelRegistry(ws).path("m") / "card.md").read_text()
        )
        sisa = Trainer(ws).train(replace(BASE, shards=3, fair_sensitive=None), "s", seed=0).card
        assert sisa.shards == 3 and sisa.accuracy is None
        fair = Trainer(ws).train(replace(BASE, fair_sensitive="city"), "f", seed=0).card
        assert fair.fairness is not None and fair.fairness["groups"] == ["(missing)", "(other)", "A", "B"]
        assert [h["epsilon"] for h in BudgetLedger(ws).history("d")] == [1.0, 1.0, 1.0]
    finally:
        ws.close()


def test_the_public_count_is_the_only_thing_a_refusal_depends_on(tmp_path: Path) -> None:
    """Below 10 lawful subjects DP training is refused, uncharged, with one message whatever the
    count and the values; the threshold is on the count of lawful subjects of the dataset for the
    purpose (public by design), so datasets of the same size fare alike whatever their values."""
    small = {
        "5 labelled": _base(5, labelled=_mostly_yes),
        "6, one rare": [*_base(5, labelled=_mostly_yes), ("zz", "99", "Zanzibar", "", "maybe")],
        "9 unlabelled": _base(9, labelled=lambda i: ""),
    }
    outcomes = set()
    for i, rows in enumerate(small.values()):
        ws = _workspace(tmp_path / f"s{i}", rows)
        try:
            seen, charges = _outcome(ws, _train("m"))
            outcomes.add((*seen, tuple(charges)))
        finally:
            ws.close()
    (only,) = outcomes
    assert only[0] == "InputError" and "fewer than 10 subjects of dataset 'd' are lawful" in only[2]
    assert only[3] == ()  # nothing charged
    # Ten subjects, all without a label, or with labels: both train (and are charged) alike.
    for i, rows in enumerate((_base(10, labelled=lambda i: ""), _base(10, labelled=_mostly_yes))):
        ws = _workspace(tmp_path / f"t{i}", rows)
        try:
            seen, charges = _outcome(ws, _train("m"))
            assert seen[0] == "ok" and charges == [("train", 1.0, 1e-5)]
        finally:
            ws.close()
