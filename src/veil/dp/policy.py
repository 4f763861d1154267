"""A dataset's differential-privacy policy: the privacy unit and its bounds.

The privacy unit is the subject. A policy declares how much one subject may
contribute (``max_rows_per_subject``, ``max_groups_per_subject``), clamp bounds
for numeric columns, and public key sets for columns analysts group by. It is
set with ``veil dataset set`` (or a schema file's ``dp:`` section) and read by
the planner; nothing here looks at the data, so nothing here leaks.
"""

from __future__ import annotations

import json
import math
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from veil import clock
from veil.errors import InputError
from veil.schema import dp_policies
from veil.vault.dataset import Dataset, DatasetCatalog, DType
from veil.vault.release import stored_among

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

    from veil.workspace import Workspace

__all__ = [
    "BOUND_MAX",
    "BOUND_MIN",
    "DpPolicy",
    "PolicyStore",
    "check_bounds",
    "effective_salt",
    "normalise_key",
    "parse_bounds",
    "parse_keys",
    "policy_from_mapping",
    "unmatched_keys",
]

NUMERIC = (DType.INT, DType.FLOAT)
MAX_KEYS = 100_000
#: Clamp bounds are 0 or between BOUND_MIN and BOUND_MAX in magnitude, so that no engine can
#: overflow or underflow on a clamped value (squares for variances, histogram bins): PostgreSQL
#: raises on both, and a failure that depends on the data would leak it.
BOUND_MAX = 1e100
BOUND_MIN = 1e-100


def check_bounds(name: str, lo: float, hi: float) -> None:
    """Refuse clamp bounds no engine can use without overflow or underflow on some value."""
    if not (math.isfinite(lo) and math.isfinite(hi)) or lo >= hi:
        raise InputError(f"bounds for {name!r} must be finite with low < high (got {lo}:{hi})")
    for b in (lo, hi):
        if b != 0 and not BOUND_MIN <= abs(b) <= BOUND_MAX:
            raise InputError(
                f"bounds for {name!r}: each bound must be 0 or between {BOUND_MIN:g} and {BOUND_MAX:g} "
                f"in magnitude (got {b:g})"
            )


@dataclass(frozen=True, slots=True)
class DpPolicy:
    """Contribution bounds for one dataset (defaults: one row, one group per subject)."""

    max_rows_per_subject: int = 1
    max_groups_per_subject: int = 1
    bounds: Mapping[str, tuple[float, float]] = field(default_factory=dict)
    keys: Mapping[str, tuple[Any, ...]] = field(default_factory=dict)
    #: Random per-dataset salt for the order in which a subject's surplus rows are dropped.
    salt: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "max_rows_per_subject": self.max_rows_per_subject,
            "max_groups_per_subject": self.max_groups_per_subject,
            "bounds": {k: list(v) for k, v in sorted(self.bounds.items())},
            "keys": {k: list(v) for k, v in sorted(self.keys.items())},
        }

    def to_json(self) -> str:
        data = self.to_dict()
        data["salt"] = self.salt
        return json.dumps(data, sort_keys=True, separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str) -> DpPolicy:
        data = json.loads(text)
        return cls(
            max_rows_per_subject=int(data["max_rows_per_subject"]),
            max_groups_per_subject=int(data["max_groups_per_subject"]),
            bounds={k: (float(v[0]), float(v[1])) for k, v in data["bounds"].items()},
            keys={k: tuple(v) for k, v in data["keys"].items()},
            salt=str(data.get("salt", "")),
        )

    def validate(self, ds: Dataset) -> None:
        if self.max_rows_per_subject < 1:
            raise InputError("max rows per subject must be at least 1")
        if self.max_groups_per_subject < 1:
            raise InputError("max groups per subject must be at least 1")
        for name, (lo, hi) in self.bounds.items():
            col = ds.column(name)
            if col.dtype not in NUMERIC:
                raise InputError(f"bounds: column {name!r} is {col.dtype.value}, not a number")
            check_bounds(name, lo, hi)
        for name, values in self.keys.items():
            col = ds.column(name)
            if col.sealed:
                raise InputError(f"column {name!r} is a sealed identifier; it cannot be a group key")
            if not values:
                raise InputError(f"the key set for {name!r} is empty")
            if len(values) > MAX_KEYS:
                raise InputError(f"the key set for {name!r} has more than {MAX_KEYS} values")


