"""Where to reach a data subject: an e-mail address the vault holds for them.

The portal sends its sign-in code to a contact Veil already holds, never to one the person
types in. The address is a direct identifier, sealed under the subject's data key: it is
opened here, with that key, only to send the code, and is never stored or logged elsewhere.
Columns are tried in a fixed order (datasets by name; in each, columns named like an e-mail
first), and the first value that reads as one address wins.

:func:`subject_contact` does the same reads for a pseudonym Veil does not hold (they find
nothing), so looking someone up costs about the same whether or not they exist.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

import sqlalchemy as sa

from veil.schema import subjects
from veil.vault.category import ColumnCategory
from veil.vault.dataset import PSEUDONYM, ROW, DatasetCatalog
from veil.vault.subject import SubjectVault

if TYPE_CHECKING:
    from veil.workspace import Workspace

__all__ = ["Contact", "is_email", "subject_contact"]

_EMAIL = re.compile(
    r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9-]+)+$"
)


def is_email(value: str) -> bool:
    """Whether ``value`` is one plain e-mail address (no display name, no list)."""
    return len(value) <= 254 and _EMAIL.match(value) is not None


@dataclass(frozen=True, slots=True)
class Contact:
    """A subject Veil holds: their id (opened from the vault) and an address, if any."""

    pseudonym: str
    subject_id: str
    email: str | None

    def __repr__(self) -> str:  # never the id or the address
        return f"Contact(pseudonym={self.pseudonym!r}, has_email={self.email is not None})"


def subject_contact(ws: Workspace, pseudonym: str) -> Contact | None:
    """The subject's id and e-mail address, or None when Veil holds no live subject ``pseudonym``."""
    key = ws.keystore.get(pseudonym)
    email: str | None = None
    with ws.engine.connect() as conn:
        row = conn.execute(sa.select(subjects.c.external_id).where(subjects.c.pseudonym == pseudonym)).first()
        for ds in sorted(DatasetCatalog(ws).list(), key=lambda d: d.name):
            cols = sorted(
                (c for c in ds.columns if c.category is ColumnCategory.DIRECT_IDENTIFIER),
                key=lambda c: (0 if "mail" in c.name.lower() else 1, c.position),
            )
            if not cols or email is not None:
                continue
            t = ds.table
            query = (
                sa.select(t.c[ROW], *[t.c[c.sql_name] for c in cols])
                .where(t.c[PSEUDONYM] == pseudonym)
                .order_by(t.c[ROW])
            )
            for found in conn.execute(query):
                if key is None:
                    break
                for col, blob in zip(cols, found[1:], strict=True):
                    if blob is None:
                        continue
                    value = key.open_field(bytes(blob), dataset=ds.name, row_id=found[0], column=col.sql_name)
                    if is_email(value.strip()):
                        email = value.strip()
                        break
                if email is not None:
                    break
    if row is None or key is None:
        return None
    return Contact(pseudonym, SubjectVault.external_id(key, bytes(row[0])), email)
