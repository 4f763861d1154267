"""``veil anonymity apply``: release a recoded, k-anonymous copy of a dataset for a purpose.

The rows come through the Release gate (:class:`veil.vault.release.Release`: the purpose's
lawful subjects, its allowed columns; sealed columns never leave), opened as a *recoding*
release — the gate then checks the output instead of the raw rows (:meth:`Release.enforce_k`,
for a purpose that requires k). The quasi-identifiers default to the columns the schema
classifies as ``quasi_identifier`` (those the purpose allows); their hierarchies are built from
the schema's column types (:func:`veil.anonymity.hierarchy.auto_hierarchy`) unless a YAML file
overrides them. The algorithm is the optimal lattice search (global recoding with record
suppression within ``--max-suppression``), Mondrian (strict or relaxed local recoding) or MDAV
(numeric quasi-identifiers). The output is checked again (every class at least k, ℓ-diverse
when asked), its utility measured, its rows shuffled with the operating system's CSPRNG
(row order must not leak identity — anonypyx's README warns of it), pseudonyms dropped, and
written atomically; the release is audit-logged (``anonymity.apply``: subjects, column names,
parameters and figures, never a value).

When the attacks are on (the default), a control set is held back before the recoding
(:func:`veil.disclosure.attack.split_control`), the output is attacked
(:func:`veil.disclosure.attack.run_attacks`), a release whose attacks beat their baseline by more
than the workspace's margin is refused (nothing written), and a signed certificate is written
beside the output (``OUT.certificate.json`` and ``.html``).

The attacks are a statistical test: a release whose measured risk sits near the margin is
refused on some draws of the control set and the attack targets and accepted on others. So every
run has a seed — the caller's, or one drawn from the operating system's CSPRNG — recorded in the
report, the certificate and the audit log and named in a refusal: the same seed on the same
data — in this workspace or any other holding it (:func:`_by_value`) — repeats the same control
split, attacks and verdict. (The row shuffle does not use it: the
published order must not be reproducible from a published number.)
"""

from __future__ import annotations

import random
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import pandas as pd

from veil.anonymity.classes import SUPPRESSED, equivalence_classes
from veil.anonymity.hierarchy import ColumnKind, Hierarchy, hierarchies_for, load_hierarchies
from veil.anonymity.lattice import optimal_recoding
from veil.anonymity.mdav import mdav
from veil.anonymity.mondrian import mondrian
from veil.anonymity.suppression import Criteria
from veil.anonymity.utility import Utility, measure_utility
from veil.disclosure.check import resolve_columns
from veil.errors import AnonymityInfeasibleError, ConsentError, HierarchyError, InputError, did_you_mean
from veil.fileio import atomic_path
from veil.vault.dataset import DatasetCatalog, DType
from veil.vault.release import Release

if TYPE_CHECKING:
    from veil.workspace import Workspace

__all__ = ["ALGORITHMS", "Algorithm", "ApplyReport", "apply_dataset", "column_kinds"]

Algorithm = Literal["optimal", "mondrian", "mondrian-relaxed", "mdav"]
ALGORITHMS: tuple[Algorithm, ...] = ("optimal", "mondrian", "mondrian-relaxed", "mdav")


@dataclass(frozen=True, slots=True)
class ApplyReport:
    """What was released: where, how, and the figures (no values)."""

    dataset: str
    purpose: str
    out: Path
    algorithm: Algorithm
    criteria: Criteria
    quasi: tuple[str, ...]
    columns: tuple[str, ...]
    rows: int
    k_achieved: int
    classes: int
    suppressed: int
    utility: Utility
    hierarchies: dict[str, dict[str, Any]]
    levels: dict[str, int] | None = None
    attacks: dict[str, Any] | None = None
    #: a classifier's held-out accuracy trained on the release vs on the original (``target``)
    model_utility: dict[str, Any] | None = None
    certificate: tuple[Path, Path] | None = None
    notes: tuple[str, ...] = field(default=())
    #: the seed of the control split, the attacks and the classifier (given or drawn)
    seed: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "dataset": self.dataset,
            "purpose": self.purpose,
            "out": str(self.out),
            "algorithm": self.algorithm,
            "k": self.criteria.k,
            "l": self.criteria.l,
            "t": self.criteria.t,
            "sensitive": self.criteria.sensitive,
            "quasi": list(self.quasi),
            "columns": list(self.columns),
            "rows": self.rows,
            "k_achieved": self.k_achieved,
            "classes": self.classes,
            "suppressed": self.suppressed,
            "utility": self.utility.to_dict(),
            "hierarchies": self.hierarchies,
            "levels": self.levels,
            "attacks": self.attacks,
            "model_utility": self.model_utility,
            "certificate": [str(p) for p in self.certificate] if self.certificate else None,
            "notes": list(self.notes),
            "seed": self.seed,
        }


