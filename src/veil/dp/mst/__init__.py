"""Differentially private synthetic data: MST over subject-bounded records.

``synthesize`` releases a synthetic copy of a table with the MST mechanism (McKenna,
Sheldon and Miklau, "Winning the NIST Contest", 2021) and reports the privacy loss it
spent as ``(epsilon, delta)``. The privacy unit is the *subject*: the table has a subject
column and a declared bound ``R`` on the rows one subject may contribute.

    1. bound      keep at most R rows per subject (a uniformly random choice);
                  every count below then changes by at most R when a subject is added
                  or removed, so every sensitivity is R
    2. discover   categorical columns without a declared domain: their categories are
                  private too and are chosen by OpenDP partition selection
                  (``make_gaussian_threshold``, spends rho and delta); values left out
                  join the reserved ``__other__`` cell, released as null
    3. one-way    every column's 1-way marginal with Gaussian (or Laplace) noise
    4. select     MST: a spanning tree of column pairs chosen with OpenDP's noisy max,
                  one pair at a time among pairs that join two components, scored by
                  how badly the independent (1-way) model explains each pair
    5. two-way    the chosen pairs' marginals with Gaussian (or Laplace) noise
    6. estimate   a graphical model fitted to all noisy marginals (``mbi``, mirror
                  descent) — post-processing, no privacy cost
    7. sample     records drawn from the tree-shaped model (numpy, seedable) and
                  decoded: numeric bins to uniform values within the bin

Every noisy answer comes from an OpenDP measurement, and every loss from that
measurement's privacy map at sensitivity R. All measurements are built and their losses
added up before the data is read, and the run is refused if the total exceeds the
request. With ``delta > 0`` the losses are zCDP (rho, plus the partition-selection
delta) and OpenDP converts the total to ``(epsilon, delta)`` (``make_zCDP_to_approxDP``,
``make_fix_delta``); with ``delta == 0`` every step is pure DP (Laplace) and the
epsilons add up.

Numeric columns are clamped to their declared bounds and cut into ``bins`` equal-width
bins (integer columns: integer bins, at most one per value). Every column has one extra
cell for "missing": a null numeric value, a null or undeclared category. That cell is
released as null, so a synthetic column may hold a few nulls even if the real one held
none (at small epsilon the noise puts a little mass there).

Where the parts are: :mod:`.mechanism` (``synthesize``, the checks, contribution bounding),
:mod:`.codec` (columns to integer codes and back), :mod:`.measurements` (the OpenDP
measurements, their budget split and accounting, mbi's measurements) and :mod:`.sampling`
(records drawn from the fitted model). ``veil.dp.synthesis`` binds this to a purpose, a
dataset's budget and a Parquet file.
"""

from veil.dp.mst.codec import OTHER_CATEGORY, SynthColumn
from veil.dp.mst.mechanism import SynthResult, check_synthesis, synthesize

__all__ = ["OTHER_CATEGORY", "SynthColumn", "SynthResult", "check_synthesis", "synthesize"]
