"""Model utility: a classifier trained on the release vs on the original, on Adult (a sample)."""

from __future__ import annotations

import pandas as pd
import pytest
from tests.support.adult import TARGET, load_adult

from veil.disclosure.attack import split_control
from veil.disclosure.model_utility import model_utility
from veil.errors import InputError

FEATURES = ["age", "education", "marital_status", "occupation", "sex", "hours_per_week", "race"]
EPOCHS = 8


@pytest.fixture(scope="module")
def adult() -> tuple[pd.DataFrame, pd.DataFrame]:
    """2,000 Adult rows: 1,500 to release, 500 held out (real people the release never saw)."""
    df = load_adult(2000).to_pandas().set_index("person_id")
    return split_control(df, 0.25, seed=7)


def _generalise(df: pd.DataFrame) -> pd.DataFrame:
    out = df.copy()
    out["age"] = [f"{a // 10 * 10}-{a // 10 * 10 + 9}" for a in df["age"]]
    out["hours_per_week"] = ["<40" if h < 40 else ">=40" for h in df["hours_per_week"]]
    out["race"] = "*"
    return out.sample(frac=1.0, random_state=0)


def test_a_generalised_release_keeps_most_accuracy(adult: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    kept, holdout = adult
    u = model_utility(kept, _generalise(kept), holdout, TARGET, features=FEATURES, epochs=EPOCHS, seed=0)
    assert u.positive == ">50K" and u.model == "logreg" and u.features == tuple(FEATURES)
    assert u.train_rows_original == u.train_rows_released == 1500 and u.holdout_rows == 500
    assert u.accuracy_original > u.majority_baseline + 0.03  # the features carry signal
    assert u.change == pytest.approx(u.accuracy_released - u.accuracy_original)
    assert abs(u.change) < 0.04  # decades, two hour bands and no race lose little
    assert u.to_dict()["features"] == FEATURES
    again = model_utility(kept, _generalise(kept), holdout, TARGET, features=FEATURES, epochs=EPOCHS, seed=0)
    assert again == u
    categorical = _generalise(kept).astype({"age": "category", "race": "category"})  # as Mondrian writes
    assert model_utility(kept, categorical, holdout, TARGET, features=FEATURES, epochs=EPOCHS, seed=0) == u


def test_a_release_without_information_predicts_the_majority(
    adult: tuple[pd.DataFrame, pd.DataFrame],
) -> None:
    kept, holdout = adult
    blank = kept.copy()
    for f in FEATURES:
        blank[f] = "*"  # every quasi-identifier suppressed
    u = model_utility(kept, blank, holdout, TARGET, features=FEATURES, epochs=EPOCHS, seed=0)
    assert u.accuracy_released == pytest.approx(u.majority_baseline)
    assert u.change < -0.03


def test_holdout_values_outside_the_release_and_hostile_input(
    adult: tuple[pd.DataFrame, pd.DataFrame],
) -> None:
    kept, holdout = adult
    released = _generalise(kept[kept["age"] < 60])  # nobody of 60 or more in the release
    odd = holdout.copy()
    u = model_utility(kept, released, odd, TARGET, features=FEATURES, epochs=2, seed=0)
    assert u.holdout_rows == 500 and 0 <= u.accuracy_released <= 1
    with pytest.raises(InputError, match="binary"):
        model_utility(kept, released, holdout, "education", features=["age"], epochs=1)
    with pytest.raises(InputError, match="no target column"):
        model_utility(kept, released.drop(columns=[TARGET]), holdout, TARGET, epochs=1)
    with pytest.raises(InputError, match="lacks feature"):
        model_utility(kept, released, holdout.drop(columns=["sex"]), TARGET, features=FEATURES, epochs=1)
    with pytest.raises(InputError, match="generalised"):
        relabelled = released.assign(**{TARGET: "*"})
        model_utility(kept, relabelled, holdout, TARGET, features=FEATURES, epochs=1)
    with pytest.raises(InputError, match="cannot also be a feature"):
        model_utility(kept, released, holdout, TARGET, features=[TARGET, "age"], epochs=1)
    with pytest.raises(InputError, match="unknown model"):
        model_utility(kept, released, holdout, TARGET, features=FEATURES, model="forest", epochs=1)
    with pytest.raises(InputError, match="empty"):
        model_utility(kept, released, holdout.iloc[:0], TARGET, features=FEATURES, epochs=1)
    with pytest.raises(InputError, match="positive label"):
        model_utility(kept, released, holdout, TARGET, features=FEATURES, positive="rich", epochs=1)
