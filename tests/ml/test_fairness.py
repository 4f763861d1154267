"""Fairness reports: hand-made cases, small groups flagged, Adult by sex, mitigation before/after."""

from __future__ import annotations

import numpy as np
import pytest
from tests.support.mia_models import AdultArrays, adult_arrays

from veil.ml.fairness import FairnessReport, fairness_report, mitigate


def test_report_by_hand() -> None:
    # group a: 40 rows, 20 positives; predicts 1 on 10 of the positives and 2 of the negatives
    # group b: 60 rows, 30 positives; predicts 1 on 30 of the positives and 6 of the negatives
    y_true = np.array([1] * 20 + [0] * 20 + [1] * 30 + [0] * 30)
    y_pred = np.array([1] * 10 + [0] * 10 + [1] * 2 + [0] * 18 + [1] * 30 + [1] * 6 + [0] * 24)
    groups = ["a"] * 40 + ["b"] * 60
    report = fairness_report(y_true, y_pred, groups, sensitive_name="g", min_group_size=10)
    a, b = report.groups
    assert (a.group, a.count, a.positives, a.reliable) == ("a", 40, 20, True)
    assert a.selection_rate == pytest.approx(12 / 40)
    assert a.accuracy == pytest.approx((10 + 18) / 40)
    assert a.true_positive_rate == pytest.approx(0.5)
    assert a.false_positive_rate == pytest.approx(0.1)
    assert b.selection_rate == pytest.approx(36 / 60)
    assert b.true_positive_rate == pytest.approx(1.0)
    assert b.false_positive_rate == pytest.approx(0.2)
    assert report.demographic_parity_difference == pytest.approx(0.6 - 0.3)
    assert report.equalized_odds_difference == pytest.approx(max(1.0 - 0.5, 0.2 - 0.1))
    assert report.selection_rate == pytest.approx(48 / 100)
    assert report.accuracy == pytest.approx((28 + 30 + 24) / 100)
    assert report.notes == ()


def test_small_groups_are_flagged_not_reported() -> None:
    rng = np.random.default_rng(0)
    groups = np.array(["big"] * 200 + ["also big"] * 100 + ["tiny"] * 5)
    y_true = rng.integers(0, 2, size=groups.size)
    y_pred = np.where(groups == "tiny", 1, rng.integers(0, 2, size=groups.size))
    report = fairness_report(y_true, y_pred, groups, sensitive_name="g")
    tiny = next(g for g in report.groups if g.group == "tiny")
    assert tiny.count == 5 and not tiny.reliable
    assert tiny.selection_rate is None and tiny.accuracy is None
    assert report.unreliable_groups == ("tiny",)
    # the tiny group (selection rate 1.0) does not drive the difference
    assert report.demographic_parity_difference is not None
    assert report.demographic_parity_difference < 0.3
    assert any("tiny" in note for note in report.notes)
    markdown = report.to_markdown()
    assert "tiny (unreliable: n < 30) | 5 | n/a" in markdown
    as_dict = report.to_dict()
    assert as_dict["unreliable_groups"] == ["tiny"]
    assert as_dict["groups"][2]["selection_rate"] is None


def test_no_differences_without_two_reliable_groups() -> None:
    report = fairness_report([0, 1] * 20 + [1], [0, 1] * 20 + [0], ["a"] * 40 + ["b"])
    assert report.demographic_parity_difference is None
    assert report.equalized_odds_difference is None
    assert "n/a" in report.to_markdown()


def test_equalised_odds_needs_enough_positives() -> None:
    # group b has 100 rows but only 5 true positives: no TPR, no equalised odds difference
    y_true = np.array([1] * 50 + [0] * 50 + [1] * 5 + [0] * 95)
    y_pred = y_true.copy()
    report = fairness_report(y_true, y_pred, ["a"] * 100 + ["b"] * 100)
    assert report.groups[1].true_positive_rate is None
    assert report.groups[1].false_positive_rate == 0.0
    assert report.demographic_parity_difference == pytest.approx(0.5 - 0.05)
    assert report.equalized_odds_difference is None


def test_inputs_are_checked() -> None:
    with pytest.raises(ValueError, match="binary"):
        fairness_report([0, 2], [0, 1], ["a", "b"])
    with pytest.raises(ValueError, match="one value per row"):
        fairness_report([0, 1], [0, 1], ["a"])
    with pytest.raises(ValueError, match="same length"):
        fairness_report([0, 1], [0], ["a", "b"])
    with pytest.raises(ValueError, match="constraint"):
        mitigate([[0.0], [1.0]], [0, 1], ["a", "b"], constraint="fairness")  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def adult() -> AdultArrays:
    return adult_arrays(4000, seed=0)


def _assert_before_after(before: FairnessReport, after: FairnessReport) -> None:
    assert before.sensitive == after.sensitive == "sex"
    assert [g.group for g in before.groups] == ["Female", "Male"]
    assert all(g.reliable for g in before.groups)
    assert before.count == after.count


@pytest.mark.slow  # ~6 s of CPU: fifty logistic regressions
def test_mitigating_demographic_parity_on_adult(adult: AdultArrays) -> None:
    data = adult.subset(slice(0, 2000))
    predict, before, after = mitigate(data.X, data.y, data.sex, sensitive_name="sex")
    _assert_before_after(before, after)
    # the unconstrained model selects men for ">50K" far more often than women ...
    assert before.demographic_parity_difference is not None and before.demographic_parity_difference > 0.1
    female, male = before.groups
    assert female.selection_rate is not None and male.selection_rate is not None
    assert male.selection_rate > female.selection_rate
    # ... the reduction narrows the gap at a small cost in accuracy
    assert after.demographic_parity_difference is not None
    assert after.demographic_parity_difference < before.demographic_parity_difference / 2
    assert after.accuracy > 0.75
    assert predict(data.X[:5]).shape == (5,)
    assert set(np.unique(predict(data.X[:50])).tolist()) <= {0, 1}


@pytest.mark.slow
def test_mitigating_equalised_odds_on_adult(adult: AdultArrays) -> None:
    _, before, after = mitigate(
        adult.X, adult.y, adult.sex, constraint="equalized_odds", sensitive_name="sex"
    )
    _assert_before_after(before, after)
    assert before.equalized_odds_difference is not None and before.equalized_odds_difference > 0.1
    assert after.equalized_odds_difference is not None
    assert after.equalized_odds_difference < before.equalized_odds_difference / 2
