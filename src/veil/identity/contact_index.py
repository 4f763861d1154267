"""Finding a subject by the e-mail address the vault holds for them (the portal's sign-in).

Addresses are sealed under each subject's key, so they cannot be searched. This index keeps,
per subject, only a keyed hash of their address (HMAC-SHA256 of the trimmed, lower-cased
address under the key store's named secret ``portal-contact-hmac``, apart from the data
store) and their pseudonym: a copy of the data store tells no one an address.

:meth:`ContactIndex.refresh` brings it up to date from the vault: it reads again the subjects
seen (ingested, their consent recorded) since the last refresh, less :data:`OVERLAP` for
writers that committed late, opening each one's address with their key
(:func:`veil.identity.contact.subject_contact`); the high-water mark is kept in ``veil_meta``.
An erasure deletes the subject's rows (:mod:`veil.identity.otp_erasure`).
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
from datetime import timedelta
from typing import TYPE_CHECKING

import sqlalchemy as sa

from veil import clock
from veil.identity.contact import subject_contact
from veil.schema import portal_contacts, subjects, workspace_meta

if TYPE_CHECKING:
    from veil.workspace import Workspace

__all__ = ["HMAC_SECRET", "OVERLAP", "ContactIndex"]

HMAC_SECRET = "portal-contact-hmac"  # noqa: S105 - the name of a key-store secret
#: Subjects seen this long before the last refresh are read again (writers commit late).
OVERLAP = timedelta(minutes=10)
_MARK = "portal_contacts_seen_at"


class ContactIndex:
    """Keyed hashes of subjects' e-mail addresses -> pseudonyms (see the module docstring)."""

    def __init__(self, ws: Workspace) -> None:
        self.ws = ws
        self._key: bytes | None = None

    def mac(self, email: str) -> str:
        if self._key is None:
            self._key = self.ws.keystore.secret(HMAC_SECRET)
        return hmac.new(self._key, email.strip().lower().encode(), hashlib.sha256).hexdigest()

    def refresh(self) -> int:
        """Index the subjects seen since the last refresh; how many were read."""
        started = clock.now()
        with self.ws.engine.connect() as conn:
            mark = conn.execute(
                sa.select(workspace_meta.c.value).where(workspace_meta.c.key == _MARK)
            ).scalar()
            query = sa.select(subjects.c.pseudonym)
            if mark is not None:
                since = clock.format_ts(clock.parse_ts(str(mark)) - OVERLAP)
                query = query.where(subjects.c.last_seen_at >= since)
            seen = [str(r[0]) for r in conn.execute(query)]
        rows = []
        for pseudonym in seen:
            contact = subject_contact(self.ws, pseudonym)
            if contact is not None and contact.email is not None:
                rows.append({"mac": self.mac(contact.email), "pseudonym": pseudonym})
        # another process refreshing the same subjects at the same time: its rows stand
        with contextlib.suppress(sa.exc.IntegrityError):
            self._store(seen, rows, mark, clock.format_ts(started))
        return len(seen)

    def _store(self, seen: list[str], rows: list[dict[str, str]], mark: object, stamp: str) -> None:
        with self.ws.transaction() as conn:
            for i in range(0, len(seen), 500):
                conn.execute(
                    portal_contacts.delete().where(portal_contacts.c.pseudonym.in_(seen[i : i + 500]))
                )
            if rows:
                conn.execute(portal_contacts.insert(), rows)
            if mark is None:
                conn.execute(workspace_meta.insert().values(key=_MARK, value=stamp))
            else:
                conn.execute(workspace_meta.update().where(workspace_meta.c.key == _MARK).values(value=stamp))

    def lookup(self, email: str) -> str | None:
        """The pseudonym of the one subject whose address is ``email`` (None: none, or several)."""
        with self.ws.engine.connect() as conn:
            found = [
                str(r[0])
                for r in conn.execute(
                    sa.select(portal_contacts.c.pseudonym)
                    .where(portal_contacts.c.mac == self.mac(email))
                    .limit(2)
                )
            ]
        return found[0] if len(found) == 1 else None

    def forget(self, pseudonyms: list[str]) -> int:
        with self.ws.transaction() as conn:
            result = conn.execute(portal_contacts.delete().where(portal_contacts.c.pseudonym.in_(pseudonyms)))
        return int(result.rowcount or 0)