def column_kinds(dtypes: dict[str, DType]) -> dict[str, ColumnKind]:
    """The anonymity kind of each column from Veil's schema type (codes by name: ZIP, postcode)."""
    out: dict[str, ColumnKind] = {}
    for name, dtype in dtypes.items():
        if dtype in (DType.INT, DType.FLOAT):
            out[name] = "numeric"
        elif dtype in (DType.DATE, DType.TIMESTAMP):
            out[name] = "date"
        elif dtype is DType.TEXT and any(
            w in name.lower() for w in ("zip", "postcode", "postal", "post_code")
        ):
            out[name] = "code"
        else:
            out[name] = "category"
    return out


def _by_value(frame: pd.DataFrame) -> pd.DataFrame:
    """The rows in an order fixed by their values alone (index labels kept).

    The gate yields rows in an order that depends on the workspace's pseudonym key; the control
    split and the attacks draw positions from the seed, so without this the same seed on the same
    data in another workspace (a restored backup, an auditor's copy) would hold back other people
    and reach another verdict. Identical rows are interchangeable, so ties do not matter.
    """
    if frame.empty:
        return frame
    keys = frame.astype(str).reset_index(drop=True)
    order = keys.sort_values(list(keys.columns), kind="stable").index.to_numpy()
    return frame.iloc[order]


def _shuffle(frame: pd.DataFrame) -> pd.DataFrame:
    """The rows in an order drawn from the OS's CSPRNG (``random.SystemRandom``)."""
    order = list(range(len(frame)))
    random.SystemRandom().shuffle(order)
    return frame.iloc[order].reset_index(drop=True)


def _write(frame: pd.DataFrame, out: Path) -> None:
    suffix = out.suffix.lower()
    if suffix not in (".csv", ".parquet"):
        raise InputError(f"--out {out.name}: write a .csv or .parquet file")
    text = frame.astype({c: object for c in frame.columns if isinstance(frame[c].dtype, pd.CategoricalDtype)})
    with atomic_path(out, mode=0o600) as tmp:
        if suffix == ".csv":
            text.to_csv(tmp, index=False)
        else:
            text.to_parquet(tmp, index=False)


