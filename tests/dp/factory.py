"""Generated people tables for the DP tests: several rows per subject, known truth."""

from __future__ import annotations

import csv
import random
from pathlib import Path

STATES = ("CA", "NY", "TX", "WA", "FL")


def write_people(
    path: Path, subjects: int, *, seed: int = 7, heavy_rows: int = 0, rare_state: bool = False
) -> Path:
    """One row per visit: person_id, name (a direct identifier), state, age, income, visits.

    ``heavy_rows`` adds one subject (H0000001) with that many rows; ``rare_state``
    gives one subject (R0000001) a state no one else has ("ZZ").
    """
    rng = random.Random(seed)
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["person_id", "name", "state", "age", "income", "visits"])
        for i in range(subjects):
            state = STATES[i % len(STATES)]
            age = rng.randint(18, 90)
            for _ in range(rng.randint(1, 3)):
                w.writerow(
                    [f"P{i:07d}", f"Person {i}", state, age, rng.randint(0, 250_000), rng.randint(0, 12)]
                )
        for _ in range(heavy_rows):
            w.writerow(["H0000001", "Heavy User", "CA", 40, 100_000, 5])
        if rare_state:
            w.writerow(["R0000001", "Rare Person", "ZZ", 33, 50_000, 1])
    return path
