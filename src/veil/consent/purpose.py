"""Processing purposes: a name, a lawful basis (GDPR Art. 6), a retention period."""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from veil import clock
from veil.errors import ConflictError, InputError, NotFoundError, did_you_mean
from veil.schema import purposes

if TYPE_CHECKING:
    from veil.workspace import Workspace

__all__ = ["LawfulBasis", "Purpose", "PurposeRegistry", "validate_name"]

_NAME = re.compile(r"^[a-z][a-z0-9_-]{0,63}$")


class LawfulBasis(StrEnum):
    CONSENT = "consent"
    CONTRACT = "contract"
    LEGAL_OBLIGATION = "legal_obligation"
    VITAL_INTERESTS = "vital_interests"
    PUBLIC_TASK = "public_task"
    LEGITIMATE_INTERESTS = "legitimate_interests"


def validate_name(kind: str, name: str) -> str:
    if not _NAME.match(name):
        raise InputError(
            f"invalid {kind} name {name!r}: use 1-64 lowercase letters, digits, '_' or '-', "
            "starting with a letter"
        )
    return name


@dataclass(frozen=True, slots=True)
class Purpose:
    name: str
    basis: LawfulBasis
    retention_days: int
    description: str = ""
    #: Column categories a release for this purpose may include (None: all but direct ids).
    categories: tuple[str, ...] | None = None
    created_at: str = ""
    #: Every release for the purpose must be k-anonymous over the dataset's quasi-identifiers
    #: with this k (None: no requirement; enforced by ``veil.vault.release``).
    require_k: int | None = None

    @property
    def needs_consent(self) -> bool:
        return self.basis is LawfulBasis.CONSENT

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["basis"] = self.basis.value
        data["categories"] = list(self.categories) if self.categories is not None else None
        return data


class PurposeRegistry:
    def __init__(self, ws: Workspace) -> None:
        self.ws = ws

    def add(
        self,
        name: str,
        basis: LawfulBasis | str,
        retention_days: int,
        description: str = "",
        categories: tuple[str, ...] | None = None,
        require_k: int | None = None,
    ) -> Purpose:
        validate_name("purpose", name)
        try:
            basis = LawfulBasis(basis)
        except ValueError:
            raise InputError(
                f"unknown lawful basis {basis!r}; choose one of: " + ", ".join(b.value for b in LawfulBasis)
            ) from None
        if retention_days < 0:
            raise InputError("retention days must be zero or more")
        if require_k is not None and require_k < 2:
            raise InputError("--require-k must be 2 or more (every record alike to at least k-1 others)")
        purpose = Purpose(name, basis, retention_days, description, categories, clock.now_iso(), require_k)
        with self.ws.transaction() as conn:
            if _get(conn, name) is not None:
                raise ConflictError(f"purpose {name!r} already exists")
            conn.execute(
                purposes.insert().values(
                    name=name,
                    basis=basis.value,
                    retention_days=retention_days,
                    description=description,
                    categories=json.dumps(list(categories)) if categories is not None else None,
                    created_at=purpose.created_at,
                    require_k=require_k,
                )
            )
            self.ws.audit.append(
                conn,
                "purpose.add",
                purpose=name,
                details={"basis": basis.value, "retention_days": retention_days}
                | ({"require_k": require_k} if require_k is not None else {}),
            )
        return purpose

    def set_retention(self, name: str, retention_days: int) -> Purpose:
        """Change how long data processed for the purpose is kept (audited; the next
        `veil retention enforce` applies it; reports resting on the old period become outdated)."""
        if retention_days < 0:
            raise InputError("retention days must be zero or more")
        with self.ws.transaction() as conn:
            before = self.get(name, conn)
            change = purposes.update().where(purposes.c.name == name).values(retention_days=retention_days)
            conn.execute(change)
            self.ws.audit.append(
                conn,
                "purpose.retention",
                purpose=name,
                details={"before": before.retention_days, "retention_days": retention_days},
            )
        return self.get(name)

    def list(self) -> list[Purpose]:
        with self.ws.engine.connect() as conn:
            return [_purpose(r) for r in conn.execute(sa.select(purposes).order_by(purposes.c.name))]

    def get(self, name: str, conn: Connection | None = None) -> Purpose:
        if conn is None:
            with self.ws.engine.connect() as own:
                found = _get(own, name)
        else:
            found = _get(conn, name)
        if found is None:
            query = sa.select(purposes.c.name)
            if conn is None:
                with self.ws.engine.connect() as own:
                    known = list(own.execute(query).scalars())
            else:
                known = list(conn.execute(query).scalars())
            hint = did_you_mean(name, known) or f" Add it with `veil purpose add {name} ...`."
            raise NotFoundError(f"no purpose {name!r}.{hint}")
        return found


def _get(conn: Connection, name: str) -> Purpose | None:
    row = conn.execute(sa.select(purposes).where(purposes.c.name == name)).first()
    return None if row is None else _purpose(row)


def _purpose(row: Any) -> Purpose:
    cats = json.loads(row.categories) if row.categories else None
    return Purpose(
        name=row.name,
        basis=LawfulBasis(row.basis),
        retention_days=int(row.retention_days),
        description=row.description or "",
        categories=tuple(cats) if cats is not None else None,
        created_at=row.created_at,
        require_k=int(row.require_k) if row.require_k is not None else None,
    )
