"""Synthesis as a job: what ``veil synth`` does (MST, charged first; see veil.dp.synthesis).

``out`` is a path on the server: a route that submits this kind chooses it (never the caller).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from veil.errors import InputError
from veil.jobs.kind import JobKind, Progress
from veil.jobs.kinds.audit_probe import first_entry
from veil.jobs.kinds.params import ParamReader

if TYPE_CHECKING:
    from veil.jobs.record import JobRecord
    from veil.workspace import Workspace

__all__ = ["SYNTHESIS", "SynthesisParams"]


@dataclass(frozen=True, slots=True)
class SynthesisParams:
    """The options of ``veil synth``."""

    dataset: str
    purpose: str
    epsilon: float
    out: str
    delta: float = 0.0
    columns: tuple[str, ...] | None = None
    rows: int | None = None
    seed: int | None = None

    @classmethod
    def parse(cls, params: Mapping[str, Any]) -> SynthesisParams:
        r = ParamReader("synthesis", params)
        p = cls(
            dataset=r.text("dataset"),
            purpose=r.text("purpose"),
            epsilon=r.number("epsilon"),
            out=r.text("out"),
            delta=r.number("delta", 0.0),
            columns=r.names("columns"),
            rows=r.integer("rows", None, low=1),
            seed=r.integer("seed", None),
        )
        r.done()
        if not Path(p.out).is_absolute():
            raise InputError("parameter 'out' of a synthesis job must be an absolute path")
        return p


def _run(ws: Workspace, params: Mapping[str, Any], progress: Progress) -> dict[str, Any]:
    from veil.dp.synthesis import Synthesizer

    p = SynthesisParams.parse(params)
    progress(0, 1)  # the one point where a cancellation stops it: before anything ran
    result = Synthesizer(ws).run(
        p.dataset,
        p.purpose,
        p.epsilon,
        Path(p.out),
        delta=p.delta,
        columns=list(p.columns) if p.columns is not None else None,
        rows=p.rows,
        seed=p.seed,
    )
    return result.to_dict()


def _check(params: Mapping[str, Any]) -> dict[str, Any]:
    data = asdict(SynthesisParams.parse(params))
    if data["columns"] is not None:
        data["columns"] = list(data["columns"])
    return {k: v for k, v in data.items() if v is not None}


def _committed(ws: Workspace, job: JobRecord) -> str | None:
    charged = first_entry(ws, job, "dp.synth", dataset=str(job.params.get("dataset")))
    if charged is None:
        return None
    out = Path(str(job.params.get("out")))
    written = out.is_file() and job.started_at is not None and _mtime_iso(out) >= job.started_at
    return (
        f"interrupted by a server restart after the privacy budget was charged (audit entry {charged}); "
        "the charge stands; "
        + (
            "the synthetic file was written, its result was not recorded"
            if written
            else "no file was written"
        )
    )


def _mtime_iso(path: Path) -> str:
    from datetime import UTC, datetime

    from veil.clock import format_ts

    return format_ts(datetime.fromtimestamp(path.stat().st_mtime, UTC))


SYNTHESIS = JobKind(
    "synthesis",
    _run,
    interrupted=(
        "interrupted by a server restart before the privacy budget was charged; nothing of it was applied"
    ),
    check=_check,
    committed=_committed,
)
