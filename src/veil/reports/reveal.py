"""Revealing the subject id behind one pseudonym: a staff action, scoped and audited.

Staff lists show pseudonyms (keyed hashes); a role that may read subjects' data
(``subjects:read``) can ask for the id behind one of them, giving a reason from
:class:`RevealReason`. The id is decrypted with the subject's data key and an audit entry
``subject.reveal`` (the subject's pseudonym among its subjects, the reason) is written in the
same transaction, before the id is returned: no reveal goes unrecorded. An erased subject
(or a pseudonym Veil never held) reveals nothing (:class:`~veil.errors.NotFoundError`).
"""

from __future__ import annotations

import re
from enum import StrEnum

import sqlalchemy as sa

from veil.errors import InputError, NotFoundError
from veil.schema import subjects
from veil.vault.subject import SubjectVault
from veil.workspace import Workspace

__all__ = ["REVEAL_ACTION", "RevealReason", "reveal_subject"]

REVEAL_ACTION = "subject.reveal"
_PSEUDONYM = re.compile(r"^[0-9a-f]{32}$")


class RevealReason(StrEnum):
    """Why a member of staff looked a subject's id up (recorded in the audit entry)."""

    REQUEST_HANDLING = "request_handling"  # answering the subject's own request
    IDENTITY_VERIFICATION = "identity_verification"
    LEGAL_OBLIGATION = "legal_obligation"
    DATA_QUALITY = "data_quality"


def reveal_subject(ws: Workspace, pseudonym: str, reason: RevealReason | str) -> str:
    """The subject id behind ``pseudonym``, after the audit entry of the reveal is written."""
    try:
        why = RevealReason(str(reason))
    except ValueError:
        raise InputError(f"reason must be one of {', '.join(r.value for r in RevealReason)}") from None
    if not _PSEUDONYM.match(pseudonym):
        raise InputError("a pseudonym is 32 hexadecimal digits")
    key = ws.keystore.get(pseudonym)
    if key is None:
        raise NotFoundError("no subject with this pseudonym (never held, or erased)")
    with ws.transaction() as conn:
        row = conn.execute(sa.select(subjects.c.external_id).where(subjects.c.pseudonym == pseudonym)).first()
        if row is None:
            raise NotFoundError("no subject with this pseudonym (never held, or erased)")
        subject_id = SubjectVault.external_id(key, bytes(row[0]))
        ws.audit.append(conn, REVEAL_ACTION, subjects=[pseudonym], details={"reason": why.value})
    return subject_id