def effective_salt(policy: DpPolicy, ds: Dataset) -> str:
    """The policy's salt, or (a policy never saved) one derived from the dataset's table name.

    Every reader of the mirror uses this one, so a query and a synthesis never make the
    mirror rebuild itself for a different salt."""
    if policy.salt:
        return policy.salt
    import hashlib

    return hashlib.sha256(f"veil-dp|{ds.table_name}".encode()).hexdigest()[:32]


def normalise_key(value: str) -> str:
    """A declared text key as queries compare it: without leading and trailing spaces.

    Exactly what SQL ``TRIM(x)`` does on DuckDB, PostgreSQL, Spark and SQLite (spaces
    only, not tabs or newlines), which the planner applies to the stored values of a text
    column with declared keys: both sides are normalised the same way.
    """
    return value.strip(" ")


def unmatched_keys(ws: Workspace, ds: Dataset, keys: Mapping[str, tuple[Any, ...]]) -> dict[str, list[Any]]:
    """Declared key values that no stored row holds (after the same normalisation).

    This looks at the data, so it is for whoever declares the keys (``veil dataset set``,
    the data steward), never for query output: a query that said "no row has key X" would
    disclose it without a charge. See docs/threat-model.md.
    """
    out: dict[str, list[Any]] = {}
    for name, values in keys.items():
        col = ds.column(name)
        found = stored_among(ws, ds, col, list(values), trim=col.dtype is DType.TEXT)
        missing = [v for v in values if v not in found]
        if missing:
            out[name] = missing
    return out


def parse_bounds(items: Sequence[str]) -> dict[str, tuple[float, float]]:
    """``["income=0:200000", "age=0:120"]`` -> ``{"income": (0.0, 200000.0), ...}``."""
    out: dict[str, tuple[float, float]] = {}
    for item in items:
        name, sep, rng = item.partition("=")
        lo, sep2, hi = rng.partition(":")
        try:
            if not (sep and sep2 and name.strip()):
                raise ValueError
            out[name.strip()] = (float(lo), float(hi))
        except ValueError:
            raise InputError(f"bounds {item!r}: write COLUMN=LOW:HIGH, e.g. income=0:200000") from None
    return out


def parse_keys(items: Sequence[str], ds: Dataset) -> dict[str, tuple[Any, ...]]:
    """``["state=CA,NY,TX"]`` or ``["state=@states.txt"]`` (one value per line) -> key sets.

    Values are typed by the column (ints for int columns), so they compare equal
    to what the engine groups by.
    """
    from pathlib import Path

    out: dict[str, tuple[Any, ...]] = {}
    for item in items:
        name, sep, spec = item.partition("=")
        name = name.strip()
        if not sep or not name:
            raise InputError(f"keys {item!r}: write COLUMN=V1,V2,... or COLUMN=@FILE")
        if spec.startswith("@"):
            path = Path(spec[1:])
            try:
                raw = [normalise_key(line) for line in path.read_text(encoding="utf-8").splitlines()]
            except OSError as exc:
                raise InputError(f"keys for {name!r}: cannot read {path}: {exc.strerror}") from None
        else:
            raw = [normalise_key(v) for v in spec.split(",")]
        values = [v for v in dict.fromkeys(raw) if v != ""]
        col = ds.column(name)
        try:
            if col.dtype is DType.INT:
                typed: list[Any] = [int(v) for v in values]
            elif col.dtype is DType.FLOAT:
                typed = [float(v) for v in values]
            elif col.dtype is DType.BOOL:
                typed = [v.lower() in {"true", "1", "yes"} for v in values]
            else:
                typed = values
        except ValueError:
            raise InputError(f"keys for {name!r}: values must be {col.dtype.value}s") from None
        out[name] = tuple(dict.fromkeys(typed))
    return out


