"""What only people know about a purpose, declared by the DPO and kept beside Veil's facts.

Records of processing and DPIAs need facts no software can observe: who receives the data
(Art. 30(1)(d)), transfers to third countries and their safeguards (30(1)(e)), the categories
of data subjects (30(1)(c)), and four of WP248's nine screening criteria (systematic
monitoring, vulnerable subjects, automated decisions with legal or similar effect, processing
that prevents exercising a right). They are declared per purpose (``veil purpose declare``),
audited, and reports cite them as "declared by <actor> at <time>" — never as Veil's findings.
An undeclared screening answer stays unknown (None), and the DPIA says so.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from veil import clock
from veil.consent.purpose import PurposeRegistry
from veil.errors import InputError
from veil.schema import purpose_declarations

if TYPE_CHECKING:
    from veil.workspace import Workspace

__all__ = ["LIST_KEYS", "SCREENING_KEYS", "Declarations", "PurposeDeclarations"]

#: Declarations that are lists of short texts.
LIST_KEYS = ("recipients", "transfers", "subject_categories", "processors")
#: WP248 criteria Veil cannot compute: yes / no, or unknown until declared.
SCREENING_KEYS = ("systematic_monitoring", "vulnerable_subjects", "automated_decisions", "prevents_rights")
_MAX_ITEM = 300
_MAX_ITEMS = 50


@dataclass
class Declarations:
    purpose: str
    recipients: list[str] = field(default_factory=list)
    transfers: list[str] = field(default_factory=list)
    subject_categories: list[str] = field(default_factory=list)
    processors: list[str] = field(default_factory=list)
    systematic_monitoring: bool | None = None
    vulnerable_subjects: bool | None = None
    automated_decisions: bool | None = None
    prevents_rights: bool | None = None
    #: key -> (actor, time) of its latest declaration
    declared: dict[str, tuple[str, str]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def source(self, key: str) -> str | None:
        if key not in self.declared:
            return None
        actor, at = self.declared[key]
        return f"declared by {actor} at {at}"


def _clean_list(key: str, values: list[str]) -> list[str]:
    out: list[str] = []
    for value in values:
        text = " ".join(value.split())
        if not text:
            raise InputError(f"an empty {key} entry")
        if len(text) > _MAX_ITEM:
            raise InputError(f"a {key} entry is longer than {_MAX_ITEM} characters")
        if text not in out:
            out.append(text)
    if len(out) > _MAX_ITEMS:
        raise InputError(f"at most {_MAX_ITEMS} {key}")
    return out


class PurposeDeclarations:
    def __init__(self, ws: Workspace) -> None:
        self.ws = ws

    def get(self, purpose: str) -> Declarations:
        out = Declarations(purpose)
        with self.ws.engine.connect() as conn:
            rows = conn.execute(
                sa.select(purpose_declarations).where(purpose_declarations.c.purpose == purpose)
            ).all()
        for row in rows:
            if row.key in LIST_KEYS or row.key in SCREENING_KEYS:
                setattr(out, row.key, json.loads(row.value))
                out.declared[str(row.key)] = (str(row.declared_by), str(row.declared_at))
        return out

    def declare(self, purpose: str, values: dict[str, Any]) -> Declarations:
        """Set the given keys (a list replaces the list; a screening answer is True/False/None)."""
        PurposeRegistry(self.ws).get(purpose)  # a clear error for an unknown purpose
        clean: dict[str, Any] = {}
        for key, value in values.items():
            if key in LIST_KEYS:
                clean[key] = _clean_list(key, list(value))
            elif key in SCREENING_KEYS:
                if value is not None and not isinstance(value, bool):
                    raise InputError(f"{key} is yes, no or unknown")
                clean[key] = value
            else:
                raise InputError(
                    f"unknown declaration {key!r}; one of {', '.join(LIST_KEYS + SCREENING_KEYS)}"
                )
        if not clean:
            raise InputError("nothing to declare")
        now = clock.now_iso()
        with self.ws.transaction() as conn:
            for key, value in clean.items():
                conn.execute(
                    purpose_declarations.delete().where(
                        purpose_declarations.c.purpose == purpose, purpose_declarations.c.key == key
                    )
                )
                conn.execute(
                    purpose_declarations.insert().values(
                        purpose=purpose,
                        key=key,
                        value=json.dumps(value),
                        declared_by=self.ws.actor,
                        declared_at=now,
                    )
                )
            self.ws.audit.append(conn, "purpose.declare", purpose=purpose, details={"keys": sorted(clean)})
        return self.get(purpose)