def apply_dataset(
    ws: Workspace,
    dataset: str,
    *,
    purpose: str,
    k: int,
    out: Path,
    l: int | None = None,  # noqa: E741 - the model's ℓ
    t: float | None = None,
    max_suppression: float = 0.02,
    algorithm: Algorithm = "optimal",
    hierarchy_file: Path | None = None,
    quasi: Sequence[str] | None = None,
    sensitive: str | None = None,
    actor: str = "veil anonymity apply",
    attacks: bool = True,
    n_attacks: int = 300,
    control_fraction: float = 0.2,
    seed: int | None = None,
    target: str | None = None,
    progress: Callable[[str], None] | None = None,
) -> ApplyReport:
    """Recode ``dataset`` for ``purpose`` and write it to ``out`` (see the module docstring)."""
    say = progress or (lambda _m: None)
    if seed is None:
        seed = secrets.randbits(32)  # recorded below, so the verdict can be repeated
    if algorithm not in ALGORITHMS:
        raise InputError(f"unknown algorithm {algorithm!r}; choose one of: {', '.join(ALGORITHMS)}")
    catalog = DatasetCatalog(ws)
    ds = catalog.find(dataset)
    if ds is None:
        raise InputError(f"no dataset named {dataset!r}.{did_you_mean(dataset, catalog.names())}")
    gate = replace(Release.open(ws, ds, purpose, actor=actor), recoding=True)
    qi, _, sens_cols = resolve_columns(ds, quasi, [sensitive] if sensitive else None)
    for name in qi:
        gate.column(name)  # the purpose must allow each quasi-identifier (ColumnNotAllowedError)
    if (l is not None or t is not None) and sensitive is None:
        if len(sens_cols) != 1:
            raise InputError(
                "ℓ-diversity and t-closeness need one sensitive column: name it with --sensitive"
            )
        sensitive = sens_cols[0]
    if sensitive is not None:
        gate.column(sensitive)
    required = gate.purpose.require_k
    if required is not None and k < required:
        raise ConsentError(
            f"purpose {gate.purpose.name!r} requires k of at least {required}; --k {k} is below it"
        )
    criteria = Criteria(k, l, t, sensitive)
    overrides: dict[str, Hierarchy] = load_hierarchies(hierarchy_file) if hierarchy_file else {}
    stray = sorted(set(overrides) - set(qi))
    if stray:
        raise HierarchyError(
            f"hierarchy file {hierarchy_file.name if hierarchy_file else ''} names column(s) that are not "
            f"quasi-identifiers here: {', '.join(stray)}"
        )
    columns, _ = gate.columns()
    say("reading the dataset through the release gate")
    raw = gate.pandas(columns)
    pseudonyms = raw.pop("pseudonym").astype(str)
    raw = _by_value(raw)
    if len(raw) == 0:
        raise AnonymityInfeasibleError(
            f"dataset {ds.name!r} has no rows lawful for purpose {gate.purpose.name!r}: nothing to release"
        )
    kinds = column_kinds({c.name: c.dtype for c in columns})
    hs = hierarchies_for(raw, qi, kinds, overrides)
    control = None
    work = raw
    if target is not None and target not in raw.columns:
        raise InputError(f"--target {target!r} is not a column released for purpose {gate.purpose.name!r}")
    if attacks or target is not None:
        from veil.disclosure.attack import split_control

        # held back before the recoding: the attacks' control set and the classifier's holdout
        work, control = split_control(raw, control_fraction, seed)
        pseudonyms = pseudonyms.loc[work.index]
    if k > len(work):
        raise AnonymityInfeasibleError(f"k = {k} is larger than the {len(work)} rows to release")
    say(f"recoding ({algorithm})")
    levels: dict[str, int] | None = None
    notes: list[str] = []
    if algorithm == "optimal":
        res = optimal_recoding(work, qi, criteria, hierarchies=hs, max_suppression=max_suppression)
        released, levels = res.table, res.levels
        notes.append(f"lattice: {res.nodes} nodes, {res.checked} checked, {res.tagged} tagged")
    elif algorithm in ("mondrian", "mondrian-relaxed"):
        variant: Literal["strict", "relaxed"] = "relaxed" if algorithm == "mondrian-relaxed" else "strict"
        released = mondrian(work, qi, criteria, variant=variant, hierarchies=hs).table
    else:
        if l is not None or t is not None:
            raise InputError("MDAV enforces k only: use optimal or mondrian for ℓ-diversity or t-closeness")
        released = mdav(work, qi, k).table
    classes = equivalence_classes(released, qi)
    if classes.count == 0 or all((released[q].astype(object) == SUPPRESSED).all() for q in qi):
        raise AnonymityInfeasibleError(
            f"{criteria.describe()} leaves no information in the quasi-identifiers (every row suppressed or "
            "every value '*'): the table is too unique for k; lower k or use fewer quasi-identifiers"
        )
    if classes.k < k:  # pragma: no cover - each algorithm guarantees it; checked before anything is written
        raise AnonymityInfeasibleError(f"the recoding has a class of {classes.k} rows, below k = {k}")
    gate.enforce_k(released, qi)
    say("measuring utility")
    utility = measure_utility(work, released, qi, k=k)
    attack_info: dict[str, Any] | None = None
    report_attacks = None
    margin = 0.0
    if attacks:
        from veil.disclosure.attack import attack_margin, exceeds, run_attacks

        say("attacking the output")
        margin = attack_margin(ws.root)
        report_attacks = run_attacks(
            work,
            released,
            qi,
            [sensitive] if sensitive else list(sens_cols),
            control=control,
            hierarchies=hs,
            n_attacks=n_attacks,
            seed=seed,
        )
        # what a k-anonymous table admits: an attacker narrows a person to a class of >= k rows
        promised = 1.0 / classes.k
        failed = exceeds(report_attacks, margin, promised=promised)
        attack_info = {"margin": margin, "promised": promised, "exceeded": failed, **report_attacks.to_dict()}
        if failed:
            raise AnonymityInfeasibleError(
                f"refused: the attacks {', '.join(failed)} beat what the recoding promises (linkage at most "
                f"1/{classes.k}; the others their control baseline) by more than the margin {margin:.2%} "
                f"(seed {seed}: --seed {seed} repeats this run); nothing was written (raise k or "
                "generalise more)"
            )
    trained = None
    if target is not None and control is not None:
        from veil.disclosure.model_utility import model_utility

        say("training a classifier on the release and on the original")
        trained = model_utility(work, released, control, target, hierarchies=hs, seed=seed)
    output = _shuffle(released)
    say("writing the release")
    _write(output, out)
    try:
        cert_paths = None
        cert = None
        if report_attacks is not None:
            from veil.anonymity.risk import sample_risk
            from veil.disclosure.certificate import issue_certificate, write_certificate

            risk = sample_risk(classes)
            cert = issue_certificate(
                ws,
                dataset=ds.name,
                purpose=gate.purpose.name,
                output=out,
                privacy_model={"model": "k-anonymity", "algorithm": algorithm, "k": k, "l": l, "t": t},
                hierarchies=hs,
                risk={
                    "prosecutor_highest": risk.prosecutor.highest,
                    "prosecutor_success_rate": risk.prosecutor.success_rate,
                    "marketer": risk.marketer,
                    "sample_uniques": risk.sample_uniques,
                },
                utility=utility.to_dict(),
                attacks=report_attacks,
                margin=margin,
                promised=1.0 / classes.k,
                model_utility=trained,
                rows=len(output),
            )
        with ws.transaction() as conn:
            ws.audit.append(
                conn,
                "anonymity.apply",
                purpose=gate.purpose.name,
                dataset=ds.name,
                subjects=sorted(set(pseudonyms)),
                details={
                    "algorithm": algorithm,
                    "k": k,
                    "l": l,
                    "t": t,
                    "sensitive": sensitive,
                    "max_suppression": max_suppression,
                    "quasi": list(qi),
                    "columns": list(output.columns),
                    "rows": len(output),
                    "k_achieved": classes.k,
                    "suppressed": classes.suppressed,
                    "levels": levels,
                    "seed": seed,
                    "out": out.name,
                    # the signed certificate beside the file, and the file it certifies
                    "certificate": cert.body["certificate_id"] if cert is not None else None,
                    "sha256": cert.body["output"]["sha256"] if cert is not None else None,
                },
            )
        if cert is not None:
            cert_paths = (
                out.with_name(out.name + ".certificate.json"),
                out.with_name(out.name + ".certificate.html"),
            )
            write_certificate(cert, *cert_paths)
    except BaseException:
        out.unlink(missing_ok=True)
        for leftover in (
            out.with_name(out.name + ".certificate.json"),
            out.with_name(out.name + ".certificate.html"),
        ):
            leftover.unlink(missing_ok=True)
        raise
    return ApplyReport(
        dataset=ds.name,
        purpose=gate.purpose.name,
        out=out,
        algorithm=algorithm,
        criteria=criteria,
        quasi=qi,
        columns=tuple(output.columns),
        rows=len(output),
        k_achieved=classes.k,
        classes=classes.count,
        suppressed=classes.suppressed,
        utility=utility,
        hierarchies={q: h.to_dict() for q, h in hs.items()},
        levels=levels,
        attacks=attack_info,
        model_utility=trained.to_dict() if trained is not None else None,
        certificate=cert_paths,
        notes=tuple(notes),
        seed=seed,
    )
