"""Small tables whose measures are computed by hand in the tests (the derivations are there)."""

from __future__ import annotations

import pandas as pd


def ten_rows() -> pd.DataFrame:
    """Four classes over (age, zip): A=(30,100)×3, B=(40,100)×2, C=(40,200)×4, D=(50,300)×1."""
    return pd.DataFrame(
        {
            "age": [30, 30, 30, 40, 40, 40, 40, 40, 40, 50],
            "zip": ["100", "100", "100", "100", "100", "200", "200", "200", "200", "300"],
            "disease": ["flu", "flu", "cold", "flu", "cancer", "cold", "cold", "flu", "cancer", "flu"],
        }
    )


def nine_rows() -> pd.DataFrame:
    """Classes A, B, C of :func:`ten_rows` (D, the unique, left out)."""
    return ten_rows().iloc[:9].reset_index(drop=True)


#: Li et al. (ICDE 2007)'s disease hierarchy: every leaf's path from level 1 to the root.
DISEASE_HIERARCHY: dict[str, list[str]] = {
    "flu": ["respiratory infection", "respiratory", "all"],
    "pneumonia": ["respiratory infection", "respiratory", "all"],
    "bronchitis": ["respiratory infection", "respiratory", "all"],
    "pulmonary edema": ["vascular lung", "respiratory", "all"],
    "gastric ulcer": ["stomach", "digestive", "all"],
    "gastritis": ["stomach", "digestive", "all"],
    "stomach cancer": ["stomach", "digestive", "all"],
    "colitis": ["colon", "digestive", "all"],
}


def li_table() -> pd.DataFrame:
    """Li et al.'s 9-record table (Table 3), grouped into three classes by ``zip``."""
    return pd.DataFrame(
        {
            "zip": ["476**"] * 3 + ["4790*"] * 3 + ["476*b"] * 3,
            "salary": [3, 4, 5, 6, 11, 8, 7, 9, 10],
            "disease": [
                "gastric ulcer", "gastritis", "stomach cancer",
                "gastritis", "flu", "bronchitis",
                "bronchitis", "pneumonia", "stomach cancer",
            ],
        }
    )  # fmt: skip
