"""Empirical attacks on a released (anonymised) table, each against its baseline with a 95 % interval.

:func:`run_attacks` runs

* the linkage attack (:mod:`veil.disclosure.linkage`): released records linked back to people
  on their generalised quasi-identifiers, against the original or a public table;
* Anonymeter's three attacks (Giomi et al., PETS 2023; the library is used as published):
  singling-out (univariate and multivariate), linkability (the quasi-identifiers split
  into two auxiliary halves) and inference of each sensitive column from the
  quasi-identifiers. Each is run against the released rows' originals and against a
  *control* set held back before the transformation (:func:`split_control`): Anonymeter's
  risk is the attack's excess success on the released people over the control people,
  ``(attack - control) / (1 - control)``, with its interval; its baseline is its random
  attacker.

**How a generalised table is fed to Anonymeter.** Anonymeter compares records value by
value (equality for categories, distance for numbers), so the records it attacks must be
in the released table's domain. The released table is Anonymeter's "synthetic" data as it
is; the originals and the control records are mapped into its generalisation column by
column: each real value becomes the most specific released value that covers it
(:meth:`~veil.disclosure.linkage.ColumnCover.most_specific`: ``34`` → ``30-39``,
``02139`` → ``021**``), the same mapping for both, so the control measures exactly what a
non-member's generalised record reveals. Numeric released columns (untouched, or
microaggregated centroids) are left numeric and compared by Anonymeter's distance.

Anonymeter 1.1.0 seeds only its singling-out queries (``seed``); its linkability and
inference attacks draw their targets from NumPy's global generator, which is seeded here for
the call and restored after, so they repeat with the seed; the linkability *baseline*
draws from a generator Anonymeter does not let a caller seed, so that one figure varies
from run to run (the risk, from the attack and control rates, does not). Anonymeter 1.1.0's
inference *baseline* aligns its random guesses to the targets by index label
(``reindex_like``), so most guesses count as wrong and that baseline reads too low (0.03 for
Adult's binary income, where a random guess gets about 0.6): :func:`exceeds` therefore judges
Anonymeter's attacks by the control, and uses the baseline only when no control set is given.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from veil.config import read_table
from veil.disclosure.linkage import (
    ANONYMETER_MISSING,
    ColumnCover,
    Hierarchies,
    LinkageResult,
    check_truth,
    linkage_attack,
    plain_column,
)
from veil.errors import ConfigError, InputError, MissingDependencyError

__all__ = [
    "DEFAULT_MARGIN",
    "AnonymeterResult",
    "AttackReport",
    "attack_margin",
    "exceeds",
    "run_attacks",
    "split_control",
]

#: The margin over the baseline an attack may reach before a release is refused (``[anonymity]
#: attack_margin`` in veil.toml overrides it).
DEFAULT_MARGIN = 0.05


@dataclass(frozen=True, slots=True)
class AnonymeterResult:
    """One Anonymeter attack: its risk with interval and the rates behind it, as Anonymeter gives them."""

    name: str
    attacks: int
    risk: float
    risk_ci: tuple[float, float]
    attack_rate: float
    attack_error: float
    baseline_rate: float
    baseline_error: float
    control_rate: float | None
    control_error: float | None
    #: Anonymeter's warnings for this attack (e.g. "as good or worse as baseline")
    notes: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "attacks": self.attacks,
            "risk": self.risk,
            "risk_ci": list(self.risk_ci),
            "attack_rate": self.attack_rate,
            "attack_error": self.attack_error,
            "baseline_rate": self.baseline_rate,
            "baseline_error": self.baseline_error,
            "control_rate": self.control_rate,
            "control_error": self.control_error,
            "notes": list(self.notes),
        }


@dataclass(frozen=True, slots=True)
class AttackReport:
    linkage: LinkageResult
    singling_out: tuple[AnonymeterResult, ...]
    linkability: AnonymeterResult | None
    inference: tuple[AnonymeterResult, ...]
    n_attacks: int
    seed: int | None
    quasi: tuple[str, ...]
    sensitive: tuple[str, ...]
    notes: tuple[str, ...] = field(default=())

    @property
    def anonymeter(self) -> tuple[AnonymeterResult, ...]:
        linkability = (self.linkability,) if self.linkability is not None else ()
        return (*self.singling_out, *linkability, *self.inference)

    def to_dict(self) -> dict[str, Any]:
        return {
            "n_attacks": self.n_attacks,
            "seed": self.seed,
            "quasi": list(self.quasi),
            "sensitive": list(self.sensitive),
            "linkage": self.linkage.to_dict(),
            "anonymeter": [r.to_dict() for r in self.anonymeter],
            "notes": list(self.notes),
        }


def split_control(
    original: pd.DataFrame, fraction: float, seed: int | None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``(kept, control)``: a random ``fraction`` of the rows held back as Anonymeter's control set
    before the transformation (only ``kept`` is transformed and released; index labels kept)."""
    if not 0 < fraction <= 0.5:
        raise InputError("the control fraction must be above 0 and at most 0.5")
    n = len(original)
    n_control = round(n * fraction)
    if n_control < 1 or n - n_control < 1:
        raise InputError(f"{n} rows are too few to hold back a control set of {fraction:.0%}")
    order = np.random.default_rng(seed).permutation(n)
    control = np.sort(order[:n_control])
    kept = np.sort(order[n_control:])
    return original.iloc[kept], original.iloc[control]


