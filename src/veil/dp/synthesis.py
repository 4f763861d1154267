"""``veil synth``: a DP synthetic copy of a dataset, charged to its privacy budget.

Reads the lawful subjects' rows for the purpose from the analytics mirror (only
the columns the purpose may see; never sealed identifiers or free text), runs
MST (:mod:`veil.dp.synth`) with the dataset's contribution bound and numeric
bounds, and writes the synthetic rows to Parquet. The charge is taken before
any data is read; a run that fails after that keeps its charge (noise may have
been drawn), and says so.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow.parquet as pq

from veil.consent.purpose import PurposeRegistry
from veil.dp.budget import BudgetLedger, ensure_dp_tables
from veil.dp.mirror import Mirror
from veil.dp.policy import NUMERIC, PolicyStore
from veil.dp.synth import SynthColumn, synthesize
from veil.errors import InputError
from veil.fileio import atomic_path
from veil.vault.dataset import DatasetCatalog, DType
from veil.vault.release import allowed_columns

if TYPE_CHECKING:
    from veil.workspace import Workspace

__all__ = ["SynthesisResult", "Synthesizer"]


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
        ensure_dp_tables(ws)

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
        if out.suffix.lower() not in {".parquet", ".pq"}:
            raise InputError(f"{out}: synthetic data is written as Parquet; name the file *.parquet")
        ds = DatasetCatalog(self.ws).get(dataset)
        p = PurposeRegistry(self.ws).get(purpose)
        policy = PolicyStore(self.ws).get(ds.name)
        chosen, excluded = allowed_columns(ds, p, columns)
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
        ledger = BudgetLedger(self.ws)
        ledger.precheck(ds.name, epsilon, delta)
        # Charge first: the data is read and noise drawn only once the budget is taken.
        charge, _ = ledger.charge(
            ds.name,
            epsilon,
            delta,
            kind="synth",
            purpose=p.name,
            details={"file": out.name, "columns": [c.name for c in used], "method": "MST"},
            release=lambda: None,
        )
        mirror = Mirror(self.ws)
        table = mirror.sync(ds, policy.salt or ds.table_name, p.name if p.needs_consent else None)
        selects = ["CAST(_sid AS VARCHAR) AS _subject"] + [
            f'"{c.sql_name}" AS "{c.name}"'
            if c.dtype in NUMERIC
            else f'CAST("{c.sql_name}" AS VARCHAR) AS "{c.name}"'
            for c in used
        ]
        lawful = f" WHERE (_lawful & {table.lawful_bit}) <> 0" if table.lawful_bit is not None else ""
        cur = mirror.connection()
        try:
            data = cur.sql(f'SELECT {", ".join(selects)} FROM "{table.table}"{lawful}').to_arrow_table()  # noqa: S608
        finally:
            cur.close()
        try:
            result = synthesize(
                data,
                "_subject",
                specs,
                epsilon=epsilon,
                delta=delta,
                max_rows_per_subject=policy.max_rows_per_subject,
                rows=rows,
                seed=seed,
            )
        except InputError as exc:
            raise InputError(
                f"{exc.message} (the budget was charged: epsilon={epsilon:g}, delta={delta:g})"
            ) from exc
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
