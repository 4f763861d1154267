"""``veil synth``: a DP synthetic copy of a dataset, charged to its privacy budget.

Reads the lawful subjects' rows for the purpose from the analytics mirror (only
the columns the purpose may see; never sealed identifiers or free text), runs
MST (:mod:`veil.dp.mst`) with the dataset's contribution bound and numeric
bounds, and writes the synthetic rows to Parquet.

Everything that can fail without the data — arguments, bounds, keys, the
optional ``mbi`` dependency, the budget, the output path, the mirror — is
checked before the charge, and fails uncharged. The charge is then committed
before any row is read; a run that fails after that keeps its charge (noise may
have been drawn) and says so: :class:`SynthesisFailedError`. A synthetic table
with a column that came out entirely empty (a declared category list that
matches no stored value, private selection that kept no category) is such a
failure, not a success.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow.parquet as pq

from veil.dp.budget import BudgetLedger, check_cost
from veil.dp.mirror import Mirror, MirrorView
from veil.dp.mst import SynthColumn, SynthResult, check_synthesis, synthesize
from veil.dp.policy import NUMERIC, PolicyStore, effective_salt
from veil.errors import InputError, SynthesisFailedError
from veil.fileio import atomic_path
from veil.vault.dataset import Column, DType
from veil.vault.release import Release

if TYPE_CHECKING:
    from veil.workspace import Workspace

__all__ = ["SynthesisFailedError", "SynthesisResult", "Synthesizer"]


@dataclass(frozen=True, slots=True)
class SynthesisResult:
    dataset: str
    purpose: str
    out: str
    rows: int
    columns: list[str]
    excluded_columns: dict[str, str]
    epsilon_spent: float
    delta_spent: float
    budget_remaining: dict[str, float]
    marginals: list[list[str]]
    audit_seq: int
    seconds: float
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


class Synthesizer:
    def __init__(self, ws: Workspace) -> None:
        self.ws = ws

    def run(
        self,
        dataset: str,
        purpose: str,
        epsilon: float,
        out: Path,
        *,
        delta: float = 0.0,
        columns: list[str] | None = None,
        rows: int | None = None,
        seed: int | None = None,
    ) -> SynthesisResult:
        started = time.perf_counter()
        check_cost(epsilon, delta, what="synth")
        if out.suffix.lower() not in {".parquet", ".pq"}:
            raise InputError(f"{out}: synthetic data is written as Parquet; name the file *.parquet")
        if out.is_dir() or not out.parent.is_dir() or not os.access(out.parent, os.W_OK):
            raise InputError(f"{out}: cannot write there (the folder must exist and be writable)")
        gate = Release.open(self.ws, dataset, purpose, actor="veil synth")
        ds, p = gate.dataset, gate.purpose
        policy = PolicyStore(self.ws).get(ds.name)
        chosen, excluded = gate.columns(columns)  # ColumnNotAllowedError before anything runs
        specs: list[SynthColumn] = []
        used = []
        for col in chosen:
            if col.dtype in (DType.DATE, DType.TIMESTAMP) and columns is None:
                excluded[col.name] = "date/time (name it with --columns to model it as a category)"
                continue
            if col.dtype in NUMERIC:
                if col.name not in policy.bounds:
                    raise InputError(
                        f"numeric column {col.name!r} needs bounds: `veil dataset set {ds.name} "
                        f"--bounds {col.name}=LOW:HIGH` (or leave it out with --columns)"
                    )
                specs.append(
                    SynthColumn(
                        col.name, "numeric", bounds=policy.bounds[col.name], integer=col.dtype is DType.INT
                    )
                )
            else:
                declared = policy.keys.get(col.name)
                specs.append(
                    SynthColumn(
                        col.name,
                        "categorical",
                        categories=tuple(str(v) for v in declared) if declared else None,
                    )
                )
            used.append(col)
        if not specs:
            raise InputError(f"dataset {ds.name!r} has no column purpose {p.name!r} may synthesise")
        undeclared = [s.name for s in specs if s.kind == "categorical" and s.categories is None]
        if undeclared and delta <= 0:
            raise InputError(
                f"categorical column(s) {', '.join(undeclared)} have no declared values, so which values "
                "exist is private: pass --delta (e.g. 1e-6), or declare them with "
                f"`veil dataset set {ds.name} --keys ...`"
            )
        # Everything that can fail without the data fails here, uncharged: the arguments, the
        # optional dependency (mbi), a budget too small for the plan of measurements...
        check_synthesis(
            specs, epsilon=epsilon, delta=delta, max_rows_per_subject=policy.max_rows_per_subject, rows=rows
        )
        ledger = BudgetLedger(self.ws)
        ledger.precheck(ds.name, epsilon, delta)
        # ... and the mirror (a busy one raises BusyError: retry).
        salt = effective_salt(policy, ds)
        view = Mirror(self.ws).release_view(gate, salt)
        try:
            # Charge first: the data is read and noise drawn only once the budget is taken.
            charge, _ = ledger.charge(
                ds.name,
                epsilon,
                delta,
                kind="synth",
                purpose=p.name,
                details={"file": out.name, "columns": [c.name for c in used], "method": "MST"},
            )
            try:
                result = self._synthesize(
                    gate, view, used, specs, policy.max_rows_per_subject, epsilon, delta, rows, seed
                )
            except _EmptyColumnsError as exc:  # read from the release itself: no more to hide
                raise SynthesisFailedError(_charged(epsilon, delta, charge.audit_seq, exc.message)) from None
            except Exception:  # any other cause could depend on the data: not reported
                raise SynthesisFailedError(_charged(epsilon, delta, charge.audit_seq, None)) from None
        finally:
            view.close()
        with atomic_path(out, mode=0o600) as tmp:
            pq.write_table(result.table, tmp)
        return SynthesisResult(
            dataset=ds.name,
            purpose=p.name,
            out=str(out),
            rows=result.rows,
            columns=[c.name for c in used],
            excluded_columns=excluded,
            epsilon_spent=epsilon,
            delta_spent=delta,
            budget_remaining={
                "epsilon": round(charge.budget.epsilon_remaining, 12),
                "delta": charge.budget.delta_remaining,
            },
            marginals=[list(m) for m in result.marginals],
            audit_seq=charge.audit_seq,
            seconds=round(time.perf_counter() - started, 3),
        )

    @staticmethod
    def _synthesize(
        gate: Release,
        view: MirrorView,
        used: list[Column],
        specs: list[SynthColumn],
        bound: int,
        epsilon: float,
        delta: float,
        rows: int | None,
        seed: int | None,
    ) -> SynthResult:
        declared = {s.name for s in specs if s.categories is not None}

        def select(c: Column) -> str:
            if c.dtype in NUMERIC:
                return f'"{c.sql_name}" AS "{c.name}"'
            if c.dtype is DType.TEXT and c.name in declared:  # compared as queries compare them
                return f'TRIM("{c.sql_name}") AS "{c.name}"'
            return f'CAST("{c.sql_name}" AS VARCHAR) AS "{c.name}"'

        selects = ["CAST(_sid AS VARCHAR) AS _subject"] + [select(c) for c in used]
        relation = view.relation(gate, max_rows=1 << 62)  # synthesize bounds each subject's rows
        data = view.cursor.sql(f"SELECT {', '.join(selects)} FROM ({relation}) AS r").to_arrow_table()  # noqa: S608
        result = synthesize(
            data,
            "_subject",
            specs,
            epsilon=epsilon,
            delta=delta,
            max_rows_per_subject=bound,
            rows=rows,
            seed=seed,
        )
        # Post-processing of the release (no privacy cost): a column that came out entirely
        # empty means the declared values or the private selection found nothing to model.
        empty = [
            name
            for name in result.table.column_names
            if result.table.column(name).null_count == result.table.num_rows
        ]
        if empty:
            raise _EmptyColumnsError(
                f"the synthetic column(s) {', '.join(empty)} came out entirely empty: their declared values "
                "(`veil dataset set --keys`) match no stored value, or private selection kept no category "
                "(raise epsilon/delta, or declare the categories); nothing was written"
            )
        return result


class _EmptyColumnsError(InputError):
    pass


def _charged(epsilon: float, delta: float, audit_seq: int, reason: str | None) -> str:
    cause = reason if reason is not None else "its cause is not reported, because it could depend on the data"
    return (
        f"the synthesis failed after the budget was charged (epsilon={epsilon:g}, delta={delta:g}, "
        f"audit entry {audit_seq}); the charge stands: {cause}"
    )