def policy_from_mapping(spec: Mapping[str, Any], ds: Dataset) -> dict[str, Any]:
    """A schema file's ``dp:`` section -> keyword arguments of :meth:`PolicyStore.update`."""
    out: dict[str, Any] = {}
    for key in ("max_rows_per_subject", "max_groups_per_subject"):
        if spec.get(key) is not None:
            try:
                out[key] = int(spec[key])
            except (TypeError, ValueError):
                raise InputError(f"dp.{key} must be a whole number") from None
    bounds = spec.get("bounds") or {}
    if not isinstance(bounds, dict):
        raise InputError("dp.bounds maps a column to [low, high]")
    items = []
    for name, pair in bounds.items():
        if not (isinstance(pair, list | tuple) and len(pair) == 2):
            raise InputError(f"dp.bounds.{name} must be [low, high]")
        items.append(f"{name}={pair[0]}:{pair[1]}")
    out["bounds"] = parse_bounds(items)
    keys = spec.get("keys") or {}
    if not isinstance(keys, dict) or not all(isinstance(v, list) for v in keys.values()):
        raise InputError("dp.keys maps a column to a list of values")
    out["keys"] = parse_keys([f"{k}={','.join(str(x) for x in v)}" for k, v in keys.items()], ds)
    return out


class PolicyStore:
    """Reads and writes dataset policies (one JSON document per dataset)."""

    def __init__(self, ws: Workspace) -> None:
        self.ws = ws

    def get(self, dataset: str, conn: Connection | None = None) -> DpPolicy:
        query = sa.select(dp_policies.c.policy).where(dp_policies.c.dataset == dataset)
        if conn is None:
            with self.ws.engine.connect() as c:
                text = c.execute(query).scalar_one_or_none()
        else:
            text = conn.execute(query).scalar_one_or_none()
        return DpPolicy.from_json(text) if text else DpPolicy()

    def update(
        self,
        dataset: str,
        *,
        max_rows_per_subject: int | None = None,
        max_groups_per_subject: int | None = None,
        bounds: Mapping[str, tuple[float, float]] | None = None,
        keys: Mapping[str, tuple[Any, ...]] | None = None,
        drop_keys: Sequence[str] = (),
    ) -> DpPolicy:
        """Merge the given settings into the dataset's policy (audited)."""
        ds = DatasetCatalog(self.ws).get(dataset)
        with self.ws.transaction() as conn:
            old = self.get(dataset, conn)
            new = replace(
                old,
                max_rows_per_subject=max_rows_per_subject or old.max_rows_per_subject,
                max_groups_per_subject=max_groups_per_subject or old.max_groups_per_subject,
                bounds={**old.bounds, **(bounds or {})},
                keys={k: v for k, v in {**old.keys, **(keys or {})}.items() if k not in drop_keys},
                salt=old.salt or secrets.token_hex(16),
            )
            if max_rows_per_subject is not None and max_rows_per_subject < 1:
                raise InputError("max rows per subject must be at least 1")
            if max_groups_per_subject is not None and max_groups_per_subject < 1:
                raise InputError("max groups per subject must be at least 1")
            new.validate(ds)
            now = clock.now_iso()
            exists = conn.execute(
                sa.select(dp_policies.c.dataset).where(dp_policies.c.dataset == dataset)
            ).first()
            if exists:
                conn.execute(
                    dp_policies.update()
                    .where(dp_policies.c.dataset == dataset)
                    .values(policy=new.to_json(), updated_at=now)
                )
            else:
                conn.execute(
                    dp_policies.insert().values(dataset=dataset, policy=new.to_json(), updated_at=now)
                )
            # Key sets can be long; the audit entry records which columns have one, not the values.
            summary = new.to_dict()
            summary["keys"] = {k: len(v) for k, v in new.keys.items()}
            self.ws.audit.append(conn, "dp.policy", dataset=dataset, details=summary)
        return new
