"""``veil anonymity apply`` on the demo hospital workspace and on Adult: through the Release gate,
k-anonymous, shuffled, audited; bad input refused with nothing written; a purpose's require_k."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from click.testing import CliRunner
from tests.support.adult import adult_csv

from veil.anonymity.classes import equivalence_classes
from veil.cli import app as cli
from veil.consent.purpose import PurposeRegistry
from veil.demo.hospital import write_csv
from veil.disclosure.apply import apply_dataset
from veil.errors import (
    AnonymityInfeasibleError,
    ColumnNotAllowedError,
    ConsentError,
    HierarchyError,
    InputError,
    NotFoundError,
    NotKAnonymousError,
)
from veil.vault.ingest import Ingestor
from veil.vault.release import Release
from veil.workspace import Workspace

QUASI = ("date_of_birth", "zip", "sex", "admission_date")


@pytest.fixture
def hospital(ws: Workspace, tmp_path: Path) -> Workspace:
    Ingestor(ws).run(write_csv(tmp_path / "patients.csv", 400), "patients", "patient_id")
    PurposeRegistry(ws).add("research", "legitimate_interests", 365)
    return ws


@pytest.mark.parametrize("algorithm", ["optimal", "mondrian", "mondrian-relaxed"])
def test_demo_release_is_k_anonymous_shuffled_and_audited(
    hospital: Workspace, tmp_path: Path, algorithm: str
) -> None:
    out = tmp_path / "release.csv"
    report = apply_dataset(
        hospital,
        "patients",
        purpose="research",
        k=5,
        out=out,
        algorithm=algorithm,  # type: ignore[arg-type]
        attacks=False,
    )
    released = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert report.quasi == QUASI and report.rows == len(released) == 400
    assert equivalence_classes(released, list(QUASI)).k >= 5
    # sealed columns never leave; pseudonyms are dropped from the file
    assert not {"name", "email", "ssn", "phone", "notes", "pseudonym", "patient_id"} & set(released.columns)
    assert report.utility.ncp > 0 and report.utility.discernibility >= 400 * 5
    entry = [e for e in hospital.audit.entries() if e.action == "anonymity.apply"][-1]
    assert entry.purpose == "research" and entry.subject_count == 400
    assert entry.details["k_achieved"] >= 5 and entry.details["algorithm"] == algorithm


def test_rows_are_shuffled(hospital: Workspace, tmp_path: Path) -> None:
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    for out in (a, b):
        apply_dataset(
            hospital, "patients", purpose="research", k=5, out=out, algorithm="mondrian", attacks=False
        )
    first, second = pd.read_csv(a, dtype=str), pd.read_csv(b, dtype=str)
    key = list(first.columns)
    assert (
        first.sort_values(key).reset_index(drop=True).equals(second.sort_values(key).reset_index(drop=True))
    )
    assert not first.equals(second)  # same rows, another order (400! orders: a tie is impossible in practice)


def test_bad_input_is_refused_and_nothing_written(hospital: Workspace, tmp_path: Path) -> None:
    out = tmp_path / "never.csv"

    def refused(exc: type[Exception], match: str, **kwargs: object) -> None:
        args: dict[str, object] = {"purpose": "research", "k": 5, "out": out, "attacks": False, **kwargs}
        with pytest.raises(exc, match=match):
            apply_dataset(hospital, "patients", **args)  # type: ignore[arg-type]
        assert not out.exists()

    refused(InputError, "no column 'age'", quasi=["age"])
    refused(ColumnNotAllowedError, "sealed", quasi=["zip", "ssn"])
    refused(AnonymityInfeasibleError, "larger than", k=10_000)
    refused(InputError, "unknown algorithm", algorithm="genetic")
    yaml = tmp_path / "h.yaml"
    yaml.write_text("hierarchies:\n  zip: {type: prefix, length: 3}\n", encoding="utf-8")
    refused(HierarchyError, "does not cover", hierarchy_file=yaml)
    yaml.write_text("hierarchies:\n  diagnosis: {type: prefix, length: 3}\n", encoding="utf-8")
    refused(HierarchyError, "not quasi-identifiers", hierarchy_file=yaml)
    refused(InputError, "MDAV aggregates numbers", algorithm="mdav")
    PurposeRegistry(hospital).add("nobody", "consent", 30)
    refused(AnonymityInfeasibleError, "no rows lawful", purpose="nobody")


def test_all_unique_table_is_refused(ws: Workspace, tmp_path: Path) -> None:
    csv = tmp_path / "u.csv"
    csv.write_text("id,code\n" + "".join(f"p{i},c{i:03d}\n" for i in range(30)), encoding="utf-8")
    Ingestor(ws).run(csv, "uniq", "id")
    PurposeRegistry(ws).add("research", "legitimate_interests", 365)
    out = tmp_path / "o.csv"
    with pytest.raises(AnonymityInfeasibleError, match="no information"):
        apply_dataset(ws, "uniq", purpose="research", k=31 - 1, out=out, quasi=["code"], attacks=False)
    assert not out.exists()


def test_a_purpose_that_requires_k(hospital: Workspace, tmp_path: Path) -> None:
    PurposeRegistry(hospital).add("stats", "legitimate_interests", 365, require_k=5)
    gate = Release.open(hospital, "patients", "stats")
    cols, _ = gate.columns()
    with pytest.raises(NotKAnonymousError, match="requires 5-anonymity"):
        gate.pandas(cols)  # the raw quasi-identifiers are nearly unique
    quasi_free = [c for c in cols if c.name not in QUASI]
    assert len(gate.pandas(quasi_free)) == 400  # no quasi-identifier: nothing to re-identify with
    with pytest.raises(ConsentError, match="at least 5"):
        apply_dataset(hospital, "patients", purpose="stats", k=3, out=tmp_path / "x.csv", attacks=False)
    report = apply_dataset(hospital, "patients", purpose="stats", k=5, out=tmp_path / "ok.csv", attacks=False)
    assert report.k_achieved >= 5
    with pytest.raises(NotKAnonymousError):
        gate.enforce_k(pd.DataFrame({"sex": ["F", "M", "M"]}), ["sex"])


def test_attacks_judge_the_release_by_its_promise_and_certify_it(hospital: Workspace, tmp_path: Path) -> None:
    out = tmp_path / "attacked.csv"
    # k = 5: linkage narrows a person to a class of >= 5 rows, as the release promises (1/5); the
    # release is refused only if an attack beats that promise (or its control baseline) by the margin
    report = apply_dataset(hospital, "patients", purpose="research", k=5, out=out, n_attacks=50, seed=1)
    assert report.attacks is not None and report.attacks["promised"] <= 1 / 5
    assert report.attacks["exceeded"] == []
    assert report.attacks["linkage"]["success_rate"] <= report.attacks["promised"] + report.attacks["margin"]
    assert out.exists() and report.certificate is not None
    cert = json.loads(report.certificate[0].read_text(encoding="utf-8"))
    assert (
        "signature" in json.dumps(cert)
        and cert["certificate"]["linkage_promise"] == report.attacks["promised"]
    )


def test_adult_with_no_hand_written_hierarchy_through_the_cli(ws: Workspace, tmp_path: Path) -> None:
    Ingestor(ws).run(adult_csv(tmp_path / "adult.csv", 3000), "adult", "person_id")
    PurposeRegistry(ws).add("research", "legitimate_interests", 365)
    out = tmp_path / "adult_k5.parquet"
    quasi = "age,education,marital_status,race,sex,native_country"
    result = CliRunner().invoke(
        cli.build_command(),
        ["--json", "anonymity", "apply", "adult", "--purpose", "research", "--k", "5", "--quasi", quasi,
         "--l", "2", "--sensitive", "income", "--out", str(out), "--no-attacks", "--target", "income",
         "--workspace", str(ws.root)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    released = pd.read_parquet(out)
    classes = equivalence_classes(released, quasi.split(","))
    assert classes.k >= 5 and report["k_achieved"] >= 5
    assert classes.suppressed <= 0.02 * 3000
    kept = released[~(released[quasi.split(",")] == "*").all(axis=1)]
    assert kept.groupby(quasi.split(","))["income"].nunique().min() >= 2
    assert set(report["utility"]) >= {"discernibility", "aecs", "ncp", "non_uniform_entropy", "kl_divergence"}
    # a classifier of income trained on the release vs the original, scored on the held-back rows
    model = report["model_utility"]
    assert model["holdout_rows"] == 600 and len(released) == 2400
    assert 0.5 < model["accuracy_released"] <= 1 and model["change"] == pytest.approx(
        model["accuracy_released"] - model["accuracy_original"]
    )


def test_purpose_add_require_k_through_the_cli(ws: Workspace) -> None:
    def veil(*args: str) -> tuple[int, str]:
        result = CliRunner().invoke(cli.build_command(), [*args, "--workspace", str(ws.root)])
        return result.exit_code, result.output

    code, output = veil(
        "--json",
        "purpose",
        "add",
        "stats",
        "--basis",
        "public_task",
        "--retention-days",
        "30",
        "--require-k",
        "5",
    )
    assert code == 0 and json.loads(output)["require_k"] == 5
    assert PurposeRegistry(ws).get("stats").require_k == 5
    assert [e.details.get("require_k") for e in ws.audit.entries() if e.action == "purpose.add"] == [5]
    code, _ = veil(
        "purpose", "add", "weak", "--basis", "public_task", "--retention-days", "30", "--require-k", "1"
    )
    assert code != 0
    with pytest.raises(NotFoundError):
        PurposeRegistry(ws).get("weak")


def _figures(report_attacks: dict[str, Any]) -> str:
    """The attacks' figures that the seed fixes (Anonymeter's linkability *baseline* it cannot)."""
    body = json.loads(json.dumps(report_attacks))
    for r in body["anonymeter"]:
        if r["name"] == "linkability":
            r["baseline_rate"] = r["baseline_error"] = None
        r["notes"] = []
    return json.dumps(body, sort_keys=True)


def test_an_unseeded_run_records_the_seed_that_repeats_its_verdict(
    hospital: Workspace, tmp_path: Path
) -> None:
    # the attacks are a statistical test: a run without --seed draws one, and the report, the
    # certificate and the audit log name it, so a verdict near the margin can be repeated. A drawn
    # seed is refused now and then (1 of 150 seeds on this table, CI of d3cdafb drew one): then the
    # refusal names its seed and the seed repeats the refusal; the run is drawn again for the rest
    first = None
    for attempt in range(5):
        try:
            first = apply_dataset(
                hospital, "patients", purpose="research", k=5, out=tmp_path / f"a{attempt}.csv", n_attacks=50
            )
            break
        except AnonymityInfeasibleError as refusal:
            named = re.search(r"--seed (\d+) repeats this run", str(refusal))
            assert named is not None, str(refusal)
            with pytest.raises(AnonymityInfeasibleError, match=rf"--seed {named.group(1)} repeats this run"):
                apply_dataset(
                    hospital, "patients", purpose="research", k=5, out=tmp_path / f"r{attempt}.csv",
                    n_attacks=50, seed=int(named.group(1)),
                )  # fmt: skip
    assert first is not None, "five drawn seeds in a row were refused"
    assert isinstance(first.seed, int) and first.attacks is not None
    assert first.attacks["seed"] == first.seed and first.to_dict()["seed"] == first.seed
    assert first.certificate is not None
    cert = json.loads(first.certificate[0].read_text(encoding="utf-8"))
    assert cert["certificate"]["attacks"]["seed"] == first.seed
    entry = [e for e in hospital.audit.entries() if e.action == "anonymity.apply"][-1]
    assert entry.details["seed"] == first.seed
    again = apply_dataset(
        hospital, "patients", purpose="research", k=5, out=tmp_path / "b.csv", n_attacks=50, seed=first.seed
    )
    assert again.attacks is not None and _figures(again.attacks) == _figures(first.attacks)
    assert again.utility == first.utility and again.levels == first.levels
    # and in another workspace holding the same rows (other keys, so the gate yields them in
    # another order): the same people held back, the same verdict
    other = Workspace.init(tmp_path / "other")
    try:
        Ingestor(other).run(tmp_path / "patients.csv", "patients", "patient_id")
        PurposeRegistry(other).add("research", "legitimate_interests", 365)
        copy = apply_dataset(
            other, "patients", purpose="research", k=5, out=tmp_path / "c.csv", n_attacks=50, seed=first.seed
        )
    finally:
        other.close()
    assert copy.attacks is not None and _figures(copy.attacks) == _figures(first.attacks)


def test_a_refusal_names_the_seed_that_repeats_it(hospital: Workspace, tmp_path: Path) -> None:
    # k = 2 without ℓ-diversity lets the release's classes give away their members' diagnoses, and
    # a margin of 0 refuses any attack shown to do better than its reference
    config = hospital.root / "veil.toml"
    margin_zero = config.read_text(encoding="utf-8") + "\n[anonymity]\nattack_margin = 0\n"
    config.write_text(margin_zero, encoding="utf-8")
    out = tmp_path / "refused.csv"
    with pytest.raises(AnonymityInfeasibleError, match=r"seed \d+: --seed \d+ repeats this run") as caught:
        apply_dataset(hospital, "patients", purpose="research", k=2, out=out, n_attacks=100)
    seed = int(str(caught.value).split("(seed ")[1].split(":")[0])
    assert not out.exists() and not out.with_name(out.name + ".certificate.json").exists()
    with pytest.raises(AnonymityInfeasibleError) as repeated:
        apply_dataset(hospital, "patients", purpose="research", k=2, out=out, n_attacks=100, seed=seed)
    assert str(repeated.value) == str(caught.value)
