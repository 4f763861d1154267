"""declare_spec: a federated run's spec from what was given, completed from site 1's DP policy."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from veil.consent.purpose import PurposeRegistry
from veil.dp.policy import PolicyStore
from veil.errors import InputError
from veil.ml.federated_spec import FederatedSpec, declare_spec
from veil.vault.ingest import Ingestor
from veil.workspace import Workspace


def _site(tmp_path: Path, *, keys: dict[str, tuple[str, ...]] | None = None) -> Path:
    """A workspace with a small ``people`` dataset and the given declared keys (bounds of age)."""
    tmp_path.mkdir(parents=True, exist_ok=True)
    csv = tmp_path / "people.csv"
    csv.write_text(
        "pid,age,sex,label\n"
        + "".join(f"p{i},{20 + i},{'FM'[i % 2]},{'yes' if i % 3 else 'no'}\n" for i in range(12)),
        encoding="utf-8",
    )
    root = tmp_path / "site"
    with Workspace.init(root) as ws:
        Ingestor(ws).run(csv, "people", "pid")
        PurposeRegistry(ws).add("research", "legitimate_interests", 365)
        PolicyStore(ws).update("people", bounds={"age": (18.0, 90.0)}, keys=keys or {})
    return root


def test_given_encodings_and_positive_need_no_site() -> None:
    spec = declare_spec(
        "people", "research", "label", ["age", "sex"], positive="yes",
        bounds={"age": (18.0, 90.0)}, categories={"sex": ["F", "M"]},
    )  # fmt: skip
    assert spec == FederatedSpec(
        "people", "research", "label", "yes", {"age": (18.0, 90.0)}, {"sex": ["F", "M"]}
    )
    assert spec.labels([" yes", "no", None]).tolist() == [1.0, 0.0, 0.0]


def test_missing_encodings_and_the_positive_label_come_from_the_first_site(tmp_path: Path) -> None:
    site = _site(tmp_path, keys={"sex": ("F", "M"), "label": ("yes", "no")})
    spec = declare_spec("people", "research", "label", ["age", "sex"], policy_site=site)
    assert spec.numeric == {"age": (18.0, 90.0)} and spec.categorical == {"sex": ["F", "M"]}
    # the second of the two declared values in sorted order, as `veil train` picks it
    assert spec.positive == "yes"
    x = spec.encode({"age": [18, 90, None], "sex": ["M", "X", None]}, 3)
    assert x.tolist() == [[0.0, 0.0, 1.0], [1.0, 0.0, 0.0], [0.5, 0.0, 0.0]]
    # what was given wins over the policy
    given = declare_spec(
        "people", "research", "label", ["age"], positive="no", bounds={"age": (0.0, 100.0)}, policy_site=site
    )
    assert given.positive == "no" and given.numeric == {"age": (0.0, 100.0)}


def test_without_a_positive_label_or_two_declared_values_it_is_refused(tmp_path: Path) -> None:
    site = _site(tmp_path, keys={"sex": ("F", "M")})
    with pytest.raises(InputError, match="--positive"):
        declare_spec("people", "research", "label", ["age"], policy_site=site)
    with pytest.raises(InputError, match="--positive"):
        declare_spec("people", "research", "label", ["age"], bounds={"age": (1.0, 2.0)})
    three = _site(tmp_path / "three", keys={"label": ("yes", "no", "maybe")})
    with pytest.raises(InputError, match=r"--keys label=NEGATIVE,POSITIVE"):
        declare_spec("people", "research", "label", ["age"], policy_site=three)


def test_undeclared_or_extra_columns_are_refused(tmp_path: Path) -> None:
    site = _site(tmp_path, keys={"label": ("yes", "no")})
    with pytest.raises(InputError, match="no declared encoding for sex"):
        declare_spec("people", "research", "label", ["age", "sex"], policy_site=site)
    with pytest.raises(InputError, match="not in --features: sex"):
        declare_spec(
            "people",
            "research",
            "label",
            ["age"],
            positive="yes",
            categories={"sex": ["F"]},
            policy_site=site,
        )
    with pytest.raises(InputError, match="at least one column"):
        declare_spec("people", "research", "label", [], positive="yes")
    # a dataset site 1 does not know has no declared encoding (the run's preflight names it)
    with pytest.raises(InputError, match="no declared encoding for age"):
        declare_spec("nope", "research", "label", ["age"], positive="yes", policy_site=site)


def test_spec_round_trips_and_encodes_like_its_declaration() -> None:
    spec = FederatedSpec("d", "p", "t", "1", {"a": (0.0, 10.0)}, {"c": ["x", "y"]})
    assert FederatedSpec.from_dict(spec.to_dict()) == spec
    assert spec.columns == ["a", "c=x", "c=y"] and spec.width == 3
    assert np.allclose(spec.encode({"a": [5, 20], "c": [" y", "z"]}, 2), [[0.5, 0.0, 1.0], [1.0, 0.0, 0.0]])
    with pytest.raises(InputError, match="declared twice"):
        FederatedSpec("d", "p", "t", "1", {"a": (0.0, 1.0)}, {"a": ["x"]})