def attack_margin(root: Path) -> float:
    """``[anonymity] attack_margin`` of the workspace's veil.toml, else :data:`DEFAULT_MARGIN`."""
    value = read_table(root, "anonymity").get("attack_margin", DEFAULT_MARGIN)
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= float(value) < 1:
        raise ConfigError("[anonymity] attack_margin must be a number from 0 up to (not including) 1")
    return float(value)


def exceeds(report: AttackReport, margin: float, *, promised: float | None = None) -> list[str]:
    """The attacks whose success exceeds their reference by more than ``margin``, judged on the
    lower end of their 95 % interval: a release is refused when the attack is *shown* to do
    better, not when a few hundred attacks happen to land high.

    Linkage: its success rate over the higher of the random-guess baseline and ``promised``, the
    re-identification probability the release's privacy model admits (1/k for a k-anonymous
    table: an attacker who knows a person's quasi-identifiers narrows them to a class of at least
    k). Against random guessing alone every useful k-anonymous release would "fail" (1/k ≫ 1/n);
    against its own promise a release fails when the attack does better than the model allows —
    the recoding leaks through (a public table, values the generalisation does not hide). The
    report keeps both rates. Anonymeter's attacks: with a control set, the risk (already the
    excess over the control attack, normalised), else the attack rate over Anonymeter's random
    baseline (less the attack's error).
    """
    if not 0 <= margin < 1:
        raise InputError("the attack margin must be from 0 up to (not including) 1")
    if promised is not None and not 0 <= promised <= 1:
        raise InputError("the promised re-identification probability is between 0 and 1")
    out: list[str] = []
    reference = max(report.linkage.baseline_rate, promised if promised is not None else 0.0)
    if report.linkage.ci[0] > reference + margin:
        out.append("linkage")
    for r in report.anonymeter:
        if r.control_rate is not None:
            excess = r.risk_ci[0]
        else:
            excess = (r.attack_rate - r.attack_error) - r.baseline_rate
        if excess > margin:
            out.append(r.name)
    return out


