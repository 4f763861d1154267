"""A federated site's data: its purpose-bound extract, read through the release gate.

Each site of a federated run (:mod:`veil.ml.federated`) is one Veil workspace. What it
trains on is a :class:`~veil.vault.release.Release` of the declared dataset for the
declared purpose: only subjects lawful there now (consent, retention, no erasure under
way), only the declared features and the target, each a column the purpose allows (a
sealed or disallowed column is refused with
:class:`~veil.errors.ColumnNotAllowedError`, at :func:`preflight` before any process
starts). The read is audit-logged with the subjects it included.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from veil.errors import ConsentError, InputError, VeilError
from veil.ml.federated_spec import FederatedSpec
from veil.vault.release import Release

if TYPE_CHECKING:
    from veil.workspace import Workspace

__all__ = ["AUDIT_ACTION", "SiteData", "load_site", "preflight", "site_release"]

FloatArray = npt.NDArray[np.float64]
AUDIT_ACTION = "ml.federated.read"


@dataclass(frozen=True, slots=True)
class SiteData:
    x_train: FloatArray
    y_train: FloatArray
    x_holdout: FloatArray
    y_holdout: FloatArray
    subjects: int


def _in_holdout(pseudonym: str, fraction: float) -> bool:
    # The pseudonym is already an HMAC; hashing it again decorrelates the split from it.
    h = int.from_bytes(hashlib.sha256(pseudonym.encode()).digest()[:8], "big")
    return (h / 2**64) < fraction


def site_release(ws: Workspace, spec: FederatedSpec) -> tuple[Release, list[Any]]:
    """The site's release and the checked columns it reads (features, then the target)."""
    gate = Release.open(ws, spec.dataset, spec.purpose, actor="veil federated")
    return gate, [gate.column(n) for n in [*spec.features, spec.target]]


def load_site(
    ws: Workspace, spec: FederatedSpec, holdout: float, *, audit_details: dict[str, Any] | None = None
) -> SiteData:
    """Read and encode this site's purpose-bound extract; the read is audit-logged."""
    gate, cols = site_release(ws, spec)
    target = cols[-1]
    with ws.transaction() as conn:
        erasing = gate.erasing()
        rows = list(gate.read(cols, non_null=[target], conn=conn, erasing=erasing))
        if not rows:
            raise ConsentError(
                f"no lawful rows with a {spec.target!r} value for purpose {gate.purpose.name!r} in dataset "
                f"{gate.dataset.name!r} (basis {gate.purpose.basis.value}: record consent, or use another "
                "purpose)"
            )
        entry = ws.audit.append(
            conn,
            AUDIT_ACTION,
            purpose=gate.purpose.name,
            dataset=gate.dataset.name,
            subjects=gate.subjects_of(cols, non_null=[target], erasing=erasing),
            details={
                "rows": len(rows),
                "columns": [*spec.features, spec.target],
                "basis": gate.purpose.basis.value,
                **(audit_details or {}),
            },
        )
    names = [*spec.features, spec.target]
    hold = np.array([_in_holdout(str(r[0]), holdout) for r in rows], dtype=bool)
    columns = {name: [r[i + 1] for r in rows] for i, name in enumerate(names)}
    x = spec.encode(columns, len(rows))
    y = spec.labels(columns[spec.target])
    return SiteData(x[~hold], y[~hold], x[hold], y[hold], entry.subject_count)


def preflight(sites: Sequence[Path], spec: FederatedSpec, *, secagg: bool = False) -> list[int]:
    """Check every site before any process starts; returns each site's lawful row count."""
    from veil.workspace import Workspace

    if len(sites) < 2:
        raise InputError("federated learning needs at least two sites (--site WS1 --site WS2)")
    if secagg and len(sites) < 3:
        raise InputError("SecAgg+ needs at least three sites (with two, each could subtract its own update)")
    if len({p.resolve() for p in sites}) != len(sites):
        raise InputError("a site is named twice: each --site must be a different workspace")
    counts: list[int] = []
    for i, path in enumerate(sites, 1):
        ws = Workspace.open(path)
        try:
            gate, cols = site_release(ws, spec)
            n = gate.count(non_null=[cols[-1]], rows=True)
        except VeilError as exc:
            raise type(exc)(f"site {i} ({path}): {exc.message}") from exc
        finally:
            ws.close()
        if n == 0:
            raise ConsentError(
                f"site {i} ({path}) has no lawful subjects for purpose {spec.purpose!r} in dataset "
                f"{spec.dataset!r}: record consent there, or leave the site out"
            )
        counts.append(n)
    return counts
