"""The attack-gate benchmark: the README's release over seeds, repeatable from a fresh workspace."""

from __future__ import annotations

import pytest
from benchmarks.attack_gate import run


@pytest.mark.slow
def test_the_same_seeds_in_two_fresh_workspaces_give_the_same_figures() -> None:
    # each run builds a new workspace (new keys, so the gate yields the rows in another order):
    # the figures depend on the data and the seeds alone
    first = run(2, [5], 2, 400)
    second = run(2, [5], 2, 400)
    row = first["by_k"]["5"]
    assert row["runs"] == 2 and set(row["refused"]) <= {1, 2}
    attacks = row["attacks"]
    if len(row["refused"]) < 2:
        assert {"inference:diagnosis", "linkability", "singling_out_univariate"} <= set(attacks)
        for figures in attacks.values():
            assert figures["max_lower"] <= figures["max"] + 1e-12
    for name, figures in attacks.items():
        theirs = second["by_k"]["5"]["attacks"][name]
        assert {f: figures[f] for f in ("mean", "sd", "max", "max_lower")} == {
            f: theirs[f] for f in ("mean", "sd", "max", "max_lower")
        }
    assert second["by_k"]["5"]["refused"] == row["refused"]