class _Notes(logging.Handler):
    """Collects Anonymeter's log messages (it logs its shortfalls) as notes of the attack."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@contextmanager
def _seeded(seed: int | None) -> Iterator[list[str]]:
    """NumPy's global generator seeded for Anonymeter's draws (restored after); its warnings and log
    messages kept as notes (filled when the block ends: read them after it)."""
    state = np.random.get_state()
    logger = logging.getLogger("anonymeter")
    handler, propagate = _Notes(), logger.propagate
    notes: list[str] = []
    logger.addHandler(handler)
    logger.propagate = False
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            if seed is not None:
                np.random.seed(seed % 2**32)
            yield notes
        notes.extend(dict.fromkeys([*handler.messages, *(str(w.message) for w in caught)]))
    finally:
        logger.removeHandler(handler)
        logger.propagate = propagate
        np.random.set_state(state)


def _result(name: str, res: Any, notes: list[str]) -> AnonymeterResult:
    """An attack's figures from Anonymeter's ``EvaluationResults``."""
    risk = res.risk()
    control = res.control_rate
    return AnonymeterResult(
        name=name,
        attacks=int(res.n_attacks_ori),
        risk=float(risk.value),
        risk_ci=(float(risk.ci[0]), float(risk.ci[1])),
        attack_rate=float(res.attack_rate.value),
        attack_error=float(res.attack_rate.error),
        baseline_rate=float(res.baseline_rate.value),
        baseline_error=float(res.baseline_rate.error),
        control_rate=float(control.value) if control is not None else None,
        control_error=float(control.error) if control is not None else None,
        notes=tuple(notes),
    )


def _to_released_domain(
    released: pd.DataFrame,
    tables: Sequence[pd.DataFrame],
    columns: Sequence[str],
    hierarchies: Hierarchies | None,
) -> tuple[pd.DataFrame, list[pd.DataFrame]]:
    """The released columns as Anonymeter reads them and ``tables`` mapped into their domain."""
    syn = pd.DataFrame(index=released.index)
    mapped = [pd.DataFrame(index=t.index) for t in tables]
    for c in columns:
        col = plain_column(released[c])
        if pd.api.types.is_numeric_dtype(col) and not pd.api.types.is_bool_dtype(col):
            syn[c] = col.astype("float64")
            for out, t in zip(mapped, tables, strict=True):
                out[c] = pd.to_numeric(t[c], errors="coerce").astype("float64")
            continue
        raw = pd.concat([t[c] for t in tables], ignore_index=True).tolist()
        cover = ColumnCover.build(col, raw, (hierarchies or {}).get(c))
        target = np.asarray([str(v) for v in cover.most_specific()] + ["(unknown)"], dtype=object)
        syn[c] = col.astype(str).to_numpy(dtype=object)
        for out, t in zip(mapped, tables, strict=True):
            out[c] = target[cover.codes(t[c])]
    return syn.reset_index(drop=True), [m.reset_index(drop=True) for m in mapped]


def run_attacks(
    original: pd.DataFrame,
    released: pd.DataFrame,
    quasi: Sequence[str],
    sensitive: Sequence[str],
    *,
    control: pd.DataFrame | None,
    public: pd.DataFrame | None = None,
    hierarchies: Hierarchies | None = None,
    n_attacks: int = 500,
    seed: int | None = None,
) -> AttackReport:
    """Run the linkage attack and Anonymeter's attacks on ``released`` (see the module).

    ``original``: the rows that were transformed (index labels = people); ``released``: the
    output, its index the original labels of its rows (any order; suppressed rows may stay as
    ``*``); ``control``: rows held back before the transformation (:func:`split_control`), or
    None (Anonymeter's risks are then the raw attack rates); ``public``: the linkage
    attacker's identified table instead of the original; ``hierarchies``: the recoding's
    hierarchies, for generalised categories no pattern describes.
    """
    try:
        from anonymeter.evaluators import InferenceEvaluator, LinkabilityEvaluator, SinglingOutEvaluator
    except ImportError:
        raise MissingDependencyError(ANONYMETER_MISSING) from None

    quasi, sensitive = tuple(quasi), tuple(sensitive)
    if not quasi:
        raise InputError("name at least one quasi-identifier to attack")
    if n_attacks < 1:
        raise InputError("n_attacks must be at least 1")
    columns = list(dict.fromkeys((*quasi, *sensitive)))
    for name, table in (("original", original), ("released", released), ("control", control)):
        if table is None:
            continue
        missing = [c for c in columns if c not in table.columns]
        if missing:
            raise InputError(f"the {name} table lacks column(s): {', '.join(missing)}")
    if len(released) == 0:
        raise InputError("the released table is empty: nothing to attack")
    check_truth(original, released)
    rng = np.random.default_rng(seed)
    linkage = linkage_attack(
        original, released, quasi, public=public, hierarchies=hierarchies, n_attacks=n_attacks, rng=rng
    )
    members = original.loc[released.index, columns]
    tables = [members] if control is None else [members, control[columns]]
    syn, mapped = _to_released_domain(released[columns], tables, columns, hierarchies)
    ori, ctl = mapped[0], (mapped[1] if control is not None else None)
    limit = min(n_attacks, len(ori), len(ctl) if ctl is not None else n_attacks)
    notes: list[str] = []
    if ctl is None:
        notes.append(
            "no control set: Anonymeter's risks are raw attack rates, judged against its random baseline "
            "(which undercounts for inference); hold back a control set (split_control) for a measured risk"
        )
    if limit < n_attacks:
        notes.append(f"Anonymeter's linkability and inference attacks ran {limit} attacks (the fewest rows)")
    singling: list[AnonymeterResult] = []
    # Singling out uses what the attacker is assumed to know, the quasi-identifiers: a predicate
    # that names a person's sensitive value (their diagnosis) singles them out by the very secret
    # the release protects, which is inference's business (run below), not re-identification.
    known = list(quasi)
    for mode, n_cols in (("univariate", 1), ("multivariate", min(3, len(known)))):
        if mode == "multivariate" and len(known) < 2:
            notes.append("multivariate singling-out needs two quasi-identifiers or more: not run")
            continue
        with _seeded(seed) as caught:
            so = SinglingOutEvaluator(
                ori=ori[known],
                syn=syn[known],
                control=ctl[known] if ctl is not None else None,
                n_attacks=n_attacks,
                n_cols=n_cols,
                max_attempts=20 * n_attacks,
                seed=seed,
            ).evaluate(mode=mode)
            so_res = so.results()
        singling.append(_result(f"singling_out_{mode}", so_res, caught))
    linkability: AnonymeterResult | None = None
    if len(quasi) >= 2:
        half = len(quasi) // 2
        with _seeded(seed) as caught:
            le = LinkabilityEvaluator(
                ori=ori,
                syn=syn,
                control=ctl,
                n_attacks=limit,
                aux_cols=(list(quasi[:half]), list(quasi[half:])),
            ).evaluate(n_jobs=1)
            le_res = le.results()
        linkability = _result("linkability", le_res, caught)
    else:
        notes.append("linkability needs two quasi-identifiers or more (one auxiliary set each): not run")
    inference: list[AnonymeterResult] = []
    for secret in sensitive:
        aux = [q for q in quasi if q != secret]
        if not aux:
            continue
        regression = pd.api.types.is_float_dtype(syn[secret])
        with _seeded(seed) as caught:
            ie = InferenceEvaluator(
                ori=ori,
                syn=syn,
                control=ctl,
                aux_cols=aux,
                secret=secret,
                regression=regression,
                n_attacks=limit,
            ).evaluate(n_jobs=1)
            ie_res = ie.results()
        inference.append(_result(f"inference:{secret}", ie_res, caught))
    return AttackReport(
        linkage=linkage,
        singling_out=tuple(singling),
        linkability=linkability,
        inference=tuple(inference),
        n_attacks=n_attacks,
        seed=seed,
        quasi=quasi,
        sensitive=sensitive,
        notes=tuple(notes),
    )
